"""A throwaway Prefect for the tests, set up on first import (before Prefect is imported): a
PREFECT_HOME in a temp dir, removed at exit, and no PREFECT_API_URL, so that flows run against
Prefect's ephemeral server, as ``python flow.py`` does for a user with no server configured.
Offline: nothing is sent anywhere else.

Prefect 3's ephemeral server is a child process (``SubprocessASGIServer``) started by the first
flow run, with this process's environment: so it imports ``docket`` (pydocket, the server's
dependency) with this client installed beside it, which is the clash the import name
``docket_client`` removed (test_import_names.py). It replaces a ``prefect server start`` that
these tests ran in a separate process, without the client on its path, while both packages were
called ``docket``: that was a workaround, and the ephemeral server is also what the example's
README now tells users to run."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

HOME = tempfile.mkdtemp(prefix="docket-prefect-")
atexit.register(shutil.rmtree, HOME, True)
os.environ.pop("PREFECT_API_URL", None)
os.environ.update(
    {
        "PREFECT_HOME": HOME,
        "PREFECT_SERVER_EPHEMERAL_ENABLED": "true",
        # Its first start migrates a new SQLite database: slow on a loaded CI machine.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
)
# The API is local: never through a proxy from the environment.
os.environ["NO_PROXY"] = ",".join(filter(None, ["127.0.0.1,localhost", os.environ.get("NO_PROXY")]))

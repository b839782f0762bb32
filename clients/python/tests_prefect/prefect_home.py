"""A throwaway Prefect for the tests, set up on first import (before Prefect is imported): a
PREFECT_HOME in a temp dir and a Prefect API server (``prefect server start``, SQLite) in a child
process on a free local port, stopped and removed at exit; flows then run in the test process
against it (PREFECT_API_URL). Offline: nothing is sent anywhere else.

Why not Prefect's ephemeral in-process server: the server imports ``docket``, the import name of
its dependency ``pydocket``, which this client's ``docket`` shadows in the test process. The
server's process runs without the client on its path, as a Prefect server does in production."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HOME = tempfile.mkdtemp(prefix="docket-prefect-")
atexit.register(shutil.rmtree, HOME, True)
os.environ.update({"PREFECT_HOME": HOME, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})
# The API is local: never through a proxy from the environment.
os.environ["NO_PROXY"] = ",".join(filter(None, ["127.0.0.1,localhost", os.environ.get("NO_PROXY")]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = _free_port()
API_URL = f"http://127.0.0.1:{PORT}/api"
_server_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PREFECT_API_URL")}
_log = open(os.path.join(HOME, "server.log"), "w")  # noqa: SIM115 - open until exit
_server = subprocess.Popen(
    [os.path.join(os.path.dirname(sys.executable), "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(PORT)],
    env=_server_env,
    cwd=HOME,
    stdout=_log,
    stderr=subprocess.STDOUT,
)


def _stop() -> None:
    if _server.poll() is None:
        _server.terminate()
        try:
            _server.wait(30)
        except subprocess.TimeoutExpired:
            _server.kill()
    _log.close()


atexit.register(_stop)
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Its first start migrates the database: slow on a loaded CI machine, hence the long wait.
_deadline = time.monotonic() + 600
while True:
    try:
        with _opener.open(f"{API_URL}/health", timeout=5) as response:
            if response.status == 200:
                break
    except OSError:
        pass
    if _server.poll() is not None or time.monotonic() > _deadline:
        _stop()
        with open(os.path.join(HOME, "server.log")) as log:
            raise RuntimeError(f"prefect server start failed: {log.read()[-4000:]}")
    time.sleep(0.5)
os.environ["PREFECT_API_URL"] = API_URL

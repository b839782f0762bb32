"""A throwaway Airflow installation for the tests, made once per process on first import: an
AIRFLOW_HOME in a temp dir (removed at exit), no example DAGs, its metadata database migrated
(SQLite), and a DAGs folder into which each test folder copies the DAG files it runs with
``dag.test()`` (which finds a DAG through the DAGs folder, so it must be there)."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Iterable

HOME = tempfile.mkdtemp(prefix="docket-airflow-")
DAGS = os.path.join(HOME, "dags")
os.makedirs(DAGS)
atexit.register(shutil.rmtree, HOME, True)
# Set before Airflow is first imported: it reads its configuration once.
os.environ.update({"AIRFLOW_HOME": HOME, "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__CORE__DAGS_FOLDER": DAGS})
_done = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True, timeout=900)
if _done.returncode != 0:
    raise RuntimeError(f"airflow db migrate failed: {_done.stdout[-2000:]}{_done.stderr[-4000:]}")


def add_dags(paths: Iterable[str]) -> None:
    """Copies DAG files into the DAGs folder.

    Example::

        add_dags([os.path.join(HERE, "loan_approval.py")])
    """
    for path in paths:
        shutil.copy(path, os.path.join(DAGS, os.path.basename(path)))

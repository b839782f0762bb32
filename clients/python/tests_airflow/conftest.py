"""The Airflow helper's tests, run in their own virtualenv with Airflow from PyPI (see
scripts/run-python-tests.mjs): a throwaway Airflow (airflow_home) and a real Docket server."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "dags"))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import airflow_home  # noqa: E402

airflow_home.add_dags([os.path.join(HERE, "dags", "docket_helper_dag.py")])

from conftest_shared import keys, server, tmp_dir  # noqa: E402,F401

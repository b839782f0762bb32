"""The example's tests use the Python client's Airflow test setup (a throwaway Airflow with this
DAG in its DAGs folder) and its test server (a real `docket serve`)."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python", "tests_airflow"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python", "tests"))
os.environ["LOAN_APPROVAL_DATA"] = HERE

import airflow_home  # noqa: E402

airflow_home.add_dags([os.path.join(HERE, "loan_approval.py")])

from conftest_shared import keys, server  # noqa: E402,F401

"""The example's tests use the Python client's Prefect test setup (a throwaway Prefect API server)
and its test server (a real `docket serve`)."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python", "tests_prefect"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python", "tests"))

import prefect_home  # noqa: E402,F401

from conftest_shared import keys, server  # noqa: E402,F401

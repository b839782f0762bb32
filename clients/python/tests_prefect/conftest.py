"""The Prefect helper's tests, run in their own virtualenv with Prefect from PyPI (see
scripts/run-python-tests.mjs): a throwaway Prefect (prefect_home) and a real Docket server."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import prefect_home  # noqa: E402,F401

from conftest_shared import keys, server, tmp_dir  # noqa: E402,F401

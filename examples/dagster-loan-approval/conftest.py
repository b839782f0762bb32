"""The example's tests use the Python client's test server (a real `docket serve`)."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python", "tests"))

from conftest_shared import keys, server  # noqa: E402,F401

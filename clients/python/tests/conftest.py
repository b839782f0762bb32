"""The client's tests: fixtures from conftest_shared (shared with examples/)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from conftest_shared import keys, own_server, server, tmp_dir  # noqa: E402,F401

"""What a user installs: ``pip install ./clients/python`` and the wheel it builds, each into a
fresh virtualenv (not this test run's, where the client is installed editable), then a script
run by that virtualenv's Python captures a decision into a real server. The wheel ships
``py.typed`` and the record schema; the installed package is the copy in site-packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile

import pytest

CLIENT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

CAPTURE = """
import json, os, sys
import docket_client as docket
client = docket.Docket(url=os.environ["DOCKET_URL"], api_key=os.environ["DOCKET_API_KEY"], handle_exit=False)
decision_id = client.capture({"agent": {"id": "fresh-venv", "version": "1.0.0"}, "outcome": {"action": "approve"}})
flushed = client.flush(20)
client.shutdown(5)
print(json.dumps({"id": decision_id, "flushed": flushed, "accepted": client.stats().accepted, "file": docket.__file__}))
"""


def _python(env_dir: str) -> str:
    return os.path.join(env_dir, "Scripts" if os.name == "nt" else "bin", "python.exe" if os.name == "nt" else "python")


def _fresh_venv(path: str) -> str:
    # Without pip of its own (ensurepip takes seconds): this run's pip installs into it (--python).
    venv.EnvBuilder(with_pip=False, clear=True).create(path)
    return _python(path)


def _pip(python: str, *args: str) -> None:
    # The parent's PIP_* settings stay (an index mirror, a cache); the client has no dependency,
    # and its build backend (flit_core) comes from the index or pip's cache.
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--disable-pip-version-check", "--no-input", "--quiet", *args],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _capture_with(python: str, server, key: str, cwd: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_") and k != "PYTHONPATH"}
    env.update({"DOCKET_URL": server.url, "DOCKET_API_KEY": key})
    # cwd outside the source tree, so that `import docket` can only find the installed copy.
    result = subprocess.run([python, "-c", CAPTURE], capture_output=True, text=True, env=env, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "--no-deps", "--quiet", "-w", str(out), CLIENT],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = [name for name in os.listdir(out) if name.endswith(".whl")]
    return str(out / built)


def test_the_wheel_ships_py_typed_and_the_schema_and_no_tests(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "docket_client/py.typed" in names
    assert "docket_client/decision-v1.schema.json" in names
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n or n.endswith(".pyc")]


@pytest.mark.parametrize("source", ["directory", "wheel"])
def test_a_fresh_virtualenv_installs_the_client_and_captures(source, wheel, tmp_path, server, keys):
    python = _fresh_venv(str(tmp_path / "venv"))
    _pip(python, CLIENT if source == "directory" else wheel)
    result = _capture_with(python, server, keys.ingest, str(tmp_path))
    assert result["flushed"] is True and result["accepted"] == 1
    installed = os.path.dirname(result["file"])
    assert installed.startswith(str(tmp_path / "venv")), installed
    assert os.path.isfile(os.path.join(installed, "py.typed"))
    assert server.wait_for(keys.auditor, [result["id"]])

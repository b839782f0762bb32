"""The README and docs Python snippets that import Airflow run as written in its virtualenv against a
real server (clients/python/tests/readme_snippets.py)."""

from __future__ import annotations

import pytest

from readme_snippets import python_snippets, run_snippet

SNIPPETS = [s for s in python_snippets() if s.runs and s.orchestrator == "airflow"]


def test_the_rule_finds_a_airflow_snippet():
    assert SNIPPETS


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.where)
def test_a_snippet_runs_as_written(snippet, server, keys, tmp_dir):
    done = run_snippet(snippet, server.url, keys.ingest, tmp_dir)
    assert done.returncode == 0, done.stderr[-4000:]

"""The README and docs Python snippets that need neither Airflow nor Prefect run as written in
this virtualenv against a real server (readme_snippets.py); those are run by tests_airflow and
tests_prefect."""

from __future__ import annotations

import pytest

from readme_snippets import python_snippets, run_snippet

SNIPPETS = [s for s in python_snippets() if s.runs and s.orchestrator is None]


def test_the_rule_finds_the_client_readme_snippets():
    files = {s.file for s in SNIPPETS}
    assert "clients/python/README.md" in files
    assert len(SNIPPETS) >= 3
    assert {s.orchestrator for s in python_snippets() if s.runs} == {None, "airflow", "prefect"}


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.where)
def test_a_snippet_runs_as_written(snippet, server, keys, tmp_dir):
    before = len(server.decisions(keys.auditor))
    done = run_snippet(snippet, server.url, keys.ingest, tmp_dir)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stderr == "", done.stderr[-4000:]
    # A snippet that captures a decision delivers it before it exits (shutdown, or at exit).
    if ".capture(" in snippet.code or "decide(" in snippet.code:
        assert len(server.decisions(keys.auditor)) > before

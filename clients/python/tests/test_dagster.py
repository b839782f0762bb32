"""The Dagster helper with a real Dagster (materialize, execute_in_process, execute_job) and a
real Docket server: decisions carry the run's identity; a failing step loses nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from dagster import materialize

import docket_client as docket
from docket_client import Docket
from docket_client.dagster import dagster_run, orchestrator_ids

import dagster_defs
from dagster_defs import AGENT, failing_job, flaky_job, loan_decisions


@pytest.fixture
def client(server, keys):
    errors = []
    c = Docket(url=server.url, api_key=keys.ingest, flush_interval_ms=10, on_error=errors.append, handle_exit=False)
    c.errors = errors
    docket.set_default_docket(c)
    yield c
    docket.set_default_docket(None)
    c.shutdown(5)


def test_a_partitioned_asset_records_decisions_with_the_run_identity(client, server, keys):
    result = materialize([loan_decisions], partition_key="2024-11-05")
    assert result.success
    assert client.flush(10)
    items = server.decisions(keys.auditor, runId=result.run_id)
    assert len(items) == 2
    for item in items:
        content = item["content"]
        assert content["agent"] == AGENT
        assert content["correlation"]["orchestrator"] == {
            "kind": "dagster",
            "runId": result.run_id,
            "job": result.job_def.name,
            "step": "underwriting__loan_decisions",
            "partition": "2024-11-05",
            "attempt": 0,
            "assetKey": "underwriting/loan_decisions",
        }
        assert content["metadata"]["dagster"]["op"] == "underwriting__loan_decisions"
    targets = sorted(item["content"]["outcome"]["target"] for item in items)
    assert targets == ["loan-application/2024-11-05-0", "loan-application/2024-11-05-1"]
    assert sorted(item["content"]["outcome"]["action"] for item in items) == ["approve", "decline"]
    assert client.errors == []


def test_a_retried_op_records_each_attempt(client, server, keys):
    result = flaky_job.execute_in_process(raise_on_error=False)
    assert result.success
    assert client.flush(10)
    items = server.decisions(keys.auditor, runId=result.run_id)
    attempts = sorted((i["content"]["correlation"]["orchestrator"]["attempt"], i["content"]["outcome"]["target"]) for i in items)
    assert attempts == [(0, "loan-application/attempt-0"), (1, "loan-application/attempt-1")]
    for item in items:
        orchestrator = item["content"]["correlation"]["orchestrator"]
        assert (orchestrator["job"], orchestrator["step"]) == ("flaky_job", "flaky_step")
        assert "partition" not in orchestrator and "assetKey" not in orchestrator


def test_a_failing_op_in_process_keeps_the_decisions_made_before_it_failed(client, server, keys):
    result = failing_job.execute_in_process(raise_on_error=False)
    assert not result.success
    assert client.flush(10)
    items = server.decisions(keys.auditor, runId=result.run_id)
    assert sorted(i["content"]["outcome"]["target"] for i in items) == [
        "loan-application/before-failure-1",
        "loan-application/before-failure-2",
    ]


def test_a_failing_step_process_delivers_its_decisions_at_exit(server, keys, tmp_dir):
    # Dagster's multiprocess executor: the step runs in its own process, raises, and the process
    # ends. Nobody calls flush(): the client's exit hook delivers (or spools) what was captured.
    env = {
        **os.environ,
        "DOCKET_URL": server.url,
        "DOCKET_API_KEY": keys.ingest,
        "DOCKET_SPOOL_DIR": os.path.join(tmp_dir, "spool"),
        "DAGSTER_TEST_HOME": os.path.join(tmp_dir, "dagster"),
        "PYTHONPATH": os.path.dirname(dagster_defs.__file__) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    done = subprocess.run([sys.executable, dagster_defs.__file__], env=env, capture_output=True, text=True, timeout=180)
    line = next((l for l in done.stdout.splitlines() if l.startswith("RUN ")), None)
    assert line is not None, done.stdout[-2000:] + done.stderr[-4000:]
    _, run_id, success = line.split()
    assert success == "False"
    items = server.decisions(keys.auditor, runId=run_id)
    assert sorted(i["content"]["outcome"]["target"] for i in items) == [
        "loan-application/before-failure-1",
        "loan-application/before-failure-2",
    ]
    assert {i["content"]["correlation"]["orchestrator"]["step"] for i in items} == {"failing_step"}


def test_outside_a_run_nothing_is_added_and_nothing_raises(client):
    with dagster_run() as ids:
        assert ids == {}
    with pytest.raises(docket.DocketError) as caught:
        orchestrator_ids()
    assert caught.value.code == "DAGSTER_NO_CONTEXT"
    assert dagster_defs.underwrite("outside", 0.1) == "approve"  # recorded, without orchestrator ids
    assert client.errors == []

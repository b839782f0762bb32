"""The Airflow helper with a real Airflow (``dag.test()``) and a real Docket server: each decision
made in a task carries the DAG run, task, try number and map index; a retried try is recorded
with its own try number."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import docket_client as docket
from docket_client import Docket
from docket_client.airflow import airflow_run, orchestrator_ids, record

from docket_helper_dag import AGENT, helper_dag


@pytest.fixture
def client(server, keys):
    errors = []
    c = Docket(url=server.url, api_key=keys.ingest, flush_interval_ms=10, on_error=errors.append, handle_exit=False)
    c.errors = errors
    docket.set_default_docket(c)
    yield c
    docket.set_default_docket(None)
    c.shutdown(5)


def test_a_dag_run_records_each_task_decision_with_the_airflow_context(client, server, keys):
    dag_run = helper_dag.test()
    assert str(dag_run.state) in ("success", "DagRunState.SUCCESS")
    assert client.flush(10)
    items = server.decisions(keys.auditor, runId=dag_run.run_id)
    by_target = {i["content"]["outcome"]["target"]: i["content"] for i in items}
    assert sorted(by_target) == [
        "loan-application/LA-1/try-1",
        "loan-application/LA-2/try-1",
        "loan-application/LA-2/try-2",
        "loan-batch/capture",
        "loan-batch/summary",
    ]
    logical_date = dag_run.logical_date.isoformat() if dag_run.logical_date else None
    for target, (map_index, try_number) in {
        "loan-application/LA-1/try-1": (0, 1),
        "loan-application/LA-2/try-1": (1, 1),
        "loan-application/LA-2/try-2": (1, 2),
    }.items():
        content = by_target[target]
        assert content["agent"] == AGENT
        assert content["correlation"]["orchestrator"] == {
            "kind": "airflow",
            "runId": dag_run.run_id,
            "job": "docket_helper_dag",
            "step": "underwrite",
            "attempt": try_number - 1,
        }
        expected = {"tryNumber": try_number, "mapIndex": map_index}
        if logical_date is not None:
            expected["logicalDate"] = logical_date
        assert content["metadata"]["airflow"] == expected
    # The failed first try of LA-2 is recorded with its error; the retry that succeeded without.
    assert by_target["loan-application/LA-2/try-1"]["metadata"]["error"]["message"] == "the credit bureau timed out"
    assert "error" not in by_target["loan-application/LA-2/try-2"]["metadata"]
    summary = by_target["loan-batch/summary"]
    assert summary["correlation"]["orchestrator"] == {"kind": "airflow", "runId": dag_run.run_id, "job": "docket_helper_dag", "step": "summarize", "attempt": 0}
    assert summary["metadata"]["airflow"]["mapIndex"] == -1 and summary["metadata"]["airflow"]["tryNumber"] == 1
    assert summary["outcome"]["value"] == ["LA-1", "LA-2"]
    captured = by_target["loan-batch/capture"]
    assert captured["correlation"]["orchestrator"] == summary["correlation"]["orchestrator"]
    assert client.errors == []


def test_outside_a_task_nothing_is_added_and_nothing_raises(client, server, keys):
    with airflow_run() as ids:
        assert ids == {}
    with pytest.raises(docket.DocketError) as caught:
        orchestrator_ids()
    assert caught.value.code == "AIRFLOW_NO_CONTEXT"
    with record(agent=AGENT, goal="outside a task") as decision:
        decision.decide({"action": "approve", "target": "loan-application/outside"}, 0.5)
    assert client.flush(10)
    content = server.wait_for(keys.auditor, [decision.id])[decision.id]
    assert "orchestrator" not in content.get("correlation", {})
    assert client.errors == []


def test_importing_docket_does_not_import_airflow():
    code = "import sys, docket_client, docket_client.airflow, docket_client.prefect, docket_client.dagster; print(sorted(m for m in ('airflow', 'prefect', 'dagster') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

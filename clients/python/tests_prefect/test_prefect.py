"""The Prefect helper with a real Prefect (a flow run in-process against the ephemeral API) and a
real Docket server: each decision made in a task carries the flow run, flow, task, task run and
retry; a retried task run is recorded with its own run count."""

from __future__ import annotations

import pytest

import docket_client as docket
from docket_client import Docket
from docket_client.prefect import orchestrator_ids, prefect_run, record

from helper_flow import AGENT, loan_helper_flow


@pytest.fixture
def client(server, keys):
    errors = []
    c = Docket(url=server.url, api_key=keys.ingest, flush_interval_ms=10, on_error=errors.append, handle_exit=False)
    c.errors = errors
    docket.set_default_docket(c)
    yield c
    docket.set_default_docket(None)
    c.shutdown(5)


def test_a_flow_run_records_each_task_decision_with_the_prefect_context(client, server, keys):
    state = loan_helper_flow(return_state=True)
    assert state.is_completed()
    assert state.result() == ["LA-1", "LA-2"]
    flow_run_id = str(state.state_details.flow_run_id)
    assert client.flush(10)
    items = server.decisions(keys.auditor, runId=flow_run_id)
    by_target = {i["content"]["outcome"]["target"]: i["content"] for i in items}
    assert sorted(by_target) == ["loan-application/LA-1/run-1", "loan-application/LA-2/run-1", "loan-application/LA-2/run-2", "loan-batch/flow-body"]
    flow_run_name = by_target["loan-application/LA-1/run-1"]["metadata"]["prefect"]["flowRunName"]
    task_run_ids = {}
    for target, run_count in {"loan-application/LA-1/run-1": 1, "loan-application/LA-2/run-1": 1, "loan-application/LA-2/run-2": 2}.items():
        content = by_target[target]
        assert content["agent"] == AGENT
        assert content["correlation"]["orchestrator"] == {
            "kind": "prefect",
            "runId": flow_run_id,
            "job": "loan-helper-flow",
            "step": "underwrite",
            "attempt": run_count - 1,
        }
        extra = content["metadata"]["prefect"]
        assert extra["runCount"] == run_count and extra["flowRunCount"] == 1
        assert extra["flowRunName"] == flow_run_name and extra["taskRunName"].startswith("underwrite-")
        task_run_ids[target] = extra["taskRunId"]
    # A retry is the same task run, run again; the other call is another task run.
    assert task_run_ids["loan-application/LA-2/run-1"] == task_run_ids["loan-application/LA-2/run-2"]
    assert task_run_ids["loan-application/LA-1/run-1"] != task_run_ids["loan-application/LA-2/run-1"]
    assert by_target["loan-application/LA-2/run-1"]["metadata"]["error"]["message"] == "the credit bureau timed out"
    body = by_target["loan-batch/flow-body"]
    assert body["correlation"]["orchestrator"] == {"kind": "prefect", "runId": flow_run_id, "job": "loan-helper-flow", "attempt": 0}
    assert body["outcome"]["value"] == ["LA-1", "LA-2"]
    assert client.errors == []


def test_outside_a_run_nothing_is_added_and_nothing_raises(client, server, keys):
    with prefect_run() as ids:
        assert ids == {}
    with pytest.raises(docket.DocketError) as caught:
        orchestrator_ids()
    assert caught.value.code == "PREFECT_NO_CONTEXT"
    with record(agent=AGENT, goal="outside a run") as decision:
        decision.decide({"action": "approve", "target": "loan-application/outside"}, 0.5)
    assert client.flush(10)
    content = server.wait_for(keys.auditor, [decision.id])[decision.id]
    assert "orchestrator" not in content.get("correlation", {})
    assert client.errors == []

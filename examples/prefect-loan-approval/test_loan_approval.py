"""Runs the example's flow in-process against a Prefect API server and a real Docket server, and
reads the decisions back from the ledger by flow run id."""

from __future__ import annotations

import docket_client as docket
from docket_client import Docket


def test_the_loan_approval_flow_records_each_decision_with_the_prefect_run(server, keys):
    errors = []
    client = Docket(url=server.url, api_key=keys.ingest, redact={"detectors": "all"}, on_error=errors.append, handle_exit=False)
    docket.set_default_docket(client)
    try:
        from loan_approval import loan_approval

        state = loan_approval("2024-11-05", return_state=True)
        assert state.is_completed()
        assert state.result() == {"approve": 1, "refer": 1, "decline": 1}
        assert client.flush(10)
    finally:
        docket.set_default_docket(None)
        client.shutdown(5)
    flow_run_id = str(state.state_details.flow_run_id)
    items = server.decisions(keys.auditor, runId=flow_run_id)
    by_target = {i["content"]["outcome"]["target"]: i["content"] for i in items}
    assert sorted(by_target) == [f"loan-application/LA-2024-8821{n}" for n in (3, 4, 5)]
    assert [by_target[f"loan-application/LA-2024-8821{n}"]["outcome"]["action"] for n in (3, 4, 5)] == ["approve", "decline", "refer"]
    declined = by_target["loan-application/LA-2024-88214"]
    assert declined["outcome"]["value"]["reasons"] == [
        "Debt-to-income ratio above policy limit",
        "Credit score below policy minimum",
        "Recent delinquencies",
    ]
    assert declined["tools"][0]["name"] == "credit_bureau.get_report"
    assert declined["policy"] == {"id": "consumer-lending", "version": "2024.10"}
    task_runs = set()
    for content in by_target.values():
        assert content["correlation"]["orchestrator"] == {
            "kind": "prefect",
            "runId": flow_run_id,
            "job": "loan-approval",
            "step": "underwrite",
            "attempt": 0,
        }
        task_runs.add(content["metadata"]["prefect"]["taskRunId"])
    assert len(task_runs) == 3  # one task run per application
    assert errors == []

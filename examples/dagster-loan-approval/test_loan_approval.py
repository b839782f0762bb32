"""Materializes the example's partitioned asset against a real Docket server and reads the
decisions back from the ledger by Dagster run id."""

from __future__ import annotations

from dagster import materialize

import docket_client as docket
from docket_client import Docket


def test_the_loan_approval_step_records_each_decision_with_the_dagster_run(server, keys):
    errors = []
    client = Docket(url=server.url, api_key=keys.ingest, redact={"detectors": "all"}, on_error=errors.append, handle_exit=False)
    docket.set_default_docket(client)
    try:
        from loan_approval import defs, loan_decisions

        assert defs.get_assets_def("loan_decisions") is loan_decisions
        result = materialize([loan_decisions], partition_key="2024-11-05")
        assert result.success
        assert client.flush(10)
    finally:
        docket.set_default_docket(None)
        client.shutdown(5)
    items = server.decisions(keys.auditor, runId=result.run_id)
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
    orchestrator = declined["correlation"]["orchestrator"]
    assert orchestrator == {
        "kind": "dagster",
        "runId": result.run_id,
        "job": result.job_def.name,
        "step": "loan_decisions",
        "partition": "2024-11-05",
        "attempt": 0,
        "assetKey": "loan_decisions",
    }
    assert errors == []

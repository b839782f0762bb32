"""Runs the example's DAG with ``dag.test()`` against a real Docket server and reads the decisions
back from the ledger by Airflow run id."""

from __future__ import annotations

import docket_client as docket
from docket_client import Docket


def test_the_loan_approval_dag_records_each_decision_with_the_airflow_run(server, keys):
    errors = []
    client = Docket(url=server.url, api_key=keys.ingest, redact={"detectors": "all"}, on_error=errors.append, handle_exit=False)
    docket.set_default_docket(client)
    try:
        from loan_approval import loan_approval_dag

        run = loan_approval_dag.test()
        assert "success" in str(run.state).lower()
        assert client.flush(10)
    finally:
        docket.set_default_docket(None)
        client.shutdown(5)
    items = server.decisions(keys.auditor, runId=run.run_id)
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
    for n, map_index in ((3, 0), (4, 1), (5, 2)):
        content = by_target[f"loan-application/LA-2024-8821{n}"]
        assert content["correlation"]["orchestrator"] == {
            "kind": "airflow",
            "runId": run.run_id,
            "job": "loan_approval",
            "step": "underwrite",
            "attempt": 0,
        }
        assert content["metadata"]["airflow"]["mapIndex"] == map_index
        assert content["metadata"]["airflow"]["tryNumber"] == 1
    assert errors == []

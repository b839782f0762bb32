"""The flow the Prefect helper's tests run in-process: a task submitted to the thread pool, a task
called directly whose first run fails, and a capture in the flow body inside a prefect_run()
scope."""

from __future__ import annotations

from prefect import flow, task

from docket_client import consider, decide, default_docket
from docket_client.prefect import prefect_run, record

AGENT = {"id": "py-prefect-tests", "version": "1.0.0"}
_runs: dict = {}


@task(retries=1, retry_delay_seconds=0)
@record(agent=AGENT, goal="Approve the application?")
def underwrite(application: dict) -> str:
    run = _runs[application["id"]] = _runs.get(application["id"], 0) + 1
    consider("decline", score=application["dti"])
    decide({"action": "approve" if application["dti"] < 0.43 else "decline", "target": f"loan-application/{application['id']}/run-{run}"}, 0.9)
    if application.get("fail_first_run") and run == 1:
        raise RuntimeError("the credit bureau timed out")
    return application["id"]


@flow(name="loan-helper-flow")
def loan_helper_flow() -> list:
    first = underwrite.submit({"id": "LA-1", "dti": 0.31})
    second = underwrite({"id": "LA-2", "dti": 0.52, "fail_first_run": True})
    ids = [first.result(), second]
    with prefect_run():
        default_docket().capture({"agent": AGENT, "outcome": {"action": "captured", "target": "loan-batch/flow-body", "value": ids}})
    return ids

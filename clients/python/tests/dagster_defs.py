"""Dagster definitions the tests run (a module, so that a multiprocess run can reconstruct them)."""

from __future__ import annotations

import os

from dagster import DailyPartitionsDefinition, RetryPolicy, asset, job, op

from docket_client import consider, decide
from docket_client.dagster import record

AGENT = {"id": "py-dagster-tests", "version": "1.0.0"}
daily = DailyPartitionsDefinition(start_date="2024-11-01")


@record(agent=AGENT, goal="Approve the application?")
def underwrite(application_id: str, dti: float) -> str:
    consider("decline", score=round(dti, 2))
    action = "approve" if dti < 0.43 else "decline"
    decide({"action": action, "target": f"loan-application/{application_id}"}, 0.9)
    return action


@asset(partitions_def=daily, key_prefix=["underwriting"])
def loan_decisions(context) -> list:
    return [underwrite(f"{context.partition_key}-{i}", dti) for i, dti in enumerate([0.31, 0.52])]


@op(retry_policy=RetryPolicy(max_retries=1))
def flaky_step(context) -> None:
    underwrite(f"attempt-{context.retry_number}", 0.2)
    if context.retry_number == 0:
        raise RuntimeError("the bureau timed out")


@job
def flaky_job():
    flaky_step()


@op
def failing_step() -> None:
    underwrite("before-failure-1", 0.2)
    underwrite("before-failure-2", 0.6)
    raise RuntimeError("the scoring service is down")


@job
def failing_job():
    failing_step()


if __name__ == "__main__":
    # A separate process, with Dagster's multiprocess executor (each step in its own process)
    # and a client made from DOCKET_URL/DOCKET_API_KEY: nothing here flushes on purpose.
    from dagster import DagsterInstance, execute_job, reconstructable

    os.makedirs(os.environ["DAGSTER_TEST_HOME"], exist_ok=True)
    with DagsterInstance.local_temp(os.environ["DAGSTER_TEST_HOME"]) as instance:
        result = execute_job(reconstructable(failing_job), instance=instance, raise_on_error=False)
        print("RUN", result.run_id, result.success, flush=True)

"""The DAG the Airflow helper's tests run with ``dag.test()``: a mapped task whose second instance
fails its first try, a task that passes Airflow's ``context`` explicitly, and a capture inside an
``airflow_run`` scope. (Airflow reads this folder as its DAGs folder.)"""

from __future__ import annotations

import datetime

from airflow.sdk import dag, task

from docket_client import consider, decide, default_docket
from docket_client.airflow import airflow_run, record

AGENT = {"id": "py-airflow-tests", "version": "1.0.0"}


@task(retries=1, retry_delay=datetime.timedelta(seconds=0))
@record(agent=AGENT, goal="Approve the application?")
def underwrite(application: dict, **context) -> str:
    ti = context["ti"]
    consider("decline", score=application["dti"])
    decide({"action": "approve" if application["dti"] < 0.43 else "decline", "target": f"loan-application/{application['id']}/try-{ti.try_number}"}, 0.9)
    if application.get("fail_first_try") and ti.try_number == 1:
        raise RuntimeError("the credit bureau timed out")
    return application["id"]


@task
def summarize(ids: list, **context) -> None:
    # The context passed explicitly, and a plain capture inside an airflow_run() scope.
    with record(agent=AGENT, goal="Summarize the day", airflow_context=context):
        decide({"action": "summarized", "target": "loan-batch/summary", "value": sorted(ids)}, 1.0)
    with airflow_run(context):
        default_docket().capture({"agent": AGENT, "outcome": {"action": "captured", "target": "loan-batch/capture"}})


@dag(dag_id="docket_helper_dag", schedule=None, start_date=datetime.datetime(2024, 11, 1), catchup=False)
def docket_helper_dag():
    ids = underwrite.expand(application=[{"id": "LA-1", "dti": 0.31}, {"id": "LA-2", "dti": 0.52, "fail_first_try": True}])
    summarize(ids)


helper_dag = docket_helper_dag()

"""A loan-approval DAG in Airflow: a task reads the day's applications, an underwriting agent
decides each one in a mapped task (retried if the credit bureau fails), a last task counts the
decisions. Docket adds two lines (marked ◀ Docket)."""

from __future__ import annotations

import datetime
import json
import os
import time
from pathlib import Path

from airflow.sdk import Param, dag, task

from docket_client import consider, decide, reason, tool
from docket_client.airflow import record  # ◀ Docket (1/2)

HERE = Path(__file__).parent
# Airflow may parse a copy of this file in its DAGs folder: the data files are found through
# LOAN_APPROVAL_DATA when set, else beside the file.
DATA = Path(os.environ.get("LOAN_APPROVAL_DATA", HERE))
POLICY = {"id": "consumer-lending", "version": "2024.10"}
MAX_DTI = 0.43
MIN_SCORE = 620
REFER_SCORE = 680


def monthly_payment(amount: float, term_months: int, apr: float = 0.089) -> float:
    rate = apr / 12
    return amount * rate / (1 - (1 + rate) ** -term_months)


def credit_report(applicant: str) -> dict:
    """The credit bureau (here a file; in production an HTTP call)."""
    started = time.perf_counter()
    report = json.loads((DATA / "credit_bureau.json").read_text())[applicant]
    tool("credit_bureau.get_report", {"applicant": applicant}, report, duration=round((time.perf_counter() - started) * 1000, 3))
    return report


@task
def applications(**context) -> list:
    """The applications received on the day given as the run's ``day`` parameter."""
    return json.loads((DATA / "applications.json").read_text()).get(context["params"]["day"], [])


@task(retries=2, retry_delay=datetime.timedelta(seconds=5))
@record(agent={"id": "loan-underwriter", "version": "3.2.0"}, policy=POLICY, goal="Approve, refer or decline the application")  # ◀ Docket (2/2)
def underwrite(application: dict) -> dict:
    report = credit_report(application["applicant"])
    payment = monthly_payment(application["amount"], application["term_months"])
    dti = (application["monthly_debt"] + payment) / (application["annual_income"] / 12)
    reason(f"DTI {dti:.2f} against a limit of {MAX_DTI}", kind="rule", data={"dti": round(dti, 4), "limit": MAX_DTI})
    reason(f"Credit score {report['score']} (minimum {MIN_SCORE}, refer below {REFER_SCORE})", kind="rule", data={"score": report["score"]})
    reasons = []
    if dti > MAX_DTI:
        reasons.append("Debt-to-income ratio above policy limit")
    if report["score"] < MIN_SCORE:
        reasons.append("Credit score below policy minimum")
    if report["delinquencies_24m"] >= 2:
        reasons.append("Recent delinquencies")
    if reasons:
        action, confidence = "decline", 0.93
    elif report["score"] < REFER_SCORE:
        action, confidence = "refer", 0.7
    else:
        action, confidence = "approve", 0.88
    consider("approve", score=0.88 if action == "approve" else 0.2, reason="; ".join(reasons) or "within policy")
    consider("refer", score=0.7 if action == "refer" else 0.3)
    consider("decline", score=0.93 if action == "decline" else 0.1, reason="; ".join(reasons) or "no adverse factor")
    decide({"action": action, "target": f"loan-application/{application['id']}", "value": {"amount": application["amount"], "reasons": reasons}}, confidence)
    return {"application": application["id"], "decision": action, "reasons": reasons}


@task
def counts(decisions: list) -> dict:
    return {action: sum(d["decision"] == action for d in decisions) for action in ("approve", "refer", "decline")}


@dag(
    dag_id="loan_approval",
    schedule=None,
    start_date=datetime.datetime(2024, 11, 1),
    catchup=False,
    params={"day": Param("2024-11-05", type="string")},
    tags=["underwriting"],
)
def loan_approval():
    counts(underwrite.expand(application=applications()))


loan_approval_dag = loan_approval()

if __name__ == "__main__":
    run = loan_approval_dag.test()
    print(f"RUN {run.run_id} {run.state}")

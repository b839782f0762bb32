"""A loan-approval flow in Prefect: a task reads the day's applications, an underwriting agent
decides each one in a mapped task (retried if the credit bureau fails), the flow counts the
decisions. Docket adds two lines (marked ◀ Docket)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from prefect import flow, task

from docket_client import consider, decide, reason, tool
from docket_client.prefect import record  # ◀ Docket (1/2)

DATA = Path(__file__).parent
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
def applications(day: str) -> list:
    """The applications received on ``day``."""
    return json.loads((DATA / "applications.json").read_text()).get(day, [])


@task(retries=2, retry_delay_seconds=5)
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


@flow(name="loan-approval")
def loan_approval(day: str = "2024-11-05") -> dict:
    decisions = underwrite.map(applications(day)).result()
    return {action: sum(d["decision"] == action for d in decisions) for action in ("approve", "refer", "decline")}


if __name__ == "__main__":
    print(loan_approval(*sys.argv[1:2]))

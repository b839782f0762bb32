"""A loan-approval step in a Dagster project: a daily-partitioned asset reads the day's
applications and an underwriting agent decides each one. Docket adds two lines (marked ◀ Docket)."""

import json
import time
from pathlib import Path

from dagster import AssetExecutionContext, DailyPartitionsDefinition, Definitions, MaterializeResult, asset

from docket_client import consider, decide, reason, tool
from docket_client.dagster import record  # ◀ Docket (1/2)

HERE = Path(__file__).parent
POLICY = {"id": "consumer-lending", "version": "2024.10"}
MAX_DTI = 0.43
MIN_SCORE = 620
REFER_SCORE = 680
daily = DailyPartitionsDefinition(start_date="2024-11-01")


def monthly_payment(amount: float, term_months: int, apr: float = 0.089) -> float:
    rate = apr / 12
    return amount * rate / (1 - (1 + rate) ** -term_months)


def credit_report(applicant: str) -> dict:
    """The credit bureau (here a file; in production an HTTP call)."""
    started = time.perf_counter()
    report = json.loads((HERE / "credit_bureau.json").read_text())[applicant]
    tool("credit_bureau.get_report", {"applicant": applicant}, report, duration=round((time.perf_counter() - started) * 1000, 3))
    return report


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


@asset(partitions_def=daily, group_name="underwriting")
def loan_decisions(context: AssetExecutionContext) -> MaterializeResult:
    """Decides every application received on the partition's day."""
    applications = json.loads((HERE / "applications.json").read_text()).get(context.partition_key, [])
    decisions = [underwrite(application) for application in applications]
    context.log.info("decided %d applications", len(decisions))
    counts = {action: sum(d["decision"] == action for d in decisions) for action in ("approve", "refer", "decline")}
    return MaterializeResult(metadata={"applications": len(decisions), **counts})


defs = Definitions(assets=[loan_decisions])

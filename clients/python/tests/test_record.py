"""record(): a decorator and a context manager; results and exceptions pass unchanged."""

from __future__ import annotations

import asyncio

import pytest

from docket_client import Docket, consider, current_decision_id, decide, llm, reason, tool

AGENT = {"id": "py-record-tests", "version": "2.0.0"}


class DeclinedError(Exception):
    pass


@pytest.fixture
def client(server, keys):
    errors = []
    c = Docket(url=server.url, api_key=keys.ingest, flush_interval_ms=10, on_error=errors.append, handle_exit=False)
    c.errors = errors
    yield c
    c.shutdown(5)


def test_the_decorator_returns_the_result_and_records_the_decision(client, server, keys):
    seen = {}

    @client.record(agent=AGENT, goal="Approve LA-1?", context={"dti": 0.31})
    def underwrite(amount):
        seen["id"] = current_decision_id()
        consider("decline", score=0.11, reason="DTI above limit")
        consider("approve", score=0.82)
        reason("DTI 0.31 is under 0.43", kind="rule", data={"dti": 0.31, "limit": 0.43})
        tool("credit_bureau.get_report", {"applicant": "A1"}, {"score": 742}, duration=184)
        llm({"model": "gpt-4o", "messages": [{"role": "user", "content": "?"}]}, {"content": "approve"}, {"input_tokens": 12})
        decide("approve", 0.82, value={"amount": amount})
        return f"approved {amount}"

    assert underwrite(25000) == "approved 25000"
    assert current_decision_id() is None and consider("x") is False  # outside: nothing
    assert client.flush(10)
    content = server.wait_for(keys.auditor, [seen["id"]])[seen["id"]]
    assert content["outcome"] == {"action": "approve", "value": {"amount": 25000}}
    assert content["confidence"] == 0.82 and content["goal"] == "Approve LA-1?"
    assert [a["action"] for a in content["alternatives"]] == ["decline", "approve"]
    assert content["reasoning"] == [{"text": "DTI 0.31 is under 0.43", "kind": "rule", "data": {"dti": 0.31, "limit": 0.43}}]
    assert content["tools"] == [{"name": "credit_bureau.get_report", "args": {"applicant": "A1"}, "result": {"score": 742}, "duration": 184}]
    assert content["llm"][0]["usage"] == {"input_tokens": 12}
    assert client.errors == []


def test_an_exception_is_recorded_and_reraised_unchanged(client, server, keys):
    error = DeclinedError("bureau timeout")
    seen = {}

    @client.record(agent=AGENT)
    def underwrite():
        seen["id"] = current_decision_id()
        consider("approve", score=0.5)
        raise error

    with pytest.raises(DeclinedError) as caught:
        underwrite()
    assert caught.value is error
    assert client.flush(10)
    content = server.wait_for(keys.auditor, [seen["id"]])[seen["id"]]
    assert content["outcome"] == {"action": "error", "value": {"name": "DeclinedError", "message": "bureau timeout"}}
    assert content["metadata"]["error"] == {"name": "DeclinedError", "message": "bureau timeout"}
    assert content["alternatives"] == [{"action": "approve", "score": 0.5}]


def test_the_context_manager_and_nesting(client, server, keys):
    with client.record({"agent": AGENT, "goal": "outer"}) as outer:
        outer.decide("escalate")
        with client.record(agent=AGENT, goal="inner") as inner:
            decide("approve", 0.9)
    with pytest.raises(KeyError):
        with client.record(agent=AGENT, goal="failing") as failing:
            decide("decline")
            raise KeyError("x")
    assert client.flush(10)
    found = server.wait_for(keys.auditor, [outer.id, inner.id, failing.id])
    assert found[outer.id]["outcome"] == {"action": "escalate"}
    assert found[inner.id]["correlation"] == {"parentDecisionId": outer.id}
    assert found[failing.id]["outcome"] == {"action": "decline"}  # decide() wins over "error"
    assert found[failing.id]["metadata"]["error"]["name"] == "KeyError"


def test_record_with_a_function_runs_it_now(client, server, keys):
    ids = []

    def step():
        ids.append(current_decision_id())
        return 42

    assert client.record({"agent": AGENT}, step) == 42
    assert client.flush(10)
    assert server.wait_for(keys.auditor, ids)[ids[0]]["outcome"] == {"action": "completed"}


def test_async_functions(client, server, keys):
    ids = []

    @client.record(agent=AGENT)
    async def underwrite():
        await asyncio.sleep(0)
        ids.append(current_decision_id())
        decide("approve")
        return "ok"

    assert asyncio.run(underwrite()) == "ok"
    assert client.flush(10)
    assert server.wait_for(keys.auditor, ids)[ids[0]]["outcome"] == {"action": "approve"}


def test_unsnapshottable_arguments_are_reported_not_raised(client):
    with client.record(agent=AGENT):
        assert tool("t", {"fn": print}) is False
    assert client.errors[0].code == "CONTEXT_INVALID" and client.errors[0].where == "tool().args.fn"

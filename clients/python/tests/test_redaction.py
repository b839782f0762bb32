"""Redaction before anything leaves the process: detectors, paths, custom; fail closed."""

from __future__ import annotations

import pytest

from docket_client import Docket, DocketError, create_redactor, is_iban_checksum_valid, is_luhn_valid, redaction_marker
from docket_client._redaction import DETECTOR_NAMES, create_detector

AGENT = {"id": "py-redaction-tests", "version": "1.0.0"}
detect = create_detector(DETECTOR_NAMES)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail jane@x.org now", "mail [REDACTED:email] now"),
        ("ssn 078-05-1120.", "ssn [REDACTED:ssn]."),
        ("card 4111 1111 1111 1111 ok", "card [REDACTED:card] ok"),
        ("5555-5555-5555-4444", "[REDACTED:card]"),
        ("amex 3782 822463 10005", "amex [REDACTED:card]"),
        ("pay GB82 WEST 1234 5698 7654 32 today", "pay [REDACTED:iban] today"),
        ("to DE89370400440532013000, ref 7", "to [REDACTED:iban], ref 7"),
        ("call +14155552671 now", "call [REDACTED:phone] now"),
        ("+1 (415) 555-2671", "[REDACTED:phone]"),
        ("tel 415-555-2671, or 415.555.2671", "tel [REDACTED:phone], or [REDACTED:phone]"),
        ("UK 020 7946 0958", "UK [REDACTED:phone]"),
    ],
)
def test_detectors_replace_only_the_match(text, expected):
    assert detect(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024-11-05T14:32:07.412Z",
        "0192fcbd-73f4-7a4c-9d31-5e8f2b6c40a7",
        "4111 1111 1111 1112",  # fails Luhn
        "GB83 WEST 1234 5698 7654 32",  # fails mod 97
        "000-12-3456",  # area 000 is never issued
        "1730817127412",  # epoch milliseconds
        "$18,000 limit keeps DTI under 0.28",
        "192.168.100.200",
    ],
)
def test_detectors_leave_look_alikes_alone(text):
    assert detect(text) == text


def test_checksums():
    assert is_luhn_valid("4111111111111111") and not is_luhn_valid("4111111111111112")
    assert is_iban_checksum_valid("GB82WEST12345698765432") and not is_iban_checksum_valid("GB83WEST12345698765432")


def test_path_rules_custom_and_exclusions():
    redact = create_redactor(
        paths=["$.context.applicant.ssn", "$..password", "$.tools[*].args.email", "$.context.list[1]"],
        custom=lambda value, path: redaction_marker("employee-id") if value.startswith("EMP-") else None,
    )
    record = {
        "id": "x",
        "agent": {"id": "EMP-1", "version": "1"},
        "context": {
            "applicant": {"ssn": {"any": "type"}, "name": "Jane", "email": "jane@x.org"},
            "deep": [{"password": "p1"}],
            "list": [1, 2, 3],
            "staff": ["EMP-1234"],
            "odd key": "EMP-9",
        },
        "tools": [{"name": "crm", "args": {"email": "not-even-an-email"}}],
    }
    out = redact(record)
    assert out["context"]["applicant"] == {"ssn": "[REDACTED:path:$.context.applicant.ssn]", "name": "Jane", "email": "[REDACTED:email]"}
    assert out["context"]["deep"] == [{"password": "[REDACTED:path:$..password]"}]
    assert out["context"]["list"] == [1, "[REDACTED:path:$.context.list[1]]", 3]
    assert out["context"]["staff"] == ["[REDACTED:employee-id]"] and out["context"]["odd key"] == "[REDACTED:employee-id]"
    assert out["tools"][0]["args"]["email"] == "[REDACTED:path:$.tools[*].args.email]"
    assert out["agent"]["id"] == "EMP-1"  # excluded by default: it describes the decision
    assert record["context"]["applicant"]["email"] == "jane@x.org"  # the input is not changed


def test_redaction_happens_before_anything_leaves_the_process(server, keys):
    errors = []
    client = Docket(
        url=server.url,
        api_key=keys.ingest,
        flush_interval_ms=10,
        on_error=errors.append,
        handle_exit=False,
        redact={"paths": ["$.context.applicant.ssn"], "custom": lambda v, p: redaction_marker("staff") if v.startswith("EMP-") else None},
    )
    try:
        decision_id = client.capture(
            {
                "agent": AGENT,
                "goal": "Call jane@x.org or +1 (415) 555-2671 about card 4111 1111 1111 1111",
                "context": {"applicant": {"ssn": "078-05-1120", "iban": "GB82 WEST 1234 5698 7654 32"}, "officer": "EMP-77"},
                "outcome": {"action": "approve"},
            }
        )
        assert client.flush(10)
        content = server.wait_for(keys.auditor, [decision_id])[decision_id]
        assert content["goal"] == "Call [REDACTED:email] or [REDACTED:phone] about card [REDACTED:card]"
        assert content["context"] == {
            "applicant": {"ssn": "[REDACTED:path:$.context.applicant.ssn]", "iban": "[REDACTED:iban]"},
            "officer": "[REDACTED:staff]",
        }
        assert errors == []
    finally:
        client.shutdown(5)


def test_a_failing_redactor_drops_and_counts_fail_closed(server, keys):
    errors = []

    def boom(value, path):
        if "secret" in value:
            raise RuntimeError("the redaction service is down")
        return None

    client = Docket(url=server.url, api_key=keys.ingest, flush_interval_ms=10, on_error=errors.append, handle_exit=False, redact={"custom": boom})
    try:
        dropped = client.capture({"agent": AGENT, "goal": "a secret goal", "outcome": {"action": "approve"}})
        kept = client.capture({"agent": AGENT, "goal": "fine", "outcome": {"action": "approve"}})
        assert client.flush(10)
        stats = client.stats()
        assert (stats.redaction_failed, stats.captured, stats.accepted) == (1, 1, 1)
        assert errors[0].code == "REDACTION_FAILED" and "redaction service is down" in errors[0].message
        assert server.wait_for(keys.auditor, [kept])[kept]["producer"]["seq"] == 0  # no seq consumed
        status, _ = server.decision(keys.auditor, dropped)
        assert status == 404  # never sent
    finally:
        client.shutdown(5)


def test_a_redactor_function_may_be_given(server, keys):
    def only_outcome(record):
        return {**record, "context": {"withheld": True}}

    client = Docket(url=server.url, api_key=keys.ingest, flush_interval_ms=10, handle_exit=False, redact=only_outcome)
    try:
        decision_id = client.capture({"agent": AGENT, "context": {"income": 1}, "outcome": {"action": "approve"}})
        assert client.flush(10)
        assert server.wait_for(keys.auditor, [decision_id])[decision_id]["context"] == {"withheld": True}
    finally:
        client.shutdown(5)


def test_bad_redaction_options_name_the_rule():
    with pytest.raises(DocketError) as caught:
        create_redactor(paths=["$.a["])
    assert (caught.value.code, caught.value.where) == ("OPTION_INVALID", "paths[0]")

"""record_change(): a docket.change/v1 record through POST /v1/changes of a real server, read back
with GET /v1/changes; failures raise with the server's code."""

from __future__ import annotations

import socket

import pytest

from docket_client import CHANGE_SCHEMA_V1, DocketError, check_change_record, create_uuid_v7, record_change
from docket_server import api

CHANGE = {
    "agent": {"id": "py-change-tests", "version": "2.4.0"},
    "model": {"provider": "openai", "name": "gpt-4o", "version": "2024-08-06"},
    "prompt": {"id": "loan-prompt", "version": "7", "hash": "sha256:" + "ab" * 32},
    "policy": {"id": "credit-policy", "version": "2026-02"},
    "author": "a.dev",
    "approver": "r.risk",
    "replayRun": "replay-2026-02-28",
    "description": "gpt-4o pinned to 2024-08-06 after the replay run",
}


def _recorded(server, key, change_id):
    status, body = api(server.url, key, "GET", "/v1/changes?agent=py-change-tests")
    assert status == 200, (status, body)
    return [item for item in body["items"] if item["change"]["id"] == change_id]


def test_a_change_is_durable_in_the_log_and_a_retry_is_a_duplicate(server, keys):
    change_id = create_uuid_v7()
    change = {**CHANGE, "id": change_id, "ts": "2026-03-01T09:00:00Z"}
    first = record_change(change, url=server.url, api_key=server.admin_key)
    assert first["status"] == "accepted" and first["id"] == change_id
    assert isinstance(first["index"], int)
    again = record_change(change, url=server.url, api_key=server.admin_key)
    assert again == {**first, "status": "duplicate"}
    [item] = _recorded(server, keys.auditor, change_id)
    assert item["index"] == first["index"]
    assert item["change"] == {"schema": CHANGE_SCHEMA_V1, **change}


def test_schema_id_and_time_are_filled_in_and_the_env_twins_are_read(server, keys, monkeypatch):
    monkeypatch.setenv("DOCKET_URL", server.url + "/")
    monkeypatch.setenv("DOCKET_API_KEY", server.admin_key)
    result = record_change({"agent": {"id": "py-change-tests", "version": "2.5.0"}, "author": "a.dev", "approver": "r.risk"})
    assert result["status"] == "accepted"
    [item] = _recorded(server, keys.auditor, result["id"])
    assert item["change"]["schema"] == CHANGE_SCHEMA_V1 and item["change"]["agent"]["version"] == "2.5.0"
    assert item["change"]["ts"].endswith("Z")


def test_a_key_that_is_not_admin_raises_the_servers_code(server, keys):
    with pytest.raises(DocketError) as caught:
        record_change(CHANGE, url=server.url, api_key=keys.ingest)
    assert caught.value.code == "FORBIDDEN"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_invalid_change_is_refused_before_anything_is_sent():
    # A closed port: were the record sent, the error would be SERVER_UNREACHABLE.
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(DocketError) as caught:
        record_change({**CHANGE, "approver": ""}, url=url, api_key="dk_x")
    assert (caught.value.code, caught.value.where) == ("CHANGE_INVALID", "$.approver")
    with pytest.raises(DocketError) as caught:
        record_change(CHANGE, url=url, api_key="dk_x")
    assert caught.value.code == "SERVER_UNREACHABLE"


def test_missing_url_or_key_is_an_option_error(monkeypatch):
    monkeypatch.delenv("DOCKET_URL", raising=False)
    monkeypatch.delenv("DOCKET_API_KEY", raising=False)
    with pytest.raises(DocketError) as caught:
        record_change(CHANGE)
    assert (caught.value.code, caught.value.where) == ("OPTION_INVALID", "url")
    with pytest.raises(DocketError) as caught:
        record_change(CHANGE, url="http://127.0.0.1:7420")
    assert (caught.value.code, caught.value.where) == ("OPTION_INVALID", "api_key")


@pytest.mark.parametrize(
    "change, where",
    [
        ({"agent": {"id": "a"}}, "$.agent.version"),
        ({"agent": {"id": "a", "version": "1", "extra": 1}}, "$.agent.extra"),
        ({"model": {"provider": "openai"}}, "$.model.name"),
        ({"prompt": {"id": "p"}}, "$.prompt.hash"),
        ({"policy": "credit"}, "$.policy"),
        ({"author": "x" * 257}, "$.author"),
        ({"ts": "2026-03-01 09:00:00"}, "$.ts"),
        ({"ts": "2026-13-01T09:00:00Z"}, "$.ts"),
        ({"id": "not-a-uuid"}, "$.id"),
        ({"schema": "docket.change/v2"}, "$.schema"),
        ({"approved": True}, "$.approved"),
    ],
)
def test_check_change_record_finds_what_the_server_would_refuse(change, where):
    record = {"schema": CHANGE_SCHEMA_V1, "id": create_uuid_v7(), "ts": "2026-03-01T09:00:00Z", **CHANGE, **change}
    issues = check_change_record(record)
    assert [i["where"] for i in issues] == [where]
    assert {i["code"] for i in issues} == {"CHANGE_INVALID"}
    assert check_change_record({"schema": CHANGE_SCHEMA_V1, "id": create_uuid_v7(), "ts": "2026-03-01T09:00:00.5+02:00", **CHANGE}) == []

"""The client against a real Docket server: capture, delivery, retries, spool, shutdown."""

from __future__ import annotations

import http.server
import json
import os
import threading
import time
import urllib.request

import pytest

import docket_client as docket
from docket_client import Docket, DocketError, is_uuid_v7

AGENT = {"id": "py-client-tests", "version": "1.0.0"}


def decision(**extra):
    return {"agent": AGENT, "outcome": {"action": "approve"}, **extra}


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_capture_returns_an_id_at_once_and_decisions_arrive_with_producer_seq(server, keys):
    errors = []
    client = Docket(url=server.url, api_key=keys.ingest, flush_interval_ms=60_000, on_error=errors.append, handle_exit=False)
    try:
        ids = [client.capture(decision(goal=f"capture {i}")) for i in range(5)]
        # Nothing was sent yet (the interval is a minute): capture only enqueued.
        assert all(is_uuid_v7(i) for i in ids) and len(set(ids)) == 5
        assert client.stats().queued == 5 and client.stats().accepted == 0
        assert client.flush(10) is True
        stats = client.stats()
        assert (stats.captured, stats.accepted, stats.queued, stats.failed) == (5, 5, 0, 0)
        found = server.wait_for(keys.auditor, ids)
        for seq, decision_id in enumerate(ids):
            content = found[decision_id]
            assert content["producer"] == {"id": client.producer_id, "seq": seq, "sdk": f"docket-python@{docket.__version__}"}
            assert content["schema"] == "docket.decision/v1" and content["goal"] == f"capture {seq}"
        assert errors == []
    finally:
        client.shutdown(5)


def test_a_given_id_is_the_idempotency_key(server, keys):
    client = Docket(url=server.url, api_key=keys.ingest, flush_interval_ms=10, handle_exit=False)
    try:
        given = docket.create_uuid_v7()
        assert client.capture(decision(id=given)) == given
        assert client.flush(10)
        assert client.capture(decision(id=given)) == given
        assert client.flush(10)
        stats = client.stats()
        assert (stats.accepted, stats.duplicates) == (1, 1)
    finally:
        client.shutdown(5)


def test_invalid_records_are_refused_at_capture_with_where(server, keys):
    errors = []
    client = Docket(url=server.url, api_key=keys.ingest, on_error=errors.append, handle_exit=False)
    try:
        import datetime

        client.capture({"outcome": {"action": "approve"}})
        client.capture(decision(context={"when": datetime.datetime(2024, 1, 1)}))
        client.capture(decision(confidence=1.5))
        client.capture(decision(context={"big": 2**60}))
        assert client.stats().invalid == 4 and client.stats().captured == 0
        assert [e.code for e in errors] == ["DECISION_INVALID"] * 4
        assert [e.where for e in errors] == ["$", "$.context.when", "$.confidence", "$.context.big"]
        assert "datetime" in errors[1].message and "SCHEMA_REQUIRED" in errors[0].message
        # An invalid record consumes no seq: the next valid one is seq 0.
        good = client.capture(decision())
        assert client.flush(10)
        assert server.wait_for(keys.auditor, [good])[good]["producer"]["seq"] == 0
    finally:
        client.shutdown(5)


def test_server_down_then_back_the_spool_delivers_every_decision_once(own_server, tmp_dir):
    ingest = own_server.create_key("ingest")
    auditor = own_server.create_key("auditor")
    errors = []
    client = Docket(
        url=own_server.url,
        api_key=ingest,
        spool_dir=os.path.join(tmp_dir, "spool"),
        flush_interval_ms=10,
        max_batch=7,
        max_attempts=2,
        retry_base_ms=20,
        retry_max_ms=300,
        request_timeout_ms=2000,
        on_error=errors.append,
        handle_exit=False,
    )
    try:
        ids = [client.capture(decision(goal=f"before {i}")) for i in range(20)]
        assert client.flush(10)
        own_server.stop()
        # The server is away: capture goes on, never blocks; batches end in the spool (fsynced).
        ids += [client.capture(decision(goal=f"during {i}")) for i in range(40)]
        assert client.flush(10) is True  # durable: in the spool
        wait_until(lambda: client.stats().spool_pending > 0)
        assert client.stats().failed == 0
        assert any(e.code == "SEND_UNREACHABLE" for e in errors)
        own_server.start()  # same data dir, same port
        ids += [client.capture(decision(goal=f"after {i}")) for i in range(10)]
        wait_until(lambda: client.stats().spool_pending == 0 and client.stats().queued == 0)
        assert client.shutdown(10) is True
        found = own_server.wait_for(auditor, ids)
        assert len(found) == 70
        seqs = sorted(c["producer"]["seq"] for c in found.values())
        assert seqs == list(range(70))  # zero lost
        listed = own_server.decisions(auditor, agent=AGENT["id"])
        assert len(listed) == 70 and len({item["id"] for item in listed}) == 70  # zero duplicated
        stats = client.stats()
        assert stats.accepted + stats.duplicates == 70 and stats.failed == 0 and stats.spooled > 0
        # The spool file is gone once everything is delivered.
        assert [n for n in os.listdir(os.path.join(tmp_dir, "spool")) if n.endswith(".spool")] == []
    finally:
        client.shutdown(5)


class FlakyProxy:
    """A real HTTP proxy in front of the server that answers 500, then 429 (Retry-After: 1), to
    the first requests, then forwards. Records what it saw."""

    def __init__(self, target: str, fail_500: int, fail_429: int) -> None:
        self.target = target
        self.plan = ["500"] * fail_500 + ["429"] * fail_429
        self.seen = []  # (time, answer, content-encoding)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                answer = proxy.plan.pop(0) if proxy.plan else "forward"
                proxy.seen.append((time.monotonic(), answer, self.headers.get("content-encoding")))
                if answer == "500":
                    self._reply(500, {"code": "INTERNAL", "detail": "injected"}, {})
                elif answer == "429":
                    self._reply(429, {"code": "RATE_LIMITED", "detail": "injected"}, {"retry-after": "1"})
                else:
                    headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type", "content-encoding")}
                    request = urllib.request.Request(proxy.target + self.path, data=body, headers=headers, method="POST")
                    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as response:
                        payload = response.read()
                        self.send_response(response.status)
                        self.send_header("content-type", "application/json")
                        self.send_header("content-length", str(len(payload)))
                        self.end_headers()
                        self.wfile.write(payload)

            def _reply(self, status, problem, headers):
                payload = json.dumps(problem).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-type", "application/problem+json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_500_and_429_are_retried_with_backoff_honoring_retry_after_and_gzip(server, keys):
    proxy = FlakyProxy(server.url, fail_500=2, fail_429=1)
    errors = []
    client = Docket(url=proxy.url, api_key=keys.ingest, retry_base_ms=10, retry_max_ms=50, max_attempts=10, flush_interval_ms=10, on_error=errors.append, handle_exit=False)
    try:
        big = "x" * 3000  # the batch body is over 1 KiB: sent gzipped
        ids = [client.capture(decision(goal=f"retry {i}", context={"note": big})) for i in range(3)]
        assert client.flush(30)
        answers = [answer for _, answer, _ in proxy.seen]
        assert answers == ["500", "500", "429", "forward"]
        # Retry-After: 1 is a lower bound on the wait, whatever the backoff says (50 ms at most).
        after_429 = proxy.seen[3][0] - proxy.seen[2][0]
        assert after_429 >= 1.0
        assert all(encoding == "gzip" for _, _, encoding in proxy.seen)
        stats = client.stats()
        assert (stats.retries, stats.accepted, stats.failed) == (3, 3, 0)
        assert errors[0].code == "SEND_FAILED" and "500" in errors[0].message
        assert len(server.wait_for(keys.auditor, ids)) == 3
    finally:
        client.shutdown(5)
        proxy.close()


def test_a_final_refusal_is_counted_failed_not_retried(server):
    errors = []
    client = Docket(url=server.url, api_key="dk_not_a_real_key", flush_interval_ms=10, on_error=errors.append, handle_exit=False)
    try:
        client.capture(decision())
        assert client.flush(10)
        stats = client.stats()
        assert (stats.failed, stats.retries) == (1, 0)
        assert "401" in errors[-1].message
    finally:
        client.shutdown(5)


def test_shutdown_is_idempotent_and_keeps_its_deadline(server, keys, tmp_dir):
    # A port nobody listens on: every send fails, there is no spool, so the deadline decides.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    errors = []
    client = Docket(url=f"http://127.0.0.1:{dead_port}", api_key=keys.ingest, retry_base_ms=50, retry_max_ms=100, on_error=errors.append, handle_exit=False)
    client.capture(decision())
    client.capture(decision())
    started = time.monotonic()
    assert client.shutdown(0.5) is False
    assert client.shutdown(0.5) is False  # the first call's answer
    assert time.monotonic() - started < 30  # returned: the deadline holds (a hang would time out the test)
    assert client.stats().failed == 2
    assert any(e.code == "SHUTDOWN_DEADLINE" for e in errors)
    client.capture(decision())
    assert client.stats().dropped == 1 and errors[-1].code == "CLOSED"

    ok = Docket(url=server.url, api_key=keys.ingest, handle_exit=False)
    decision_id = ok.capture(decision())
    assert ok.shutdown(5) is True and ok.shutdown() is True
    assert server.wait_for(keys.auditor, [decision_id])


def test_shutdown_with_a_spool_loses_nothing(keys, tmp_dir):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    spool = os.path.join(tmp_dir, "spool")
    client = Docket(url=f"http://127.0.0.1:{dead_port}", api_key=keys.ingest, spool_dir=spool, retry_base_ms=20, retry_max_ms=40, on_error=lambda e: None, handle_exit=False)
    for _ in range(3):
        client.capture(decision())
    assert client.shutdown(1.0) is True
    files = [n for n in os.listdir(spool) if n.endswith(".spool")]
    assert len(files) == 1
    with open(os.path.join(spool, files[0]), encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    assert sum(len(line["d"]) for line in lines if "b" in line) == 3


def test_a_full_queue_drops_and_counts(server, keys):
    errors = []
    client = Docket(url=server.url, api_key=keys.ingest, max_queue=2, flush_interval_ms=60_000, on_error=errors.append, handle_exit=False)
    try:
        for _ in range(5):
            client.capture(decision())
        stats = client.stats()
        assert (stats.captured, stats.dropped) == (2, 3)
        assert [e.code for e in errors] == ["QUEUE_FULL"]  # reported once per run of drops
    finally:
        client.shutdown(5)


def test_the_shipped_schema_is_the_protocol_schema():
    here = os.path.dirname(__file__)
    with open(os.path.join(here, "..", "src", "docket_client", "decision-v1.schema.json"), encoding="utf-8") as f:
        shipped = json.load(f)
    with open(os.path.join(here, "..", "..", "..", "packages", "protocol", "schema", "decision-v1.schema.json"), encoding="utf-8") as f:
        protocol = json.load(f)
    assert shipped == protocol, "copy packages/protocol/schema/decision-v1.schema.json to clients/python/src/docket_client/"

"""Producer reports (``docket.producer-report/v1``) against a real Docket server: what the client
loses (a full queue, a failed redaction, an invalid record, a refusal) reaches the ledger as a
``docket.producer/v1`` entry, and ``docket verify`` counts the gaps it explains. The spool carries
pending reports in the TypeScript SDK's format, and each client delivers the other's spool."""

from __future__ import annotations

import base64
import glob
import json
import os
import re
import subprocess
import textwrap
import time
import urllib.parse

from docket_server import BIN, REPO_ROOT, api, node

import docket_client as docket
from docket_client import Batch, Docket, HttpTransport, create_uuid_v7, is_uuid_v7

AGENT = {"id": "py-report-tests", "version": "1.0.0"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def decision(**extra):
    return {"agent": AGENT, "outcome": {"action": "approve"}, **extra}


def entries(server, key):
    """Every entry of the decision log: (index, leaf envelope, fields)."""
    found, start = [], 0
    while True:
        status, body = api(server.url, key, "GET", "/v1/entries?" + urllib.parse.urlencode({"from": start, "limit": 1000}))
        assert status == 200, (status, body)
        for entry in body["entries"]:
            found.append((entry["index"], json.loads(base64.b64decode(entry["leaf"])), entry["fields"]))
        if body["next"] is None:
            return found
        start = body["next"]


def reports_of(server, key, producer_id):
    """The stored contents of the producer's reports (``docket.producer/v1``), in log order."""
    return [
        {**fields, "id": leaf.get("id")}
        for _, leaf, fields in entries(server, key)
        if leaf.get("type") == "docket.producer/v1" and (fields or {}).get("producer", {}).get("id") == producer_id
    ]


def check_report(report):
    """The contract of checkProducerReport (packages/protocol/src/producer/report.ts)."""
    assert set(report) == {"schema", "id", "ts", "producer", "reportSeq", "losses", "gaps", "reasons"}
    assert report["schema"] == "docket.producer-report/v1" and is_uuid_v7(report["id"])
    assert RFC3339.match(report["ts"])
    assert report["producer"]["sdk"] == f"docket-python@{docket.__version__}" and report["producer"]["id"]
    assert set(report["losses"]) == {"dropped", "rejected", "failed", "redactionFailed", "invalid"}
    previous = -1
    for start, end in report["gaps"]:
        assert previous < start <= end
        previous = end


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def run_node(script, *args):
    done = subprocess.run([node(), "--input-type=module", "-e", script, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_full_queue_reaches_the_ledger_as_a_producer_report_with_its_gap(server, keys):
    errors = []
    client = Docket(url=server.url, api_key=keys.ingest, max_queue=2, flush_interval_ms=60_000, on_error=errors.append, handle_exit=False)
    try:
        for i in range(5):
            client.capture(decision(goal=f"queue {i}"))
        assert client.stats().dropped == 3 and [e.code for e in errors] == ["QUEUE_FULL"]
        assert client.flush(10) is True
        stats = client.stats()
        assert (stats.captured, stats.accepted, stats.dropped, stats.reports) == (2, 2, 3, 1)
        [stored] = reports_of(server, keys.auditor, client.producer_id)
        assert stored["reportSeq"] == 0
        assert stored["producer"] == {"id": client.producer_id, "sdk": f"docket-python@{docket.__version__}"}
        assert stored["losses"] == {"dropped": 3, "rejected": 0, "failed": 0, "redactionFailed": 0, "invalid": 0}
        assert stored["gaps"] == [[2, 4]] and stored["reasons"] == {"QUEUE_FULL": 3}
        assert is_uuid_v7(stored["id"])
        # Nothing more was lost: no second report.
        client.capture(decision(goal="after"))
        assert client.flush(10) and client.stats().reports == 1
        assert errors == [e for e in errors if e.code == "QUEUE_FULL"]
    finally:
        client.shutdown(5)


def test_redaction_failures_and_invalid_records_are_counted_in_a_report_only_batch(server, keys):
    def redact(record):
        if record.get("goal") == "secret":
            raise ValueError("redactor broke")
        return record

    import datetime

    client = Docket(url=server.url, api_key=keys.ingest, redact=redact, flush_interval_ms=60_000, on_error=lambda e: None, handle_exit=False)
    try:
        client.capture(decision(goal="secret"))
        client.capture({"outcome": {"action": "approve"}})  # no agent: refused by the schema check
        client.capture(decision(context={"when": datetime.datetime(2024, 1, 1)}))  # not JSON
        stats = client.stats()
        assert (stats.redaction_failed, stats.invalid, stats.captured, stats.queued) == (1, 2, 0, 0)
        # No record to send: flush() still waits for the report, sent on its own.
        assert client.flush(10) is True and client.stats().reports == 1
        [stored] = reports_of(server, keys.auditor, client.producer_id)
        assert stored["losses"] == {"dropped": 0, "rejected": 0, "failed": 0, "redactionFailed": 1, "invalid": 2}
        assert stored["gaps"] == []  # no seq was consumed
        assert stored["reasons"] == {"REDACTION_FAILED": 1, "DECISION_INVALID": 2}
    finally:
        client.shutdown(5)


def test_reports_are_numbered_and_a_rejected_decision_is_a_gap(server, keys):
    client = Docket(url=server.url, api_key=keys.ingest, validate=False, flush_interval_ms=60_000, on_error=lambda e: None, handle_exit=False)
    try:
        client.capture(decision(goal="good"))
        client.capture({"outcome": {"action": "approve"}})  # not checked here: the ledger refuses it
        # The refusal is a loss found during delivery; flush() also waits for its report.
        assert client.flush(10)
        assert (client.stats().accepted, client.stats().rejected, client.stats().reports) == (1, 1, 1)
        client.capture(decision(goal="next"))
        client.capture({"outcome": {"action": "approve"}})
        assert client.flush(10) and client.stats().reports == 2
        first, second = reports_of(server, keys.auditor, client.producer_id)
        assert (first["reportSeq"], second["reportSeq"]) == (0, 1)
        assert first["losses"]["rejected"] == 1 and first["gaps"] == [[1, 1]]
        assert second["losses"]["rejected"] == 1 and second["gaps"] == [[3, 3]]
        [(code, count)] = first["reasons"].items()
        assert count == 1 and code not in ("QUEUE_FULL", "REJECTED")
    finally:
        client.shutdown(5)


def test_a_report_the_ledger_refuses_goes_to_on_error(server, keys):
    class NotUuidV7Reports(HttpTransport):
        """The real transport, with report ids the ledger refuses (not UUIDv7)."""

        def send(self, batch, timeout):
            reports = [re.sub(r'"id":"[^"]+"', '"id":"00000000-0000-4000-8000-000000000000"', r, count=1) for r in batch.reports]
            return super().send(Batch(batch.ids, batch.records, batch.seqs, reports), timeout)

    errors = []
    transport = NotUuidV7Reports(server.url, keys.ingest)
    client = Docket(url=server.url, api_key=keys.ingest, transport=transport, max_queue=1, flush_interval_ms=60_000, on_error=errors.append, handle_exit=False)
    try:
        client.capture(decision())
        client.capture(decision())
        assert client.flush(10)
        assert [e.code for e in errors] == ["QUEUE_FULL", "REPORT_REJECTED"]
        assert "REPORT_INVALID" in errors[1].message and client.stats().reports == 0
    finally:
        client.shutdown(5)


def test_verify_counts_the_gap_a_report_explains(own_server, tmp_dir):
    server = own_server
    ingest = server.create_key("ingest")
    client = Docket(url=server.url, api_key=ingest, producer_id="py-verify", max_queue=2, flush_interval_ms=60_000, on_error=lambda e: None, handle_exit=False)
    try:
        for i in range(5):  # seqs 0, 1 queued; 2–4 dropped
            client.capture(decision(goal=f"first {i}"))
        assert client.flush(10)
        for i in range(2):  # seqs 5, 6: the gap is in the middle of the sequence
            client.capture(decision(goal=f"later {i}"))
        assert client.flush(10)
    finally:
        assert client.shutdown(5) is True
    assert client.stats().reports == 1 and client.stats().accepted == 4
    server.stop()
    done = subprocess.run([node(), BIN, "verify", "--data", server.data_dir, "--json"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    assert report["ok"] is True, done.stdout[-2000:]
    assert report["producerReports"] >= 1 and report["explainedSeqs"] == 3
    assert not [i for i in report["issues"] if i["code"] == "PRODUCER_SEQ_GAP"]


def test_a_pending_report_rides_in_the_spool_and_the_typescript_sdk_delivers_it(own_server, tmp_dir):
    server = own_server
    ingest, auditor = server.create_key("ingest"), server.create_key("auditor")
    spool_dir = os.path.join(tmp_dir, "spool")
    server.stop()
    client = Docket(
        url=server.url, api_key=ingest, spool_dir=spool_dir, producer_id="py-spooler", max_queue=1, max_attempts=1,
        retry_base_ms=10, retry_max_ms=50, flush_interval_ms=60_000, on_error=lambda e: None, handle_exit=False,
    )
    kept = client.capture(decision(goal="spooled"))
    client.capture(decision(goal="dropped"))
    client.shutdown(5)
    assert client.stats().spooled >= 1 and client.stats().reports == 0
    [path] = glob.glob(os.path.join(spool_dir, "*.spool"))
    lines = [json.loads(line) for line in open(path, encoding="utf-8").read().splitlines()]
    [report] = [r for line in lines for r in line.get("r", [])]
    check_report(report)
    assert report["gaps"] == [[1, 1]] and report["reasons"] == {"QUEUE_FULL": 1}

    server.start()
    script = textwrap.dedent(
        """
        import { createDocket } from './packages/sdk/dist/index.js';
        const [url, apiKey, spoolDir] = process.argv.slice(-3);
        const docket = createDocket({ url, apiKey, spoolDir, producerId: 'ts-adopter', handleExit: false, onError: () => {} });
        await docket.flush(10000);
        await docket.shutdown(5000);
        console.log(JSON.stringify(docket.stats()));
        """
    )
    stats = run_node(script, server.url, ingest, spool_dir)
    assert stats["reports"] == 1 and stats["accepted"] == 1 and stats["spoolPending"] == 0
    [stored] = reports_of(server, auditor, "py-spooler")
    assert stored["id"] == report["id"] and stored["gaps"] == [[1, 1]]
    assert server.wait_for(auditor, [kept]).keys() == {kept}


def test_the_python_client_delivers_a_typescript_spool_with_a_report(own_server, tmp_dir):
    server = own_server
    ingest, auditor = server.create_key("ingest"), server.create_key("auditor")
    spool_dir = os.path.join(tmp_dir, "spool")
    record_id, report_id, second_id = create_uuid_v7(), create_uuid_v7(), create_uuid_v7()
    script = textwrap.dedent(
        """
        import { Spool } from './packages/sdk/dist/spool.js';
        const [dir, recordId, reportId, secondId] = process.argv.slice(-4);
        const spool = await Spool.open(dir, 'ts-spooler', () => {});
        const producer = { id: 'ts-spooler', seq: 0, sdk: '@docket/sdk@test' };
        const record = { schema: 'docket.decision/v1', id: recordId, ts: new Date().toISOString(),
          agent: { id: 'ts', version: '1' }, outcome: { action: 'approve' }, producer };
        const report = { schema: 'docket.producer-report/v1', id: reportId, ts: new Date().toISOString(),
          producer: { id: 'ts-spooler', sdk: '@docket/sdk@test' }, reportSeq: 0,
          losses: { dropped: 2, rejected: 0, failed: 0, redactionFailed: 0, invalid: 0 },
          gaps: [[1, 2]], reasons: { QUEUE_FULL: 2 } };
        await spool.append({ ids: [recordId], seqs: [0], records: [JSON.stringify(record)], reports: [JSON.stringify(report)] });
        await spool.append({ ids: [], seqs: [], records: [], reports: [JSON.stringify({ ...report, id: secondId, reportSeq: 1 })] });
        await spool.close();
        console.log(JSON.stringify({ ok: true }));
        """
    )
    run_node(script, spool_dir, record_id, report_id, second_id)
    client = Docket(url=server.url, api_key=ingest, spool_dir=spool_dir, producer_id="py-adopter", on_error=lambda e: None, handle_exit=False)
    try:
        # flush() counts the adopted spool while the server answers: it returns once delivered.
        assert client.flush(10)
        assert client.stats().spool_pending == 0
        stats = client.stats()
        assert (stats.accepted, stats.reports) == (1, 2)
    finally:
        client.shutdown(5)
    stored = reports_of(server, auditor, "ts-spooler")
    assert [(r["reportSeq"], r["gaps"]) for r in stored] == [(0, [[1, 2]]), (1, [[1, 2]])]
    assert server.wait_for(auditor, [record_id]).keys() == {record_id}

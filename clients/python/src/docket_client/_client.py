"""The Docket client: ``capture()`` snapshots, redacts, validates and enqueues on the caller's
thread and returns at once; one background thread batches, sends, retries and spools. Nothing
after construction raises into the host: failures go to ``on_error`` and the counters of
``stats()``."""

from __future__ import annotations

import atexit
import collections
import json
import datetime as _dt
import logging
import os
import random
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence, Tuple

from ._context import Recording, ambient_correlation
from ._errors import DocketError, to_docket_error
from ._json import dumps, to_json_value
from ._options import ResolvedOptions, default_producer_id, resolve_options
from ._schema import decision_validator
from ._seq_journal import SeqJournal, adopt_dead_journals
from ._spool import Spool
from ._transport import Batch, HttpTransport, SendResult
from ._uuid import create_uuid_v7
from ._version import SDK_NAME, __version__

DECISION_SCHEMA_V1 = "docket.decision/v1"
PRODUCER_REPORT_SCHEMA_V1 = "docket.producer-report/v1"
# A counter of stats() → its name in a producer report's ``losses``.
_LOSS_KEYS = {"dropped": "dropped", "rejected": "rejected", "failed": "failed", "redaction_failed": "redactionFailed", "invalid": "invalid"}
_MAX_KNOWN = 100_000
_log = logging.getLogger("docket_client")


@dataclass(frozen=True)
class DocketStats:
    """Counters since construction (monotonic, except ``queued`` and ``spool_pending``).

    Example::

        if docket.stats().dropped:
            alert("decisions dropped")
    """

    captured: int
    """Records accepted by ``capture()`` (and ``record()``) and given a producer seq."""
    invalid: int
    """Records refused as invalid (no seq consumed)."""
    redaction_failed: int
    """Records whose redaction failed: dropped before leaving the process (no seq consumed)."""
    dropped: int
    """Records dropped because the queue was full or the client closed (seq consumed: a gap)."""
    accepted: int
    """Records the ledger accepted."""
    duplicates: int
    """Records the ledger already had (a retry of a delivered batch)."""
    rejected: int
    """Records the ledger rejected (reported through ``on_error``)."""
    failed: int
    """Records given up on: a final refusal of their batch, or no spool at the shutdown deadline."""
    retries: int
    """Delivery attempts that failed and were retried."""
    spooled: int
    """Batches written to the spool."""
    queued: int
    """Records in memory now."""
    spool_pending: int
    """Batches in the spool now."""
    errors: int
    """Calls of ``on_error``."""
    reports: int
    """Producer reports (losses, ``docket.producer-report/v1``) the ledger has recorded."""


def _now_iso() -> str:
    now = _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class Docket:
    """The client. Options are keyword arguments, each with an env twin (see the README).

    Raises :class:`DocketError` ``OPTION_INVALID`` (``where`` naming the option) for bad options;
    nothing it does afterwards raises.

    Example::

        docket = Docket(url="http://127.0.0.1:7420", api_key=os.environ["DOCKET_API_KEY"])
        decision_id = docket.capture({"agent": {"id": "underwriter", "version": "2.3.1"},
                                      "outcome": {"action": "approve"}})
        docket.shutdown()
    """

    def __init__(self, **options: Any) -> None:
        self._o: ResolvedOptions = resolve_options(options)
        self._sdk = f"{SDK_NAME}@{__version__}"
        self._warned: set = set()
        self._closed = False
        self._close_lock = threading.Lock()
        self._shutdown_result: Optional[bool] = None
        self._transport = self._o.transport or HttpTransport(
            self._o.url,
            self._o.api_key,
            read_key=self._o.read_key,
            use_gzip=self._o.gzip,
            user_agent=self._sdk,
            ca_file=self._o.ca_file,
        )
        self._validate = decision_validator() if self._o.validate else None
        self._start(self._o.producer_id)
        if self._o.handle_exit:
            atexit.register(self._at_exit)
        if hasattr(os, "register_at_fork"):
            me = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: (lambda d: d and d._after_fork())(me()))

    # ---- state of one process ----

    def _start(self, producer_id: str) -> None:
        self.producer_id = producer_id
        self._pid = os.getpid()
        self._cond = threading.Condition()
        self._queue: Deque[Tuple[str, int, str]] = collections.deque()
        self._oldest_at = 0.0
        self._seq = 0
        self._counts: Dict[str, int] = dict.fromkeys(
            ("captured", "invalid", "redaction_failed", "dropped", "accepted", "duplicates", "rejected", "failed", "retries", "spooled", "errors", "reports"), 0
        )
        # Losses since the last producer report; the next batch carries them to the ledger.
        self._losses: Dict[str, int] = dict.fromkeys(_LOSS_KEYS.values(), 0)
        self._lost_seqs: List[int] = []
        self._loss_reasons: Dict[str, int] = {}
        self._loss_pending = False
        self._loss_at = 0.0
        self._report_seq = 0
        self._dropping = False
        self._held: Optional[Batch] = None
        self._attempt = 0
        self._not_before = 0.0
        # The last delivery attempt failed (and may be retried): the spool then counts as done.
        self._failing = False
        self._woken = False
        self._flushing = 0
        self._stopping = False
        self._deadline = float("inf")
        self._known: "collections.OrderedDict[str, int]" = collections.OrderedDict()
        self._pending_ids: set = set()
        self._spool: Optional[Spool] = None
        # With a spool: the reserved seqs, so a successor can report what a crash lost.
        self._journal: Optional[SeqJournal] = None
        if self._o.spool_dir is not None:
            try:
                self._journal = SeqJournal.open(
                    self._o.spool_dir, producer_id, self._sdk, lambda e: self.report(to_docket_error("SPOOL_IO", e, "writing the seq journal"))
                )
            except Exception as error:  # noqa: BLE001
                self.report(to_docket_error("SPOOL_IO", error, f"cannot write the seq journal in {self._o.spool_dir}"))
            try:
                self._spool = Spool.open(self._o.spool_dir, producer_id, self.report)
            except Exception as error:  # noqa: BLE001
                self.report(to_docket_error("SPOOL_IO", error, f"cannot open the spool in {self._o.spool_dir}; spooling is off"))
            if self._spool is not None and self._journal is not None:
                self._adopt_crashed(self._o.spool_dir, self._journal, self._spool)
        self._thread = threading.Thread(target=self._run, name="docket-delivery", daemon=True)
        self._thread.start()

    def _adopt_crashed(self, directory: str, journal: SeqJournal, spool: Spool) -> None:
        """The ``crash`` reports of dead producers whose journals are in ``directory``: spooled
        (durable), then their journals removed."""
        try:
            reports, release = adopt_dead_journals(directory, journal.path)
            if reports:
                spool.append(Batch([], [], [], reports))
            release()
        except Exception as error:  # noqa: BLE001
            self.report(to_docket_error("SPOOL_IO", error, "cannot report a dead producer's seqs"))

    def _account(self, batch: Batch, results: Optional[list] = None) -> None:
        """Notes in the journal the seqs of ``batch`` that are accounted for: all of them once
        spooled; the ones the ledger took once sent (``results``); and the gaps its own reports
        explain. Seqs of other producers (a dead one's adopted spool) are -1 and never count."""
        journal = self._journal
        if journal is None:
            return
        if results is None:
            seqs = list(batch.seqs)
        else:
            seqs = [
                seq
                for i, seq in enumerate(batch.seqs)
                if i < len(results) and isinstance(results[i], dict) and results[i].get("status") in ("accepted", "duplicate")
            ]
        report_seq: Optional[int] = None
        for text in batch.reports or []:
            report = json.loads(text)
            if report.get("producer", {}).get("id") != self.producer_id:
                continue
            report_seq = max(report_seq or 0, report.get("reportSeq", 0))
            for start, end in report.get("gaps", []):
                seqs.extend(range(start, end + 1))
        journal.done(to_ranges([seq for seq in seqs if seq >= 0]), report_seq)

    def _after_fork(self) -> None:
        # The child has a copy of the parent's memory but not its thread: start afresh as a new
        # producer (the parent's queued records are the parent's to deliver).
        producer_id = self._o.producer_id if self._o.producer_id_given else default_producer_id()
        if self._o.producer_id_given:
            producer_id = f"{producer_id}-{os.getpid()}"
        self._start(producer_id)

    # ---- capture ----

    def capture(self, decision: Dict[str, Any]) -> str:
        """Snapshots, redacts and validates ``decision``, gives it a UUIDv7 (unless it has an
        ``id``) and the next producer seq, enqueues it and returns its id. Never raises and never
        waits: an invalid record or a full queue is reported through ``on_error`` and counted.

        Example::

            decision_id = docket.capture({"agent": {"id": "underwriter", "version": "2.3.1"},
                                          "outcome": {"action": "approve"}})
        """
        decision_id = ""
        try:
            given = decision.get("id") if isinstance(decision, dict) else None
            decision_id = given if isinstance(given, str) else create_uuid_v7()
            if self._closed:
                self._count("dropped")
                self.report(DocketError("CLOSED", f"capture() after shutdown(): decision {decision_id} dropped"))
                return decision_id
            if not isinstance(decision, dict):
                raise DocketError("DECISION_INVALID", f"a decision is a dict, got {type(decision).__name__}", where="$")
            rest = {k: v for k, v in decision.items() if k != "producer"}
            ambient = ambient_correlation()
            if ambient:
                own = rest.get("correlation")
                rest["correlation"] = {**ambient, **(own if isinstance(own, dict) else {})}
            record = {**rest, "id": decision_id, "schema": DECISION_SCHEMA_V1, "ts": rest.get("ts") or _now_iso()}
            try:
                # The snapshot: from here on the caller's objects are out of reach.
                snapshot = to_json_value(record)
            except DocketError as error:
                raise DocketError("DECISION_INVALID", f"decision {decision_id} not captured: {error.message}", where=error.where) from error
            redact = self._o.redact
            if redact is not None:
                try:
                    snapshot = redact(snapshot)
                    if not isinstance(snapshot, dict):
                        raise TypeError(f"the redactor returned {type(snapshot).__name__}, not a dict")
                except Exception as error:  # noqa: BLE001 - fail closed: never sent
                    self._lose("redaction_failed", "REDACTION_FAILED")
                    self.report(to_docket_error("REDACTION_FAILED", error, f"decision {decision_id} dropped"))
                    return decision_id
            if self._validate is not None:
                issues = self._validate.check(snapshot)
                if issues:
                    first = issues[0]
                    more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
                    self._lose("invalid", "DECISION_INVALID")
                    self.report(
                        DocketError(
                            "DECISION_INVALID",
                            f"decision {decision_id} not captured: {first['code']} {first['message']}{more}",
                            where=first.get("where"),
                        )
                    )
                    return decision_id
            text = dumps(snapshot)
            with self._cond:
                seq = self._seq
                self._seq += 1
                if self._journal is not None:
                    self._journal.use(seq)
                if len(self._queue) >= self._o.max_queue:
                    self._lose("dropped", "QUEUE_FULL", [seq])
                    dropping, self._dropping = self._dropping, True
                    if not dropping:
                        self.report(DocketError("QUEUE_FULL", f"queue full ({self._o.max_queue}): dropping from seq {seq}"))
                    return decision_id
                self._dropping = False
                producer = dumps({"id": self.producer_id, "seq": seq, "sdk": self._sdk})
                was_empty = not self._queue
                self._queue.append((decision_id, seq, f"{text[:-1]},\"producer\":{producer}}}"))
                self._counts["captured"] += 1
                self._pending_ids.add(decision_id)
                if was_empty:
                    self._oldest_at = time.monotonic()
                if was_empty or self._o.immediate or len(self._queue) >= self._o.max_batch:
                    self._woken = self._woken or self._working_off_spool() or self._o.immediate or len(self._queue) >= self._o.max_batch
                    self._cond.notify_all()
        except DocketError as error:
            self._lose("invalid", error.code)
            self.report(error)
        except Exception as error:  # noqa: BLE001 - never into the host
            self._lose("invalid", "CAPTURE_FAILED")
            self.report(to_docket_error("CAPTURE_FAILED", error, "capture() could not snapshot the decision"))
        return decision_id

    def record(self, meta: Optional[Dict[str, Any]] = None, fn: Optional[Callable[[], Any]] = None, **fields: Any) -> Any:
        """Records one decision around the agent's code. With ``fn``: runs it now and returns its
        result. Without: returns a :class:`Recording`, a context manager and a decorator.
        ``meta`` and ``fields`` are the decision's fields (``agent``, ``goal``, ``context``…); the
        outcome comes from ``decide()``, else ``completed``, or ``error`` when the code raised.
        The code's exception is recorded and re-raised unchanged.

        Example::

            @docket.record(agent={"id": "underwriter", "version": "2.3.1"}, goal="Approve LA-1?")
            def underwrite(application):
                consider("decline", score=0.1)
                decide("approve", 0.9)
                return "approved"
        """
        recording = Recording(self, {**(meta or {}), **fields})
        if fn is None:
            return recording
        with recording:
            return fn()

    # ---- flush, shutdown, receipt, stats ----

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends everything captured so far, and the producer report of any losses; ``True`` once
        it is durable on the server or in the spool, ``False`` at the deadline (seconds; default
        ``shutdown_timeout_ms``). Never raises.

        Example::

            docket.flush(2.0)  # end of a serverless handler
        """
        timeout = self._o.shutdown_timeout_ms / 1000 if timeout is None else max(0.0, timeout)
        with self._cond:
            self._flushing += 1
            self._woken = True
            self._cond.notify_all()
            try:
                return self._cond.wait_for(self._is_idle, timeout)
            finally:
                self._flushing -= 1

    def shutdown(self, timeout: Optional[float] = None) -> bool:
        """Stops capturing, delivers or spools what is left within ``timeout`` seconds (default
        ``shutdown_timeout_ms``), closes the spool. Idempotent: later calls return the first
        call's result. ``True`` when nothing was lost. Never raises.

        Example::

            docket.shutdown(2.0)
        """
        with self._close_lock:
            if self._shutdown_result is None:
                try:
                    self._shutdown_result = self._close(self._o.shutdown_timeout_ms / 1000 if timeout is None else max(0.0, timeout))
                except Exception as error:  # noqa: BLE001
                    self.report(to_docket_error("INTERNAL", error, "shutdown"))
                    self._shutdown_result = False
            return self._shutdown_result

    def _close(self, timeout: float) -> bool:
        self._closed = True
        if self._o.handle_exit:
            atexit.unregister(self._at_exit)
        failed_before = self._counts["failed"]
        with self._cond:
            self._deadline = time.monotonic() + timeout
        self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._woken = True
            self._cond.notify_all()
        # A send in flight is capped at the deadline: the thread ends shortly after it.
        self._thread.join(max(0.0, self._deadline - time.monotonic()) + 1.0)
        if not self._thread.is_alive():
            # What is still in memory goes to the spool, or is lost and counted.
            for batch in iter(self._take_batch, None):
                if not self._to_spool(batch):
                    self._give_up(batch, DocketError("SHUTDOWN_DEADLINE", "not delivered before the shutdown deadline"))
                self._held = None
        if self._spool is not None:
            self._spool.close()
        if self._journal is not None and not self._thread.is_alive():
            # Everything is delivered, spooled or given up and reported: nothing for a successor.
            try:
                self._journal.close()
            except OSError as error:
                self.report(to_docket_error("SPOOL_IO", error, "closing the seq journal"))
        with self._cond:
            lost = self._counts["failed"] != failed_before or bool(self._queue) or self._held is not None
            self._cond.notify_all()
        return not lost

    def _at_exit(self) -> None:
        self.shutdown()

    def receipt(self, decision_id: str, timeout: float = 30.0) -> Dict[str, Any]:
        """Waits until ``decision_id`` is sequenced, then reads its inclusion proof and signed
        checkpoint (with ``read_key``, a reader key, else ``api_key``). Returns
        ``{"ok": True, "receipt": {...}}`` or ``{"ok": False, "error": DocketError}``; never raises.

        Example::

            result = docket.receipt(decision_id)
            if result["ok"]:
                print(result["receipt"]["index"], result["receipt"]["checkpoint"])
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            if decision_id in self._pending_ids:
                self._woken = True
                self._cond.notify_all()
                done = self._cond.wait_for(lambda: decision_id not in self._pending_ids, timeout)
                if not done:
                    return {"ok": False, "error": DocketError("RECEIPT_TIMEOUT", f"{decision_id} not sequenced within {timeout} s")}
            index = self._known.get(decision_id)
        proof = getattr(self._transport, "proof", None)
        if proof is None:
            return {"ok": False, "error": DocketError("RECEIPT_FAILED", "the transport cannot read proofs")}
        result = proof(decision_id, max(0.001, deadline - time.monotonic()))
        if not result["ok"]:
            return result
        if index is not None and result["proof"].get("index") != index:
            return {"ok": False, "error": DocketError("RECEIPT_MISMATCH", f"proof of {decision_id} is for index {result['proof'].get('index')}, expected {index}")}
        return {"ok": True, "receipt": {"id": decision_id, **result["proof"]}}

    def stats(self) -> DocketStats:
        """The counters (see :class:`DocketStats`).

        Example::

            docket.stats().failed  # 0
        """
        with self._cond:
            return DocketStats(
                **self._counts,
                queued=len(self._queue) + (len(self._held.ids) if self._held is not None else 0),
                spool_pending=self._spool.pending if self._spool is not None else 0,
            )

    def report(self, error: DocketError) -> None:
        """Passes ``error`` to ``on_error`` (whose own errors are ignored) and counts it; without a
        hook, logs one warning per code on the ``docket_client`` logger."""
        self._count("errors")
        hook = self._o.on_error
        if hook is None:
            if error.code not in self._warned:
                self._warned.add(error.code)
                _log.warning("%s: %s", error.code, error.message)
            return
        try:
            hook(error)
        except Exception:  # noqa: BLE001 - on_error must not raise; the host never sees it
            pass

    def __enter__(self) -> "Docket":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()

    # ---- delivery (the background thread) ----

    def _count(self, name: str, n: int = 1) -> None:
        with self._cond:
            self._counts[name] += n

    def _working_off_spool(self) -> bool:
        """The spool holds batches, or the last attempt failed: a full batch wakes the thread."""
        return self._failing or (self._spool is not None and self._spool.pending > 0)

    def _is_idle(self) -> bool:
        # The spool counts until the server has failed once: what it holds is durable, but while
        # the server answers it is delivered first (a process that adopted a dead one's spool).
        spool_done = self._spool is None or self._spool.pending == 0 or self._failing
        return not self._queue and self._held is None and not self._loss_pending and spool_done

    def _lose(self, kind: str, code: str, seqs: Sequence[int] = ()) -> None:
        """Counts a loss (``kind`` a counter of :class:`DocketStats`); it reaches the ledger in
        the next producer report."""
        n = len(seqs) or 1
        with self._cond:
            self._counts[kind] += n
            self._losses[_LOSS_KEYS[kind]] += n
            self._loss_reasons[code] = self._loss_reasons.get(code, 0) + n
            self._lost_seqs.extend(seq for seq in seqs if seq >= 0)
            if not self._loss_pending:
                self._loss_pending = True
                self._loss_at = time.monotonic()
                self._cond.notify_all()

    def _take_report(self) -> Optional[str]:
        """The pending losses as a ``docket.producer-report/v1`` (JSON), or ``None`` when none.
        Called with the lock held."""
        if not self._loss_pending:
            return None
        report = {
            "schema": PRODUCER_REPORT_SCHEMA_V1,
            "id": create_uuid_v7(),
            "ts": _now_iso(),
            "producer": {"id": self.producer_id, "sdk": self._sdk},
            "reportSeq": self._report_seq,
            "losses": self._losses,
            "gaps": to_ranges(self._lost_seqs),
            "reasons": self._loss_reasons,
        }
        self._report_seq += 1
        self._losses = dict.fromkeys(_LOSS_KEYS.values(), 0)
        self._lost_seqs = []
        self._loss_reasons = {}
        self._loss_pending = False
        return dumps(report)

    def _due(self, now: float) -> bool:
        if self._held is not None:
            return True
        if self._spool is not None and self._spool.pending > 0 and now >= self._not_before:
            return True
        if self._loss_pending and (self._flushing > 0 or now - self._loss_at >= self._o.flush_interval_ms / 1000 or now >= self._deadline):
            return True
        if not self._queue:
            return False
        return (
            self._flushing > 0
            or self._o.immediate
            or len(self._queue) >= self._o.max_batch
            or now - self._oldest_at >= self._o.flush_interval_ms / 1000
            or now >= self._deadline
        )

    def _time_to_due(self, now: float) -> Optional[float]:
        waits = []
        if self._queue:
            waits.append(self._oldest_at + self._o.flush_interval_ms / 1000 - now)
        if self._loss_pending:
            waits.append(self._loss_at + self._o.flush_interval_ms / 1000 - now)
        if self._spool is not None and self._spool.pending > 0:
            waits.append(self._not_before - now)
        return max(0.0, min(waits)) if waits else None

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not self._due(time.monotonic()):
                    self._woken = False
                    self._cond.wait(self._time_to_due(time.monotonic()))
                if self._stopping:
                    return
            try:
                self._drain()
            except Exception as error:  # noqa: BLE001
                self.report(to_docket_error("INTERNAL", error, "delivery loop"))
                time.sleep(0.05)
            with self._cond:
                self._cond.notify_all()

    def _wait(self, seconds: float) -> None:
        """Waits ``seconds`` (at most until the shutdown deadline) or until woken."""
        with self._cond:
            until = min(time.monotonic() + seconds, self._deadline)
            self._woken = False
            while not self._woken and not self._stopping:
                left = until - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)

    def _backoff(self, attempt: int, retry_after_s: Optional[float]) -> float:
        """Exponential backoff with jitter, at least Retry-After, at most retry_max_ms."""
        base, most = self._o.retry_base_ms / 1000, self._o.retry_max_ms / 1000
        ceiling = min(most, base * 2 ** min(attempt, 30))
        jittered = ceiling / 2 + random.random() * (ceiling / 2)
        after = retry_after_s or 0.0
        return min(max(jittered, after), max(most, after))

    def _take_batch(self) -> Optional[Batch]:
        """The next batch from memory: up to max_batch records and max_batch_bytes, and the
        losses since the last producer report, as a report, when there are any."""
        with self._cond:
            if self._held is not None:
                return self._held
            ids, seqs, records, size = [], [], [], 0
            while self._queue and len(ids) < self._o.max_batch:
                item = self._queue[0]
                if ids and size + len(item[2]) > self._o.max_batch_bytes:
                    break
                self._queue.popleft()
                ids.append(item[0])
                seqs.append(item[1])
                records.append(item[2])
                size += len(item[2]) + 1
            if self._queue:
                self._oldest_at = time.monotonic()
            report = self._take_report()
            if not ids and report is None:
                return None
            self._held = Batch(ids, records, seqs, [report] if report is not None else [])
            return self._held

    def _release(self) -> None:
        with self._cond:
            self._held = None
            self._cond.notify_all()

    def _send(self, batch: Batch) -> SendResult:
        timeout = self._o.request_timeout_ms / 1000
        left = self._deadline - time.monotonic()
        if left < timeout:
            timeout = max(0.05, left)
        try:
            result = self._transport.send(batch, timeout)
        except Exception as error:  # noqa: BLE001 - a custom transport that raised
            result = SendResult(ok=False, retryable=True, error=to_docket_error("SEND_FAILED", error))
        if result.ok:
            self._account(batch, result.results)
            self._apply_results(batch, result.results)
            for item in getattr(result, "report_results", None) or []:
                if isinstance(item, dict) and item.get("status") in ("accepted", "duplicate"):
                    self._count("reports")
                    continue
                code = item.get("code", "") if isinstance(item, dict) else ""
                message = item.get("message", "no result") if isinstance(item, dict) else "no result"
                self.report(DocketError("REPORT_REJECTED", f"producer report rejected by the ledger: {code} {message}"))
        return result

    def _apply_results(self, batch: Batch, results: list) -> None:
        for position, decision_id in enumerate(batch.ids):
            item = results[position] if position < len(results) else None
            status = item.get("status") if isinstance(item, dict) else None
            with self._cond:
                self._pending_ids.discard(decision_id)
                if status in ("accepted", "duplicate") and isinstance(item.get("index"), int):
                    self._counts["accepted" if status == "accepted" else "duplicates"] += 1
                    self._known[decision_id] = item["index"]
                    if len(self._known) > _MAX_KNOWN:
                        self._known.popitem(last=False)
                    continue
            seq = batch.seqs[position] if position < len(batch.seqs) else -1
            code = item.get("code") if isinstance(item, dict) and isinstance(item.get("code"), str) else "REJECTED"
            message = item.get("message", "no result") if isinstance(item, dict) else "no result"
            self._lose("rejected", code, [seq])
            self.report(DocketError(code, f"decision {decision_id} rejected by the ledger: {message}"))

    def _give_up(self, batch: Batch, error: DocketError) -> None:
        with self._cond:
            if batch.ids:
                self._lose("failed", error.code, batch.seqs or [-1] * len(batch.ids))
            self._pending_ids.difference_update(batch.ids)
        self.report(DocketError(error.code, f"{len(batch.ids)} decisions lost: {error.message}", cause=error))

    def _to_spool(self, batch: Batch) -> bool:
        if self._spool is None:
            return False
        try:
            self._spool.append(batch)
        except Exception as error:  # noqa: BLE001
            self.report(to_docket_error("SPOOL_IO", error, "cannot append to the spool"))
            return False
        self._account(batch)
        self._count("spooled")
        return True

    def _memory_to_spool(self) -> None:
        """While the server is away: moves what is in memory to the spool (keeps order, frees memory)."""
        for batch in iter(self._take_batch, None):
            if not self._to_spool(batch):
                return
            self._release()

    def _drain(self) -> None:
        """One run: the spool first (order), then memory; returns when both are empty or stopping."""
        spool = self._spool
        while True:
            if self._stopping:
                return
            if spool is not None and spool.pending > 0:
                if time.monotonic() >= self._deadline:
                    self._memory_to_spool()
                    return
                wait = self._not_before - time.monotonic()
                if wait > 0:
                    self._memory_to_spool()
                    self._wait(wait)
                    self._memory_to_spool()
                    continue
                head = spool.head()
                if head is None:
                    continue
                result = self._send(head.batch)
                if result.ok or not result.retryable:
                    if not result.ok:
                        self._give_up(head.batch, result.error)
                    spool.ack(head)
                    self._attempt = 0
                    self._not_before = 0.0
                    with self._cond:
                        self._failing = False
                        self._cond.notify_all()
                    continue
                self._count("retries")
                if self._attempt == 0:
                    self.report(result.error)
                with self._cond:
                    self._failing = True
                    self._cond.notify_all()
                self._not_before = time.monotonic() + self._backoff(self._attempt, result.retry_after_s)
                self._attempt += 1
                self._memory_to_spool()
                continue
            batch = self._take_batch()
            if batch is None:
                return
            if time.monotonic() >= self._deadline:
                # Shutdown past its deadline: to disk if we can, else counted as lost.
                if not self._to_spool(batch):
                    self._give_up(batch, DocketError("SHUTDOWN_DEADLINE", "not delivered before the shutdown deadline"))
                self._release()
                continue
            result = self._send(batch)
            if result.ok or not result.retryable:
                if not result.ok:
                    self._give_up(batch, result.error)
                self._attempt = 0
                self._failing = False
                self._release()
                continue
            self._count("retries")
            attempt = self._attempt
            self._attempt += 1
            if attempt + 1 >= self._o.max_attempts and self._to_spool(batch):
                self.report(DocketError(result.error.code, f"{result.error.message} (spooling)", cause=result.error))
                with self._cond:
                    self._failing = True
                self._release()
                self._not_before = time.monotonic() + self._backoff(attempt, result.retry_after_s)
                continue
            if attempt == 0:
                self.report(result.error)
            self._wait(self._backoff(attempt, result.retry_after_s))


def to_ranges(seqs: Sequence[int]) -> List[List[int]]:
    """Sorted, merged inclusive ranges of ``seqs``.

    Example::

        to_ranges([9, 3, 4, 5])  # [[3, 5], [9, 9]]
    """
    ranges: List[List[int]] = []
    for seq in sorted(set(seqs)):
        if ranges and ranges[-1][1] + 1 == seq:
            ranges[-1][1] = seq
        else:
            ranges.append([seq, seq])
    return ranges


def create_docket(**options: Any) -> Docket:
    """Makes a Docket client from ``options`` and their env twins (see :class:`Docket`).

    Example::

        docket = create_docket(url="http://127.0.0.1:7420", api_key=os.environ["DOCKET_API_KEY"])
    """
    return Docket(**options)


_default: Optional[Docket] = None
_default_lock = threading.Lock()


def default_docket() -> Optional[Docket]:
    """The process's shared client, made on first use from the env twins (``DOCKET_URL``,
    ``DOCKET_API_KEY``, ``DOCKET_SPOOL_DIR``…). Returns ``None`` (and logs the reason once) when
    they are missing or bad: a host without Docket configured keeps running, unrecorded.

    Example::

        default_docket().capture({...})
    """
    global _default
    with _default_lock:
        if _default is None or _default._closed:
            try:
                _default = Docket()
            except DocketError as error:
                if "default" not in _warned_default:
                    _warned_default.add("default")
                    _log.warning("no default Docket client: %s", error)
                return None
        return _default


def set_default_docket(docket: Optional[Docket]) -> None:
    """Makes ``docket`` the process's shared client (``None``: the next use makes one from env).

    Example::

        set_default_docket(Docket(url=url, api_key=key))
    """
    global _default
    with _default_lock:
        _default = docket


_warned_default: set = set()

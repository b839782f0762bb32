"""The seq journal: makes a crash visible. With a spool directory, a producer writes its identity
and a reserved block of seqs to ``<dir>/<producer>.seqs`` (fsynced) before it uses them, and
appends the seqs it has accounted for: delivered, moved to the spool, or named in a producer
report that was delivered or spooled (these appends are not fsynced: a killed process loses none
of them; an OS crash can lose some, and the successor then over-reports). A clean shutdown removes
the file. A successor that finds the file of a dead producer of this host reports every reserved
seq not accounted for as a ``crash`` loss, in a producer report under the dead producer's id, so
that a gap in its sequence is explained, never silent.

The format is ``@docket/sdk``'s (``packages/sdk/src/seq-journal.ts``), so either client adopts
the other's journals: ``{"producer":id,"sdk":…,"host":…,"pid":…,"reserved":n}`` first, then
``{"reserved":n}`` (a new block) and ``{"done":[[from,to],…],"reportSeq":k}``.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

from ._spool import _is_alive, _make_dirs, _remove
from ._uuid import create_uuid_v7

#: Seqs reserved per block; the next block is reserved (on a short-lived thread) at half of this one.
SEQ_BLOCK = 4096

SUFFIX = ".seqs"
PRODUCER_REPORT_SCHEMA_V1 = "docket.producer-report/v1"


class SeqJournal:
    """The journal of one live producer.

    Example::

        journal = SeqJournal.open("/var/spool/docket", "worker-1", "docket-client@0.1.0")
        journal.use(seq)  # before seq is handed out
        journal.done([[0, 99]])  # delivered or spooled
    """

    def __init__(self, path: str, fd: int, block: int, report: Callable[[Exception], None]) -> None:
        self.path = path
        self._fd = fd
        self._block = block
        self._report = report
        # Seqs below ``_durable`` are reserved on disk (fsynced); below ``_reserved``, reserved or
        # being reserved.
        self._durable = block
        self._reserved = block
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(cls, directory: str, producer_id: str, sdk: str, report: Callable[[Exception], None], block: int = SEQ_BLOCK) -> "SeqJournal":
        """Creates the producer's journal with its first block reserved. Raises ``OSError``."""
        _make_dirs(directory)
        path = os.path.join(directory, f"{producer_id}{SUFFIX}")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        header = {"producer": producer_id, "sdk": sdk, "host": socket.gethostname(), "pid": os.getpid(), "reserved": block}
        os.write(fd, (json.dumps(header, separators=(",", ":")) + "\n").encode("utf-8"))
        os.fsync(fd)
        return cls(path, fd, block, report)

    def use(self, seq: int) -> None:
        """Called with each seq before it is handed out (under the caller's lock). Cheap unless the
        seq reaches half of the reserved range (then the next block is reserved on a short-lived
        thread) or outruns the durable range (then at once: rare, a burst faster than one fsync)."""
        if seq < self._reserved - self._block // 2 or self._closed:
            return
        if seq >= self._durable:
            with self._lock:
                self._reserved = max(self._reserved, seq + self._block)
                self._write(f'{{"reserved":{self._reserved}}}\n', sync=True)
                self._durable = self._reserved
            return
        if self._reserved > self._durable:
            return  # a reservation is on its way
        self._reserved += self._block
        threading.Thread(target=self._reserve, args=(self._reserved,), name="docket-seq-journal", daemon=True).start()

    def _reserve(self, upto: int) -> None:
        with self._lock:
            try:
                self._write(f'{{"reserved":{upto}}}\n', sync=True)
                self._durable = max(self._durable, upto)
            except OSError as error:
                self._report(error)

    def done(self, ranges: Sequence[Sequence[int]], report_seq: Optional[int] = None) -> None:
        """Notes seqs accounted for (not fsynced), and the highest report seq they went with."""
        if not ranges and report_seq is None:
            return
        line = {"done": [list(r) for r in ranges]}
        if report_seq is not None:
            line["reportSeq"] = report_seq
        with self._lock:
            try:
                self._write(json.dumps(line, separators=(",", ":")) + "\n", sync=False)
            except OSError as error:
                self._report(error)

    def close(self) -> None:
        """Clean shutdown: everything is delivered, spooled or reported; the file goes."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            os.close(self._fd)
            _remove(self.path)

    def _write(self, text: str, sync: bool) -> None:
        if self._closed:
            return
        os.write(self._fd, text.encode("utf-8"))
        if sync:
            os.fsync(self._fd)


@dataclass
class DeadJournal:
    """What a dead producer's journal says is unaccounted for."""

    producer: str
    sdk: Optional[str]
    lost: List[List[int]]
    count: int
    report_seq: int


def read_journal(text: str) -> Optional[DeadJournal]:
    """The reserved seqs a journal's text leaves unaccounted for (a torn last line is ignored)."""
    header = None
    reserved = 0
    report_seq = -1
    done: List[Tuple[int, int]] = []
    for line in text.split("\n"):
        if not line:
            continue
        try:
            parsed = json.loads(line)
        except ValueError:
            continue
        if not isinstance(parsed, dict):
            continue
        if header is None:
            header = parsed
        if _is_int(parsed.get("reserved")):
            reserved = max(reserved, parsed["reserved"])
        if _is_int(parsed.get("reportSeq")):
            report_seq = max(report_seq, parsed["reportSeq"])
        for r in parsed.get("done") or []:
            if isinstance(r, list) and len(r) == 2 and _is_int(r[0]) and _is_int(r[1]):
                done.append((r[0], r[1]))
    if header is None or not isinstance(header.get("producer"), str):
        return None
    done.sort()
    lost: List[List[int]] = []
    next_seq = 0
    for start, end in done:
        if start > next_seq:
            lost.append([next_seq, min(start, reserved) - 1])
        next_seq = max(next_seq, end + 1)
        if next_seq >= reserved:
            break
    if next_seq < reserved:
        lost.append([next_seq, reserved - 1])
    valid = [r for r in lost if r[0] <= r[1]]
    sdk = header.get("sdk")
    return DeadJournal(
        producer=header["producer"],
        sdk=sdk if isinstance(sdk, str) else None,
        lost=valid,
        count=sum(b - a + 1 for a, b in valid),
        report_seq=report_seq + 1,
    )


def adopt_dead_journals(directory: str, own_path: str) -> Tuple[List[str], Callable[[], None]]:
    """Claims the journals of dead producers of this host in ``directory`` (not ``own_path``) and
    makes the ``crash`` producer report (JSON text) of each one that left seqs unaccounted for. The
    caller makes the reports durable (the spool), then calls ``release()`` to remove the files."""
    claimed: List[str] = []
    reports: List[str] = []
    for name in sorted(n for n in os.listdir(directory) if n.endswith(SUFFIX)):
        path = os.path.join(directory, name)
        if path == own_path:
            continue
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            first = json.loads(text[: text.index("\n")])
            if first.get("host") != socket.gethostname():
                continue
            pid = first.get("pid")
            if _is_int(pid) and _is_alive(pid):
                continue
            # Claim it: only one successor wins the rename. Still a journal by its name: if this
            # process dies before it releases the file, the next successor reports the same seqs
            # again (counted twice, never lost).
            target = os.path.join(directory, f"{name[: -len(SUFFIX)]}.claimed-{os.getpid()}{SUFFIX}")
            os.rename(path, target)
            claimed.append(target)
            with open(target, encoding="utf-8") as f:
                text = f.read()
        except (OSError, ValueError, AttributeError):
            continue
        dead = read_journal(text)
        if dead is None or dead.count == 0:
            continue
        producer = {"id": dead.producer} if dead.sdk is None else {"id": dead.producer, "sdk": dead.sdk}
        report = {
            "schema": PRODUCER_REPORT_SCHEMA_V1,
            "id": create_uuid_v7(),
            "ts": _now_iso(),
            "producer": producer,
            "reportSeq": dead.report_seq,
            "losses": {"dropped": 0, "rejected": 0, "failed": 0, "redactionFailed": 0, "invalid": 0, "crash": dead.count},
            "gaps": dead.lost,
            "reasons": {"CRASH": dead.count},
        }
        reports.append(json.dumps(report, separators=(",", ":")))

    def release() -> None:
        for path in claimed:
            _remove(path)

    return reports, release


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _now_iso() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%03dZ" % int(now % 1 * 1000)

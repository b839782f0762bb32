"""The on-disk spool: batches the server could not take, appended to one file per producer and
fsynced before ``append`` returns, delivered in order once the server is back.

The file format is ``@docket/sdk``'s, so either client can deliver what the other spooled: one
JSON object per line, ``{"b":n,"d":[record,…]}`` appends batch ``n`` (with ``"r":[report,…]`` when it
carries producer reports); ``{"a":n}`` says batch ``n``
was delivered (not fsynced: losing an ack only re-sends a batch, which the server answers as
duplicates). A last line without its newline is a torn write and is ignored; a corrupt line is
skipped and reported. Files left by a dead process (``<file>.lock`` missing, or naming a dead pid
on this host) are adopted when the spool opens and delivered first.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

from ._errors import DocketError, to_docket_error
from ._transport import Batch

SUFFIX = ".spool"


@dataclass
class _Entry:
    no: int
    offset: int
    length: int


@dataclass
class _Segment:
    path: str
    own: bool
    pending: List[_Entry]
    size: int
    next_no: int


@dataclass
class SpooledBatch:
    """A pending batch read back from the spool; pass it to :meth:`Spool.ack` once delivered."""

    batch: Batch
    segment: str
    no: int


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except PermissionError:
        return True
    except OSError:
        return False


def _is_orphan(path: str) -> bool:
    try:
        with open(f"{path}.lock", encoding="utf-8") as f:
            lock = json.load(f)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return True
    if not isinstance(lock, dict) or lock.get("host") != socket.gethostname():
        return False
    pid = lock.get("pid")
    return not isinstance(pid, int) or not _is_alive(pid)


# Spool files hold full plaintext records: owner only (directories 0700, files 0600).
DIR_MODE = 0o700
FILE_MODE = 0o600


def _make_dirs(directory: str) -> None:
    """Creates ``directory`` and its missing parents, each 0700 (``os.makedirs`` gives the
    parents the default mode)."""
    if os.path.isdir(directory):
        return
    parent = os.path.dirname(os.path.abspath(directory))
    if parent != os.path.abspath(directory):
        _make_dirs(parent)
    try:
        os.mkdir(directory, DIR_MODE)
    except FileExistsError:
        pass


def _write_lock(path: str) -> None:
    fd = os.open(f"{path}.lock", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"host": socket.gethostname(), "pid": os.getpid()}, f)


def parse_spool(data: bytes, report: Callable[[DocketError], None], path: str) -> Tuple[List[_Entry], int]:
    """The pending entries of a spool file's bytes (torn tail ignored, bad lines reported)."""
    batches = {}
    next_no = 0
    offset = 0
    line = 0
    while offset < len(data):
        end = data.find(b"\n", offset)
        if end == -1:
            report(DocketError("SPOOL_TORN_TAIL", f"{path}: ignoring an unfinished last line"))
            break
        line += 1
        try:
            parsed = json.loads(data[offset:end].decode("utf-8"))
            if isinstance(parsed.get("b"), int) and isinstance(parsed.get("d"), list) and isinstance(parsed.get("r", []), list):
                batches[parsed["b"]] = _Entry(parsed["b"], offset, end - offset)
                next_no = max(next_no, parsed["b"] + 1)
            elif isinstance(parsed.get("a"), int):
                batches.pop(parsed["a"], None)
            else:
                raise ValueError("neither a batch nor an ack")
        except Exception as error:  # noqa: BLE001
            report(to_docket_error("SPOOL_CORRUPT", error, f"{path}: skipping line {line}"))
        offset = end + 1
    return sorted(batches.values(), key=lambda e: e.no), next_no


class Spool:
    """The spool of one producer in a directory.

    Example::

        spool = Spool.open("/var/spool/docket", "worker-1", print)
        spool.append(batch)
    """

    def __init__(self, segments: List[_Segment], own: _Segment, report: Callable[[DocketError], None], producer_id: str = "") -> None:
        self._producer_id = producer_id
        self._segments = segments
        self._own = own
        self._report = report
        self._lock = threading.Lock()
        self._handle: Optional[int] = None

    @classmethod
    def open(cls, directory: str, producer_id: str, report: Callable[[DocketError], None]) -> "Spool":
        """Takes the lock of the producer's file and adopts orphaned files. Raises ``OSError`` or
        :class:`DocketError` ``SPOOL_LOCKED``."""
        _make_dirs(directory)
        own_path = os.path.join(directory, f"{producer_id}{SUFFIX}")
        segments: List[_Segment] = []
        k = 0
        for name in sorted(n for n in os.listdir(directory) if n.endswith(SUFFIX)):
            path = os.path.join(directory, name)
            if not _is_orphan(path):
                if path == own_path:
                    raise DocketError("SPOOL_LOCKED", f"{path} is locked by a live process")
                continue
            # Lock the new name before the rename, so another process never sees it unlocked.
            target = os.path.join(directory, f"{producer_id}.adopted-{int(time.time() * 1000)}-{k}{SUFFIX}")
            k += 1
            _write_lock(target)
            try:
                os.rename(path, target)
            except OSError:
                _remove(f"{target}.lock")
                continue  # another process adopted it first
            _remove(f"{path}.lock")
            with open(target, "rb") as f:
                data = f.read()
            pending, next_no = parse_spool(data, report, target)
            if pending:
                segments.append(_Segment(target, False, pending, len(data), next_no))
            else:
                _remove(target)
                _remove(f"{target}.lock")
        _write_lock(own_path)
        own = _Segment(own_path, True, [], 0, 0)
        return cls(segments, own, report, producer_id)

    @property
    def pending(self) -> int:
        """Batches waiting in the spool."""
        with self._lock:
            return sum(len(s.pending) for s in self._segments) + len(self._own.pending)

    def append(self, batch: Batch) -> None:
        """Appends ``batch`` and fsyncs it; returns once it is on disk. Raises ``OSError``."""
        with self._lock:
            own = self._own
            if self._handle is None:
                self._handle = os.open(own.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
            no = own.next_no
            reports = ',"r":[%s]' % ",".join(batch.reports) if batch.reports else ""
            data = ('{"b":%d,"d":[%s]%s}\n' % (no, ",".join(batch.records), reports)).encode("utf-8")
            os.write(self._handle, data)
            os.fsync(self._handle)
            own.next_no += 1
            own.pending.append(_Entry(no, own.size, len(data) - 1))
            own.size += len(data)

    def head(self) -> Optional[SpooledBatch]:
        """The oldest pending batch (adopted files first), or ``None`` when the spool is empty."""
        with self._lock:
            for segment in [*self._segments, self._own]:
                if not segment.pending:
                    continue
                entry = segment.pending[0]
                with open(segment.path, "rb") as f:
                    f.seek(entry.offset)
                    parsed = json.loads(f.read(entry.length).decode("utf-8"))
                records = parsed["d"]
                return SpooledBatch(
                    Batch(
                        ids=[r.get("id", "") if isinstance(r, dict) else "" for r in records],
                        records=[_compact(r) for r in records],
                        # This producer's seqs only: another's (adopted from a dead process)
                        # are -1, so delivering them never counts in this producer's journal.
                        seqs=[_seq_of(r, self._producer_id) for r in records],
                        reports=[_compact(r) for r in parsed.get("r", [])],
                    ),
                    segment.path,
                    entry.no,
                )
            return None

    def ack(self, spooled: SpooledBatch) -> None:
        """Marks ``spooled`` delivered; empties or removes its file once nothing in it is pending."""
        with self._lock:
            segment = next((s for s in [*self._segments, self._own] if s.path == spooled.segment), None)
            if segment is None:
                return
            at = next((i for i, e in enumerate(segment.pending) if e.no == spooled.no), -1)
            if at == -1:
                return
            del segment.pending[at]
            if segment.own:
                if not segment.pending:
                    if self._handle is not None:
                        os.ftruncate(self._handle, 0)
                    else:
                        open(segment.path, "wb").close()
                    segment.size = 0
                else:
                    data = ('{"a":%d}\n' % spooled.no).encode("utf-8")
                    if self._handle is None:
                        self._handle = os.open(segment.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
                    os.write(self._handle, data)
                    segment.size += len(data)
            elif not segment.pending:
                _remove(segment.path)
                _remove(f"{segment.path}.lock")
                self._segments.remove(segment)
            else:
                # Adopted files are read-only for us but for their acks.
                with open(segment.path, "ab") as f:
                    f.write(('{"a":%d}\n' % spooled.no).encode("utf-8"))

    def close(self) -> None:
        """Closes the file; removes the own file when empty, and the locks (the files are then adoptable)."""
        with self._lock:
            try:
                if self._handle is not None:
                    os.close(self._handle)
                    self._handle = None
                if not self._own.pending:
                    _remove(self._own.path)
                for segment in [*self._segments, self._own]:
                    _remove(f"{segment.path}.lock")
            except OSError as error:
                self._report(to_docket_error("SPOOL_IO", error, "closing the spool"))


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _seq_of(record: object, producer_id: str) -> int:
    producer = record.get("producer") if isinstance(record, dict) else None
    if not isinstance(producer, dict) or producer.get("id") != producer_id:
        return -1
    seq = producer.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else -1


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass

"""RFC 9562 UUIDv7, made the way ``@docket/protocol`` makes them: 48-bit Unix milliseconds, a 12-bit
counter in ``rand_a`` (RFC 9562 §6.2, method 1) and 62 random bits, so that ids made in one process
sort in the order they were made."""

from __future__ import annotations

import os
import re
import threading
import time

_V7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", re.ASCII)
_MAX_ROLLBACK_MS = 10_000
_lock = threading.Lock()
_last_ms = -1
_counter = 0


def _seed_counter() -> int:
    # Top bit clear: at least 2048 ids fit in one millisecond before it borrows the next.
    return int.from_bytes(os.urandom(2), "big") & 0x7FF


def create_uuid_v7(now_ms: int | None = None) -> str:
    """A fresh UUIDv7 (lowercase). Strictly increasing within the process.

    Example::

        create_uuid_v7()  # '01932d1c-6a1c-7b3e-8f00-4a5b6c7d8e9f'
    """
    global _last_ms, _counter
    now = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    with _lock:
        if now > _last_ms or _last_ms - now > _MAX_ROLLBACK_MS:
            _last_ms = now
            _counter = _seed_counter()
        else:
            _counter += 1
            if _counter > 0xFFF:
                _last_ms += 1
                _counter = _seed_counter()
        ms, counter = _last_ms, _counter
    rand = bytearray(os.urandom(8))
    rand[0] = 0x80 | (rand[0] & 0x3F)
    hex_ms = f"{ms:012x}"
    tail = rand.hex()
    return f"{hex_ms[:8]}-{hex_ms[8:]}-{0x7000 | counter:04x}-{tail[:4]}-{tail[4:]}"


def is_uuid_v7(value: object) -> bool:
    """Whether ``value`` is a UUIDv7 in canonical lowercase form.

    Example::

        is_uuid_v7(create_uuid_v7())  # True
    """
    return isinstance(value, str) and _V7.fullmatch(value) is not None

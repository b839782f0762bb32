"""Options of :class:`docket.Docket`, resolved once: explicit value, else the env twin
(``DOCKET_URL``, ``DOCKET_FLUSH_INTERVAL_MS``…), else the default. Any bad value raises
:class:`DocketError` ``OPTION_INVALID`` with ``where`` naming the option."""

from __future__ import annotations

import difflib
import os
import re
import secrets
import socket
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

from ._errors import DocketError
from ._redaction import Redactor, create_redactor

# option name → (env twin, kind, default, min, max)
_SPEC = {
    "url": ("DOCKET_URL", "str", None),
    "api_key": ("DOCKET_API_KEY", "str", None),
    "read_key": ("DOCKET_READ_KEY", "str", None),
    "ca_file": ("DOCKET_CA_FILE", "str", None),
    "spool_dir": ("DOCKET_SPOOL_DIR", "str", None),
    "producer_id": ("DOCKET_PRODUCER_ID", "str", None),
    "max_queue": ("DOCKET_MAX_QUEUE", "int", 10_000, 1, 10_000_000),
    "max_batch": ("DOCKET_MAX_BATCH", "int", 500, 1, 1000),
    "max_batch_bytes": ("DOCKET_MAX_BATCH_BYTES", "int", 4 << 20, 1024, 64 << 20),
    "flush_interval_ms": ("DOCKET_FLUSH_INTERVAL_MS", "int", 1000, 1, 3_600_000),
    "immediate": ("DOCKET_IMMEDIATE", "bool", False),
    "max_attempts": ("DOCKET_MAX_ATTEMPTS", "int", 4, 1, 100),
    "retry_base_ms": ("DOCKET_RETRY_BASE_MS", "int", 200, 1, 600_000),
    "retry_max_ms": ("DOCKET_RETRY_MAX_MS", "int", 30_000, 1, 3_600_000),
    "request_timeout_ms": ("DOCKET_REQUEST_TIMEOUT_MS", "int", 30_000, 1, 3_600_000),
    "gzip": ("DOCKET_GZIP", "bool", True),
    "shutdown_timeout_ms": ("DOCKET_SHUTDOWN_TIMEOUT_MS", "int", 5000, 0, 3_600_000),
    "handle_exit": ("DOCKET_HANDLE_EXIT", "bool", True),
    "validate": ("DOCKET_VALIDATE", "bool", True),
}
_OTHER = ("redact", "on_error", "transport", "env")
OPTION_NAMES = tuple(_SPEC) + _OTHER
_KEY = re.compile(r"dk_[A-Za-z0-9_-]+", re.ASCII)
_PRODUCER = re.compile(r"[A-Za-z0-9._-]{1,200}", re.ASCII)


@dataclass(frozen=True)
class ResolvedOptions:
    """Options after resolution: every value present and checked."""

    url: Optional[str]
    api_key: Optional[str]
    read_key: Optional[str]
    ca_file: Optional[str]
    spool_dir: Optional[str]
    producer_id: str
    producer_id_given: bool
    max_queue: int
    max_batch: int
    max_batch_bytes: int
    flush_interval_ms: int
    immediate: bool
    max_attempts: int
    retry_base_ms: int
    retry_max_ms: int
    request_timeout_ms: int
    gzip: bool
    shutdown_timeout_ms: int
    handle_exit: bool
    validate: bool
    redact: Optional[Redactor]
    on_error: Optional[Callable[[DocketError], Any]]
    transport: Any


def _invalid(option: str, message: str) -> DocketError:
    twin = _SPEC.get(option, (None,))[0]
    named = f"{option} ({twin})" if twin else option
    return DocketError("OPTION_INVALID", f"{named} {message}", where=option)


def default_producer_id() -> str:
    """``{hostname}-{pid}-{6 random hex}``, limited to the characters safe in a file name.

    Example::

        default_producer_id()  # 'build-7-4123-a1b2c3'
    """
    raw = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", raw)


def resolve_options(options: Mapping[str, Any]) -> ResolvedOptions:
    """Resolves and checks ``options`` against their env twins. Raises ``OPTION_INVALID``.

    Example::

        resolve_options({"url": "http://127.0.0.1:7420", "api_key": "dk_x_y"}).max_batch  # 500
    """
    for name in options:
        if name not in OPTION_NAMES:
            close = difflib.get_close_matches(name, OPTION_NAMES, n=1)
            hint = f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(OPTION_NAMES)})"
            raise DocketError("OPTION_INVALID", f"unknown option {name}{hint}", where=name)
    env = options.get("env")
    if env is None:
        env = os.environ
    elif not isinstance(env, Mapping):
        raise _invalid("env", "must be a mapping of variable names to values")
    values: dict = {}
    for name, spec in _SPEC.items():
        twin, kind = spec[0], spec[1]
        explicit = options.get(name)
        raw = explicit if explicit is not None else env.get(twin)
        if raw is None or raw == "":
            values[name] = spec[2]
            continue
        if kind == "str":
            if not isinstance(raw, str):
                raise _invalid(name, f"must be a string, got {type(raw).__name__}")
            values[name] = raw
        elif kind == "int":
            number = raw
            if isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
                number = int(raw)
            if isinstance(number, bool) or not isinstance(number, int) or not spec[3] <= number <= spec[4]:
                raise _invalid(name, f"must be an integer in {spec[3]}..{spec[4]}, got {raw!r}")
            values[name] = number
        else:
            if explicit is not None:
                if not isinstance(explicit, bool):
                    raise _invalid(name, f"must be True or False, got {explicit!r}")
                values[name] = explicit
            elif re.fullmatch(r"1|true|yes|on", raw, re.I):
                values[name] = True
            elif re.fullmatch(r"0|false|no|off", raw, re.I):
                values[name] = False
            else:
                raise _invalid(name, f"must be true or false, got {raw!r}")
    transport = options.get("transport")
    if transport is not None and not callable(getattr(transport, "send", None)):
        raise _invalid("transport", "must have send(batch, timeout) (see HttpTransport)")
    url = values["url"]
    if url is None and transport is None:
        raise _invalid("url", "is required (the Docket server, e.g. http://127.0.0.1:7420)")
    if url is not None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise _invalid("url", f"must be an http: or https: URL, got {url!r}")
    for name in ("api_key", "read_key"):
        key = values[name]
        if key is not None and not _KEY.fullmatch(key):
            raise _invalid(name, "must be a Docket API key (dk_…)")
    if values["ca_file"] is not None:
        _check_ca_file(values["ca_file"])
    if url is not None and transport is None and values["api_key"] is None:
        raise _invalid("api_key", "is required with url")
    given = values["producer_id"] is not None
    producer_id = values["producer_id"] if given else default_producer_id()
    if not _PRODUCER.fullmatch(producer_id):
        raise _invalid("producer_id", "must be 1–200 of A-Z a-z 0-9 . _ -")
    if values["retry_max_ms"] < values["retry_base_ms"]:
        raise _invalid("retry_max_ms", f"must be ≥ retry_base_ms ({values['retry_base_ms']})")
    on_error = options.get("on_error")
    if on_error is not None and not callable(on_error):
        raise _invalid("on_error", "must be a function")
    return ResolvedOptions(
        **{**values, "producer_id": producer_id},
        producer_id_given=given,
        redact=_resolve_redactor(options.get("redact")),
        on_error=on_error,
        transport=transport,
    )


def _check_ca_file(path: str) -> None:
    """``OPTION_INVALID`` unless ``path`` is a readable file of PEM certificates (checked here,
    once, so that a wrong path fails at construction rather than on every send)."""
    try:
        with open(path, "r", encoding="utf-8") as file:
            text = file.read()
    except OSError as error:
        raise _invalid("ca_file", f"cannot be read: {error}") from error
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise _invalid("ca_file", f"holds no PEM certificate: {path}")


def _resolve_redactor(redact: Any) -> Optional[Redactor]:
    if redact is None:
        return None
    if callable(redact):
        return redact
    if not isinstance(redact, Mapping):
        raise _invalid("redact", "must be redaction options (a dict) or a function")
    unknown = [k for k in redact if k not in ("paths", "detectors", "custom", "exclude")]
    if unknown:
        raise DocketError("OPTION_INVALID", f"redact: unknown option {unknown[0]} (known: paths, detectors, custom, exclude)", where=f"redact.{unknown[0]}")
    try:
        return create_redactor(**redact)
    except DocketError as error:
        raise DocketError("OPTION_INVALID", f"redact: {error.message}", where=f"redact.{error.where}", cause=error) from error

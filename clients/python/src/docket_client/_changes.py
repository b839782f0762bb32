"""Recording a change (``docket.change/v1``) from a deployment script or CI job, as the Node SDK's
``recordChange()``: unlike ``capture()`` this is a deliberate, blocking call whose failure the
caller must see (a deployment whose change record was not stored is not an approved change), so it
raises :class:`DocketError` instead of reporting to ``on_error``."""

from __future__ import annotations

import json
import os
import re
import ssl
import urllib.error
import urllib.request
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ._errors import DocketError
from ._uuid import create_uuid_v7, is_uuid_v7

CHANGE_SCHEMA_V1 = "docket.change/v1"
"""Schema id of a change record."""

_MAX_ID = 256
_MAX_TEXT = 2000
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.ASCII)
# Property → (required, longest) of each nested object, as @docket/protocol's checkChangeRecord.
_PARTS: Dict[str, Dict[str, Tuple[bool, int]]] = {
    "agent": {"id": (True, _MAX_ID), "version": (True, _MAX_ID)},
    "model": {"provider": (False, _MAX_ID), "name": (True, _MAX_ID), "version": (False, _MAX_ID)},
    "prompt": {"id": (False, _MAX_ID), "version": (False, _MAX_ID), "hash": (True, _MAX_ID)},
    "policy": {"id": (True, _MAX_ID), "version": (True, _MAX_ID)},
}
_TOP: Dict[str, Tuple[bool, int]] = {
    "author": (True, _MAX_ID),
    "approver": (True, _MAX_ID),
    "replayRun": (False, _MAX_TEXT),
    "description": (False, _MAX_TEXT),
}
_TOP_KEYS = {"schema", "id", "ts", *_PARTS, *_TOP}


def check_change_record(value: Any) -> List[Dict[str, str]]:
    """Every way ``value`` is not a change record: issues ``CHANGE_INVALID``, each at a JSON path
    (the same rules as the server's).

    Example::

        check_change_record({"schema": "docket.change/v1"})
        # [{'code': 'CHANGE_INVALID', 'message': 'id must be a UUIDv7', 'where': '$.id'}, …]
    """
    issues: List[Dict[str, str]] = []

    def bad(where: str, message: str) -> None:
        issues.append({"code": "CHANGE_INVALID", "message": message, "where": where})

    if not isinstance(value, Mapping):
        bad("$", "a change record is an object")
        return issues
    for key in value:
        if key not in _TOP_KEYS:
            bad(f"$.{key}", f"unknown property {key}")
    if value.get("schema") != CHANGE_SCHEMA_V1:
        bad("$.schema", f"schema must be {CHANGE_SCHEMA_V1}")
    if not isinstance(value.get("id"), str) or not is_uuid_v7(value["id"]):
        bad("$.id", "id must be a UUIDv7")
    ts = value.get("ts")
    if not isinstance(ts, str) or not _RFC3339.match(ts) or not _is_date(ts):
        bad("$.ts", "ts must be an RFC 3339 date-time")

    def check_string(where: str, v: Any, rule: Tuple[bool, int]) -> None:
        required, longest = rule
        if v is None:
            if required:
                bad(where, f"{where[2:]} is required")
        elif not isinstance(v, str) or not 1 <= len(v) <= longest:
            bad(where, f"{where[2:]} must be a string of 1 to {longest} characters")

    for name, props in _PARTS.items():
        part = value.get(name)
        if part is None:
            if name == "agent":
                bad("$.agent", "agent is required")
            continue
        if not isinstance(part, Mapping):
            bad(f"$.{name}", f"{name} must be an object")
            continue
        for key in part:
            if key not in props:
                bad(f"$.{name}.{key}", f"unknown property {key}")
        for key, rule in props.items():
            check_string(f"$.{name}.{key}", part.get(key), rule)
    for name, rule in _TOP.items():
        check_string(f"$.{name}", value.get(name), rule)
    return issues


def _is_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def record_change(
    change: Mapping[str, Any],
    *,
    url: Optional[str] = None,
    api_key: Optional[str] = None,
    ca_file: Optional[str] = None,
    timeout: float = 30.0,
) -> Dict[str, Any]:
    """Records a change record through ``POST /v1/changes`` and returns once it is durable in the
    log: ``{"status": "accepted" | "duplicate", "id": …, "index": …}``. ``schema``, ``id`` (a
    UUIDv7, the idempotency key) and ``ts`` (now) are filled in when absent; ``url``, ``api_key``
    (an admin key) and ``ca_file`` default to ``DOCKET_URL``, ``DOCKET_API_KEY`` and
    ``DOCKET_CA_FILE``. Raises :class:`DocketError`: ``CHANGE_INVALID`` before sending,
    ``OPTION_INVALID``, the server's code (``FORBIDDEN`` for a key that is not admin, ``CONFLICT``…)
    or ``SERVER_UNREACHABLE``.

    Example::

        record_change({"agent": {"id": "loan-agent", "version": "2.4.0"}, "model": {"name": "gpt-4o"},
                       "author": "a.dev", "approver": "r.risk", "replayRun": run_id})
    """
    record: Dict[str, Any] = {
        "schema": CHANGE_SCHEMA_V1,
        "id": create_uuid_v7(),
        "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        **change,
    }
    issues = check_change_record(record)
    if issues:
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        raise DocketError("CHANGE_INVALID", f"invalid change record: {issues[0]['message']}{more}", where=issues[0]["where"])
    base = (url if url is not None else os.environ.get("DOCKET_URL", "")).rstrip("/")
    key = api_key if api_key is not None else os.environ.get("DOCKET_API_KEY", "")
    if not base or not key:
        raise DocketError("OPTION_INVALID", "record_change needs a url and an admin api_key", where="url" if not base else "api_key")
    if not base.startswith(("http://", "https://")):
        raise DocketError("OPTION_INVALID", f"url must be http:// or https://, not {base!r}", where="url")
    ca = ca_file if ca_file is not None else os.environ.get("DOCKET_CA_FILE") or None
    # Never through a proxy from the environment: the ledger is named by its URL (as HttpTransport).
    handlers: List[Any] = [urllib.request.ProxyHandler({})]
    if ca is not None:
        handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca)))
    request = urllib.request.Request(
        f"{base}/v1/changes",
        data=json.dumps(record).encode("utf-8"),
        headers={"authorization": f"Bearer {key}", "content-type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.build_opener(*handlers).open(request, timeout=timeout) as response:
            answer = response.read()
    except urllib.error.HTTPError as error:
        raw = error.read() if error.fp is not None else b""
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        code = body.get("code") if isinstance(body.get("code"), str) else "HTTP_ERROR"
        detail = body.get("detail") if isinstance(body.get("detail"), str) else ""
        where = body.get("where") if isinstance(body.get("where"), str) else "/v1/changes"
        raise DocketError(code, f"POST /v1/changes: {error.code} {detail}".rstrip(), where=where) from None
    except (OSError, ValueError) as error:  # refused, reset, timeout, DNS, TLS…
        raise DocketError("SERVER_UNREACHABLE", f"cannot reach {base}: {getattr(error, 'reason', error)}") from error
    try:
        result = json.loads(answer.decode("utf-8"))
    except ValueError as error:
        raise DocketError("HTTP_ERROR", f"POST /v1/changes: the answer is not JSON: {error}", where="/v1/changes") from error
    return result if isinstance(result, dict) else {"result": result}

"""Snapshots of decision records as strict I-JSON (RFC 7493), the profile the ledger accepts.

A snapshot is a deep copy made of plain JSON values only: what JSON cannot hold (a ``datetime``, a
``Decimal``, a set, ``NaN``, an integer beyond ±(2^53−1), a lone surrogate, a non-string key, a
cycle) is refused with the JSON path where it was found, so nothing the caller changes later can
reach a record already captured.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._errors import DocketError

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 128
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*", re.ASCII)


def child_path(parent: str, key: str | int) -> str:
    """The path of a child in the notation redaction rules use: ``$.a``, ``$.a[0]``, ``$['b c']``.

    Example::

        child_path("$.tools", 0)  # '$.tools[0]'
    """
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _PLAIN_KEY.fullmatch(key):
        return f"{parent}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{parent}['{escaped}']"


def _type_name(value: Any) -> str:
    return type(value).__name__


def to_json_value(value: Any, path: str = "$", _depth: int = 0, _seen: set[int] | None = None) -> Any:
    """A deep copy of ``value`` made of ``dict``/``list``/``str``/``int``/``float``/``bool``/``None``.

    Tuples become lists. Raises :class:`DocketError` ``NOT_JSON`` naming the path of the first
    value JSON cannot hold.

    Example::

        to_json_value({"a": (1, 2)})  # {'a': [1, 2]}
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            raise DocketError("NOT_JSON", f"a lone surrogate at {path} (RFC 7493 §2.1)", where=path)
        return str(value)
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise DocketError(
                "NOT_JSON",
                f"integer {value} at {path} is beyond ±(2^53−1) (RFC 7493 §2.2); send it as a string",
                where=path,
            )
        return int(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise DocketError("NOT_JSON", f"{value} at {path} is not a JSON number", where=path)
        if abs(value) > MAX_SAFE_INTEGER:
            raise DocketError(
                "NOT_JSON",
                f"number {value} at {path} is beyond ±(2^53−1) (RFC 7493 §2.2); send it as a string",
                where=path,
            )
        return float(value)
    if isinstance(value, (dict, list, tuple)):
        if _depth >= MAX_DEPTH:
            raise DocketError("NOT_JSON", f"nesting deeper than {MAX_DEPTH} at {path}", where=path)
        seen = set() if _seen is None else _seen
        if id(value) in seen:
            raise DocketError("NOT_JSON", f"a circular reference at {path}", where=path)
        seen.add(id(value))
        try:
            if isinstance(value, dict):
                out = {}
                for key, item in value.items():
                    if not isinstance(key, str):
                        raise DocketError(
                            "NOT_JSON",
                            f"key {key!r} at {path} is a {_type_name(key)}, not a string",
                            where=path,
                        )
                    if _LONE_SURROGATE.search(key):
                        raise DocketError("NOT_JSON", f"a lone surrogate in a key at {path}", where=path)
                    out[str(key)] = to_json_value(item, child_path(path, key), _depth + 1, seen)
                return out
            return [to_json_value(item, f"{path}[{i}]", _depth + 1, seen) for i, item in enumerate(value)]
        finally:
            seen.discard(id(value))
    raise DocketError(
        "NOT_JSON",
        f"{_type_name(value)} at {path} is not a JSON value (convert it, e.g. a datetime to an ISO string)",
        where=path,
    )


def dumps(value: Any) -> str:
    """Compact JSON text of a value made by :func:`to_json_value`.

    Example::

        dumps({"a": 1})  # '{"a":1}'
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

"""Checks a record against ``docket.decision/v1``.

The schema is the very file ``packages/protocol/schema/decision-v1.schema.json`` (a copy ships in
this package; a test keeps the two equal). This is a small interpreter for the JSON Schema keywords
that file uses, with the same rules as ``@docket/protocol``'s: ``format`` is an assertion checked
once ``pattern`` matched, and a keyword it does not implement is refused when the schema is loaded.
It runs on plain JSON values (see ``_json.to_json_value``).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Dict, List

from ._errors import DocketError
from ._json import child_path

Issue = Dict[str, str]

_ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "examples"}
_ASSERTIONS = {
    "$ref", "type", "const", "enum", "minLength", "maxLength", "pattern", "format", "minimum",
    "maximum", "exclusiveMinimum", "items", "maxItems", "properties", "required",
    "additionalProperties", "propertyNames", "maxProperties",
}
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))", re.ASCII
)


def _is_date_time(text: str) -> bool:
    """RFC 3339 §5.6 date-time, with real calendar dates and a leap second only at 23:59."""
    m = _DATE_TIME.fullmatch(text)
    if m is None:
        return False
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    if m.group(9) is not None and (int(m.group(9)) > 23 or int(m.group(10)) > 59):
        return False
    return second < 60 or (hour == 23 and minute == 59) or m.group(9) is not None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "not JSON"


def _allows(types: List[str], found: str) -> bool:
    return found in types or (found == "integer" and "number" in types)


def _found(value: Any) -> str:
    t = _json_type(value)
    return "number" if t == "integer" else t


def _quote(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"


class SchemaValidator:
    """A compiled ``docket.decision/v1`` schema: ``check(value)`` lists every issue.

    Example::

        issues = decision_validator().check({"id": "x"})
        issues[0]["code"]  # 'SCHEMA_PATTERN'
    """

    def __init__(self, schema: dict) -> None:
        self._defs = schema.get("$defs", {})
        self._patterns: Dict[str, "re.Pattern[str]"] = {}
        self._compile(schema, "", root=True)
        for name, node in self._defs.items():
            self._compile(node, f"/$defs/{name}")
        self._root = schema

    def _compile(self, node: Any, pointer: str, root: bool = False) -> None:
        """Refuses keywords this interpreter does not implement; compiles patterns."""
        if node is True:
            return
        if not isinstance(node, dict):
            raise DocketError("SCHEMA_UNSUPPORTED", f"a schema must be an object at {pointer}", where=pointer)
        for keyword, sub in node.items():
            if keyword == "$defs" and root:
                continue
            if keyword not in _ASSERTIONS and keyword not in _ANNOTATIONS:
                raise DocketError(
                    "SCHEMA_UNSUPPORTED", f'keyword "{keyword}" is not supported', where=f"{pointer}/{keyword}"
                )
            if keyword == "format" and sub not in ("date-time", "uuid"):
                raise DocketError("SCHEMA_UNSUPPORTED", f"format {sub!r} is not supported", where=pointer)
            if keyword == "$ref" and not (isinstance(sub, str) and sub.startswith("#/$defs/")):
                raise DocketError("SCHEMA_UNSUPPORTED", f"$ref {sub!r} is not supported", where=pointer)
            if keyword == "pattern":
                # JSON Schema patterns are ECMA-262: "$" is the end of the text, never "before a
                # final newline" as in Python, hence \Z.
                self._patterns[sub] = re.compile(re.sub(r"(?<!\\)\$", r"\\Z", sub))
        for keyword in ("items", "additionalProperties", "propertyNames"):
            if isinstance(node.get(keyword), dict):
                self._compile(node[keyword], f"{pointer}/{keyword}")
        for name, sub in node.get("properties", {}).items():
            self._compile(sub, f"{pointer}/properties/{name}")

    def check(self, value: Any) -> List[Issue]:
        """Every issue of ``value`` (an empty list when it is valid), each with code, message, where."""
        issues: List[Issue] = []
        self._check(self._root, value, "$", issues)
        return issues

    def _check(self, node: Any, value: Any, path: str, issues: List[Issue]) -> None:
        def report(code: str, message: str) -> None:
            issues.append({"code": code, "message": message, "where": path})

        if node is True:
            return
        ref = node.get("$ref")
        if ref is not None:
            self._check(self._defs[ref[len("#/$defs/"):]], value, path, issues)
        found = _json_type(value)
        types = node.get("type")
        if types is not None:
            allowed = [types] if isinstance(types, str) else list(types)
            if not _allows(allowed, found):
                report("SCHEMA_TYPE", f"expected {' or '.join(allowed)}, found {_found(value)}")
                return
        if "const" in node and value != node["const"]:
            report("SCHEMA_CONST", f"expected {_quote(node['const'])}, found {_quote(value)}")
        if "enum" in node and value not in node["enum"]:
            report("SCHEMA_ENUM", f"expected one of {', '.join(map(_quote, node['enum']))}, found {_quote(value)}")
        if found == "string":
            self._check_string(node, value, report)
        elif found in ("integer", "number"):
            if "minimum" in node and value < node["minimum"]:
                report("SCHEMA_RANGE", f"expected at least {node['minimum']}, found {value}")
            if "maximum" in node and value > node["maximum"]:
                report("SCHEMA_RANGE", f"expected at most {node['maximum']}, found {value}")
            if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
                report("SCHEMA_RANGE", f"expected more than {node['exclusiveMinimum']}, found {value}")
        elif found == "array":
            if "maxItems" in node and len(value) > node["maxItems"]:
                report("SCHEMA_LENGTH", f"expected at most {node['maxItems']} items, found {len(value)}")
            items = node.get("items")
            if items is not None:
                for i, item in enumerate(value):
                    self._check(items, item, f"{path}[{i}]", issues)
        elif found == "object":
            self._check_object(node, value, path, issues, report)

    def _check_string(self, node: dict, value: str, report: Callable[[str, str], None]) -> None:
        if "minLength" in node and len(value) < node["minLength"]:
            report("SCHEMA_LENGTH", f"expected at least {node['minLength']} characters, found {len(value)}")
        if "maxLength" in node and len(value) > node["maxLength"]:
            report("SCHEMA_LENGTH", f"expected at most {node['maxLength']} characters, found {len(value)}")
        pattern = node.get("pattern")
        if pattern is not None and self._patterns[pattern].search(value) is None:
            report("SCHEMA_PATTERN", f"expected a string matching {pattern}, found {_quote(value)}")
        elif node.get("format") == "date-time" and not _is_date_time(value):
            report("SCHEMA_FORMAT", f"expected an RFC 3339 date-time, found {_quote(value)}")

    def _check_object(self, node: dict, value: dict, path: str, issues: List[Issue], report) -> None:
        for name in node.get("required", []):
            if name not in value:
                report("SCHEMA_REQUIRED", f'missing required property "{name}"')
        if "maxProperties" in node and len(value) > node["maxProperties"]:
            report("SCHEMA_LENGTH", f"expected at most {node['maxProperties']} properties, found {len(value)}")
        properties = node.get("properties", {})
        additional = node.get("additionalProperties", True)
        names = node.get("propertyNames")
        for key, item in value.items():
            where = child_path(path, key)
            if names is not None:
                self._check(names, key, where, issues)
            if key in properties:
                self._check(properties[key], item, where, issues)
            elif additional is False:
                issues.append({"code": "SCHEMA_UNKNOWN_PROPERTY", "message": f'unknown property "{key}"', "where": where})
            elif isinstance(additional, dict):
                self._check(additional, item, where, issues)


@lru_cache(maxsize=1)
def decision_validator() -> SchemaValidator:
    """The validator of ``docket.decision/v1``, loaded once from the schema shipped in the package.

    Example::

        decision_validator().check(record) == []
    """
    text = resources.files("docket_client").joinpath("decision-v1.schema.json").read_text("utf-8")
    return SchemaValidator(json.loads(text))

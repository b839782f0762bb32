"""Redaction: personal data is removed before a decision leaves the process, by JSON path, by
detectors (email, phone, US SSN, payment card with Luhn, IBAN with mod 97) and by a custom function,
in one walk over the record. Fail closed: a redactor that cannot finish raises ``DocketError``
``REDACTION_FAILED`` and the client drops (and counts) the decision instead of sending it.

A port of ``@docket/sdk``'s redaction: the same rules, paths, markers and defaults.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from ._errors import DocketError
from ._json import child_path

DETECTOR_NAMES: Tuple[str, ...] = ("email", "iban", "card", "ssn", "phone")
"""The detectors in the order they run: IBANs and cards before phone numbers, so a long account or
card number is named for what it is rather than taken for a phone number."""

DEFAULT_REDACTION_EXCLUDE: Tuple[str, ...] = (
    "$.id", "$.schema", "$.ts", "$.agent", "$.model", "$.prompt", "$.policy", "$.correlation",
    "$.producer", "$.outcome.action",
)
"""Paths the detectors and ``custom`` skip by default: ids, versions and names that describe the
decision rather than its subject, which a detector could only mangle."""

# Fields the ledger needs: never redacted, scanned or matched by a wildcard or recursive rule.
_PROTECTED = frozenset({"id", "schema", "ts", "producer"})

Custom = Callable[[str, str], Optional[str]]
Redactor = Callable[[Dict[str, Any]], Dict[str, Any]]


def redaction_marker(rule: str) -> str:
    """The marker that replaces redacted data: ``[REDACTED:<rule>]``.

    Example::

        redaction_marker("email")  # '[REDACTED:email]'
    """
    return f"[REDACTED:{rule}]"


# ---- detectors ----

_ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
# Email: a pragmatic subset of RFC 5322 §3.4.1 (dot-atom local part), domain of LDH labels
# (RFC 1035 §2.3.1) ending in an alphabetic TLD.
_EMAIL = re.compile(
    rf"(?<![.{_ATEXT}])[{_ATEXT}]+(?:\.[{_ATEXT}]+)*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-])",
    re.ASCII,
)
# US SSN: never area 000, 666 or 9xx, group 00 or serial 0000 (SSA, SSN randomization, 2011).
_SSN = re.compile(r"(?<!\d)(?<!\d-)(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?!-?\d)", re.ASCII)
# Card: digit runs in groups joined by single spaces or dashes.
_DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:[ -]\d+)*(?!\d)", re.ASCII)
# IBAN (ISO 13616-1): country code, two check digits, BBAN.
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}", re.ASCII)
# Phone: E.164 (ITU-T E.164 §6), North American (NANP), national with a trunk 0.
_PHONE_INTL = re.compile(
    r"(?<![\w+])\+[1-9]\d{0,14}(?:[ .-]?\(\d{1,4}\)[ .-]?\d{1,14})?(?:[ .-]\d{1,14})*(?!\d)", re.ASCII
)
_PHONE_NANP = re.compile(
    r"(?<![\w.+/-])(?:1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?![\w/-]|[.,:]\d)",
    re.ASCII,
)
_PHONE_TRUNK = re.compile(r"(?<![\w.+/-])0[1-9]\d{0,4}[ /-]\d{2,8}(?: \d{2,8}){0,4}(?![\w/-]|[.,:]\d)", re.ASCII)
_HAS_DIGIT_OR_AT = re.compile(r"[\d@]", re.ASCII)
_IBAN_LENGTHS = {"AD": 24, "AE": 23, "AL": 28, "AO": 25, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BF": 28, "BG": 22, "BH": 22, "BI": 27, "BJ": 28, "BR": 29, "BY": 28, "CF": 27, "CG": 27, "CH": 21, "CI": 28, "CM": 27, "CR": 22, "CV": 25, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "DZ": 26, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GA": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GQ": 27, "GR": 27, "GT": 28, "GW": 25, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IR": 26, "IS": 26, "IT": 27, "JO": 30, "KM": 27, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MA": 28, "MC": 27, "MD": 24, "ME": 22, "MG": 27, "MK": 19, "ML": 28, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "MZ": 25, "NE": 28, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SN": 28, "SO": 23, "ST": 25, "SV": 28, "TD": 27, "TG": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30}


def is_luhn_valid(digits: str) -> bool:
    """Luhn check (ISO/IEC 7812-1 Annex B) of a string of digits.

    Example::

        is_luhn_valid("4111111111111111")  # True
    """
    total = 0
    double = False
    for ch in reversed(digits):
        d = ord(ch) - 48
        if double:
            d *= 2
            if d > 9:
                d -= 9
        total += d
        double = not double
    return len(digits) > 0 and total % 10 == 0


def is_iban_checksum_valid(iban: str) -> bool:
    """ISO 7064 MOD 97-10 check of an IBAN without spaces (ISO 13616-1 §7).

    Example::

        is_iban_checksum_valid("GB82WEST12345698765432")  # True
    """
    text = iban[4:] + iban[:4]
    rest = 0
    for ch in text:
        c = ord(ch)
        if 48 <= c <= 57:
            rest = (rest * 10 + (c - 48)) % 97
        elif 65 <= c <= 90:
            rest = (rest * 100 + (c - 55)) % 97
        else:
            return False
    return len(text) > 4 and rest == 1


def _is_alnum(ch: str) -> bool:
    return ("0" <= ch <= "9") or ("A" <= ch <= "Z") or ("a" <= ch <= "z")


def _iban_end(text: str, start: int, length: int) -> int:
    """End offset of an IBAN of ``length`` characters (single spaces allowed) at ``start``, or -1."""
    count = 0
    i = start
    chars = []
    while i < len(text) and count < length:
        ch = text[i]
        if _is_alnum(ch):
            chars.append(ch)
            count += 1
            i += 1
        elif ch == " " and count > 0 and i + 1 < len(text) and _is_alnum(text[i + 1]):
            i += 1
        else:
            break
    if count != length:
        return -1
    if i < len(text) and _is_alnum(text[i]):
        return -1
    return i if is_iban_checksum_valid("".join(chars).upper()) else -1


def _redact_iban(text: str) -> str:
    out = []
    start_from = 0
    pos = 0
    while True:
        m = _IBAN_START.search(text, pos)
        if m is None:
            break
        start = m.start()
        known = _IBAN_LENGTHS.get(m.group(0)[:2].upper())
        end = -1
        if known is not None:
            end = _iban_end(text, start, known)
        else:
            # A country outside the registry: one unbroken token of 15–34 characters only.
            j = start
            while j < len(text) and _is_alnum(text[j]):
                j += 1
            if 15 <= j - start <= 34:
                end = _iban_end(text, start, j - start)
        if end == -1:
            pos = m.end()
            continue
        out.append(text[start_from:start])
        out.append(redaction_marker("iban"))
        start_from = end
        pos = end
    if start_from == 0:
        return text
    out.append(text[start_from:])
    return "".join(out)


def _count_digits(text: str) -> int:
    return sum(1 for ch in text if "0" <= ch <= "9")


def _redact_card_run(run: str) -> str:
    groups = re.split(r"[ -]", run)
    seps = re.findall(r"[ -]", run)
    out = []
    i = 0
    while i < len(groups):
        found = -1
        # Longest window of whole groups first, so "4111 1111 1111 1111" is one card, not a prefix.
        if groups[i][:1] in ("2", "3", "4", "5", "6"):
            digits = ""
            windows = []
            j = i
            while j < len(groups) and len(digits) <= 19:
                digits += groups[j]
                if 13 <= len(digits) <= 19:
                    windows.append((j, digits))
                j += 1
            for end, window in reversed(windows):
                if is_luhn_valid(window):
                    found = end
                    break
        if found == -1:
            out.append(groups[i] + (seps[i] if i < len(seps) else ""))
            i += 1
        else:
            out.append(redaction_marker("card") + (seps[found] if found < len(seps) else ""))
            i = found + 1
    return "".join(out)


def _redact_phone(text: str) -> str:
    def intl(m: "re.Match[str]") -> str:
        match = m.group(0)
        # Drop trailing groups beyond E.164's 15 digits: they belong to the text that follows.
        head = match
        while _count_digits(head) > 15:
            cut = max(head.rfind(" "), head.rfind("."), head.rfind("-"))
            if cut <= 0:
                return match
            head = head[:cut]
        if _count_digits(head) < 7:
            return match
        return redaction_marker("phone") + match[len(head):]

    def trunk(m: "re.Match[str]") -> str:
        n = _count_digits(m.group(0))
        return redaction_marker("phone") if 9 <= n <= 12 else m.group(0)

    out = _PHONE_INTL.sub(intl, text)
    out = _PHONE_NANP.sub(redaction_marker("phone"), out)
    return _PHONE_TRUNK.sub(trunk, out)


_APPLY: Dict[str, Callable[[str], str]] = {
    "email": lambda text: _EMAIL.sub(redaction_marker("email"), text) if "@" in text else text,
    "iban": _redact_iban,
    "card": lambda text: _DIGIT_RUN.sub(
        lambda m: m.group(0) if _count_digits(m.group(0)) < 13 else _redact_card_run(m.group(0)), text
    ),
    "ssn": lambda text: _SSN.sub(redaction_marker("ssn"), text),
    "phone": _redact_phone,
}


def create_detector(names: Sequence[str]) -> Callable[[str], str]:
    """One function running the chosen detectors over a string, replacing each match by its marker.

    Example::

        create_detector(["email"])("mail jane@x.org now")  # 'mail [REDACTED:email] now'
    """
    chosen = [_APPLY[name] for name in DETECTOR_NAMES if name in names]
    if not chosen:
        return lambda text: text

    def detect(text: str) -> str:
        # Every detector needs a digit (or "@" for email): skip most prose and ids at once.
        if _HAS_DIGIT_OR_AT.search(text) is None:
            return text
        for apply in chosen:
            text = apply(text)
        return text

    return detect


# ---- JSON paths (an RFC 9535 subset: $.a, $['a b'], $.l[0], $.l[*], $.o.*, $..k, $..*) ----

_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*", re.ASCII)
_INDEX = re.compile(r"0|[1-9]\d{0,8}", re.ASCII)
Segment = Tuple[str, Any]


def compile_path(text: str) -> List[Segment]:
    """Parses a path such as ``$.tools[*].args.email`` into segments; ``ValueError`` names the offset.

    Example::

        compile_path("$..password")  # [('descend', 'password')]
    """
    if not isinstance(text, str) or not text.startswith("$"):
        raise ValueError(f'path must start with "$": {text}')
    segments: List[Segment] = []
    i = 1

    def fail(what: str) -> None:
        raise ValueError(f"{what} at offset {i} of {text}")

    def bracket(start: int) -> Tuple[Segment, int]:
        def close(at: int) -> int:
            if text[at : at + 1] != "]":
                fail('expected "]"')
            return at + 1

        c = text[start + 1 : start + 2]
        if c == "*":
            return ("any", None), close(start + 2)
        if c in ("'", '"'):
            name = []
            j = start + 2
            while j < len(text) and text[j] != c:
                if text[j] == "\\":
                    j += 1
                name.append(text[j : j + 1])
                j += 1
            if j >= len(text):
                fail("unterminated quoted name")
            return ("key", "".join(name)), close(j + 1)
        m = _INDEX.match(text, start + 1)
        if m is None:
            fail("expected an index, a quoted name or *")
        return ("index", int(m.group(0))), close(m.end())

    while i < len(text):
        if text.startswith("..", i):
            i += 2
            if text[i : i + 1] == "*":
                i += 1
                segments.append(("descend", None))
            elif text[i : i + 1] == "[":
                segment, i = bracket(i)
                if segment[0] == "key":
                    segments.append(("descend", segment[1]))
                elif segment[0] == "any":
                    segments.append(("descend", None))
                else:
                    fail("recursive descent takes a name or *")
            else:
                m = _NAME.match(text, i)
                if m is None:
                    fail('expected a name after ".."')
                i = m.end()
                segments.append(("descend", m.group(0)))
        elif text[i] == ".":
            i += 1
            if text[i : i + 1] == "*":
                i += 1
                segments.append(("any", None))
            else:
                m = _NAME.match(text, i)
                if m is None:
                    fail('expected a name after "."')
                i = m.end()
                segments.append(("key", m.group(0)))
        elif text[i] == "[":
            segment, i = bracket(i)
            segments.append(segment)
        else:
            fail(f'unexpected "{text[i]}"')
    return segments


# Match states: pairs (path number, segment number) of the paths still matching.
States = Tuple[Tuple[int, int], ...]


def _start_states(count: int) -> States:
    return tuple((p, 0) for p in range(count))


def _step_into(paths: Sequence[List[Segment]], states: States, key: Union[str, int]) -> Tuple[States, int]:
    """The child's states and the first path (in option order) that ends exactly at the child."""
    if not states:
        return (), -1
    nxt: List[Tuple[int, int]] = []
    matched = -1
    for p, s in states:
        segments = paths[p]
        if s >= len(segments):
            continue
        kind, arg = segments[s]
        if kind == "key":
            advance = key == arg and isinstance(key, str)
        elif kind == "index":
            advance = key == arg and isinstance(key, int)
        elif kind == "any":
            advance = True
        else:  # descend: `..name` names object members only; the descent goes on through anything
            advance = arg is None or (isinstance(key, str) and key == arg)
            if (p, s) not in nxt:
                nxt.append((p, s))
        if not advance:
            continue
        if s + 1 == len(segments):
            if matched == -1 or p < matched:
                matched = p
        elif (p, s + 1) not in nxt:
            nxt.append((p, s + 1))
    return tuple(nxt), matched


# ---- the redactor ----


class _Plan:
    __slots__ = ("rules", "markers", "exclude", "detect", "custom")

    def __init__(self, rules, markers, exclude, detect, custom) -> None:
        self.rules = rules
        self.markers = markers
        self.exclude = exclude
        self.detect = detect
        self.custom = custom


def _invalid(message: str, where: str) -> DocketError:
    return DocketError("OPTION_INVALID", message, where=where)


def _compile_option(text: Any, where: str) -> List[Segment]:
    if not isinstance(text, str):
        raise _invalid(f"{where} must be a JSON path string", where)
    try:
        return compile_path(text)
    except ValueError as error:
        raise DocketError("OPTION_INVALID", f"{where}: {error}", where=where, cause=error) from error


def _resolve_detectors(value: Any) -> List[str]:
    if value is None or value == "all":
        return list(DETECTOR_NAMES)
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise _invalid('detectors must be "all" or a list', "detectors")
    for i, name in enumerate(value):
        if name not in DETECTOR_NAMES:
            raise _invalid(f"unknown detector {name!r} (known: {', '.join(DETECTOR_NAMES)})", f"detectors[{i}]")
    return list(value)


def create_redactor(
    paths: Sequence[str] = (),
    detectors: Union[Sequence[str], str, None] = "all",
    custom: Optional[Custom] = None,
    exclude: Optional[Sequence[str]] = None,
) -> Redactor:
    """Builds a redactor (record → new record; the input is never changed).

    - ``paths``: JSON paths whose whole value becomes ``[REDACTED:path:<path as written>]``.
    - ``detectors``: ``"all"`` (default), a list of :data:`DETECTOR_NAMES`, or ``[]``; each match
      inside a string becomes ``[REDACTED:<detector>]``.
    - ``custom(value, path)``: called with each scanned string before the detectors; a returned
      string replaces the whole value (name the rule in it, e.g. ``redaction_marker("employee-id")``),
      ``None`` keeps it.
    - ``exclude``: paths never scanned by detectors or ``custom``; replaces
      :data:`DEFAULT_REDACTION_EXCLUDE`.

    Raises :class:`DocketError` ``OPTION_INVALID`` naming a malformed path, an unknown detector or a
    rule that would remove a field the ledger needs. The redactor raises ``REDACTION_FAILED``.

    Example::

        redact = create_redactor(paths=["$..password"], detectors=["email"])
        redact(record)["context"]  # {'user': 'mail [REDACTED:email] now', 'password': '[REDACTED:path:$..password]'}
    """
    if isinstance(paths, str) or not isinstance(paths, (list, tuple)):
        raise _invalid("paths must be a list of JSON paths", "paths")
    rules = []
    texts = []
    for i, text in enumerate(paths):
        rule = _compile_option(text, f"paths[{i}]")
        first = rule[0] if rule else None
        if first is None or (first[0] == "any" and len(rule) == 1) or (first[0] == "key" and first[1] in _PROTECTED):
            raise _invalid(f"path rule {text} would redact a field the ledger needs (id, schema, ts, producer)", text)
        rules.append(rule)
        texts.append(text)
    excludes = DEFAULT_REDACTION_EXCLUDE if exclude is None else exclude
    if isinstance(excludes, str) or not isinstance(excludes, (list, tuple)):
        raise _invalid("exclude must be a list of JSON paths", "exclude")
    compiled_exclude = [_compile_option(text, f"exclude[{i}]") for i, text in enumerate(excludes)]
    if custom is not None and not callable(custom):
        raise _invalid("custom must be a function", "custom")
    plan = _Plan(
        rules,
        [redaction_marker(f"path:{text}") for text in texts],
        compiled_exclude,
        create_detector(_resolve_detectors(detectors)),
        custom,
    )

    def redact(record: Dict[str, Any]) -> Dict[str, Any]:
        try:
            if not isinstance(record, dict):
                raise TypeError("a decision record must be a dict")
            return _redact_root(plan, record)
        except Exception as error:  # fail closed, whatever went wrong
            raise DocketError("REDACTION_FAILED", f"redaction failed: {error}", cause=error) from error

    return redact


def _redact_root(plan: _Plan, record: Dict[str, Any]) -> Dict[str, Any]:
    out = {}
    rule_states = _start_states(len(plan.rules))
    exclude_states = _start_states(len(plan.exclude))
    for key, value in record.items():
        if key in _PROTECTED:
            out[key] = _copy(value, f"$.{key}")
        else:
            out[key] = _redact_member(plan, value, key, "$", rule_states, exclude_states)
    return out


def _redact_member(plan, value, key, parent_path, parent_rules, parent_exclude):
    states, matched = _step_into(plan.rules, parent_rules, key)
    if matched != -1:
        return plan.markers[matched]
    # None: an excluded ancestor, so nothing below is scanned.
    exclude = None
    if parent_exclude is not None:
        ex_states, ex_matched = _step_into(plan.exclude, parent_exclude, key)
        exclude = ex_states if ex_matched == -1 else None
    path = child_path(parent_path, key)
    if not states and exclude is None:
        return _copy(value, path)
    return _redact_value(plan, value, path, states, exclude)


def _redact_value(plan, value, path, rules, exclude):
    if isinstance(value, str):
        return value if exclude is None else _scan(plan, value, path)
    if isinstance(value, list):
        return [_redact_member(plan, item, i, path, rules, exclude) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: _redact_member(plan, item, key, path, rules, exclude) for key, item in value.items()}
    return _scalar(value, path)


def _scan(plan: _Plan, value: str, path: str) -> str:
    if plan.custom is not None:
        replacement = plan.custom(value, path)
        if isinstance(replacement, str):
            return replacement
        if replacement is not None:
            raise TypeError(f"custom returned {type(replacement).__name__} at {path}, not a string")
    return plan.detect(value)


def _copy(value: Any, path: str) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_copy(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: _copy(item, child_path(path, key)) for key, item in value.items()}
    return _scalar(value, path)


def _scalar(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value == value and value not in (float("inf"), float("-inf")):
        return value
    # Fail closed on what JSON cannot hold.
    raise TypeError(f"not a JSON value at {path}: {type(value).__name__}")

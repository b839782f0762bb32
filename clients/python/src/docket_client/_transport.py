"""Delivery over the Docket HTTP API with the standard library: ``POST /v1/decisions`` and
``POST /v1/producer-reports`` (gzip when worth it) and ``GET /v1/decisions/{id}/proof``. Never
raises: every failure is a result."""

from __future__ import annotations

import email.utils
import gzip
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ._errors import DocketError

GZIP_MIN_BYTES = 1024
"""Bodies smaller than this are sent as they are: gzip would cost more than it saves."""


@dataclass
class Batch:
    """One batch, already serialized: the JSON text of each record, in producer order, ``seqs``
    their producer seqs (``-1`` when unknown); ``reports`` the JSON text of producer reports
    (``docket.producer-report/v1``: losses since the previous report) to deliver with it.

    Example::

        Batch(ids=[decision_id], records=[text], seqs=[0])
    """

    ids: List[str]
    records: List[str]
    seqs: List[int] = field(default_factory=list)
    reports: List[str] = field(default_factory=list)


@dataclass
class SendResult:
    """Outcome of one delivery attempt; ``retryable`` failures are retried, then spooled.
    ``report_results`` has one result per report of the batch (when it had any).

    Example::

        SendResult(ok=False, retryable=True, retry_after_s=1.0, error=error)
    """

    ok: bool
    results: List[Dict[str, Any]] = field(default_factory=list)
    report_results: List[Dict[str, Any]] = field(default_factory=list)
    retryable: bool = False
    retry_after_s: Optional[float] = None
    error: Optional[DocketError] = None


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``Retry-After`` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) in seconds, or ``None``.

    Example::

        parse_retry_after("2")  # 2.0
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _is_retryable(status: int) -> bool:
    """408, 425, 429 and 5xx are worth another try; other statuses will answer the same again."""
    return status in (408, 425, 429) or status >= 500


def _problem(status: int, body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
        code = parsed.get("code") if isinstance(parsed.get("code"), str) else f"HTTP_{status}"
        detail = parsed.get("detail") if isinstance(parsed.get("detail"), str) else text[:200]
        return f"{code}: {detail}"
    except (ValueError, AttributeError):
        return f"HTTP_{status}: {text[:200]}"


class HttpTransport:
    """A transport to a Docket server.

    Example::

        transport = HttpTransport("http://127.0.0.1:7420", "dk_…")
        result = transport.send(Batch(ids=[id], records=[text], seqs=[0]), timeout=30)
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        read_key: Optional[str] = None,
        use_gzip: bool = True,
        user_agent: str = "",
        ca_file: Optional[str] = None,
    ) -> None:
        self._base = url.rstrip("/")
        self._api_key = api_key
        self._read_key = read_key or api_key
        self._gzip = use_gzip
        self._agent = user_agent
        # Never through a proxy from the environment: the ledger is named by its URL.
        handlers: List[Any] = [urllib.request.ProxyHandler({})]
        if ca_file is not None:
            # An https: server whose certificate is signed by this CA rather than a public one.
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca_file)))
        self._opener = urllib.request.build_opener(*handlers)

    def send(self, batch: Batch, timeout: float) -> SendResult:
        """Delivers one batch: its decisions, then its producer reports (a retry re-sends both;
        the server answers them as duplicates). Returns once the accepted items are durable."""
        deadline = time.monotonic() + timeout
        results: List[Dict[str, Any]] = []
        if batch.records:
            sent = self._post("/v1/decisions", '{"decisions":[' + ",".join(batch.records) + "]}", len(batch.ids), timeout)
            if not sent.ok:
                return sent
            results = sent.results
        if not batch.reports:
            return SendResult(ok=True, results=results)
        left = max(0.05, deadline - time.monotonic())
        sent = self._post("/v1/producer-reports", '{"reports":[' + ",".join(batch.reports) + "]}", len(batch.reports), left)
        if not sent.ok:
            return sent
        return SendResult(ok=True, results=results, report_results=sent.results)

    def _post(self, path: str, text: str, expected: int, timeout: float) -> SendResult:
        """POSTs ``text`` to ``path``; ok with ``expected`` item results, else a (maybe retryable) failure."""
        body = text.encode("utf-8")
        headers = {"authorization": f"Bearer {self._api_key}", "content-type": "application/json", "user-agent": self._agent}
        if self._gzip and len(body) >= GZIP_MIN_BYTES:
            body = gzip.compress(body, compresslevel=6)
            headers["content-encoding"] = "gzip"
        request = urllib.request.Request(f"{self._base}{path}", data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=max(0.001, timeout)) as response:
                status = response.status
                answer = response.read()
        except urllib.error.HTTPError as error:
            answer = error.read() if error.fp is not None else b""
            return SendResult(
                ok=False,
                retryable=_is_retryable(error.code),
                retry_after_s=parse_retry_after(error.headers.get("retry-after") if error.headers else None),
                error=DocketError("SEND_FAILED", f"POST {path} answered {error.code} {_problem(error.code, answer)}"),
            )
        except Exception as error:  # noqa: BLE001 - connection refused, reset, timeout, DNS…
            reason = getattr(error, "reason", error)
            return SendResult(ok=False, retryable=True, error=DocketError("SEND_UNREACHABLE", f"POST {path}: {reason}", cause=error))
        if status != 200:
            return SendResult(ok=False, retryable=_is_retryable(status), error=DocketError("SEND_FAILED", f"POST {path} answered {status}"))
        try:
            results = json.loads(answer.decode("utf-8"))["results"]
            if not isinstance(results, list) or len(results) != expected:
                raise ValueError("not one result per item")
        except Exception as error:  # noqa: BLE001
            return SendResult(ok=False, retryable=True, error=DocketError("SEND_BAD_ANSWER", f"POST {path}: no result per item: {error}"))
        return SendResult(ok=True, results=results)

    def proof(self, decision_id: str, timeout: float) -> Dict[str, Any]:
        """The inclusion proof of a decision: ``{"ok": True, "proof": {...}}`` or ``{"ok": False, "error": DocketError}``."""
        url = f"{self._base}/v1/decisions/{urllib.parse.quote(decision_id, safe='')}/proof"
        request = urllib.request.Request(url, headers={"authorization": f"Bearer {self._read_key}", "user-agent": self._agent})
        try:
            with self._opener.open(request, timeout=max(0.001, timeout)) as response:
                return {"ok": True, "proof": json.loads(response.read().decode("utf-8"))}
        except urllib.error.HTTPError as error:
            code = {403: "RECEIPT_FORBIDDEN", 404: "RECEIPT_UNKNOWN_ID"}.get(error.code, "RECEIPT_FAILED")
            hint = " (set read_key to a reader key)" if error.code == 403 else ""
            body = error.read() if error.fp is not None else b""
            return {"ok": False, "error": DocketError(code, f"GET proof of {decision_id} answered {error.code} {_problem(error.code, body)}{hint}")}
        except Exception as error:  # noqa: BLE001
            return {"ok": False, "error": DocketError("RECEIPT_FAILED", f"GET proof of {decision_id}: {error}", cause=error)}

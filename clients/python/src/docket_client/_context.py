"""The decision context of ``record()``: a ``contextvars`` scope in which the agent's code (and
integrations such as the Dagster helper) adds alternatives, reasoning steps, tool and model calls
and the outcome. Each addition is snapshotted when it is made; outside a decision the helpers do
nothing and return ``False``. ``contextvars`` makes the scope follow threads started with
``contextvars.copy_context()`` and asyncio tasks.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Union

from ._errors import DocketError, to_docket_error
from ._json import to_json_value

_MISSING: Any = object()


class ActiveDecision:
    """A decision being recorded (what ``with docket.record(...) as decision`` gives).

    Example::

        with docket.record(agent=AGENT) as decision:
            decision.consider("decline", score=0.1)
            print(decision.id)
    """

    __slots__ = ("id", "sink", "alternatives", "reasoning", "tools", "llm_calls", "outcome", "confidence")

    def __init__(self, decision_id: str, sink: Any) -> None:
        self.id = decision_id
        self.sink = sink
        self.alternatives: List[Any] = []
        self.reasoning: List[Any] = []
        self.tools: List[Any] = []
        self.llm_calls: List[Any] = []
        self.outcome: Optional[Dict[str, Any]] = None
        self.confidence: Optional[float] = None

    def _add(self, what: str, value: Any, push) -> bool:
        try:
            push(to_json_value(value, f"{what}()"))
            return True
        except DocketError as error:
            self.sink.report(DocketError("CONTEXT_INVALID", f"{what}() could not snapshot its argument: {error.message}", where=error.where))
        except Exception as error:  # noqa: BLE001 - never into the host
            self.sink.report(to_docket_error("CONTEXT_INVALID", error, f"{what}() could not snapshot its argument"))
        return False

    def consider(self, action: str, score: Optional[float] = None, reason: Optional[str] = None) -> bool:
        """Records an option considered (see :func:`consider`)."""
        alternative: Dict[str, Any] = {"action": action}
        if score is not None:
            alternative["score"] = score
        if reason is not None:
            alternative["reason"] = reason
        return self._add("consider", alternative, self.alternatives.append)

    def reason(self, step: Union[str, Dict[str, Any]], *, kind: Optional[str] = None, data: Any = _MISSING) -> bool:
        """Records one reasoning step (see :func:`reason`)."""
        if isinstance(step, str) and (kind is not None or data is not _MISSING):
            value: Any = {"text": step}
            if kind is not None:
                value["kind"] = kind
            if data is not _MISSING:
                value["data"] = data
        else:
            value = step
        return self._add("reason", value, self.reasoning.append)

    def tool(
        self,
        name: str,
        args: Optional[Dict[str, Any]] = None,
        result: Any = _MISSING,
        *,
        error: Optional[str] = None,
        duration: Optional[float] = None,
    ) -> bool:
        """Records one tool call with its I/O (see :func:`tool`)."""
        call: Dict[str, Any] = {"name": name}
        if args is not None:
            call["args"] = args
        if result is not _MISSING:
            call["result"] = result
        if error is not None:
            call["error"] = error
        if duration is not None:
            call["duration"] = duration
        return self._add("tool", call, self.tools.append)

    def llm(self, request: Dict[str, Any], response: Any = _MISSING, usage: Optional[Dict[str, Any]] = None) -> bool:
        """Records one model call (see :func:`llm`)."""
        call: Dict[str, Any] = {"request": request}
        if response is not _MISSING:
            call["response"] = response
        if usage is not None:
            call["usage"] = usage
        return self._add("llm", call, self.llm_calls.append)

    def decide(
        self,
        outcome: Union[str, Dict[str, Any]],
        confidence: Optional[float] = None,
        *,
        value: Any = _MISSING,
        target: Optional[str] = None,
    ) -> bool:
        """Sets the outcome and optionally the confidence (see :func:`decide`)."""
        full: Dict[str, Any] = {"action": outcome} if isinstance(outcome, str) else dict(outcome)
        if value is not _MISSING:
            full["value"] = value
        if target is not None:
            full["target"] = target

        def push(copy: Dict[str, Any]) -> None:
            self.outcome = copy
            if confidence is not None:
                self.confidence = confidence

        return self._add("decide", full, push)


_current: contextvars.ContextVar[Optional[ActiveDecision]] = contextvars.ContextVar("docket_decision", default=None)
_correlation: contextvars.ContextVar[Optional[Dict[str, Any]]] = contextvars.ContextVar("docket_correlation", default=None)


def current_decision() -> Optional[ActiveDecision]:
    """The decision being recorded in this context, or ``None``."""
    return _current.get()


def current_decision_id() -> Optional[str]:
    """The id of the decision being recorded (for links and integrations), or ``None``.

    Example::

        parent = current_decision_id()
    """
    active = _current.get()
    return None if active is None else active.id


def consider(action: str, score: Optional[float] = None, reason: Optional[str] = None) -> bool:
    """Records an option the agent considered. ``False`` (and nothing done) outside ``record()``.

    Example::

        consider("decline", score=0.11, reason="DTI above limit")
    """
    active = _current.get()
    return False if active is None else active.consider(action, score, reason)


def reason(step: Union[str, Dict[str, Any]], *, kind: Optional[str] = None, data: Any = _MISSING) -> bool:
    """Records one reasoning step: a text, or a structured step (``kind``, ``text``, ``data``).

    Example::

        reason("DTI 0.31 is under 0.43", kind="rule", data={"dti": 0.31, "limit": 0.43})
    """
    active = _current.get()
    return False if active is None else active.reason(step, kind=kind, data=data)


def tool(
    name: str,
    args: Optional[Dict[str, Any]] = None,
    result: Any = _MISSING,
    *,
    error: Optional[str] = None,
    duration: Optional[float] = None,
) -> bool:
    """Records one tool call with its I/O (what replay serves back); ``duration`` in milliseconds.

    Example::

        tool("credit_bureau.get_report", {"applicant": "A1"}, report, duration=184)
    """
    active = _current.get()
    return False if active is None else active.tool(name, args, result, error=error, duration=duration)


def llm(request: Dict[str, Any], response: Any = _MISSING, usage: Optional[Dict[str, Any]] = None) -> bool:
    """Records one model call with its request, response and usage.

    Example::

        llm({"model": "gpt-4o", "messages": messages}, completion, {"input_tokens": 812})
    """
    active = _current.get()
    return False if active is None else active.llm(request, response, usage)


def decide(
    outcome: Union[str, Dict[str, Any]],
    confidence: Optional[float] = None,
    *,
    value: Any = _MISSING,
    target: Optional[str] = None,
) -> bool:
    """Sets the outcome (an action name or a full outcome) and optionally the confidence (0–1).

    Example::

        decide("approve", 0.82, value={"amount": 25000})
    """
    active = _current.get()
    return False if active is None else active.decide(outcome, confidence, value=value, target=target)


@contextmanager
def correlate(**fields: Any) -> Iterator[None]:
    """Adds correlation fields (``orchestrator``, ``sessionId``, ``traceId``…) to every decision
    captured in this context that does not set them itself. Integrations use it to stamp a run's
    identity on decisions; scopes nest (the inner one wins field by field).

    Example::

        with correlate(orchestrator={"kind": "airflow", "runId": run_id, "job": dag_id}):
            docket.capture(decision)
    """
    outer = _correlation.get() or {}
    token = _correlation.set({**outer, **fields})
    try:
        yield
    finally:
        _correlation.reset(token)


def ambient_correlation() -> Optional[Dict[str, Any]]:
    """The correlation fields set by :func:`correlate` in this context, or ``None``."""
    return _correlation.get()


def _error_summary(error: BaseException) -> Dict[str, Any]:
    return {"name": type(error).__name__, "message": str(error)}


def finish(active: ActiveDecision, meta: Dict[str, Any], error: Optional[BaseException]) -> None:
    """Builds the finished decision and hands it to the sink; never raises."""
    try:
        failed = error is not None
        outcome = active.outcome or meta.get("outcome")
        if outcome is None:
            outcome = {"action": "error", "value": _error_summary(error)} if failed else {"action": "completed"}
        decision = {**meta, "id": active.id, "outcome": outcome}
        if active.confidence is not None:
            decision["confidence"] = active.confidence
        if active.alternatives:
            decision["alternatives"] = [*meta.get("alternatives", []), *active.alternatives]
        if active.reasoning:
            before = meta.get("reasoning")
            before = [before] if isinstance(before, str) else list(before or [])
            decision["reasoning"] = [*before, *active.reasoning]
        if active.tools:
            decision["tools"] = [*meta.get("tools", []), *active.tools]
        if active.llm_calls:
            decision["llm"] = [*meta.get("llm", []), *active.llm_calls]
        if failed:
            decision["metadata"] = {**(meta.get("metadata") or {}), "error": _error_summary(error)}
        active.sink.capture(decision)
    except Exception as caught:  # noqa: BLE001 - never into the host
        active.sink.report(to_docket_error("RECORD_FAILED", caught, "record() could not build its decision"))


class Recording:
    """What ``docket.record(...)`` returns without a function: a context manager and a decorator.

    As a context manager, each ``with`` records one decision; as a decorator, each call of the
    function (sync or ``async``) records one. The function's result is returned unchanged; its
    exception is recorded (``metadata.error`` and outcome ``error`` unless ``decide()`` was called)
    and re-raised unchanged.

    Example::

        @docket.record(agent={"id": "underwriter", "version": "2.3.1"})
        def underwrite(application): ...

        with docket.record(agent={"id": "underwriter", "version": "2.3.1"}) as decision:
            decision.decide("approve", 0.9)
    """

    def __init__(self, sink: Any, meta: Dict[str, Any]) -> None:
        self._sink = sink
        self._meta = meta
        self._stack: List[Any] = []

    def _start(self) -> tuple:
        from ._uuid import create_uuid_v7

        try:
            meta = to_json_value(self._meta, "record()")
            if not isinstance(meta, dict):
                raise DocketError("RECORD_FAILED", "record() takes the decision's fields as a dict")
        except Exception as error:  # noqa: BLE001 - the host's code still runs, unrecorded
            self._sink.report(to_docket_error("RECORD_FAILED", error, "record() could not snapshot its meta"))
            return ActiveDecision("", None), None, _current.set(None)
        parent = _current.get()
        correlation = meta.get("correlation")
        if parent is not None and parent.id and not (isinstance(correlation, dict) and "parentDecisionId" in correlation):
            meta["correlation"] = {**(correlation if isinstance(correlation, dict) else {}), "parentDecisionId": parent.id}
        given = meta.get("id")
        active = ActiveDecision(given if isinstance(given, str) else create_uuid_v7(), self._sink)
        return active, meta, _current.set(active)

    def __enter__(self) -> ActiveDecision:
        active, meta, token = self._start()
        self._stack.append((active, meta, token))
        return active

    def __exit__(self, exc_type, exc, tb) -> bool:
        active, meta, token = self._stack.pop()
        _current.reset(token)
        if meta is not None:
            finish(active, meta, exc)
        return False  # the exception, if any, goes on unchanged

    def __call__(self, fn):
        import functools
        import inspect

        sink, meta = self._sink, self._meta
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args, **kwargs):
                with Recording(sink, meta):
                    return await fn(*args, **kwargs)

            return run_async

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with Recording(sink, meta):
                return fn(*args, **kwargs)

        return run

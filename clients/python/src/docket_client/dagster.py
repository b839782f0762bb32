"""Docket for Dagster: decisions made inside an op or an asset carry the run's identity.

``correlation.orchestrator`` gets ``kind: "dagster"``, the run id, the job name, the step key, the
partition key, the retry number and the asset key (path parts joined with ``/``); what the record
schema has no field for (the op name, every selected asset key of a multi-asset, the code location,
a multi-dimensional partition's keys) goes to ``metadata.dagster``. The Dagster context is found by
itself (``OpExecutionContext.get()``) or passed explicitly.

Two lines in an existing Dagster project::

    from docket_client.dagster import record                                  # 1

    @record(agent={"id": "loan-underwriter", "version": "3.2.0"})      # 2
    def underwrite(application): ...

``dagster`` is imported lazily, so this module costs nothing where Dagster is absent; it needs
``dagster>=1.8,<2`` when a decision is recorded inside a run.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from typing import Any, Dict, Iterator, Optional, Tuple

from ._client import Docket, default_docket
from ._context import Recording, correlate
from ._errors import DocketError, to_docket_error

_MAX_ID = 256


def _ident(value: Any) -> Optional[str]:
    """A schema identifier (1–256 characters) or None."""
    if value is None:
        return None
    text = str(value)
    if not text:
        return None
    return text if len(text) <= _MAX_ID else text[: _MAX_ID - 1] + "…"


def current_context() -> Any:
    """The Dagster execution context of the op or asset running in this thread, or ``None``.

    Example::

        context = current_context()
    """
    try:
        from dagster import OpExecutionContext
    except ImportError:
        return None
    try:
        return OpExecutionContext.get()
    except Exception:  # noqa: BLE001 - outside a run
        return None


def orchestrator_ids(context: Any = None) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """``(correlation.orchestrator, metadata.dagster)`` for ``context`` (default: the current
    one). Raises :class:`DocketError` ``DAGSTER_NO_CONTEXT`` outside an op or asset.

    Example::

        orchestrator, extra = orchestrator_ids(context)
        orchestrator["runId"], orchestrator["partition"], orchestrator["attempt"]
    """
    context = context if context is not None else current_context()
    if context is None:
        raise DocketError("DAGSTER_NO_CONTEXT", "not inside a Dagster op or asset (pass its context)")
    # AssetExecutionContext wraps an OpExecutionContext; the latter has every field below.
    op_context = getattr(context, "op_execution_context", context)
    ids: Dict[str, Any] = {"kind": "dagster"}
    extra: Dict[str, Any] = {}

    def attempt(name: str, read) -> Any:
        try:
            return read()
        except Exception:  # noqa: BLE001 - a field this run does not have
            return None

    ids["runId"] = _ident(attempt("runId", lambda: op_context.run_id))
    ids["job"] = _ident(attempt("job", lambda: op_context.job_name))
    step = attempt("step", lambda: op_context.get_step_execution_context().step.key)
    ids["step"] = _ident(step if step is not None else attempt("step", lambda: str(op_context.op_handle)))
    if attempt("partition", lambda: op_context.has_partition_key):
        partition = op_context.partition_key
        ids["partition"] = _ident(partition)
        keys = attempt("partition", lambda: dict(op_context.partition_key.keys_by_dimension))
        if keys:
            extra["partitionKeys"] = keys
    retry = attempt("attempt", lambda: op_context.retry_number)
    if isinstance(retry, int) and retry >= 0:
        ids["attempt"] = retry
    if attempt("assets", lambda: op_context.has_assets_def):
        selected = attempt("assets", lambda: sorted(k.to_user_string() for k in op_context.selected_asset_keys)) or []
        if len(selected) >= 1:
            ids["assetKey"] = _ident(selected[0])
        if len(selected) > 1:
            extra["assetKeys"] = selected
    op_name = attempt("op", lambda: op_context.op_def.name)
    if op_name is not None:
        extra["op"] = op_name
    location = attempt("location", lambda: op_context.location_name)
    if location:
        extra["codeLocation"] = location
    return {k: v for k, v in ids.items() if v is not None}, extra


@contextlib.contextmanager
def dagster_run(context: Any = None) -> Iterator[Dict[str, Any]]:
    """A scope in which every decision captured (by any Docket client) carries the Dagster run's
    identity in ``correlation.orchestrator``. Yields the orchestrator fields. Outside a run (and
    on any error reading the context) it reports nothing and adds nothing.

    Example::

        @asset(partitions_def=daily)
        def loan_decisions(context):
            with dagster_run(context):
                docket.capture({...})
    """
    try:
        ids, _ = orchestrator_ids(context)
    except Exception:  # noqa: BLE001 - never into the host
        yield {}
        return
    with correlate(orchestrator=ids):
        yield ids


class DagsterRecording:
    """``docket_client.dagster.record(...)``: like ``Docket.record`` (a decorator and a context manager),
    and each decision carries the identity of the Dagster run it is recorded in.

    Example::

        with record(agent=AGENT, goal="Approve LA-1?", context=None) as decision:
            decision.decide("approve", 0.9)
    """

    def __init__(self, docket: Optional[Docket], dagster_context: Any, meta: Dict[str, Any]) -> None:
        self._docket = docket
        self._dagster_context = dagster_context
        self._meta = meta
        self._stack: list = []

    def _client(self) -> Optional[Docket]:
        return self._docket if self._docket is not None else default_docket()

    def __enter__(self):
        stack = contextlib.ExitStack()
        client = self._client()
        meta = self._meta
        try:
            orchestrator, extra = orchestrator_ids(self._dagster_context)
            stack.enter_context(correlate(orchestrator=orchestrator))
            if extra:
                metadata = meta.get("metadata") if isinstance(meta.get("metadata"), dict) else {}
                meta = {**meta, "metadata": {**metadata, "dagster": {**extra, **metadata.get("dagster", {})}}}
        except DocketError as error:
            if client is not None and error.code != "DAGSTER_NO_CONTEXT":
                client.report(error)
        except Exception as error:  # noqa: BLE001
            if client is not None:
                client.report(to_docket_error("DAGSTER_CONTEXT", error, "cannot read the Dagster context"))
        if client is None:
            self._stack.append((stack, None))
            return None
        recording = Recording(client, meta)
        active = stack.enter_context(recording)
        self._stack.append((stack, recording))
        return active

    def __exit__(self, exc_type, exc, tb) -> bool:
        stack, _ = self._stack.pop()
        stack.__exit__(exc_type, exc, tb)
        return False

    def __call__(self, fn):
        docket, dagster_context, meta = self._docket, self._dagster_context, self._meta
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args, **kwargs):
                with DagsterRecording(docket, dagster_context, meta):
                    return await fn(*args, **kwargs)

            return run_async

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with DagsterRecording(docket, dagster_context, meta):
                return fn(*args, **kwargs)

        return run


def record(meta: Optional[Dict[str, Any]] = None, *, docket: Optional[Docket] = None, dagster_context: Any = None, **fields: Any) -> DagsterRecording:
    """Records one decision per call (decorator) or per ``with`` (context manager), tagged with the
    Dagster run, job, step, partition, retry number and asset key. ``docket`` defaults to
    :func:`docket.default_docket` (``DOCKET_URL``, ``DOCKET_API_KEY``…); ``dagster_context`` to the
    current op or asset.

    Example::

        @record(agent={"id": "loan-underwriter", "version": "3.2.0"}, goal="Approve the application?")
        def underwrite(application):
            decide("approve", 0.84)
    """
    return DagsterRecording(docket, dagster_context, {**(meta or {}), **fields})


__all__ = ["DagsterRecording", "current_context", "dagster_run", "orchestrator_ids", "record"]

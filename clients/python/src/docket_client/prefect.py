"""Docket for Prefect: decisions made inside a flow or a task carry the flow run's identity.

``correlation.orchestrator`` gets ``kind: "prefect"``, the flow run id as ``runId``, the flow name
as ``job``, the task name as ``step`` and the retry as ``attempt`` (the schema counts from 0: the
task's ``run_count`` 2 is ``attempt`` 1); ``metadata.prefect`` keeps the task run id and name, the
task's ``runCount``, the flow run name and the flow run's own ``flowRunCount``. Inside a flow but
outside a task, ``step`` is absent and ``attempt`` is the flow run's retry. The contexts are found
by themselves (``prefect.context.TaskRunContext.get()`` / ``FlowRunContext.get()``) or passed
explicitly.

Two lines in an existing flow::

    from docket_client.prefect import record                                  # 1

    @task(retries=2)
    @record(agent={"id": "loan-underwriter", "version": "3.2.0"})      # 2
    def underwrite(application): ...

``prefect`` is imported lazily, so this module costs nothing where Prefect is absent; it needs
Prefect 3 (tested with 3.9.1) when a decision is recorded in a run.

It installs beside Prefect in one environment (``pip install 'docket-client[prefect]'``), flows
run against Prefect's ephemeral server or any other: the import name ``docket_client`` does not
meet pydocket's ``docket``, which Prefect's server imports.
"""

from __future__ import annotations

from typing import Any, ContextManager, Dict, Optional, Tuple

from ._client import Docket
from ._errors import DocketError
from ._orchestrated import Ids, OrchestratedRecording, attempt_of, compact, ident, run_scope


def current_context() -> Tuple[Any, Any]:
    """``(task run context, flow run context)`` of the Prefect task or flow running here; either
    is ``None`` when absent (both outside a run).

    Example::

        task_context, flow_context = current_context()
    """
    try:
        from prefect.context import FlowRunContext, TaskRunContext
    except ImportError:
        return None, None
    try:
        return TaskRunContext.get(), FlowRunContext.get()
    except Exception:  # noqa: BLE001 - a context this Prefect cannot give
        return None, None


def _split(context: Any) -> Tuple[Any, Any]:
    """A context given explicitly: a task run context, a flow run context, or a pair of them."""
    if isinstance(context, tuple):
        return context
    if hasattr(context, "task_run"):
        return context, None
    return None, context


def orchestrator_ids(context: Any = None) -> Ids:
    """``(correlation.orchestrator, metadata.prefect)`` for ``context`` (a ``TaskRunContext``, a
    ``FlowRunContext`` or the pair; default: the current ones). Raises :class:`DocketError`
    ``PREFECT_NO_CONTEXT`` outside a flow or task run.

    Example::

        orchestrator, extra = orchestrator_ids()
        orchestrator["runId"], orchestrator["attempt"], extra["taskRunId"]
    """
    task_context, flow_context = current_context() if context is None else _split(context)
    if task_context is None and flow_context is None:
        raise DocketError("PREFECT_NO_CONTEXT", "not inside a Prefect flow or task run (pass its context)")
    task_run = getattr(task_context, "task_run", None)
    task = getattr(task_context, "task", None)
    flow_run = getattr(flow_context, "flow_run", None)
    flow = getattr(flow_context, "flow", None)
    run_id = getattr(flow_run, "id", None) or getattr(task_run, "flow_run_id", None)
    if task_run is not None:
        step, attempt = getattr(task, "name", None), attempt_of(getattr(task_run, "run_count", None))
    else:
        step, attempt = None, attempt_of(getattr(flow_run, "run_count", None))
    ids = compact({"kind": "prefect", "runId": ident(run_id), "job": ident(getattr(flow, "name", None)), "step": ident(step), "attempt": attempt})
    extra = compact(
        {
            "flowRunName": getattr(flow_run, "name", None),
            "flowRunCount": getattr(flow_run, "run_count", None),
            "taskRunId": str(task_run.id) if task_run is not None and getattr(task_run, "id", None) is not None else None,
            "taskRunName": getattr(task_run, "name", None),
            "runCount": getattr(task_run, "run_count", None),
        }
    )
    return ids, extra


def prefect_run(context: Any = None) -> ContextManager[Dict[str, Any]]:
    """A scope in which every decision captured (by any Docket client) carries the Prefect run's
    identity in ``correlation.orchestrator``. Yields the orchestrator fields. Outside a run (and on
    any error reading the context) it reports nothing and adds nothing.

    Example::

        @task
        def decide_loans(applications):
            with prefect_run():
                docket.capture({...})
    """
    return run_scope(orchestrator_ids, context)


class PrefectRecording(OrchestratedRecording):
    """``docket_client.prefect.record(...)``: like ``Docket.record`` (a decorator and a context manager),
    and each decision carries the identity of the Prefect flow and task run it is recorded in.

    Example::

        with record(agent=AGENT, goal="Approve LA-1?") as decision:
            decision.decide("approve", 0.9)
    """

    kind = "prefect"
    read = staticmethod(orchestrator_ids)


def record(meta: Optional[Dict[str, Any]] = None, *, docket: Optional[Docket] = None, prefect_context: Any = None, **fields: Any) -> PrefectRecording:
    """Records one decision per call (decorator) or per ``with`` (context manager), tagged with the
    Prefect flow run, flow, task, task run and retry. ``docket`` defaults to
    :func:`docket.default_docket` (``DOCKET_URL``, ``DOCKET_API_KEY``…); ``prefect_context`` to the
    current run's.

    Example::

        @task(retries=2)
        @record(agent={"id": "loan-underwriter", "version": "3.2.0"}, goal="Approve the application?")
        def underwrite(application):
            decide("approve", 0.84)
    """
    return PrefectRecording(docket, prefect_context, {**(meta or {}), **fields})


__all__ = ["PrefectRecording", "current_context", "orchestrator_ids", "prefect_run", "record"]

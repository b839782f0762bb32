"""Docket for Airflow: decisions made inside a task carry the DAG run's identity.

``correlation.orchestrator`` gets ``kind: "airflow"``, the run id (``run_id``), the DAG id as
``job``, the task id as ``step`` and the retry as ``attempt`` (the schema counts from 0: Airflow's
``try_number`` 2 is ``attempt`` 1); ``metadata.airflow`` keeps Airflow's own ``tryNumber`` and
``mapIndex`` (``-1`` for a task that is not mapped) and the run's ``logicalDate`` when it has one.
The task context is found by itself (``get_current_context()``) or passed explicitly (the
``context`` keyword argument Airflow gives a task).

Two lines in an existing DAG::

    from docket_client.airflow import record                                  # 1

    @task
    @record(agent={"id": "loan-underwriter", "version": "3.2.0"})      # 2
    def underwrite(application): ...

``airflow`` is imported lazily, so this module costs nothing where Airflow is absent; it needs
Airflow 3 (``pip install 'docket-client[airflow]'``; tested with 3.3.2) when a decision is recorded in a task.
"""

from __future__ import annotations

from typing import Any, ContextManager, Dict, Optional

from ._client import Docket
from ._errors import DocketError
from ._orchestrated import Ids, OrchestratedRecording, attempt_of, compact, ident, run_scope


def current_context() -> Any:
    """The Airflow task context (a mapping: ``ti``, ``dag_run``, ``run_id``…) of the task running
    in this thread, or ``None``.

    Example::

        context = current_context()
    """
    try:
        from airflow.sdk import get_current_context  # Airflow 3
    except ImportError:
        try:
            from airflow.operators.python import get_current_context  # Airflow 2
        except ImportError:
            return None
    try:
        return get_current_context()
    except Exception:  # noqa: BLE001 - outside a task
        return None


def _get(context: Any, key: str) -> Any:
    try:
        return context[key]
    except Exception:  # noqa: BLE001 - a key this Airflow version does not set
        return getattr(context, key, None)


def orchestrator_ids(context: Any = None) -> Ids:
    """``(correlation.orchestrator, metadata.airflow)`` for the task ``context`` (default: the
    current one). Raises :class:`DocketError` ``AIRFLOW_NO_CONTEXT`` outside a task.

    Example::

        orchestrator, extra = orchestrator_ids(context)
        orchestrator["runId"], orchestrator["job"], extra["tryNumber"], extra["mapIndex"]
    """
    context = context if context is not None else current_context()
    if context is None:
        raise DocketError("AIRFLOW_NO_CONTEXT", "not inside an Airflow task (pass its context)")
    ti = _get(context, "ti") or _get(context, "task_instance")
    dag_run = _get(context, "dag_run")
    task = _get(context, "task")
    dag = _get(context, "dag")
    run_id = getattr(ti, "run_id", None) or _get(context, "run_id") or getattr(dag_run, "run_id", None)
    dag_id = getattr(ti, "dag_id", None) or getattr(dag, "dag_id", None) or getattr(dag_run, "dag_id", None)
    task_id = getattr(ti, "task_id", None) or getattr(task, "task_id", None)
    if ti is None and run_id is None:
        raise DocketError("AIRFLOW_NO_CONTEXT", "the Airflow context has neither a task instance nor a run id")
    try_number = getattr(ti, "try_number", None)
    map_index = getattr(ti, "map_index", None)
    logical_date = _get(context, "logical_date") or getattr(dag_run, "logical_date", None)
    ids = compact({"kind": "airflow", "runId": ident(run_id), "job": ident(dag_id), "step": ident(task_id), "attempt": attempt_of(try_number)})
    extra = compact(
        {
            "tryNumber": try_number if isinstance(try_number, int) else None,
            "mapIndex": map_index if isinstance(map_index, int) else None,
            "logicalDate": logical_date.isoformat() if hasattr(logical_date, "isoformat") else None,
        }
    )
    return ids, extra


def airflow_run(context: Any = None) -> ContextManager[Dict[str, Any]]:
    """A scope in which every decision captured (by any Docket client) carries the Airflow run's
    identity in ``correlation.orchestrator``. Yields the orchestrator fields. Outside a task (and
    on any error reading the context) it reports nothing and adds nothing.

    Example::

        @task
        def decide_loans(**context):
            with airflow_run(context):
                docket.capture({...})
    """
    return run_scope(orchestrator_ids, context)


class AirflowRecording(OrchestratedRecording):
    """``docket_client.airflow.record(...)``: like ``Docket.record`` (a decorator and a context manager),
    and each decision carries the identity of the Airflow task it is recorded in.

    Example::

        with record(agent=AGENT, goal="Approve LA-1?") as decision:
            decision.decide("approve", 0.9)
    """

    kind = "airflow"
    read = staticmethod(orchestrator_ids)


def record(meta: Optional[Dict[str, Any]] = None, *, docket: Optional[Docket] = None, airflow_context: Any = None, **fields: Any) -> AirflowRecording:
    """Records one decision per call (decorator) or per ``with`` (context manager), tagged with the
    Airflow DAG, run, task, try number and map index. ``docket`` defaults to
    :func:`docket.default_docket` (``DOCKET_URL``, ``DOCKET_API_KEY``…); ``airflow_context`` to the
    current task's.

    Example::

        @task(retries=2)
        @record(agent={"id": "loan-underwriter", "version": "3.2.0"}, goal="Approve the application?")
        def underwrite(application):
            decide("approve", 0.84)
    """
    return AirflowRecording(docket, airflow_context, {**(meta or {}), **fields})


__all__ = ["AirflowRecording", "airflow_run", "current_context", "orchestrator_ids", "record"]

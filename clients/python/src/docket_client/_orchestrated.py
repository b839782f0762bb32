"""What the Airflow and Prefect helpers share: a ``record()`` whose decisions carry the run
identity an orchestrator helper reads (``correlation.orchestrator`` plus ``metadata.<kind>``), and a
``with`` scope that stamps it on every decision captured inside. A helper gives one function,
``read(context) -> (orchestrator, extra)``, that raises :class:`DocketError` ``<KIND>_NO_CONTEXT``
outside a run; reading never raises into the host.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from typing import Any, Callable, Dict, Iterator, Optional, Tuple

from ._client import Docket, default_docket
from ._context import Recording, correlate
from ._errors import DocketError, to_docket_error

Ids = Tuple[Dict[str, Any], Dict[str, Any]]
"""``(correlation.orchestrator, metadata.<kind>)``."""

_MAX_ID = 256


def ident(value: Any) -> Optional[str]:
    """A schema identifier (1–256 characters) or None.

    Example::

        ident("manual__2024-11-05T00:00:00+00:00")  # the same string
    """
    if value is None:
        return None
    text = str(value)
    if not text:
        return None
    return text if len(text) <= _MAX_ID else text[: _MAX_ID - 1] + "…"


def attempt_of(run_number: Any) -> Optional[int]:
    """The schema's ``attempt`` (0 for the first try) from a 1-based try or run number.

    Example::

        attempt_of(2)  # 1: the first retry
    """
    if isinstance(run_number, int) and not isinstance(run_number, bool) and run_number >= 1:
        return run_number - 1
    return None


def compact(fields: Dict[str, Any]) -> Dict[str, Any]:
    """``fields`` without its ``None`` values.

    Example::

        compact({"kind": "airflow", "partition": None})  # {'kind': 'airflow'}
    """
    return {k: v for k, v in fields.items() if v is not None}


@contextlib.contextmanager
def run_scope(read: Callable[[Any], Ids], context: Any) -> Iterator[Dict[str, Any]]:
    """Every decision captured inside carries ``read(context)``'s orchestrator fields; yields
    them. Outside a run (and on any error reading the context) it yields ``{}`` and adds nothing.

    Example::

        with run_scope(orchestrator_ids, None) as ids:
            docket.capture({...})
    """
    try:
        ids, _ = read(context)
    except Exception:  # noqa: BLE001 - never into the host
        yield {}
        return
    with correlate(orchestrator=ids):
        yield ids


class OrchestratedRecording:
    """``record(...)`` of an orchestrator helper: like ``Docket.record`` (a decorator and a context
    manager), and each decision carries the identity of the run it is recorded in. Subclasses set
    ``kind`` (the ``metadata`` key and error prefix) and ``read``.

    Example::

        class AirflowRecording(OrchestratedRecording):
            kind = "airflow"
            read = staticmethod(orchestrator_ids)
    """

    kind = ""
    read: Callable[[Any], Ids]

    def __init__(self, docket: Optional[Docket], orchestrator_context: Any, meta: Dict[str, Any]) -> None:
        self._docket = docket
        self._orchestrator_context = orchestrator_context
        self._meta = meta
        self._stack: list = []

    def _client(self) -> Optional[Docket]:
        return self._docket if self._docket is not None else default_docket()

    def __enter__(self):
        stack = contextlib.ExitStack()
        client = self._client()
        meta = self._meta
        prefix = self.kind.upper()
        try:
            orchestrator, extra = type(self).read(self._orchestrator_context)
            stack.enter_context(correlate(orchestrator=orchestrator))
            if extra:
                metadata = meta.get("metadata") if isinstance(meta.get("metadata"), dict) else {}
                mine = metadata.get(self.kind) if isinstance(metadata.get(self.kind), dict) else {}
                meta = {**meta, "metadata": {**metadata, self.kind: {**extra, **mine}}}
        except DocketError as error:
            if client is not None and error.code != f"{prefix}_NO_CONTEXT":
                client.report(error)
        except Exception as error:  # noqa: BLE001 - never into the host
            if client is not None:
                client.report(to_docket_error(f"{prefix}_CONTEXT", error, f"cannot read the {self.kind} context"))
        if client is None:
            self._stack.append((stack, None))
            return None
        active = stack.enter_context(Recording(client, meta))
        self._stack.append((stack, active))
        return active

    def __exit__(self, exc_type, exc, tb) -> bool:
        stack, _ = self._stack.pop()
        stack.__exit__(exc_type, exc, tb)
        return False

    def __call__(self, fn):
        cls, docket, orchestrator_context, meta = type(self), self._docket, self._orchestrator_context, self._meta
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args, **kwargs):
                with cls(docket, orchestrator_context, meta):
                    return await fn(*args, **kwargs)

            return run_async

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with cls(docket, orchestrator_context, meta):
                return fn(*args, **kwargs)

        return run

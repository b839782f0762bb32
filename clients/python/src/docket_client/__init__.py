"""Docket's Python client: capture AI agents' decisions into a Docket ledger.

Standard library only. ``capture()`` and ``record()`` return at once; a background thread batches,
gzips, retries with backoff and spools to disk. See the README for the options.

Example::

    from docket_client import Docket, consider, decide

    docket = Docket(url="http://127.0.0.1:7420", api_key="dk_…")

    @docket.record(agent={"id": "underwriter", "version": "2.3.1"})
    def underwrite(application):
        consider("decline", score=0.1)
        decide("approve", 0.9)
        return "approved"
"""

from ._changes import CHANGE_SCHEMA_V1, check_change_record, record_change
from ._client import DECISION_SCHEMA_V1, PRODUCER_REPORT_SCHEMA_V1, Docket, DocketStats, create_docket, default_docket, set_default_docket
from ._context import (
    ActiveDecision,
    Recording,
    consider,
    correlate,
    current_decision_id,
    decide,
    llm,
    reason,
    tool,
)
from ._errors import DocketError
from ._redaction import (
    DEFAULT_REDACTION_EXCLUDE,
    DETECTOR_NAMES,
    create_redactor,
    is_iban_checksum_valid,
    is_luhn_valid,
    redaction_marker,
)
from ._transport import Batch, HttpTransport, SendResult
from ._uuid import create_uuid_v7, is_uuid_v7
from ._version import SDK_NAME, __version__

__all__ = [
    "ActiveDecision",
    "Batch",
    "CHANGE_SCHEMA_V1",
    "DECISION_SCHEMA_V1",
    "DEFAULT_REDACTION_EXCLUDE",
    "DETECTOR_NAMES",
    "Docket",
    "DocketError",
    "DocketStats",
    "HttpTransport",
    "PRODUCER_REPORT_SCHEMA_V1",
    "Recording",
    "SDK_NAME",
    "SendResult",
    "__version__",
    "check_change_record",
    "consider",
    "correlate",
    "create_docket",
    "create_redactor",
    "create_uuid_v7",
    "current_decision_id",
    "decide",
    "default_docket",
    "is_iban_checksum_valid",
    "is_luhn_valid",
    "is_uuid_v7",
    "llm",
    "reason",
    "record_change",
    "redaction_marker",
    "set_default_docket",
    "tool",
]

"""Bad options raise DocketError OPTION_INVALID naming the option; env twins are read."""

from __future__ import annotations

import pytest

from docket_client import Docket, DocketError

URL = "http://127.0.0.1:7420"
KEY = "dk_abc_def"


@pytest.mark.parametrize(
    "options, where, words",
    [
        ({"api_key": KEY, "env": {}}, "url", "required"),
        ({"url": "ftp://x", "api_key": KEY}, "url", "http"),
        ({"url": URL, "env": {}}, "api_key", "required"),
        ({"url": URL, "api_key": "secret"}, "api_key", "dk_"),
        ({"url": URL, "api_key": KEY, "max_batch": 0}, "max_batch", "1..1000"),
        ({"url": URL, "api_key": KEY, "max_queue": "many"}, "max_queue", "integer"),
        ({"url": URL, "api_key": KEY, "gzip": "yes"}, "gzip", "True or False"),
        ({"url": URL, "api_key": KEY, "retry_base_ms": 500, "retry_max_ms": 100}, "retry_max_ms", "retry_base_ms"),
        ({"url": URL, "api_key": KEY, "producer_id": "a b"}, "producer_id", "A-Z"),
        ({"url": URL, "api_key": KEY, "flush_interval": 5}, "flush_interval", "did you mean flush_interval_ms"),
        ({"url": URL, "api_key": KEY, "on_error": "print"}, "on_error", "function"),
        ({"url": URL, "api_key": KEY, "redact": {"paths": ["context.x"]}}, "redact.paths[0]", "must start with"),
        ({"url": URL, "api_key": KEY, "redact": {"paths": ["$.id"]}}, "redact.$.id", "ledger needs"),
        ({"url": URL, "api_key": KEY, "redact": {"detectors": ["passport"]}}, "redact.detectors[0]", "unknown detector"),
        ({"url": URL, "api_key": KEY, "redact": {"pahts": []}}, "redact.pahts", "unknown option"),
        ({"url": URL, "api_key": KEY, "env": {"DOCKET_FLUSH_INTERVAL_MS": "soon"}}, "flush_interval_ms", "DOCKET_FLUSH_INTERVAL_MS"),
        ({"url": URL, "api_key": KEY, "env": {"DOCKET_IMMEDIATE": "maybe"}}, "immediate", "true or false"),
    ],
)
def test_bad_options_raise_option_invalid_naming_the_option(options, where, words):
    with pytest.raises(DocketError) as caught:
        Docket(handle_exit=False, **options)
    assert caught.value.code == "OPTION_INVALID"
    assert caught.value.where == where
    assert words in caught.value.message
    assert str(caught.value).startswith("OPTION_INVALID: ")


def test_env_twins_fill_what_is_not_given():
    client = Docket(env={"DOCKET_URL": URL, "DOCKET_API_KEY": KEY, "DOCKET_MAX_BATCH": "7", "DOCKET_PRODUCER_ID": "worker-1"}, handle_exit=False)
    try:
        assert client.producer_id == "worker-1"
        assert client._o.max_batch == 7 and client._o.url == URL
    finally:
        client.shutdown(0)

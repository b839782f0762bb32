"""Fixtures shared by the client's tests and the examples' tests: a real Docket server per test
session (and fresh ones where a test stops it), API keys of each role, temp dirs."""

from __future__ import annotations

import os
import shutil

import pytest

from docket_server import DocketServer, temp_data_dir  # noqa: E402


class Keys:
    def __init__(self, server: DocketServer) -> None:
        self.ingest = server.create_key("ingest")
        self.auditor = server.create_key("auditor")
        self.reader = server.create_key("reader")


@pytest.fixture(scope="session")
def server():
    data = temp_data_dir()
    srv = DocketServer(os.path.join(data, "data")).start()
    try:
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def keys(server) -> Keys:
    return Keys(server)


@pytest.fixture
def own_server():
    """A server this test may stop and restart (same data dir and port)."""
    data = temp_data_dir()
    srv = DocketServer(os.path.join(data, "data")).start()
    try:
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def tmp_dir():
    path = temp_data_dir()
    yield path
    shutil.rmtree(path, ignore_errors=True)

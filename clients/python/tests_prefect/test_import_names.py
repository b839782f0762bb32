"""The client and Prefect's server side in one process: ``docket_client`` (this distribution,
docket-client) and ``docket`` (pydocket, which Prefect's server imports) are two packages that
pip installs side by side. While the client was called ``docket``, installing it overwrote
pydocket's ``docket/__init__.py`` and Prefect's ephemeral server failed with ``cannot import name
'Worker' from 'docket'``; this keeps that from coming back."""

from __future__ import annotations

import importlib.metadata
import os

import docket_client
from docket import Worker
from prefect.server.services.perpetual_services import Docket as PrefectsDocket


def test_the_client_and_pydocket_import_side_by_side():
    assert Worker.__module__.startswith("docket.")
    assert PrefectsDocket.__module__.startswith("docket.")
    assert callable(docket_client.Docket)
    assert docket_client.Docket is not PrefectsDocket


def test_each_import_name_belongs_to_one_distribution():
    owners = importlib.metadata.packages_distributions()
    assert owners["docket"] == ["pydocket"]
    # Installed by pip (run-python-orchestrator-tests.mjs), not just on the path: its metadata
    # names the one package it owns.
    assert owners["docket_client"] == ["docket-client"]
    files = importlib.metadata.files("docket-client") or []
    top = {str(f).split("/")[0] for f in files if not str(f).split("/")[0].endswith(".dist-info")}
    assert top == {"docket_client"}


def test_the_client_under_test_is_the_installed_one():
    installed = importlib.metadata.distribution("docket-client").locate_file("docket_client")
    assert os.path.samefile(os.path.dirname(docket_client.__file__), str(installed))

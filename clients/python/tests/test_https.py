"""HTTPS: the client delivers to ``docket serve --tls-cert --tls-key`` when told the CA
(``ca_file`` or ``DOCKET_CA_FILE``), and cannot deliver when it is not. The CA and the server's
certificate are made for this run with the openssl CLI."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import urllib.request

import pytest

from docket_client import Docket, DocketError
from docket_server import DocketServer, temp_data_dir

AGENT = {"id": "py-https-tests", "version": "1.0.0"}


def _openssl(cwd: str, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(directory: str) -> dict:
    """A self-signed CA and a server certificate for localhost and 127.0.0.1 signed by it."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    _openssl(
        directory, "req", "-x509", *ec, "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Docket test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )
    _openssl(directory, "req", *ec, "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(directory, "server.ext"), "w", encoding="utf-8") as ext:
        ext.write("basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n")
    _openssl(
        directory, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
    )
    return {name: os.path.join(directory, f"{name}.pem") for name in ("ca", "server", "server-key")}


@pytest.fixture(scope="module")
def tls_server():
    directory = temp_data_dir()
    pems = make_ca(directory)
    server = DocketServer(
        os.path.join(directory, "data"), ["--tls-cert", pems["server"], "--tls-key", pems["server-key"]]
    ).start()
    try:
        yield server, pems["ca"]
    finally:
        server.stop()


def read_decision(url: str, key: str, ca_file: str, decision_id: str) -> dict:
    context = ssl.create_default_context(cafile=ca_file)
    request = urllib.request.Request(f"{url}/v1/decisions/{decision_id}", headers={"authorization": f"Bearer {key}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    with opener.open(request, timeout=30) as response:
        return json.loads(response.read())


def test_the_client_delivers_over_https_with_ca_file(tls_server):
    server, ca_file = tls_server
    assert server.url.startswith("https://127.0.0.1:")
    errors = []
    client = Docket(url=server.url, api_key=server.admin_key, ca_file=ca_file, on_error=errors.append, handle_exit=False)
    try:
        decision_id = client.capture({"agent": AGENT, "outcome": {"action": "approve"}, "goal": "over https"})
        assert client.flush(20) is True
        assert client.stats().accepted == 1 and errors == []
        receipt = client.receipt(decision_id, timeout=20)
        assert receipt["ok"], receipt
        assert read_decision(server.url, server.admin_key, ca_file, decision_id)["content"]["goal"] == "over https"
    finally:
        client.shutdown(5)


def test_the_client_reads_the_ca_file_from_docket_ca_file(tls_server):
    server, ca_file = tls_server
    client = Docket(url=server.url, api_key=server.admin_key, env={"DOCKET_CA_FILE": ca_file}, handle_exit=False)
    try:
        client.capture({"agent": AGENT, "outcome": {"action": "approve"}})
        assert client.flush(20) is True
        assert client.stats().accepted == 1
    finally:
        client.shutdown(5)


def test_without_the_ca_the_client_cannot_deliver_and_says_why(tls_server):
    server, _ = tls_server
    errors = []
    client = Docket(
        url=server.url, api_key=server.admin_key, env={}, max_attempts=1, on_error=errors.append, handle_exit=False
    )
    try:
        client.capture({"agent": AGENT, "outcome": {"action": "approve"}})
        client.flush(2)
        assert client.stats().accepted == 0
        assert any(e.code == "SEND_UNREACHABLE" and "CERTIFICATE" in str(e).upper() for e in errors), errors
    finally:
        client.shutdown(1)


def test_a_ca_file_that_does_not_hold_a_certificate_is_refused_at_construction(tmp_path):
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello")
    for path in (str(not_pem), str(tmp_path / "missing.pem")):
        with pytest.raises(DocketError) as raised:
            Docket(url="https://127.0.0.1:1", api_key="dk_x_y", ca_file=path, handle_exit=False)
        assert raised.value.code == "OPTION_INVALID" and raised.value.where == "ca_file"

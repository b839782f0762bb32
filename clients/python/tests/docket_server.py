"""A real Docket server for the tests: ``node packages/cli/bin/docket.js serve`` as a child process
(needs the TypeScript build in packages/*/dist), plus a small HTTP helper for the API."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional, Sequence

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BIN = os.path.join(REPO_ROOT, "packages", "cli", "bin", "docket.js")
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def node() -> str:
    found = os.environ.get("DOCKET_NODE") or shutil.which("node")
    if found is None:
        raise RuntimeError("node is not on PATH: the tests start a real Docket server with it")
    return found


def api(url: str, key: Optional[str], method: str, path: str, body: Any = None, timeout: float = 30) -> tuple:
    """One request; returns (status, parsed JSON body or None)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"x-docket-purpose": "python client tests"}
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    if data is not None:
        headers["content-type"] = "application/json"
    request = urllib.request.Request(url + path, data=data, headers=headers, method=method)
    try:
        with _NO_PROXY.open(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode("utf-8", "replace")


class DocketServer:
    """``docket serve --data DIR --port P --json``; ``stop()`` and ``start()`` keep the data and port."""

    def __init__(self, data_dir: str, extra_args: Sequence[str] = ()) -> None:
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.port = 0
        self.url = ""
        self.admin_key: Optional[str] = None
        self.process: Optional[subprocess.Popen] = None
        self._stderr: List[str] = []

    def start(self) -> "DocketServer":
        env = {**os.environ, "DOCKET_FLUSH_INTERVAL_MS": "10"}
        self.process = subprocess.Popen(
            [node(), BIN, "serve", "--data", self.data_dir, "--port", str(self.port), "--json", *self.extra_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO_ROOT,
            text=True,
        )
        line = self.process.stdout.readline()
        threading.Thread(target=self._drain, args=(self.process.stderr,), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.process.stdout,), daemon=True).start()
        if not line:
            self.process.wait(10)
            raise RuntimeError(f"docket serve did not start: {''.join(self._stderr)[-2000:]}")
        started = json.loads(line)
        assert started["ok"], started
        self.url = started["url"]
        self.port = int(self.url.rsplit(":", 1)[1])
        if started.get("bootstrapKey"):
            self.admin_key = started["bootstrapKey"]
        return self

    def _drain(self, stream) -> None:
        for chunk in stream:
            self._stderr.append(chunk)
            del self._stderr[:-200]

    def stop(self) -> None:
        """SIGTERM, then wait: a graceful stop (everything acknowledged is durable)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def create_key(self, role: str) -> str:
        status, body = api(self.url, self.admin_key, "POST", "/v1/keys", {"role": role, "name": f"pytest-{role}"})
        assert status == 201, (status, body)
        return body["key"]

    def decisions(self, key: str, **query: str) -> List[Dict[str, Any]]:
        """Every decision matching ``query`` (follows the cursor), oldest first."""
        items: List[Dict[str, Any]] = []
        params = {**query, "limit": "200"}
        while True:
            path = "/v1/decisions?" + urllib.parse.urlencode(params)
            status, body = api(self.url, key, "GET", path)
            assert status == 200, (status, body)
            items.extend(body["items"])
            if not body.get("next"):
                break
            params["cursor"] = body["next"]
        return list(reversed(items))

    def decision(self, key: str, decision_id: str) -> tuple:
        return api(self.url, key, "GET", f"/v1/decisions/{decision_id}")

    def wait_for(self, key: str, ids, timeout: float = 30.0, **query: str) -> Dict[str, Dict[str, Any]]:
        """Polls until every id in ``ids`` is readable; returns id → content."""
        wanted = set(ids)
        deadline = time.monotonic() + timeout
        found: Dict[str, Dict[str, Any]] = {}
        while True:
            for decision_id in wanted - set(found):
                status, body = self.decision(key, decision_id)
                if status == 200:
                    found[decision_id] = body["content"]
            if set(found) == wanted or time.monotonic() > deadline:
                return found
            time.sleep(0.1)


import urllib.parse  # noqa: E402  (used above; kept at the end to keep the header short)


def temp_data_dir() -> str:
    return tempfile.mkdtemp(prefix="docket-py-")

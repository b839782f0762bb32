"""The Python snippets of the READMEs and docs, by the rule of tests/docs/markdown-snippets.ts
(which also type-checks and runs the TypeScript ones): a fenced ``python`` block runs as written
unless the last non-blank line above it is ``<!-- snippet: skip (reason) -->`` or
``<!-- snippet: excerpt PATH -->`` (checked by the TypeScript test). A snippet that imports
``airflow`` or ``prefect`` runs in that orchestrator's virtualenv (tests_airflow, tests_prefect),
the others in the client's (tests/test_readme_snippets.py). Each runs in a child Python with
``DOCKET_URL`` and ``DOCKET_API_KEY`` (an ingest key) set, the README's address
``http://127.0.0.1:7420`` replaced by the test server's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import List, Optional

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
README_URL = "http://127.0.0.1:7420"
_MARKER = re.compile(r"^<!--\s*snippet:\s*(.*?)\s*-->$")
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w-]*)")
_IMPORTS = re.compile(r"^\s*(?:from|import)\s+(airflow|prefect)\b", re.M)


@dataclass(frozen=True)
class Snippet:
    file: str
    line: int
    code: str
    marker: Optional[str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def orchestrator(self) -> Optional[str]:
        """``airflow`` or ``prefect`` when the snippet imports it, else None."""
        found = _IMPORTS.search(self.code)
        return found.group(1) if found else None

    @property
    def runs(self) -> bool:
        return self.marker is None


def markdown_files() -> List[str]:
    """README.md, packages/*/README.md, clients/python/README.md, examples/*/README.md, docs/*.md."""
    files = ["README.md", os.path.join("clients", "python", "README.md")]
    for parent in ("packages", "examples"):
        for name in sorted(os.listdir(os.path.join(ROOT, parent))):
            path = os.path.join(parent, name, "README.md")
            if os.path.isfile(os.path.join(ROOT, path)):
                files.append(path)
    files += [os.path.join("docs", n) for n in sorted(os.listdir(os.path.join(ROOT, "docs"))) if n.endswith(".md")]
    return files


def python_snippets() -> List[Snippet]:
    """Every ``python`` block of the Markdown files, with the marker above it (None: it runs)."""
    found: List[Snippet] = []
    for file in markdown_files():
        with open(os.path.join(ROOT, file), encoding="utf-8") as f:
            lines = f.read().split("\n")
        marker: Optional[str] = None
        i = 0
        while i < len(lines):
            line = lines[i]
            m = _MARKER.match(line.strip())
            fence = _FENCE.match(line)
            if m:
                marker = m.group(1)
            elif fence:
                close = next(j for j in range(i + 1, len(lines)) if lines[j].rstrip() == fence.group(1))
                if fence.group(2) == "python":
                    found.append(Snippet(file, i + 1, "\n".join(lines[i + 1 : close]) + "\n", marker))
                marker = None
                i = close
            elif line.strip():
                marker = None
            i += 1
    return found


def run_snippet(snippet: Snippet, url: str, api_key: str, cwd: str) -> subprocess.CompletedProcess:
    """Runs the snippet in a child of this Python, against the server at ``url``."""
    env = {**os.environ, "DOCKET_URL": url, "DOCKET_API_KEY": api_key, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-c", snippet.code.replace(README_URL, url)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

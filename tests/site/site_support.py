"""Small advisory sites for the site tests: sample advisories and in-process builds."""

from __future__ import annotations

import functools
import http.server
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import Repo, advisory_text, make_repo

VENV_BIN = Path(sys.executable).parent
NOW = "2026-11-01T00:00:00Z"

ROUTER = (
    "cwe:\n  - CWE-78\n"
    "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
    "affected:\n  - vendor: Example Corp\n    product: Example Router\n"
    "    versions: 1.0 to 2.0.0\n    fixed: 2.0.1\n"
)
NAS = (
    "cwe:\n  - CWE-79\n"
    "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\n"
    "affected:\n  - vendor: Example Corp\n    product: Example NAS\n    fixed: 4.2\n"
)
VIEWER_JA = (
    "cwe:\n  - CWE-22\n"
    "cvss:\n  - vector: CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N\n"
    "affected:\n  - vendor: 株式会社サンプル\n    product: さくらビューア\n    fixed: 3.1\n"
)


@dataclass(frozen=True)
class Sample:
    """One sample advisory: id, year folder, title and the extra front matter."""

    ident: str
    title: str
    release_date: str
    extra: str = ""
    body: str = "## Overview\n\nA vulnerability exists.\n"
    summary: str = "An attacker on the network can run commands on the device."


SAMPLES = (
    Sample(
        "ADV-2025-0001",
        "Example Router: command injection in the web console",
        "2025-06-10T09:00:00+09:00",
        ROUTER
        + "cve:\n  - CVE-2025-10001\naliases:\n  - JVNVU#90000001\n"
        + "credits:\n  - name: Hanako Yamada\n"
        + "references:\n  - url: https://example.org/psirt/2025-01\n    type: advisory\n",
        "## Overview\n\nThe web console passes a host name to a shell.\n\n"
        "## Solution\n\nUpdate the firmware to 2.0.1.\n",
    ),
    Sample(
        "ADV-2026-0001",
        "Example NAS: stored cross-site scripting in the file browser",
        "2026-02-03T09:00:00+09:00",
        NAS
        + "cve:\n  - CVE-2026-20001\n"
        + "revisions:\n  - date: 2026-03-01T12:00:00+09:00\n"
        + "    summary: Fixed version corrected.\n",
    ),
    Sample(
        "ADV-2026-0002",
        "さくらビューアにおけるディレクトリトラバーサルの脆弱性",
        "2026-04-20T10:00:00+09:00",
        VIEWER_JA + "cve:\n  - CVE-2026-20002\n",
        "## 概要\n\n細工されたアーカイブを開くと任意のファイルが上書きされます。\n",
        "細工されたアーカイブを開くと、任意のファイルが上書きされます。",
    ),
)


def sample_repo(path: Path, *, language: str = "en", samples: tuple[Sample, ...] = SAMPLES) -> Repo:
    """A repository (Asia/Tokyo, with site_url) holding the sample advisories."""
    repo = make_repo(
        path,
        timezone="Asia/Tokyo",
        site_url="https://advisories.example.org/",
        site_name="Example CC advisories",
        language=language,
    )
    for s in samples:
        write_sample(repo, s)
    return repo


def write_sample(repo: Repo, sample: Sample) -> Path:
    """Write one sample advisory under ``advisories/<YYYY>/``."""
    text = advisory_text(
        sample.ident,
        title=sample.title,
        release_date=sample.release_date,
        extra=sample.extra,
        body=sample.body,
        summary=sample.summary,
    )
    return repo.write(f"advisories/{sample.ident[4:8]}/{sample.ident}.md", text)


@contextmanager
def quiet_mkdocs() -> Iterator[None]:
    """Keep MkDocs' INFO lines out of the test output."""
    logger = logging.getLogger("mkdocs")
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)


def run_tool(
    tool: str, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a console script of the virtualenv (mkdocs, properdocs) as a subprocess."""
    full_env = dict(os.environ)
    full_env.setdefault("ADVPUB_NOW", NOW)
    if env:
        full_env.update(env)
    return subprocess.run(
        [str(VENV_BIN / tool), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path, handler_class: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread with ``handler_class``;
    yields the base URL."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()

"""``advpub serve`` says what it does at once, the address as soon as it listens, and long
builds (serve and build) print a progress line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from advpub.site.build import build_progress
from tests.conftest import advisory_text, make_repo


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_prints_the_address_as_soon_as_it_listens(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.write(
        "advisories/2020/ADV-2020-0001.md",
        advisory_text("ADV-2020-0001", release_date="2020-01-15T09:00:00+09:00"),
    )
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "advpub", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=repo.path,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert first == (
            f"advpub serve: building 1 advisories, then serving on http://127.0.0.1:{port}/\n"
        )
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if line.startswith("advpub serve: serving on") or not line:
                break
        assert line == f"advpub serve: serving on http://127.0.0.1:{port}/ (Ctrl+C to stop)\n"
        # Listening when it says so.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/2020/ADV-2020-0001/") as page:
            assert page.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_long_build_prints_progress_lines() -> None:
    lines: list[str] = []
    with build_progress("advpub build", 1000, lines.append, interval=0.05):
        time.sleep(0.18)
    assert lines[:3] == [
        "advpub build: building 1000 advisories, 0 s elapsed",
        "advpub build: building 1000 advisories, 0 s elapsed",
        "advpub build: building 1000 advisories, 0 s elapsed",
    ]
    # Nothing after the build finished.
    count = len(lines)
    time.sleep(0.12)
    assert len(lines) == count


def test_a_quick_build_prints_no_progress_line() -> None:
    lines: list[str] = []
    with build_progress("advpub build", 3, lines.append, interval=5):
        pass
    assert lines == []

"""``advpub demo``: the guided tour builds a site with exactly the due advisory and serves it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import CliResult, require_tool

Cli = Callable[..., CliResult]

DUE = "Example Router: command injection in the web console"
# Demo ids carry the current year in the demo's time zone.
YEAR = datetime.now(ZoneInfo("Asia/Tokyo")).year
HELD = (
    "Example Camera: authentication bypass in the RTSP service",
    "Example NAS: path traversal in the backup API",
)


def test_demo_releases_only_the_due_draft(
    tmp_path: Path, cli: Cli, grep_tree: Callable[[Path, str], list[Path]]
) -> None:
    require_tool("git")
    folder = tmp_path / "tour"
    result = cli("demo", str(folder), "--no-serve")
    assert result.code == 0, result.err
    steps = [line for line in result.out.splitlines() if line.startswith("[")]
    assert [s.split("]")[0] for s in steps] == [f"[{n}/6" for n in range(1, 7)]
    assert f"  ADV-{YEAR}-0002: due tomorrow" in result.out
    assert "fix not verified (fix.verified is false) and no approved early_release" in result.out
    assert "1 advisory published in " in result.out
    repo = folder / "advisories-repo"
    for name in ("alice", "bob", "ci"):
        assert (folder / "keys" / f"{name}.txt").stat().st_mode & 0o777 == 0o600
    assert (folder / "keys").stat().st_mode & 0o777 == 0o700
    published = list((repo / "advisories").rglob("ADV-*.md"))
    assert [p.stem for p in published] == [f"ADV-{YEAR}-0001"]
    site = repo / "site"
    assert grep_tree(site, DUE)
    for title in HELD:
        assert grep_tree(site, title) == []
    history = subprocess.run(
        ["git", "log", "-p", "--all"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert DUE in history  # published now (the grep works)
    for title in HELD:
        assert title not in history
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert status == ""


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file.txt").write_text("x", encoding="utf-8")
    result = cli("demo", str(tmp_path / "busy"), "--no-serve")
    assert result.code == 1
    assert result.err == (
        f"advpub: error: {tmp_path / 'busy'}: not an empty folder; give a new or empty folder "
        "for the demo\n"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_serves_the_site_on_localhost(tmp_path: Path) -> None:
    require_tool("git")
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "advpub",
            "demo",
            str(tmp_path / "served"),
            "-a",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode("utf-8")
            except OSError:
                assert process.poll() is None, process.communicate()
                time.sleep(0.5)
        assert f"ADV-{YEAR}-0001" in page
        assert all(title not in page for title in HELD)
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    assert f"Serving the site on http://127.0.0.1:{port}/ (Ctrl-C to stop)" in out

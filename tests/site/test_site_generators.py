"""The same site under ProperDocs, `mkdocs serve`/`advpub serve`, and this repository itself."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.site.site_support import NOW, VENV_BIN, Sample, run_tool, sample_repo, write_sample

REPO_ROOT = Path(__file__).resolve().parents[2]


def files_of(site: Path) -> set[str]:
    # sitemap.xml.gz embeds a timestamp; everything else must match file for file.
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and p.name != "sitemap.xml.gz"
    }


def test_properdocs_builds_the_same_site(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    mk = run_tool("mkdocs", "build", "-d", str(tmp_path / "mkdocs-site"), cwd=repo.path)
    assert mk.returncode == 0, mk.stderr
    pd = run_tool(
        "properdocs", "build", "-f", "mkdocs.yml", "-d", str(tmp_path / "pd-site"), cwd=repo.path
    )
    assert pd.returncode == 0, pd.stderr
    ours, theirs = tmp_path / "mkdocs-site", tmp_path / "pd-site"
    assert files_of(theirs) == files_of(ours)
    assert (theirs / "advpub-build.json").is_file()
    page = "2025/ADV-2025-0001/index.html"
    assert "CVE-2025-10001" in (theirs / page).read_text(encoding="utf-8")
    for rel in ("index.html", "products/example-corp-example-router/index.html", "feed.xml"):
        ids = b"ADV-2025-0001"
        assert (theirs / rel).read_bytes().count(ids) == (ours / rel).read_bytes().count(ids) > 0


def test_properdocs_applies_the_gate(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    write_sample(repo, Sample("ADV-2026-0009", "Not yet", "2026-12-01T09:00:00+09:00"))
    result = run_tool("properdocs", "build", "-f", "mkdocs.yml", cwd=repo.path)
    assert result.returncode == 1
    assert (
        "advisories/2026/ADV-2026-0009.md: not releasable: release date 2026-12-01 09:00 JST "
        "(2026-12-01T00:00:00Z) is in 30 days"
    ) in result.stderr
    assert not (repo.path / "site" / "2026" / "ADV-2026-0009").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local)
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_advpub_serve_previews_on_localhost(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    port = free_port()
    env = dict(os.environ, ADVPUB_NOW=NOW)
    process = subprocess.Popen(
        [sys.executable, "-m", "advpub", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=repo.path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        page = fetch(f"http://127.0.0.1:{port}/2026/ADV-2026-0001/", time.monotonic() + 60)
        assert "Example NAS: stored cross-site scripting in the file browser" in page
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("tool", ["mkdocs", "advpub"])
def test_serve_refuses_an_unreleasable_advisory(tmp_path: Path, tool: str) -> None:
    repo = sample_repo(tmp_path / "repo")
    write_sample(repo, Sample("ADV-2026-0009", "Not yet", "2026-12-01T09:00:00+09:00"))
    args = ["serve", "--dev-addr", f"127.0.0.1:{free_port()}"]
    command = (
        [str(VENV_BIN / "mkdocs"), *args]
        if tool == "mkdocs"
        else [
            sys.executable,
            "-m",
            "advpub",
            *args,
        ]
    )
    result = subprocess.run(
        command,
        cwd=repo.path,
        env=dict(os.environ, ADVPUB_NOW=NOW),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "ADV-2026-0009.md: not releasable: release date" in result.stderr
    assert "Traceback" not in result.stderr


def test_this_repository_builds_strict(tmp_path: Path) -> None:
    # The repository ships sample advisories (README): without them this test proves nothing.
    assert any((REPO_ROOT / "advisories").rglob("*.md")), "no sample advisories in advisories/"
    shutil.copy2(REPO_ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "advisories", tmp_path / "advisories")
    # The real clock: the samples must be releasable today, as on the deployed site.
    env = {k: v for k, v in os.environ.items() if k != "ADVPUB_NOW"}
    result = subprocess.run(
        [str(VENV_BIN / "mkdocs"), "build", "--strict"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "advpub-build.json").is_file()

"""The build's worker processes (exports, the in-memory leak scan): the same bytes and the same
leak report as a build in one process, and a build killed mid-way leaves no partial site."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.store import EmbargoStore
from advpub.site.parallel import WORKERS_ENV
from tests.conftest import CliResult, Key, Repo, advisory_text
from tests.scale.test_scale_cache import tree
from tests.site.site_support import NOW, SAMPLES, Sample, sample_repo, write_sample

Cli = Callable[..., CliResult]
# More advisories than one batch of exports (advpub.site.export_prefetch.BATCH).
EXTRA = 70


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


# An informational advisory (a page, listings and feeds of its own kind).
UNMAINTAINED = Sample(
    "ADV-2023-0900",
    "example-crate is unmaintained",
    "2023-05-13T09:00:00+09:00",
    "kind: informational\ninformational: unmaintained\n"
    "affected:\n  - product: example-crate\n    ecosystem: crates.io\n    package: example-crate\n",
)


def many_repo(path: Path, count: int = EXTRA) -> Repo:
    """The sample repository (with a linked translation) plus an informational advisory and
    ``count`` generated advisories (Japanese and English)."""
    repo = sample_repo(path)
    write_sample(repo, UNMAINTAINED)
    for n in range(1, count + 1):
        ident = f"ADV-2024-{n:04d}"
        title = (
            f"Example Switch {n}: 認証回避の脆弱性" if n % 3 == 0 else f"Example Switch {n}: XSS"
        )
        extra = (
            "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
            f"affected:\n  - vendor: Example Corp\n    product: Example Switch {n}\n"
            "    fixed: 2.0\n"
        )
        repo.write(
            f"advisories/2024/{ident}.md",
            advisory_text(
                ident,
                title=title,
                release_date=f"2024-{1 + n % 12:02d}-10T09:00:00+09:00",
                extra=extra,
            ),
        )
    return repo


def add_draft(repo: Repo, key: Key, ident: str, **fields: str) -> None:
    store = EmbargoStore(repo.path / "embargo", repo.path)
    store.write(ident, advisory_text(ident, **fields), [RecipientEntry(key.public, "tester", 1)])


def cold_build(cli: Cli, repo: Repo, monkeypatch: pytest.MonkeyPatch, workers: str) -> CliResult:
    shutil.rmtree(repo.path / ".cache", ignore_errors=True)
    shutil.rmtree(repo.path / "site", ignore_errors=True)
    monkeypatch.setenv(WORKERS_ENV, workers)
    return cli("build", cwd=repo.path)


def rendering_processes(caplog: pytest.LogCaptureFixture) -> dict[int, int]:
    """Pages rendered per process id, as the page driver reports them (advpub.site.driver)."""
    found: dict[int, int] = {}
    for record in caplog.records:
        match = re.fullmatch(r"advpub: (\d+) pages rendered by process (\d+)", record.getMessage())
        if match:
            found[int(match[2])] = int(match[1])
    return found


def test_parallel_build_is_byte_identical_to_a_single_process_build(
    tmp_path: Path,
    cli: Cli,
    make_key: Callable[[str], Key],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    repo = many_repo(tmp_path / "repo")
    key = make_key("coordinator")
    add_draft(repo, key, "ADV-2026-0040", title="An unrelated embargoed flaw")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.advpub")
    single = cold_build(cli, repo, monkeypatch, "1")
    assert single.code == 0, single.err
    one = tree(repo.path / "site")
    assert rendering_processes(caplog) == {}  # MkDocs' own loop, in this process
    parallel = cold_build(cli, repo, monkeypatch, "2")
    assert parallel.code == 0, parallel.err
    two = tree(repo.path / "site")
    # The pages were rendered by two processes: this one and a forked worker.
    rendered = rendering_processes(caplog)
    assert len(rendered) == 2 and os.getpid() in rendered, rendered
    pages = sum(p.endswith("index.html") and not p.startswith(".well-known/") for p in two)
    assert sum(rendered.values()) == pages and min(rendered.values()) >= pages // 4
    # The marker records the build instant only (ADVPUB_NOW is fixed): the same too.
    assert two == one
    assert sum(p.startswith("osv/ADV-2024-") for p in two) == EXTRA
    assert b'"leak_scan": "passed"' in two["advpub-build.json"]
    # A warm parallel rebuild (memo, kept files) gives the same bytes again.
    again = cli("build", cwd=repo.path)
    assert again.code == 0, again.err
    assert tree(repo.path / "site") == one


def test_parallel_leak_scan_reports_what_a_single_process_scan_reports(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A published advisory (a page, its OSV and CSAF files, feeds, search index) names the
    # CVE of an embargoed draft: every file is reported, in the same order, by id only.
    secret_cve = "CVE-2026-55555"
    repo = many_repo(tmp_path / "repo")
    first = SAMPLES[0]
    body = f"## Overview\n\nSee also {secret_cve}.\n"
    write_sample(repo, Sample(first.ident, first.title, first.release_date, first.extra, body))
    key = make_key("coordinator")
    add_draft(repo, key, "ADV-2026-0041", title="Embargoed", extra=f"cve:\n  - {secret_cve}\n")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    single = cold_build(cli, repo, monkeypatch, "1")
    parallel = cold_build(cli, repo, monkeypatch, "2")
    assert single.code == parallel.code == 1
    assert parallel.err == single.err
    page = f"{first.ident[4:8]}/{first.ident}/index.html"
    assert f"{page}: mentions the CVE id of embargoed draft ADV-2026-0041" in parallel.err
    assert f"osv/{first.ident}.json: mentions the CVE id" in parallel.err
    assert secret_cve not in parallel.err + parallel.out
    assert not (repo.path / "site").exists()


def test_workers_setting_is_checked(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = sample_repo(tmp_path / "repo")
    monkeypatch.setenv(WORKERS_ENV, "two")
    result = cli("build", cwd=repo.path)
    assert result.code == 1
    assert (
        "ADVPUB_WORKERS: 'two' is not a number of worker processes (1 or more); unset it to "
        "use every core"
    ) in result.err


def _session_processes(session: int) -> list[int]:
    """Processes of a session (the build and its workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.getsid(int(entry)) == session:
                found.append(int(entry))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("earlier_site", [False, True])
def test_build_killed_mid_way_leaves_no_partial_site(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, earlier_site: bool
) -> None:
    repo = many_repo(tmp_path / "repo", count=150)
    site = repo.path / "site"
    if earlier_site:
        done = cli("build", cwd=repo.path)
        assert done.code == 0, done.err
        (repo.path / "advisories/2024/ADV-2024-0001.md").write_text(
            advisory_text("ADV-2024-0001", title="Changed"), encoding="utf-8"
        )
    env = {**os.environ, WORKERS_ENV: "2", "ADVPUB_NOW": NOW}
    proc = subprocess.Popen(
        [sys.executable, "-m", "advpub", "build"],
        cwd=repo.path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        staging = repo.path / ".cache" / "advpub"
        deadline = time.monotonic() + 240
        # Kill it while it writes pages (some advisory page is already in the staging folder).
        while not any(staging.glob("building-*/2024/ADV-2024-*/index.html")):
            assert proc.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    # No partial site where a deploy step would take it, and no worker left behind.
    assert not site.exists()
    deadline = time.monotonic() + 10
    while _session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _session_processes(proc.pid) == []
    # The next build starts over and equals a cold build.
    rebuilt = cli("build", cwd=repo.path)
    assert rebuilt.code == 0, rebuilt.err
    warm = tree(site)
    shutil.rmtree(repo.path / ".cache")
    cold = cli("build", "--clean", cwd=repo.path)
    assert cold.code == 0, cold.err
    assert tree(site) == warm
    assert [p.name for p in (repo.path / ".cache" / "advpub").glob("building-*")] == []

"""Faults: disk full and read-only folders (simulated in-process, since chmod does not stop
root in CI), and ``advpub release --commit`` SIGKILLed at random moments."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import CliResult, Key, advisory_text, random_seed, run_advpub
from tests.gate.gate_helpers import Site
from tests.pipeline.test_release_crash import (
    IDS,
    assert_each_published_once,
    drafted_site,
    env_for,
)

from advpub.embargo.store import EmbargoStore
from advpub.errors import EmbargoError
from advpub.layout import SENTINEL_NAME

Cli = Callable[..., CliResult]
NOW = "2026-06-01T00:00:00Z"
# Files the scaffold puts under advisories/ (not advisories).
KEPT = frozenset({".gitkeep", SENTINEL_NAME})
ADV1 = IDS[0]
PUBLIC1 = f"advisories/2026/{ADV1}.md"


@pytest.fixture
def site(tmp_path: Path, make_key: Callable[[str], Key]) -> Site:
    return drafted_site(tmp_path / "repo", make_key)


def _fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


class Faults:
    """Make file-system calls fail for paths under one folder, like a full or read-only disk."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        self.monkeypatch = monkeypatch
        self.folder = str(folder.resolve())
        self.hits: list[str] = []

    def _under(self, path: object) -> bool:
        return str(path).startswith(self.folder)

    def _fail(self, code: int, what: str) -> OSError:
        self.hits.append(what)
        return OSError(code, os.strerror(code))

    def disk_full_on_fsync(self, after: int = 0) -> None:
        """``write`` succeeded (page cache) but the data cannot reach the disk; the first
        ``after`` files still fit."""
        real = os.fsync
        fitted: list[str] = []

        def fsync(fd: Any) -> None:
            fileno = fd if isinstance(fd, int) else fd.fileno()
            path = _fd_path(fileno)
            # Only regular files: the folder fsync after a rename is best effort anyway.
            if self._under(path) and os.path.isfile(path):
                if len(fitted) >= after:
                    raise self._fail(errno.ENOSPC, f"fsync {path}")
                fitted.append(path)
            real(fd)

        self.monkeypatch.setattr(os, "fsync", fsync)

    def read_only_on_create(self) -> None:
        """No new file can be created in the folder (``mkstemp`` fails as on EROFS)."""
        real = tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
            folder = kwargs.get("dir")
            if folder is not None and self._under(Path(folder).resolve()):
                raise self._fail(errno.EROFS, f"mkstemp {folder}")
            return real(*args, **kwargs)

        self.monkeypatch.setattr(tempfile, "mkstemp", mkstemp)

    def disk_full_on_replace(self) -> None:
        """The rename that publishes a temp file fails (e.g. a quota on directory entries)."""
        real = os.replace

        def replace(src: Any, dst: Any, **kwargs: Any) -> None:
            if self._under(Path(dst).resolve()):
                raise self._fail(errno.ENOSPC, f"replace {dst}")
            real(src, dst, **kwargs)

        self.monkeypatch.setattr(os, "replace", replace)

    def read_only_on_unlink(self) -> None:
        """Files in the folder cannot be removed."""
        real = os.unlink

        def unlink(path: Any, **kwargs: Any) -> None:
            if self._under(Path(path).resolve()):
                raise self._fail(errno.EROFS, f"unlink {path}")
            real(path, **kwargs)

        self.monkeypatch.setattr(os, "unlink", unlink)


def temp_files(folder: Path) -> list[str]:
    """Leftover temp files of an atomic write (``.<name>.*.tmp``)."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.rglob(".*.tmp"))


def release(cli: Cli, site: Site, *args: str) -> CliResult:
    return cli("release", "--identity", str(site.key.file), "--now", NOW, *args, cwd=site.path)


@pytest.fixture
def faults(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    yield Faults(monkeypatch, site.path / "advisories")


FAULTS = {
    "disk full (fsync)": ("disk_full_on_fsync", "No space left on device"),
    "disk full (rename)": ("disk_full_on_replace", "No space left on device"),
    "read-only (create)": ("read_only_on_create", "Read-only file system"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_release_on_a_failing_disk_keeps_drafts_and_leaves_nothing_partial(
    site: Site, faults: Faults, cli: Cli, fault: str
) -> None:
    method, reason = FAULTS[fault]
    getattr(faults, method)()
    result = release(cli, site, "--commit")
    assert faults.hits, "the fault was never triggered"
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{ident}: failed: cannot write advisories/2026/{ident}.md ({reason}); the draft was "
        f"left in embargo/{ident}.md.age; fix the folder and run again"
        for ident in IDS
    ]
    assert "Traceback" not in result.err
    for ident in IDS:
        assert (site.path / "embargo" / f"{ident}.md.age").is_file()
    advisories = site.path / "advisories"
    assert [p for p in advisories.rglob("*") if p.is_file() and p.name not in KEPT] == []
    assert temp_files(site.path) == []
    assert site.head_count() == 1
    # Space again: the next run publishes everything, once.
    faults.monkeypatch.undo()
    again = release(cli, site, "--commit")
    assert again.code == 0, again.err
    assert_each_published_once(site)


def test_release_that_cannot_remove_the_draft_names_it_and_a_rerun_completes(
    site: Site, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    faults = Faults(monkeypatch, site.path / "embargo")
    faults.read_only_on_unlink()
    result = release(cli, site)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        f"{ADV1}: failed: {PUBLIC1} was written but the draft embargo/{ADV1}.md.age cannot be "
        "removed (Read-only file system); remove it by hand"
    )
    assert (site.path / "embargo" / f"{ADV1}.md.age").is_file()
    monkeypatch.undo()
    again = release(cli, site, "--commit")
    assert again.code == 0, again.err
    assert again.out.splitlines()[0].startswith(
        f"{ADV1}: {PUBLIC1} was already written; removed the leftover draft, committed "
    )
    assert_each_published_once(site)


@pytest.mark.parametrize("fault", ["disk_full_on_fsync", "disk_full_on_replace"])
def test_store_write_on_a_full_disk_keeps_the_old_draft_and_no_temp_file(
    site: Site, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    store = EmbargoStore(site.path / "embargo", site.path)
    before = store.draft_path(ADV1).read_bytes()
    faults = Faults(monkeypatch, store.folder)
    getattr(faults, fault)()
    with pytest.raises((OSError, EmbargoError)):
        store.write(ADV1, advisory_text(ADV1, body="## Overview\n\nChanged.\n"))
    assert faults.hits
    assert store.draft_path(ADV1).read_bytes() == before
    assert temp_files(store.folder) == []
    with pytest.raises((OSError, EmbargoError)):
        store.write("ADV-2026-0009", advisory_text("ADV-2026-0009"))
    assert not store.draft_path("ADV-2026-0009").exists()
    assert temp_files(store.folder) == []


def test_disk_filling_up_during_a_release_publishes_what_fits_and_a_rerun_the_rest(
    site: Site, faults: Faults, cli: Cli
) -> None:
    faults.disk_full_on_fsync(after=1)
    result = release(cli, site, "--commit")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith(f"{ADV1}: published {PUBLIC1}, draft removed, committed ")
    assert lines[1:] == [
        f"{ident}: failed: cannot write advisories/2026/{ident}.md (No space left on device); "
        f"the draft was left in embargo/{ident}.md.age; fix the folder and run again"
        for ident in IDS[1:]
    ]
    assert site.head_count() == 2
    assert temp_files(site.path) == []
    assert site.repo.git("status", "--porcelain").stdout == ""
    faults.monkeypatch.undo()
    again = release(cli, site, "--commit")
    assert again.code == 0, again.err
    assert_each_published_once(site)


def _editor(tmp_path: Path) -> str:
    editor = tmp_path / "append.sh"
    editor.write_text('#!/bin/sh\nprintf "\\nMore.\\n" >> "$1"\n', encoding="utf-8")
    editor.chmod(0o700)
    return str(editor)


@pytest.mark.parametrize("command", ["edit", "import", "recipients add"])
def test_draft_writes_on_a_full_disk_are_clean_errors_naming_the_draft(
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
    tmp_path: Path,
    make_key: Callable[[str], Key],
    command: str,
) -> None:
    monkeypatch.setenv("EDITOR", _editor(tmp_path))
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(site.key.file))
    source = tmp_path / "ADV-2026-0009.md"
    source.write_text(advisory_text("ADV-2026-0009"), encoding="utf-8")
    args = {
        "edit": ("edit", ADV1),
        "import": ("import", "--remove", str(source)),
        "recipients add": ("recipients", "add", make_key("bob").public, "--name", "bob"),
    }[command]
    embargo = site.path / "embargo"
    before = {p.name: p.read_bytes() for p in embargo.iterdir()}
    Faults(monkeypatch, embargo).disk_full_on_fsync()
    result = cli(*args, cwd=site.path)
    # Whatever the command, nothing was changed, nothing half-written, the source kept.
    assert {p.name: p.read_bytes() for p in embargo.iterdir()} == before
    assert temp_files(site.path) == [] and source.is_file()
    assert result.code == 1, result.err
    assert "embargo/" in result.err and "No space left on device" in result.err


# -- git's own lock left by a killed `git commit` -----------------------------------------
GIT_LOCK_HINT = "remove the file manually to continue"


def test_stale_git_index_lock_fails_cleanly_and_a_rerun_after_removing_it_completes(
    site: Site, cli: Cli
) -> None:
    lock = site.path / ".git" / "index.lock"
    lock.write_bytes(b"")  # what a `git commit` killed half-way leaves behind
    result = release(cli, site, "--commit")
    assert result.code == 1
    assert [line.split(": failed: ")[0] for line in result.out.splitlines()] == list(IDS)
    assert GIT_LOCK_HINT in result.out and "Traceback" not in result.err
    assert site.head_count() == 1
    lock.unlink()
    again = release(cli, site, "--commit")
    assert again.code == 0, again.err
    assert again.out.splitlines()[0].startswith(
        f"{ADV1}: committed the interrupted publication of {PUBLIC1}, committed "
    )
    assert_each_published_once(site)


def test_stale_git_index_lock_message_names_the_lock_file(site: Site, cli: Cli) -> None:
    (site.path / ".git" / "index.lock").write_bytes(b"")
    result = release(cli, site, "--commit")
    assert result.code == 1
    assert ".git/index.lock" in result.out.splitlines()[0]


# -- SIGKILL at random moments -------------------------------------------------------------
# Bounded for the normal suite; raise ADVPUB_TEST_KILL_RUNS to hunt for rare orders.
RUNS = int(os.environ.get("ADVPUB_TEST_KILL_RUNS", "8"))


def _release_process(site: Site) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "advpub", "release", "--commit"],
        cwd=site.path,
        env={**os.environ, **env_for(site)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group, so the kill also takes a running `git commit` (as when a
        # CI job is cancelled or the machine runs out of memory).
        start_new_session=True,
    )


def git_locks(site: Site) -> list[str]:
    """git's lock files left in the git dir (advpub's own flock file is not one)."""
    git_dir = site.path / ".git"
    return sorted(
        p.relative_to(git_dir).as_posix()
        for p in git_dir.rglob("*.lock")
        if p.name != "advpub-release.lock"
    )


def test_release_sigkilled_at_random_moments_then_rerun_publishes_each_once(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    seed = random_seed()
    print(f"seed={seed} (another: ADVPUB_TEST_SEED=N; this one again: ADVPUB_TEST_SEED={seed})")
    rng = random.Random(seed)
    # One undisturbed run tells how long a release takes on this machine right now.
    calibration = drafted_site(tmp_path / "calibration", make_key, name="calibration")
    started = time.monotonic()
    full = _release_process(calibration)
    assert full.wait(timeout=120) == 0
    duration = time.monotonic() - started
    outcomes: list[str] = []
    for run in range(RUNS):
        site = drafted_site(tmp_path / f"run{run}", make_key, name=f"run{run}")
        # Before ~half of the run advpub is still importing: aim at the work after it.
        delay = rng.uniform(0.5, 1.05) * duration
        proc = _release_process(site)
        try:
            proc.wait(timeout=delay)
            outcomes.append(f"{delay:.2f}s: finished before the kill")
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
            published = len(list((site.path / "advisories").rglob("*.md")))
            outcomes.append(f"{delay:.2f}s: killed, {published} public file(s)")
        rerun = run_advpub("release", "--commit", cwd=site.path, env=env_for(site))
        if rerun.returncode != 0 and GIT_LOCK_HINT in rerun.stdout:
            # Killed inside `git commit`: git's own locks (index.lock, HEAD.lock, a branch's
            # .lock) stay behind and git refuses to run until a person removes them (git
            # cannot tell a dead holder from a live one).
            stale = git_locks(site)
            assert stale, rerun.stdout
            outcomes[-1] += f"; stale {', '.join(stale)} removed by hand"
            for name in stale:
                (site.path / ".git" / name).unlink()
            rerun = run_advpub("release", "--commit", cwd=site.path, env=env_for(site))
        assert rerun.returncode == 0, (
            f"ADVPUB_TEST_SEED={seed}",
            run,
            outcomes[-1],
            rerun.stdout,
            git_locks(site),
        )
        assert_each_published_once(site)
        check = cli("check", "--now", NOW, cwd=site.path)
        assert check.code == 0, (f"ADVPUB_TEST_SEED={seed}", run, check.out, check.err)
    print("\n".join(outcomes))

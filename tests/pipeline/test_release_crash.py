"""`advpub release` as real processes: two at once, and killed with SIGKILL mid-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import Key, run_advpub
from tests.gate.gate_helpers import Site, make_site

IDS = ("ADV-2026-0001", "ADV-2026-0002", "ADV-2026-0003")


def drafted_site(folder: Path, make_key: Callable[[str], Key], name: str = "alice") -> Site:
    """A repository (Asia/Tokyo) with the drafts of ``IDS`` committed."""
    site = make_site(folder, make_key, "Asia/Tokyo", name=name)
    for ident in IDS:
        # Distinct titles: a release naming another draft's title is refused while that
        # draft is still embargoed (as when a fault stops it).
        site.draft(ident, title=f"Example device {ident}: command injection")
    site.commit_all()
    return site


@pytest.fixture
def site(tmp_path: Path, make_key: Callable[[str], Key]) -> Site:
    return drafted_site(tmp_path / "repo", make_key)


def env_for(site: Site, **extra: str) -> dict[str, str]:
    return {
        "ADVPUB_IDENTITY_FILE": str(site.key.file),
        "ADVPUB_NOW": "2026-06-01T00:00:00Z",
        **extra,
    }


def assert_each_published_once(site: Site) -> None:
    """Every advisory in exactly one place, one commit each, nothing left over."""
    for ident in IDS:
        public = site.path / "advisories" / "2026" / f"{ident}.md"
        draft = site.path / "embargo" / f"{ident}.md.age"
        assert public.is_file() and not draft.exists(), ident
    subjects = site.repo.git("log", "--format=%s").stdout.splitlines()
    published = sorted(s.split(":")[0] for s in subjects if s.startswith("Publish "))
    assert published == [f"Publish {ident}" for ident in IDS]
    assert len(subjects) == 1 + len(IDS)
    assert site.repo.git("status", "--porcelain", "--untracked-files=all").stdout == ""
    assert site.repo.git("fsck", "--no-progress").returncode == 0
    assert not (site.path / ".git" / "index.lock").exists()


def test_two_concurrent_releases_publish_each_advisory_once(site: Site) -> None:
    env = {**os.environ, **env_for(site)}
    command = [sys.executable, "-m", "advpub", "release", "--commit"]
    procs = [
        subprocess.Popen(
            command, cwd=site.path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    lines = b"".join(out for out, _ in outputs).decode().splitlines()
    assert sorted(line.split(":")[0] for line in lines if "published" in line) == list(IDS)
    assert_each_published_once(site)


@pytest.mark.parametrize("point", ["after-write", "after-remove", "before-commit"])
def test_release_killed_then_rerun_completes(site: Site, point: str) -> None:
    killed = run_advpub(
        "release", "--commit", cwd=site.path, env=env_for(site, ADVPUB_TEST_CRASH_AT=point)
    )
    assert killed.returncode == -signal.SIGKILL
    rerun = run_advpub("release", "--commit", cwd=site.path, env=env_for(site))
    assert rerun.returncode == 0, rerun.stderr
    first = rerun.stdout.splitlines()[0]
    if point == "after-write":
        assert first.startswith(
            "ADV-2026-0001: advisories/2026/ADV-2026-0001.md was already written; removed the "
            "leftover draft, committed "
        )
    else:
        assert first.startswith(
            "ADV-2026-0001: committed the interrupted publication of "
            "advisories/2026/ADV-2026-0001.md, committed "
        )
    assert_each_published_once(site)


def test_killed_without_commit_then_committed_later(site: Site) -> None:
    killed = run_advpub(
        "release", cwd=site.path, env=env_for(site, ADVPUB_TEST_CRASH_AT="after-remove")
    )
    assert killed.returncode == -signal.SIGKILL
    rerun = run_advpub("release", "--commit", cwd=site.path, env=env_for(site))
    assert rerun.returncode == 0, rerun.stderr
    assert_each_published_once(site)


def test_killed_repeatedly_at_every_point_still_ends_consistent(site: Site) -> None:
    for point in ("after-write", "after-remove", "before-commit", "after-write"):
        run_advpub(
            "release", "--commit", cwd=site.path, env=env_for(site, ADVPUB_TEST_CRASH_AT=point)
        )
    final = run_advpub("release", "--commit", cwd=site.path, env=env_for(site))
    assert final.returncode == 0, final.stderr
    assert_each_published_once(site)


class LineWatcher:
    """Reads a child's text stream on a thread; ``wait_for(line)`` returns once it appeared."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._ended = False
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, line: str, timeout: float) -> None:
        """Block until ``line`` was written, the stream ended or ``timeout`` passed."""
        with self._changed:
            self._changed.wait_for(lambda: line in self.lines or self._ended, timeout)

    def rest(self) -> str:
        """Everything the stream carried (call once the child has ended)."""
        self._thread.join(timeout=60)
        return "\n".join(self.lines)


def test_a_release_waits_for_the_lock_held_by_another(site: Site) -> None:
    from advpub.git.lock import exclusive_lock

    lock = site.path / ".git" / "advpub-release.lock"
    waiting = f"advpub: waiting for the lock held by another advpub process ({lock})"
    env = {**os.environ, **env_for(site)}
    with exclusive_lock(lock):
        proc = subprocess.Popen(
            [sys.executable, "-m", "advpub", "release", "--commit"],
            cwd=site.path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        stderr = LineWatcher(proc.stderr)
        try:
            # The child says it waits before it blocks: no sleep, no guess at its speed.
            stderr.wait_for(waiting, timeout=120)
            assert waiting in stderr.lines, stderr.lines
            # While we hold the lock the release must not have touched anything.
            assert proc.poll() is None
            assert site.head_count() == 1
            assert all((site.path / "embargo" / f"{i}.md.age").exists() for i in IDS)
        finally:
            if proc.poll() is None and waiting not in stderr.lines:
                proc.kill()
    assert proc.stdout is not None
    out = proc.stdout.read()  # until the child exits (communicate would race the watcher)
    proc.stdout.close()
    proc.wait(timeout=60)
    err = stderr.rest()
    assert proc.returncode == 0, out + err
    assert err == waiting
    assert_each_published_once(site)


def test_index_left_behind_by_a_kill_inside_git_commit_is_set_back(site: Site) -> None:
    """Killed inside `git commit --only` after HEAD moved but before the index was written:
    the removed draft stays staged (`AD`). The next run sets the index back to HEAD for it,
    and only for drafts whose publication HEAD holds."""
    first = run_advpub("release", "--commit", cwd=site.path, env=env_for(site))
    assert first.returncode == 0, first.stdout
    draft = f"embargo/{IDS[0]}.md.age"
    blob = site.repo.git("rev-parse", f"HEAD~3:{draft}").stdout.strip()
    site.repo.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{draft}")
    # A new draft staged by a coordinator and then deleted in the work tree is not touched.
    other = "embargo/ADV-2026-0099.md.age"
    site.repo.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{other}")
    assert site.repo.git("status", "--porcelain").stdout.splitlines() == [
        f"AD {draft}",
        f"AD {other}",
    ]
    rerun = run_advpub("release", "--commit", cwd=site.path, env=env_for(site))
    assert rerun.returncode == 0, rerun.stdout
    assert site.repo.git("status", "--porcelain").stdout.splitlines() == [f"AD {other}"]
    site.repo.git("rm", "-q", "--cached", other)
    assert_each_published_once(site)

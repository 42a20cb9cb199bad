"""Plaintext workspaces left by an `advpub edit` killed with SIGKILL are swept by the next
command that decrypts; a workspace in use by a live edit is never touched (item 15)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from advpub.embargo.editor import LOCK_FILE, private_workspace, sweep_stale_workspaces
from tests.conftest import Key, Repo, advisory_text, run_advpub
from tests.embargo.embargo_support import ID, script, set_recipients

CANARY = "CANARY-5ca1ab-workspace"


@pytest.fixture
def edit(
    repo: Repo, make_key: Callable[[str], Key], tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[str], Path, Key]]:
    """A running `advpub edit` whose editor waits; yields it, its workspace and the key."""
    alice = make_key("alice")
    set_recipients(repo, ("alice", alice)).write(ID, advisory_text(ID, title=f"Secret {CANARY}"))
    marker = tmp_path / "marker"
    editor = script(
        tmp_path,
        "hang.py",
        f"""\
        import sys, time
        from pathlib import Path
        Path({str(marker)!r} + ".tmp").write_text(sys.argv[1])
        Path({str(marker)!r} + ".tmp").rename({str(marker)!r})
        time.sleep(120)
        """,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "advpub", "edit", ID, "-i", str(alice.file)],
        cwd=repo.path,
        env={**os.environ, "EDITOR": editor},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the editor too is killed at the end
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the editor never started"
            time.sleep(0.05)
        yield process, Path(marker.read_text()).parent, alice
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)


def test_a_sigkilled_edit_is_swept_by_the_next_decrypting_command_a_live_one_kept(
    repo: Repo, edit: tuple[subprocess.Popen[str], Path, Key]
) -> None:
    process, workspace, alice = edit
    env = {"ADVPUB_IDENTITY_FILE": str(alice.file)}
    assert (workspace / f"{ID}.md").is_file()
    # A live edit (in another terminal): its workspace is kept.
    live = run_advpub("status", cwd=repo.path, env=env)
    assert live.returncode == 0, live.stderr
    assert (workspace / f"{ID}.md").is_file()
    # SIGKILL: nothing in advpub runs, the plaintext stays behind...
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert CANARY in (workspace / f"{ID}.md").read_text(encoding="utf-8")
    # ...until the next command that decrypts.
    after = run_advpub("status", cwd=repo.path, env=env)
    assert after.returncode == 0, after.stderr
    assert not workspace.exists()


def test_sweep_keeps_locked_recent_and_foreign_folders(tmp_path: Path) -> None:
    stale = tmp_path / "advpub-stale"
    stale.mkdir(mode=0o700)
    (stale / LOCK_FILE).write_text("")
    (stale / f"{ID}.md").write_text(CANARY)
    unlocked_foreign = tmp_path / "advpub-demo-site"  # no lock file: not a workspace
    unlocked_foreign.mkdir()
    other = tmp_path / "other-stale"
    other.mkdir()
    (other / LOCK_FILE).write_text("")
    with private_workspace(tmp_path) as live:
        later = time.time() + 5
        removed = sweep_stale_workspaces([tmp_path], started=later)
        assert removed == [stale]
        assert live.folder.is_dir()  # locked by this run
    assert unlocked_foreign.is_dir() and other.is_dir()
    # A folder that changed after this process started is left for a later run.
    recent = tmp_path / "advpub-recent"
    recent.mkdir()
    (recent / LOCK_FILE).write_text("")
    assert sweep_stale_workspaces([tmp_path], started=time.time() - 60) == []
    assert recent.is_dir()

"""Small pieces: editor command, comment stripping, next id, private workspace."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.embargo.editor import (
    comment_block,
    editor_command,
    hardened,
    private_workspace,
    strip_comments,
)
from advpub.embargo.identity import parse_identities
from advpub.embargo.template import next_free_id
from advpub.errors import EmbargoError
from tests.conftest import CliResult, Key, Repo, advisory_text, make_repo
from tests.embargo.embargo_support import ID, replacing_editor, script, set_recipients

Cli = Callable[..., CliResult]


def test_editor_command_prefers_visual_and_splits_like_a_shell() -> None:
    env = {"VISUAL": "'my editor' --wait -n", "EDITOR": "nano"}
    assert editor_command(env) == ["my editor", "--wait", "-n"]
    assert editor_command({"EDITOR": "code --wait"}) == ["code", "--wait"]
    with pytest.raises(EmbargoError, match=r"^\$EDITOR: cannot split 'vi \"x' into a command"):
        editor_command({"EDITOR": 'vi "x'})


def test_strip_comments_removes_only_the_leading_advpub_lines() -> None:
    text = "---\nid: X\n# advpub: kept, not leading\n---\n"
    block = comment_block(["one", "two\nthree"])
    assert block == "# advpub: one\n# advpub: two\n# advpub: three\n"
    assert strip_comments(block + text) == text
    assert strip_comments(text) == text


def test_next_free_id_counts_only_this_prefix_and_year() -> None:
    taken = ["ADV-2026-0007", "ADV-2025-0100", "XADV-2026-0050", "ADV-2026-12", "ADV.2026-0099"]
    assert next_free_id("ADV", 2026, taken) == "ADV-2026-0013"
    assert next_free_id("ADV", 2027, taken) == "ADV-2027-0001"
    assert next_free_id("A.B", 2026, ["AxB-2026-0004"]) == "A.B-2026-0001"


def test_private_workspace_is_0700_0600_and_removed_on_error() -> None:
    with pytest.raises(RuntimeError), private_workspace() as space:
        path = space.create_file("draft.md", "secret")
        assert stat.S_IMODE(space.folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        if Path("/dev/shm").is_dir():
            assert space.folder.parent == Path("/dev/shm")
        with pytest.raises(FileExistsError):
            space.create_file("draft.md", "again")
        folder = space.folder
        raise RuntimeError("boom")
    assert not folder.exists()


def test_new_uses_the_year_in_the_site_time_zone(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "tokyo", timezone="Asia/Tokyo")
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    text = advisory_text("ADV-2027-0001")
    monkeypatch.setenv("EDITOR", replacing_editor(tmp_path, text))
    result = cli("new", "--now", "2026-12-31T16:00:00Z", cwd=repo.path)
    assert (result.code, result.out) == (0, "created embargo/ADV-2027-0001.md.age\n")
    assert store.read("ADV-2027-0001", parse_identities(alice.secret, "t")) == text


def test_new_refuses_before_editing_when_nobody_could_read_the_draft(
    repo: Repo, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opened = tmp_path / "opened"
    monkeypatch.setenv("EDITOR", script(tmp_path, "e.py", f"open({str(opened)!r}, 'w')\n"))
    result = cli("new", cwd=repo.path)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "advpub: error: embargo/recipients.txt: lists no recipient; add one with "
        "`advpub recipients add KEY --name NAME`\n"
    )
    assert not opened.exists()


def test_ctrl_c_belongs_to_the_editor_while_it_runs(
    repo: Repo, make_key: Callable[[str], Key], tmp_path: Path
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    store.write(ID, advisory_text(ID))
    marker, release = tmp_path / "marker", tmp_path / "release"
    new_text = advisory_text(ID, title="Edited after Ctrl-C")
    editor = script(
        tmp_path,
        "slow.py",
        f"""\
        import signal, sys, time
        from pathlib import Path
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # like vim: Ctrl-C does not quit
        Path({str(marker)!r}).write_text("")
        while not Path({str(release)!r}).exists():
            time.sleep(0.02)
        Path(sys.argv[1]).write_text({new_text!r}, encoding="utf-8")
        """,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "advpub", "edit", ID, "-i", str(alice.file)],
        cwd=repo.path,
        env={**os.environ, "EDITOR": editor},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
        assert process.poll() is None, "advpub gave up while the editor was still open"
        release.write_text("")
        out, err = process.communicate(timeout=30)
    finally:
        release.write_text("")
        if process.poll() is None:
            process.kill()
    assert (process.returncode, out, err) == (0, f"updated embargo/{ID}.md.age\n", "")
    assert store.read(ID, parse_identities(alice.secret, "t")) == new_text


def test_vim_like_editors_keep_no_viminfo_swap_or_undo_copies(tmp_path: Path) -> None:
    link = tmp_path / "vi"
    link.symlink_to("/usr/bin/vim.basic")
    assert hardened(["vim"]) == [
        "vim",
        "-n",
        "-i",
        "NONE",
        "-c",
        "set nobackup nowritebackup noundofile",
    ]
    assert hardened([str(link), "-p"])[2:] == [
        "-n",
        "-i",
        "NONE",
        "-c",
        "set nobackup nowritebackup noundofile",
    ]
    assert hardened(["nano", "-w"]) == ["nano", "-w"]
    assert hardened(["code", "--wait"]) == ["code", "--wait"]

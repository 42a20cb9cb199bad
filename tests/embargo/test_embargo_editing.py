"""``advpub new`` and ``advpub edit``: fake editors, validation loops, signals, no leftovers."""

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

from advpub.embargo.identity import parse_identities
from advpub.embargo.store import EmbargoStore
from tests.conftest import CliResult, Key, Repo, advisory_text
from tests.embargo.embargo_support import ID, replacing_editor, script, set_recipients

CANARY = "CANARY-0be1d4-editing"
Cli = Callable[..., CliResult]


def _read(store: EmbargoStore, ident: str, key: Key) -> str:
    return store.read(ident, parse_identities(key.secret, "test"))


def test_new_takes_the_next_free_id_and_stores_only_ciphertext(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    grep_tree: Callable[[Path, str], list[Path]],
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    repo.write("advisories/ADV-2026-0003.md", advisory_text("ADV-2026-0003"))
    repo.write("advisories/ADV-2025-0009.md", advisory_text("ADV-2025-0009"))
    store.write("ADV-2026-0005", advisory_text("ADV-2026-0005"))
    text = advisory_text("ADV-2026-0006", title=f"New {CANARY}")
    monkeypatch.setenv("EDITOR", replacing_editor(tmp_path, text))
    # 2026-12-31T16:00Z is already 2027 in Tokyo, but this repository's site zone is UTC.
    result = cli("new", "--now", "2026-12-31T16:00:00Z", cwd=repo.path)
    assert (result.code, result.err) == (0, "")
    assert result.out == "created embargo/ADV-2026-0006.md.age\n"
    assert _read(store, "ADV-2026-0006", alice) == text
    assert grep_tree(repo.path, CANARY) == []


@pytest.mark.parametrize("edit", ["unchanged", "emptied"])
def test_new_with_untouched_template_or_empty_file_keeps_nothing(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: str,
) -> None:
    store = set_recipients(repo, ("alice", make_key("alice")))
    editor = "true" if edit == "unchanged" else replacing_editor(tmp_path, "\n\n")
    monkeypatch.setenv("EDITOR", editor)
    result = cli("new", ID, cwd=repo.path)
    assert (result.code, result.out) == (1, "")
    word = "unchanged" if edit == "unchanged" else "empty"
    assert result.err == f"advpub: aborted: the template was left {word}; nothing was saved\n"
    assert store.draft_files() == []


def test_new_reopens_invalid_text_with_the_problems_on_top(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    valid = advisory_text(ID, title=f"Fixed {CANARY}")
    invalid = valid.replace("release_date: 2026-01-15T09:00:00+09:00", "release_date: soon")
    seen = tmp_path / "seen.txt"
    editor = script(
        tmp_path,
        "twice.py",
        f"""\
        import sys
        from pathlib import Path
        target, seen = Path(sys.argv[1]), Path({str(seen)!r})
        if not seen.exists():
            seen.write_text("", encoding="utf-8")
            target.write_text({invalid!r}, encoding="utf-8")
        else:
            seen.write_text(target.read_text(encoding="utf-8"), encoding="utf-8")
            text = target.read_text(encoding="utf-8")
            body = text[text.index("---"):]
            target.write_text(text[: text.index("---")] + body.replace("soon", "2026-01-15"))
        """,
    )
    monkeypatch.setenv("VISUAL", editor)
    result = cli("new", ID, cwd=repo.path)
    assert result.code == 0, result.err
    assert result.err == f"advpub: {ID}: 1 problem(s); reopening the editor\n"
    second = seen.read_text(encoding="utf-8")
    header, _, rest = second.partition("---")
    assert all(line.startswith("# advpub:") for line in header.splitlines())
    # 2 header lines, 3 lines of advice and 1 problem sit above the original line 5.
    assert "# advpub: line 11: release_date: 'soon' is not a date" in header
    assert "---" + rest == invalid
    assert _read(store, ID, alice) == valid.replace("2026-01-15T09:00:00+09:00", "2026-01-15")


def test_new_keeps_invalid_text_encrypted_when_saved_again_unchanged(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    invalid = advisory_text(ID, title=f"Half done {CANARY}", verified=False).replace(
        "fix:\n  verified: false\n", "fix: maybe\n"
    )
    first = tmp_path / "first"
    editor = script(
        tmp_path,
        "once.py",
        f"""\
        import sys
        from pathlib import Path
        if not Path({str(first)!r}).exists():
            Path({str(first)!r}).write_text("")
            Path(sys.argv[1]).write_text({invalid!r}, encoding="utf-8")
        """,
    )
    monkeypatch.setenv("EDITOR", editor)
    result = cli("new", ID, cwd=repo.path)
    assert result.code == 1
    assert CANARY not in result.out + result.err
    assert result.err.splitlines()[-1] == (
        f"advpub: saved embargo/{ID}.md.age with 1 problem(s); it will not be released until "
        f"fixed: `advpub edit {ID}`"
    )
    assert _read(store, ID, alice) == invalid


def test_edit_unchanged_leaves_the_ciphertext_byte_for_byte(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = make_key("alice")
    path = set_recipients(repo, ("alice", alice)).write(ID, advisory_text(ID))
    os.utime(path, (1_000_000_000, 1_000_000_000))
    before = path.read_bytes()
    monkeypatch.setenv("EDITOR", "true")
    result = cli("edit", ID, "-i", str(alice.file), cwd=repo.path)
    assert (result.code, result.out) == (0, "")
    assert result.err == f"advpub: no changes; embargo/{ID}.md.age was left untouched\n"
    assert path.read_bytes() == before
    assert path.stat().st_mtime == 1_000_000_000


def test_edit_reencrypts_changed_text(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    store.write(ID, advisory_text(ID))
    new_text = advisory_text(ID, title=f"Updated {CANARY}")
    monkeypatch.setenv("EDITOR", replacing_editor(tmp_path, new_text))
    result = cli("edit", ID, "-i", str(alice.file), cwd=repo.path)
    assert (result.code, result.out, result.err) == (0, f"updated embargo/{ID}.md.age\n", "")
    assert _read(store, ID, alice) == new_text


def test_edit_refuses_to_change_the_id(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = make_key("alice")
    path = set_recipients(repo, ("alice", alice)).write(ID, advisory_text(ID))
    before = path.read_bytes()
    monkeypatch.setenv("EDITOR", replacing_editor(tmp_path, advisory_text("ADV-2026-0002")))
    result = cli("edit", ID, "-i", str(alice.file), cwd=repo.path)
    assert result.code == 1
    assert result.err.splitlines() == [
        f"advpub: {ID}: 1 problem(s); reopening the editor",
        f"advpub: not saved: the id in the front matter must stay {ID} (the file's id); "
        f"embargo/{ID}.md.age was left untouched",
    ]
    assert path.read_bytes() == before


# -- signals: the private copy never outlives the command ----------------------------------


def _hanging_editor(tmp_path: Path) -> tuple[str, Path]:
    """An editor that records its pid, the file's path and modes, then waits forever."""
    marker = tmp_path / "marker"
    editor = script(
        tmp_path,
        "hang.py",
        f"""\
        import os, stat, sys, time
        from pathlib import Path
        target = Path(sys.argv[1])
        modes = (stat.S_IMODE(target.stat().st_mode), stat.S_IMODE(target.parent.stat().st_mode))
        tmp = Path({str(marker)!r} + ".tmp")
        tmp.write_text(f"{{os.getpid()}}\\n{{target}}\\n{{modes[0]:o}} {{modes[1]:o}}\\n")
        tmp.rename({str(marker)!r})
        time.sleep(60)
        """,
    )
    return editor, marker


def _start_edit(repo: Repo, key: Key, editor: str) -> subprocess.Popen[str]:
    env = {**os.environ, "EDITOR": editor}
    return subprocess.Popen(
        [sys.executable, "-m", "advpub", "edit", ID, "-i", str(key.file)],
        cwd=repo.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(marker: Path, process: subprocess.Popen[str]) -> tuple[int, Path]:
    deadline = time.monotonic() + 60
    while not marker.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            _out, err = process.communicate(timeout=10)
            pytest.fail(f"the editor never started: {err}")
        time.sleep(0.05)
    pid, target, modes = marker.read_text(encoding="utf-8").splitlines()
    assert modes == "600 700"
    return int(pid), Path(target)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("victim", ["editor-SIGKILL", "advpub-SIGTERM", "advpub-SIGHUP"])
def test_killed_edit_leaves_no_plaintext_behind(
    repo: Repo, make_key: Callable[[str], Key], tmp_path: Path, victim: str
) -> None:
    alice = make_key("alice")
    text = advisory_text(ID, title=f"Secret {CANARY}")
    path = set_recipients(repo, ("alice", alice)).write(ID, text)
    before = path.read_bytes()
    editor, marker = _hanging_editor(tmp_path)
    process = _start_edit(repo, alice, editor)
    pid = 0
    try:
        pid, target = _wait_for(marker, process)
        assert target.read_text(encoding="utf-8") == text
        if Path("/dev/shm").is_dir():
            assert target.parent.parent == Path("/dev/shm")
        if victim == "editor-SIGKILL":
            os.kill(pid, signal.SIGKILL)
        else:
            process.send_signal(signal.SIGTERM if victim.endswith("TERM") else signal.SIGHUP)
        out, err = process.communicate(timeout=30)
        deadline = time.monotonic() + 10
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        editor_outlived = not _gone(pid)
    finally:
        if process.poll() is None:
            process.kill()
        if pid and not _gone(pid):
            os.kill(pid, signal.SIGKILL)
    if victim == "editor-SIGKILL":
        expected = (
            1,
            f"advpub: error: the editor `{editor}` was killed by SIGKILL; nothing was saved\n",
        )
    else:
        name = "SIGTERM" if victim.endswith("TERM") else "SIGHUP"
        number = signal.SIGTERM if name == "SIGTERM" else signal.SIGHUP
        expected = (
            128 + number,
            f"advpub: error: interrupted by {name}; the temporary copy was removed and nothing "
            "was saved\n",
        )
    assert (process.returncode, err) == expected
    assert out == ""
    assert not target.parent.exists()
    assert not editor_outlived
    assert path.read_bytes() == before
    leftovers = [p for p in target.parent.parent.glob("advpub-*") if p.stat().st_uid == os.getuid()]
    assert not any(
        CANARY.encode() in f.read_bytes() for d in leftovers for f in d.rglob("*") if f.is_file()
    )
    assert stat.S_ISREG(path.stat().st_mode)

"""``advpub new ID.<lang>`` drafts a linked translation from its primary; ``advpub edit
ID.<lang>`` checks a translation draft as a translation, not as a full advisory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.embargo.identity import parse_identities
from advpub.embargo.store import EmbargoStore
from advpub.embargo.template import default_body
from tests.conftest import CliResult, Key, Repo
from tests.embargo.embargo_support import encrypt_for, replacing_editor, script, set_recipients
from tests.translations.translation_helpers import (
    EN_TITLE,
    IDENT,
    primary_text,
    translation_text,
)

Cli = Callable[..., CliResult]
TRANSLATION = f"{IDENT}.en"
SHOWN = f"embargo/{TRANSLATION}.md.age"
TEMPLATE = (
    f"---\nid: {IDENT}\nlang: en\n"
    "title: サンプルルータにおけるコマンドインジェクションの脆弱性\n"
    "summary: ネットワーク上の攻撃者が任意のコマンドを実行できます。\n"
    "---\n" + default_body("en")
)


def _read(store: EmbargoStore, ident: str, key: Key) -> str:
    return store.read(ident, parse_identities(key.secret, "test"))


def recording_editor(folder: Path, seen: Path, text: str) -> str:
    """A fake editor that keeps what it was shown in ``seen`` and writes ``text``."""
    return script(
        folder,
        "record.py",
        f"""\
        import sys
        from pathlib import Path
        target = Path(sys.argv[1])
        Path({str(seen)!r}).write_text(target.read_text(encoding="utf-8"), encoding="utf-8")
        target.write_text({text!r}, encoding="utf-8")
        """,
    )


@pytest.mark.parametrize("primary_is", ["draft", "released"])
def test_new_translation_starts_from_the_primary(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    primary_is: str,
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    if primary_is == "draft":
        store.write(IDENT, primary_text())
    else:
        repo.write(f"advisories/2020/{IDENT}.md", primary_text())
    seen = tmp_path / "seen.txt"
    monkeypatch.setenv("EDITOR", recording_editor(tmp_path, seen, translation_text()))
    result = cli("new", TRANSLATION, "-i", str(alice.file), cwd=repo.path)
    assert (result.code, result.err, result.out) == (0, "", f"created {SHOWN}\n")
    shown = seen.read_text(encoding="utf-8")
    assert shown[shown.index("---") :] == TEMPLATE
    assert _read(store, TRANSLATION, alice) == translation_text()


def test_new_translation_without_a_primary_is_refused(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli
) -> None:
    set_recipients(repo, ("alice", make_key("alice")))
    result = cli("new", TRANSLATION, cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        f"advpub: error: {TRANSLATION}: there is no draft or released advisory {IDENT} to "
        f"translate; create it first (`advpub new {IDENT}`)\n"
    )
    assert not (repo.path / SHOWN).exists()


def test_new_translation_of_an_unreadable_primary_is_refused(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli
) -> None:
    alice, bob = make_key("alice"), make_key("bob")
    set_recipients(repo, ("alice", alice), ("bob", bob))
    encrypt_for(repo, IDENT, primary_text(), alice)
    result = cli("new", TRANSLATION, "-i", str(bob.file), cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        f"advpub: error: {TRANSLATION}: the primary draft embargo/{IDENT}.md.age cannot be "
        "decrypted with your identity; a translation is written from and checked against it\n"
    )


def test_edit_checks_a_translation_draft_as_a_translation(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    store.write(IDENT, primary_text())
    store.write(TRANSLATION, translation_text())
    retitled = translation_text(title=f"{EN_TITLE} (updated)")
    monkeypatch.setenv("EDITOR", replacing_editor(tmp_path, retitled))
    result = cli("edit", TRANSLATION, "-i", str(alice.file), cwd=repo.path)
    assert (result.code, result.err, result.out) == (0, "", f"updated {SHOWN}\n")
    assert _read(store, TRANSLATION, alice) == retitled
    # A fact the primary does not state is refused (kept encrypted, reported).
    contradicting = translation_text(extra="cve:\n  - CVE-2020-1111\n")
    monkeypatch.setenv("EDITOR", replacing_editor(tmp_path, contradicting, "again.py"))
    result = cli("edit", TRANSLATION, "-i", str(alice.file), cwd=repo.path)
    assert result.code == 1
    assert result.err.splitlines() == [
        f"advpub: {TRANSLATION}: 1 problem(s); reopening the editor",
        # Not at a terminal: the rule only (the message could echo the draft).
        f"{SHOWN}:6: cve: translation-fact (details hidden for an embargoed draft)",
        f"advpub: saved {SHOWN} with 1 problem(s); it will not be released until fixed: "
        f"`advpub edit {TRANSLATION}`",
    ]


def test_edit_without_the_primary_checks_the_translations_own_keys(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob = make_key("alice"), make_key("bob")
    store = set_recipients(repo, ("alice", alice), ("bob", bob))
    encrypt_for(repo, IDENT, primary_text(), alice)
    store.write(TRANSLATION, translation_text())
    retitled = translation_text(title=f"{EN_TITLE} (reviewed)")
    monkeypatch.setenv("EDITOR", replacing_editor(tmp_path, retitled))
    result = cli("edit", TRANSLATION, "-i", str(bob.file), cwd=repo.path)
    assert (result.code, result.out) == (0, f"updated {SHOWN}\n")
    assert result.err == (
        f"advpub: {TRANSLATION}: the primary draft cannot be decrypted with your identity; "
        "only the translation's own keys are checked\n"
    )
    assert _read(store, TRANSLATION, bob) == retitled

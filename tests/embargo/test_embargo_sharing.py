"""Issue #18: need-to-know. Team members (a coordinator, CI) read every draft; case-only
recipients (two vendors) read exactly the drafts shared with them, with advpub and with the
plain `age` CLI; sharing, unsharing and removing re-encrypt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from advpub.embargo.recipients import parse_recipients
from advpub.errors import EmbargoError
from tests.conftest import CliResult, Key, Repo, advisory_text
from tests.embargo.test_embargo_crypto import age_decrypt

Cli = Callable[..., CliResult]

FOR_A = "ADV-2026-0101"
FOR_B = "ADV-2026-0102"
TEAM_ONLY = "ADV-2026-0103"
TITLE_B = "Vendor B canary 51d0e in the flux capacitor"


@dataclass
class Parties:
    alice: Key
    ci: Key
    vendor_a: Key
    vendor_b: Key


def _draft(ident: str, title: str = "Router: command injection") -> str:
    return advisory_text(ident, title=title, release_date="2026-12-01T09:00:00+09:00")


@pytest.fixture
def parties(repo: Repo, make_key: Callable[[str], Key], cli: Cli) -> Parties:
    """recipients.txt with alice and ci (team) and two vendors added with --case-only; three
    drafts, one shared with each vendor and one for the team only."""
    keys = Parties(make_key("alice"), make_key("ci"), make_key("vendor-a"), make_key("vendor-b"))
    repo.write("embargo/recipients.txt", f"# the team\n{keys.alice.public} alice\n")
    team = ("--identity", str(keys.alice.file))
    assert cli("recipients", "add", keys.ci.public, "--name", "ci", *team, cwd=repo.path).code == 0
    for name, key in (("vendor-a", keys.vendor_a), ("vendor-b", keys.vendor_b)):
        added = cli(
            "recipients", "add", key.public, "--name", name, "--case-only", *team, cwd=repo.path
        )
        assert (added.code, added.err) == (0, ""), added.err
    for ident, title in ((FOR_A, "Router A"), (FOR_B, TITLE_B), (TEAM_ONLY, "Team only")):
        source = repo.write(f"import/{ident}.md", _draft(ident, title))
        imported = cli("import", str(source), *team, cwd=repo.path)
        assert imported.code == 0, imported.err
    assert cli("share", FOR_A, "vendor-a", *team, cwd=repo.path).code == 0
    assert cli("share", FOR_B, "vendor-b", *team, cwd=repo.path).code == 0
    return keys


def _draft_file(repo: Repo, ident: str) -> Path:
    return repo.path / "embargo" / f"{ident}.md.age"


def test_recipients_txt_marks_case_only_lines_and_old_files_parse(
    parties: Parties, repo: Repo
) -> None:
    text = (repo.path / "embargo/recipients.txt").read_text(encoding="utf-8")
    assert text == (
        f"# the team\n{parties.alice.public} alice\n{parties.ci.public} ci\n"
        f"{parties.vendor_a.public} vendor-a [case-only]\n"
        f"{parties.vendor_b.public} vendor-b [case-only]\n"
    )
    entries = parse_recipients(text, "r")
    assert [(e.name, e.kind) for e in entries] == [
        ("alice", "team"),
        ("ci", "team"),
        ("vendor-a", "case-only"),
        ("vendor-b", "case-only"),
    ]
    # A file written before the marker existed: every line is a team member.
    old = parse_recipients(f"{parties.alice.public} alice\n{parties.vendor_a.public}\n", "r")
    assert [e.case_only for e in old] == [False, False]
    with pytest.raises(EmbargoError) as raised:
        parse_recipients(f"{parties.vendor_a.public} [case-only]\n", "embargo/recipients.txt")
    assert str(raised.value) == (
        "embargo/recipients.txt:1: a case-only recipient needs a name (drafts share with it by "
        "name): write `KEY NAME [case-only]`"
    )


def test_each_vendor_decrypts_exactly_the_drafts_shared_with_it(
    parties: Parties, repo: Repo, cli: Cli
) -> None:
    readers = {
        FOR_A: {"alice", "ci", "vendor-a"},
        FOR_B: {"alice", "ci", "vendor-b"},
        TEAM_ONLY: {"alice", "ci"},
    }
    keys = {
        "alice": parties.alice,
        "ci": parties.ci,
        "vendor-a": parties.vendor_a,
        "vendor-b": parties.vendor_b,
    }
    for ident, allowed in readers.items():
        for name, key in keys.items():
            by_age = age_decrypt(_draft_file(repo, ident), key.file)
            by_advpub = cli("show", ident, "--identity", str(key.file), cwd=repo.path)
            expected = 0 if name in allowed else 1
            assert (by_age.returncode, by_advpub.code) == (expected, expected), (ident, name)
            if name in allowed:
                assert f"id: {ident}\n" in by_age.stdout
                assert by_advpub.out == by_age.stdout
    refused = cli("show", FOR_B, "--identity", str(parties.vendor_a.file), cwd=repo.path)
    assert refused.out == ""
    assert refused.err == (
        f"advpub: error: embargo/{FOR_B}.md.age: your identity is not among its recipients; ask a "
        "coordinator to add your public key and re-encrypt (`advpub recipients add`)\n"
    )
    shown = cli("show", FOR_A, "--identity", str(parties.alice.file), cwd=repo.path)
    assert 'share_with: ["vendor-a"]\n' in shown.out


def test_status_for_a_vendor_lists_only_its_drafts_and_a_count(
    parties: Parties, repo: Repo, cli: Cli
) -> None:
    status = cli(
        "status",
        "--identity",
        str(parties.vendor_a.file),
        "--now",
        "2026-06-01T00:00:00Z",
        cwd=repo.path,
    )
    assert status.code == 0, status.err
    assert FOR_A in status.out
    assert FOR_B not in status.out + status.err
    assert TEAM_ONLY not in status.out + status.err
    assert TITLE_B not in status.out + status.err
    assert status.out.endswith("\n2 drafts not shared with you\n")
    as_json = cli("status", "--json", "--identity", str(parties.vendor_a.file), cwd=repo.path)
    assert '"not_shared_with_you": 2' in as_json.out
    assert FOR_B not in as_json.out
    # The team sees every draft.
    team = cli("status", "--identity", str(parties.alice.file), cwd=repo.path)
    assert all(ident in team.out for ident in (FOR_A, FOR_B, TEAM_ONLY))
    assert "not shared with you" not in team.out


def test_recipients_list_shows_kinds_and_what_each_vendor_reads(
    parties: Parties, repo: Repo, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    listed = cli("recipients", "list", "--identity", str(parties.alice.file), cwd=repo.path)
    assert (listed.code, listed.out) == (
        0,
        f"{parties.alice.public} alice # team\n"
        f"{parties.ci.public} ci # team\n"
        f"{parties.vendor_a.public} vendor-a [case-only] # case-only; reads {FOR_A}\n"
        f"{parties.vendor_b.public} vendor-b [case-only] # case-only; reads {FOR_B}\n",
    )
    # A vendor learns the kinds, not which drafts anyone reads.
    theirs = cli("recipients", "list", "--identity", str(parties.vendor_a.file), cwd=repo.path)
    assert theirs.out.splitlines()[2:] == [
        f"{parties.vendor_a.public} vendor-a [case-only] # case-only",
        f"{parties.vendor_b.public} vendor-b [case-only] # case-only",
    ]


def test_unshare_reencrypts_without_them_and_says_what_cannot_be_undone(
    parties: Parties, repo: Repo, cli: Cli
) -> None:
    done = cli("unshare", FOR_A, "vendor-a", "--identity", str(parties.alice.file), cwd=repo.path)
    assert done.code == 0
    assert done.out == (
        f"unshared {FOR_A} with vendor-a\n"
        f"re-encrypted embargo/{FOR_A}.md.age to 2 recipient(s): the team and nobody else\n"
    )
    assert done.err == (
        "advpub: warning: vendor-a can still read every version they already decrypted or "
        "fetched (git history keeps the old ciphertext); unsharing protects only what is "
        "written from now on\n"
    )
    assert age_decrypt(_draft_file(repo, FOR_A), parties.vendor_a.file).returncode != 0
    plain = age_decrypt(_draft_file(repo, FOR_A), parties.ci.file)
    assert plain.returncode == 0 and "share_with" not in plain.stdout


def test_share_refuses_unknown_names_team_members_and_vendors(
    parties: Parties, repo: Repo, cli: Cli
) -> None:
    team = ("--identity", str(parties.alice.file))
    unknown = cli("share", TEAM_ONLY, "vendor-c", *team, cwd=repo.path)
    assert (unknown.code, unknown.err) == (
        1,
        f"advpub: error: embargo/{TEAM_ONLY}.md.age: share_with names 'vendor-c', not in "
        "embargo/recipients.txt; add them (`advpub recipients add KEY --name NAME --case-only`) "
        "or remove them from share_with (`advpub unshare ID NAME`)\n",
    )
    member = cli("share", TEAM_ONLY, "ci", *team, cwd=repo.path)
    assert member.err == (
        "advpub: error: 'ci': team member(s) in embargo/recipients.txt; they already read every "
        "draft (share with case-only recipients only)\n"
    )
    # A vendor cannot widen who reads its own case.
    widen = cli("share", FOR_A, "vendor-b", "--identity", str(parties.vendor_a.file), cwd=repo.path)
    assert (widen.code, widen.err) == (
        1,
        f"advpub: error: embargo/{FOR_A}.md.age: only a team member (a line of "
        "embargo/recipients.txt without [case-only]) may change who a draft is shared with\n",
    )
    assert age_decrypt(_draft_file(repo, FOR_A), parties.vendor_b.file).returncode != 0


def test_removing_a_vendor_reencrypts_and_unshares_its_drafts(
    parties: Parties, repo: Repo, cli: Cli
) -> None:
    removed = cli(
        "recipients", "remove", "vendor-b", "--identity", str(parties.alice.file), cwd=repo.path
    )
    assert removed.code == 0, removed.err
    assert age_decrypt(_draft_file(repo, FOR_B), parties.vendor_b.file).returncode != 0
    plain = age_decrypt(_draft_file(repo, FOR_B), parties.alice.file)
    assert plain.returncode == 0 and "share_with" not in plain.stdout
    assert age_decrypt(_draft_file(repo, FOR_A), parties.vendor_a.file).returncode == 0
    checked = cli("check", cwd=repo.path)
    assert "recipients" not in checked.out, checked.out


def test_a_vendor_edits_its_draft_but_cannot_change_share_with(
    parties: Parties, repo: Repo, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.embargo.embargo_support import script

    appended = script(
        tmp_path,
        "append.py",
        """\
        import sys
        from pathlib import Path
        p = Path(sys.argv[1])
        p.write_text(p.read_text(encoding="utf-8") + "\\nVendor note.\\n", encoding="utf-8")
        """,
    )
    widening = script(
        tmp_path,
        "widen.py",
        """\
        import sys
        from pathlib import Path
        p = Path(sys.argv[1])
        t = p.read_text(encoding="utf-8")
        p.write_text(t.replace('["vendor-a"]', '["vendor-a", "vendor-b"]'), encoding="utf-8")
        """,
    )
    vendor = ("--identity", str(parties.vendor_a.file))
    monkeypatch.setenv("EDITOR", appended)
    edited = cli("edit", FOR_A, *vendor, cwd=repo.path)
    assert (edited.code, edited.out) == (0, f"updated embargo/{FOR_A}.md.age\n")
    after = age_decrypt(_draft_file(repo, FOR_A), parties.vendor_a.file)
    assert after.stdout.endswith("Vendor note.\n")
    assert age_decrypt(_draft_file(repo, FOR_A), parties.ci.file).returncode == 0
    monkeypatch.setenv("EDITOR", widening)
    refused = cli("edit", FOR_A, *vendor, cwd=repo.path)
    assert (refused.code, refused.err) == (
        1,
        "advpub: not saved: only a team member may change share_with (who can read the "
        f"draft); embargo/{FOR_A}.md.age was left untouched\n",
    )
    assert age_decrypt(_draft_file(repo, FOR_A), parties.vendor_b.file).returncode != 0


def test_log_lists_when_a_draft_was_shared_and_unshared_and_by_whom(
    parties: Parties, repo: Repo, cli: Cli
) -> None:
    def commit(author: str, message: str) -> None:
        repo.git("add", "-A")
        done = repo.git("commit", "-q", "-m", message, f"--author={author} <{author}@example.org>")
        assert done.returncode == 0, done.stderr

    commit("alice", "Start")  # FOR_A is already shared with vendor-a
    team = ("--identity", str(parties.alice.file))
    assert cli("share", FOR_A, "vendor-b", *team, cwd=repo.path).code == 0
    commit("carol", "Ask vendor B too")
    assert cli("unshare", FOR_A, "vendor-a", "vendor-b", *team, cwd=repo.path).code == 0
    commit("dave", "Vendors done")
    day = repo.git("log", "-1", "--format=%cs").stdout.strip()
    shas = repo.git("log", "--format=%h", "--abbrev=12", "--reverse").stdout.split()

    logged = cli("log", FOR_A, "--identity", str(parties.ci.file), cwd=repo.path)
    assert logged.code == 0, logged.err
    assert logged.out.splitlines() == [
        f"{FOR_A}: embargoed (embargo/{FOR_A}.md.age)",
        f"  {day} drafted by alice <alice@example.org> (commit {shas[0]})",
        f"  {day} shared with vendor-a by alice <alice@example.org> (commit {shas[0]})",
        f"  {day} re-encrypted by carol <carol@example.org> (commit {shas[1]})",
        f"  {day} shared with vendor-b by carol <carol@example.org> (commit {shas[1]})",
        f"  {day} re-encrypted by dave <dave@example.org> (commit {shas[2]})",
        f"  {day} unshared from vendor-a, vendor-b by dave <dave@example.org> (commit {shas[2]})",
    ]
    # A vendor (or anyone without a team key) gets the trail without sharing events.
    theirs = cli("log", FOR_A, "--identity", str(parties.vendor_a.file), cwd=repo.path)
    assert "shared" not in theirs.out
    assert theirs.err == (
        "advpub: note: shared/unshared events are shown to team members only (they are read "
        "from the encrypted drafts); give a team identity with --identity\n"
    )


def test_an_unknown_name_typed_in_the_editor_reopens_it_and_is_never_a_recipient(
    parties: Parties, repo: Repo, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.embargo.embargo_support import script

    typo = script(
        tmp_path,
        "typo.py",
        """\
        import sys
        from pathlib import Path
        p = Path(sys.argv[1])
        t = p.read_text(encoding="utf-8")
        if "vendor-z" not in t:
            p.write_text(t.replace('["vendor-a"]', '["vendor-a", "vendor-z"]'), encoding="utf-8")
        """,
    )
    monkeypatch.setenv("EDITOR", typo)
    edited = cli("edit", FOR_A, "--identity", str(parties.alice.file), cwd=repo.path)
    assert edited.code == 1
    assert edited.err.splitlines()[0] == f"advpub: {FOR_A}: 1 problem(s); reopening the editor"
    assert f"advpub: saved embargo/{FOR_A}.md.age with 1 problem(s)" in edited.err
    # Saved for the team and vendor-a only; check names the draft and the fix.
    assert age_decrypt(_draft_file(repo, FOR_A), parties.vendor_a.file).returncode == 0
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(parties.alice.file))
    checked = cli("check", cwd=repo.path)
    assert (
        f"embargo/{FOR_A}.md.age: recipients: share_with names 'vendor-z', not in "
        "embargo/recipients.txt" in checked.out
    )

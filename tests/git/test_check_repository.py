"""`advpub check` (and `--history`): the rules CI runs because hooks can be skipped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, Key, advisory_text
from tests.git.hook_helpers import (
    CANARY_TITLE,
    DRAFT_ALIAS,
    DRAFT_ID,
    NOW,
    HookRepo,
    setup_hook_repo,
)

NO_IDENTITY = (
    "advpub: note: no identity configured: leak checks skipped (set ADVPUB_IDENTITY_FILE or "
    "run `advpub keygen` to check public files against embargoed drafts)\n"
)


@pytest.fixture
def plain(tmp_path: Path, make_key: Callable[[str], Key], monkeypatch: Any) -> HookRepo:
    """A repository with one draft, no hooks, and the key and NOW in the environment."""
    hooked = setup_hook_repo(tmp_path, make_key, install=False)
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(hooked.key.file))
    return hooked


def test_a_clean_repository_passes(plain: HookRepo, cli: Callable[..., CliResult]) -> None:
    plain.write("advisories/2026/ADV-2026-0001.md", advisory_text())
    done = cli("check", "--history", cwd=plain.path)
    assert (done.code, done.out, done.err) == (0, "advpub check: OK (1 published advisories)\n", "")


def test_plaintext_under_embargo_is_reported(
    plain: HookRepo, cli: Callable[..., CliResult]
) -> None:
    plain.write("embargo/ADV-2026-0043.md", advisory_text("ADV-2026-0043"))
    assert plain.commit("Bypass", "embargo", no_verify=True).returncode == 0
    done = cli("check", cwd=plain.path)
    assert done.code == 1
    assert done.out == (
        "embargo/ADV-2026-0043.md: embargo: not age ciphertext: only encrypted drafts may live "
        "under embargo/; encrypt it with `advpub import FILE --remove` (or delete it), and "
        "never commit plaintext drafts\n"
    )
    assert done.err == "advpub check: 1 problem(s) in 1 file(s)\n"


def test_history_finds_plaintext_that_was_deleted_later(
    plain: HookRepo, cli: Callable[..., CliResult]
) -> None:
    plain.write("embargo/notes.txt", "draft notes\n")
    assert plain.commit("Bypass", "embargo", no_verify=True).returncode == 0
    leaked = plain.git("rev-parse", "--short=12", "HEAD").stdout.strip()
    assert plain.git("rm", "-q", "embargo/notes.txt").returncode == 0
    assert plain.git("commit", "-q", "-m", "Remove", "--no-verify").returncode == 0
    assert cli("check", cwd=plain.path).code == 0
    done = cli("check", "--history", cwd=plain.path)
    assert done.code == 1
    assert done.out == (
        f"embargo/notes.txt: embargo: not age ciphertext in commit {leaked}: plaintext stays "
        "in git history even after deletion; rewrite history (e.g. `git filter-repo --path "
        "FILE --invert-paths`), force-push, and treat the draft as leaked\n"
    )


def test_history_ignores_ciphertext_and_allowed_files(
    plain: HookRepo, cli: Callable[..., CliResult]
) -> None:
    plain.write("embargo/README.md", "Drafts.\n")
    assert plain.commit("Readme", "embargo").returncode == 0
    assert cli("check", "--history", cwd=plain.path).code == 0


def test_an_early_advisory_is_reported_by_the_gate(
    plain: HookRepo, cli: Callable[..., CliResult]
) -> None:
    plain.write(
        "advisories/2026/ADV-2026-0001.md", advisory_text(release_date="2026-06-01T00:00:01Z")
    )
    done = cli("check", "--json", cwd=plain.path)
    assert done.code == 1
    violations = json.loads(done.out)["violations"]
    assert [(v["path"], v["field"], v["rule"]) for v in violations] == [
        ("advisories/2026/ADV-2026-0001.md", "gate", "gate")
    ]
    assert violations[0]["message"].startswith("not releasable yet: ")
    one_second_later = cli("check", "--now", "2026-06-01T00:00:01Z", cwd=plain.path)
    assert one_second_later.code == 0


@pytest.mark.parametrize(
    ("mention", "kind"), [(DRAFT_ALIAS, "alias"), (CANARY_TITLE.lower(), "title")]
)
def test_leaks_in_public_files_are_reported(
    plain: HookRepo, cli: Callable[..., CliResult], mention: str, kind: str
) -> None:
    plain.write("docs/notes.md", f"# Notes\n\nSee {mention}.\n")
    done = cli("check", cwd=plain.path)
    assert done.code == 1
    assert done.out == (
        f"docs/notes.md:3: leak: mentions the {kind} of embargoed draft {DRAFT_ID}; remove it "
        "until that advisory is released\n"
    )
    json_run = cli("check", "--json", cwd=plain.path)
    assert CANARY_TITLE.casefold() not in (done.out + done.err + json_run.out).casefold()


def test_ignored_files_are_not_scanned(plain: HookRepo, cli: Callable[..., CliResult]) -> None:
    plain.write("site/notes.html", f"{DRAFT_ALIAS}\n")  # site/ is in .gitignore
    assert cli("check", cwd=plain.path).code == 0


def test_without_identity_leaks_are_skipped_with_a_notice(
    plain: HookRepo, cli: Callable[..., CliResult], monkeypatch: Any
) -> None:
    monkeypatch.delenv("ADVPUB_IDENTITY_FILE")
    plain.write("docs/notes.md", f"See {DRAFT_ALIAS}.\n")
    done = cli("check", cwd=plain.path)
    assert (done.code, done.err) == (0, NO_IDENTITY)


def test_history_finds_plaintext_added_only_in_a_merge_commit(
    plain: HookRepo, cli: Callable[..., CliResult]
) -> None:
    assert plain.git("switch", "-q", "-c", "topic").returncode == 0
    plain.write("README.md", "Topic.\n")
    assert plain.commit("Topic", "README.md").returncode == 0
    assert plain.git("switch", "-q", "main").returncode == 0
    merge = plain.git("merge", "-q", "--no-ff", "--no-commit", "topic")
    assert merge.returncode == 0, merge.stderr
    plain.write("embargo/evil.md", "plaintext\n")
    assert plain.commit("Merge topic", "embargo", no_verify=True).returncode == 0
    merged = plain.git("rev-parse", "--short=12", "HEAD").stdout.strip()
    assert plain.git("rm", "-q", "embargo/evil.md").returncode == 0
    assert plain.git("commit", "-q", "-m", "Remove", "--no-verify").returncode == 0
    done = cli("check", "--history", cwd=plain.path)
    assert done.code == 1
    assert done.out.startswith(f"embargo/evil.md: embargo: not age ciphertext in commit {merged}:")


def test_drafts_the_key_cannot_read_are_noted_and_their_ids_still_checked(
    plain: HookRepo, cli: Callable[..., CliResult], make_key: Callable[[str], Key]
) -> None:
    from advpub.embargo.recipients import parse_recipients
    from advpub.embargo.store import EmbargoStore
    from tests.git.hook_helpers import draft_text

    other = make_key("carol")
    only_carol = parse_recipients(f"{other.public} carol\n", "test")
    EmbargoStore(plain.path / "embargo", plain.path).write(
        "ADV-2026-0050",
        draft_text("ADV-2026-0050", "Carol-only canary e51f0 title", "CVE-2026-5050"),
        only_carol,
    )
    plain.write("docs/notes.md", "ADV-2026-0050 and CVE-2026-5050\n")
    done = cli("check", cwd=plain.path)
    assert done.code == 1
    assert done.out == (
        "docs/notes.md:1: leak: mentions the id of embargoed draft ADV-2026-0050; remove it "
        "until that advisory is released\n"
    )
    assert done.err.splitlines()[0] == (
        "advpub: note: 1 draft(s) could not be decrypted with your identity: only their ids "
        "are checked for leaks (run `advpub status` to see which)"
    )

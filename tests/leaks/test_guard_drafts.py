"""The guard's terms come from EVERY file under embargo/: invalid drafts (read from their raw
front matter) and drafts filed in sub-folders included (issue 14, item 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from advpub.embargo.drafts import load_drafts
from advpub.embargo.identity import parse_identities
from advpub.embargo.store import EmbargoStore, encrypt_text
from advpub.leaks import terms_from_drafts
from advpub.model import ModelOptions
from tests.conftest import CliResult, Key, Repo, advisory_text

TITLE = "Wombat canary 5be1 authentication bypass in the sync daemon"
ALIAS = "JVNVU#90000042"
CVE = "CVE-2026-777001"

# Saved by `advpub new` before a release date was agreed: it does not validate.
UNSCHEDULED = (
    "---\n"
    "id: ADV-2026-0050\n"
    f'title: "{TITLE}"\n'
    "summary: Not yet.\n"
    f"cve: [{CVE}]\n"
    f'aliases: ["{ALIAS}"]\n'
    "---\n## Overview\n"
)


def _store(repo: Repo, key: Key) -> EmbargoStore:
    repo.write("embargo/recipients.txt", f"{key.public} alice\n")
    return EmbargoStore(repo.path / "embargo", repo.path)


def test_an_invalid_draft_contributes_its_title_aliases_and_cves(
    repo: Repo, make_key: Callable[[str], Key]
) -> None:
    key = make_key("alice")
    store = _store(repo, key)
    store.write("ADV-2026-0050", UNSCHEDULED)
    identities = parse_identities(key.file.read_text(), "test")
    drafts = load_drafts(store, identities, ModelOptions())
    assert drafts[0].advisory is None  # the draft really is invalid
    terms = terms_from_drafts(drafts)
    for leaked in (TITLE, ALIAS, CVE, TITLE.upper().replace(" ", "\n")):
        assert [t.draft_id for t in terms.find(f"<p>{leaked}</p>")] == ["ADV-2026-0050"], leaked


def test_yaml_that_does_not_load_still_gives_its_title(
    repo: Repo, make_key: Callable[[str], Key]
) -> None:
    key = make_key("alice")
    store = _store(repo, key)
    broken = UNSCHEDULED.replace("summary: Not yet.", "summary: [unclosed")
    store.write("ADV-2026-0050", broken)
    drafts = load_drafts(store, parse_identities(key.file.read_text(), "t"), ModelOptions())
    terms = terms_from_drafts(drafts)
    assert {t.kind for t in terms.find(f"{TITLE} {ALIAS}")} == {"title", "alias"}


def test_check_reports_a_public_file_naming_an_invalid_or_nested_draft(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = make_key("alice")
    store = _store(repo, key)
    store.write("ADV-2026-0050", UNSCHEDULED)
    nested = repo.path / "embargo" / "vendor-a" / "ADV-2026-0051.md.age"
    nested.parent.mkdir(parents=True)
    nested_title = "Numbat canary 91c2 stored XSS in the admin dashboard"
    nested.write_bytes(
        encrypt_text(
            advisory_text("ADV-2026-0051", title=nested_title, release_date="2030-01-01"),
            store.recipients(),
        )
    )
    repo.write("NOTES.md", f"Tracking: {TITLE} and {nested_title}\n")
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    result = cli("check", cwd=repo.path)
    status = cli("status", cwd=repo.path)
    assert result.code == 1
    assert (
        "NOTES.md:1: leak: mentions the title of embargoed draft ADV-2026-0050; remove it "
        "until that advisory is released" in result.out
    )
    assert "mentions the title of embargoed draft ADV-2026-0051" in result.out
    assert TITLE not in result.out + result.err and nested_title not in result.out
    assert "ADV-2026-0051" in status.out  # a draft in a sub-folder is a draft
    assert store.draft_path("ADV-2026-0051") == nested


def test_public_text_is_keyed_once_for_all_drafts_with_the_same_terms(
    repo: Repo, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The released advisories' text is turned into keys once per scan, not once per draft
    (25,000 strings per draft at 5,000 advisories), and the terms stay the same: a phrase
    already public is no term, a CVE a released advisory carries neither."""
    from advpub import leaks

    key = make_key("alice")
    store = _store(repo, key)
    valid = advisory_text(
        "ADV-2026-0051",
        title="Wombat canary 7c2d: sync daemon overflow",
        extra=f"cve:\n  - {CVE}\n",
    )
    store.write("ADV-2026-0050", UNSCHEDULED)
    store.write("ADV-2026-0051", valid)
    drafts = load_drafts(store, parse_identities(key.file.read_text(), "t"), ModelOptions())
    public = [f"Public advisory {n}" for n in range(50)] + ["sync daemon overflow", CVE]
    calls: list[str] = []
    keyed = leaks._public_key
    monkeypatch.setattr(leaks, "_public_key", lambda text: calls.append(text) or keyed(text))
    terms = terms_from_drafts(drafts, public)
    assert calls.count("Public advisory 7") == 2  # the set of ids and the list of keys
    assert [(t.kind, t.draft_id, t.text) for t in terms.terms if t.kind != "secret"] == [
        ("id", "ADV-2026-0050", "ADV-2026-0050"),
        ("alias", "ADV-2026-0050", ALIAS),
        ("title", "ADV-2026-0050", TITLE),
        ("id", "ADV-2026-0051", "ADV-2026-0051"),
        ("title", "ADV-2026-0051", "Wombat canary 7c2d: sync daemon overflow"),
        ("title", "ADV-2026-0051", "Wombat canary 7c2d"),
    ]

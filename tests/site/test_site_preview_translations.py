"""``advpub preview`` of linked translation drafts (``embargo/<ID>.<lang>.md.age``): each
previewed beside its primary exactly as release publishes them (its own page at the
translation URL, hreflang alternates and the language switch), with the banner and noindex
on every page and nothing written outside the private workspace."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from advpub.config import load_settings
from advpub.embargo.identity import parse_identities
from advpub.embargo.store import EmbargoStore
from advpub.errors import EmbargoError
from advpub.pipeline.preview import DraftPreview
from advpub.site.build import quiet_dirty_warning
from advpub.site.incremental import live_session
from advpub.site.preview import NOINDEX, PreviewMode
from tests.conftest import Key, Repo
from tests.site.site_support import NOW, quiet_mkdocs, sample_repo
from tests.translations.translation_helpers import (
    EN_TITLE,
    IDENT,
    JA_TITLE,
    primary_text,
    translation_text,
)

SERVE_URL = "http://127.0.0.1:8000/"
PREVIEW_NOW = datetime(2026, 11, 1, tzinfo=UTC)
ENGLISH = f"{IDENT}.en"
RELEASED = "2026-03-02T10:00:00+09:00"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def _alternates(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)


def _store(repo: Repo, key: Key) -> EmbargoStore:
    (repo.path / "embargo" / "recipients.txt").write_text(f"{key.public} alice\n")
    return EmbargoStore(repo.path / "embargo", repo.path)


def _loader(repo: Repo, key: Key, *ids: str) -> DraftPreview:
    settings = load_settings(repo.path)
    identities = parse_identities(key.file.read_text(), "alice")
    store = EmbargoStore(repo.path / "embargo", repo.path)
    return DraftPreview(settings, store, identities, ids, PREVIEW_NOW)


def _preview_build(
    repo: Repo, key: Key, workspace: Path, *ids: str, dirty: bool = False
) -> tuple[Path, PreviewMode]:
    """One preview build as ``advpub preview`` runs it, into the private ``workspace``."""
    site_dir = workspace / "site"
    site_dir.mkdir(parents=True, exist_ok=True)
    mode = PreviewMode(_loader(repo, key, *ids).load, workspace)
    config = load_config(config_file=str(repo.path / "mkdocs.yml"), site_dir=str(site_dir))
    config.site_url = SERVE_URL
    config["plugins"]["advpub"].preview = mode
    with quiet_mkdocs():
        build(config, serve_url=SERVE_URL, dirty=dirty)
    return site_dir, mode


def _page(site: Path, year: str, *parts: str) -> str:
    return site.joinpath(year, IDENT, *parts, "index.html").read_text(encoding="utf-8")


def _assert_linked_pair(site: Path, en_title: str = EN_TITLE, year: str = "2020") -> None:
    """Both language pages exist, link each other and carry the preview marks."""
    ja, en = _page(site, year), _page(site, year, "en")
    assert f"<h1>{JA_TITLE}</h1>" in ja and f"<h1>{en_title}</h1>" in en
    assert _alternates(ja) == [("ja", "./"), ("en", "en/")]
    assert _alternates(en) == [("ja", "../"), ("en", "./")]
    assert '<a href="en/" hreflang="en" lang="en">English</a>' in ja
    assert '<a href="../" hreflang="ja" lang="ja">日本語</a>' in en
    assert '<span lang="en" aria-current="page">English</span>' in en
    for html in (ja, en):
        assert NOINDEX in html
        assert 'class="advpub-preview-banner"' in html and "EMBARGOED PREVIEW" in html


def test_previewing_a_primary_draft_shows_its_translation_draft_beside_it(
    tmp_path: Path, make_key: Callable[[str], Key], grep_tree: Callable[[Path, str], list[Path]]
) -> None:
    key = make_key("alice")
    repo = sample_repo(tmp_path / "repo", language="en")
    store = _store(repo, key)
    canary = f"CANARY-{uuid.uuid4().hex}"
    store.write(IDENT, primary_text())
    store.write(ENGLISH, translation_text(title=f"{EN_TITLE} {canary}"))
    site, mode = _preview_build(repo, key, tmp_path / "private", IDENT)
    _assert_linked_pair(site, f"{EN_TITLE} {canary}")
    assert mode.urls == {IDENT: f"2020/{IDENT}/", ENGLISH: f"2020/{IDENT}/en/"}
    # An English site lists the advisory once, in English, as it will once released.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"{EN_TITLE} {canary}" in home and JA_TITLE not in home
    assert NOINDEX in home
    # Released together: the translation is public at the primary's release instant.
    drafts = _loader(repo, key, IDENT).load()
    [view] = drafts.translations
    assert view.published == drafts.advisories[0].published
    assert view.path == f"advisories/2020/{ENGLISH}.md"
    # Nothing of the drafts reached the repository (no site/, no .cache/).
    assert grep_tree(repo.path, canary) == []
    assert not (repo.path / "site").exists() and not (repo.path / ".cache").exists()


def test_previewing_a_translation_id_shows_its_primary_draft_too(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    key = make_key("alice")
    repo = sample_repo(tmp_path / "repo", language="en")
    store = _store(repo, key)
    store.write(IDENT, primary_text())
    store.write(ENGLISH, translation_text())
    drafts = _loader(repo, key, ENGLISH).load()
    assert [a.id for a in drafts.advisories] == [IDENT]
    assert [(t.page_key, t.title, t.source_lang) for t in drafts.translations] == [
        (ENGLISH, EN_TITLE, "ja")
    ]
    assert drafts.notes == ()
    site, _ = _preview_build(repo, key, tmp_path / "private", ENGLISH)
    _assert_linked_pair(site)


def test_a_translation_draft_of_a_released_advisory_previews_beside_it(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    key = make_key("alice")
    repo = sample_repo(tmp_path / "repo", language="en")
    # Released this year: a translation released later in the same year sits beneath it.
    repo.write(f"advisories/2026/{IDENT}.md", primary_text(release_date=RELEASED))
    store = _store(repo, key)
    store.write(ENGLISH, translation_text())
    # Every draft: the one translation draft, shown with the released primary's facts.
    drafts = _loader(repo, key).load()
    assert drafts.advisories == ()
    [view] = drafts.translations
    # Released after its primary: published when it appears (the preview's clock).
    assert view.published == PREVIEW_NOW
    assert [c.vector for c in view.cvss] == ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]
    site, mode = _preview_build(repo, key, tmp_path / "private")
    assert mode.urls == {ENGLISH: f"2026/{IDENT}/en/"}
    # The released page gains the language switch, as it will once the translation is out.
    _assert_linked_pair(site, year="2026")


def test_translation_drafts_that_cannot_be_previewed_are_named_by_file(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    alice, other = make_key("alice"), make_key("other")
    repo = sample_repo(tmp_path / "repo", language="en")
    store = _store(repo, alice)
    orphan = "ADV-2020-0099.en"
    store.write(orphan, translation_text("ADV-2020-0099", title="SECRET-ORPHAN-TITLE"))
    with pytest.raises(EmbargoError) as refused:
        _loader(repo, alice, orphan).load()
    assert str(refused.value) == (
        f"embargo/{orphan}.md.age: cannot preview: translates ADV-2020-0099, but there is no "
        "draft or released advisory ADV-2020-0099; add the primary advisory or remove the "
        "translation"
    )
    store.draft_path(orphan).unlink()
    # The primary is encrypted to another team member only; the translation to alice.
    (repo.path / "embargo" / "recipients.txt").write_text(f"{other.public} other\n")
    store.write(IDENT, primary_text())
    (repo.path / "embargo" / "recipients.txt").write_text(f"{alice.public} alice\n")
    store.write(ENGLISH, translation_text(title="SECRET-EN-TITLE"))
    with pytest.raises(EmbargoError) as refused:
        _loader(repo, alice, ENGLISH).load()
    assert str(refused.value) == (
        f"embargo/{ENGLISH}.md.age: cannot preview: its primary draft embargo/{IDENT}.md.age "
        "cannot be decrypted with your identity; a translation is shown with its primary"
    )
    # Without ids, both count as not shared; nothing readable is left to preview.
    with pytest.raises(EmbargoError) as refused:
        _loader(repo, alice).load()
    assert str(refused.value) == (
        "embargo/: no draft you can read to preview; ask a coordinator to share one with you "
        "(`advpub share ID NAME`)"
    )
    invalid = translation_text(extra="cvss: []\n")
    store.write(IDENT, primary_text())
    store.write(ENGLISH, invalid)
    with pytest.raises(EmbargoError) as refused:
        _loader(repo, alice, IDENT).load()
    assert str(refused.value) == (
        f"embargo/{ENGLISH}.md.age: cannot preview: the draft is invalid (1 problem(s)); "
        f"`advpub edit {ENGLISH}` shows them"
    )


def test_a_translation_draft_added_while_previewing_relinks_the_primary_page(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    """The rebuild after ``advpub new ID.en`` renders the primary's page again (it gains
    the language switch), though the primary draft did not change."""
    key = make_key("alice")
    repo = sample_repo(tmp_path / "repo", language="en")
    store = _store(repo, key)
    store.write(IDENT, primary_text())
    workspace = tmp_path / "private"
    with live_session(), quiet_dirty_warning():
        site, _ = _preview_build(repo, key, workspace, IDENT, dirty=True)
        assert _alternates(_page(site, "2020")) == []
        store.write(ENGLISH, translation_text())
        _preview_build(repo, key, workspace, IDENT, dirty=True)
    _assert_linked_pair(site)

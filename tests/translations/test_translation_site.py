"""The site of a bilingual advisory: a page per language with hreflang alternates and a
language switch, listings that show the advisory once, per-language feeds."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from tests.conftest import CliResult
from tests.site.site_support import NOW, sample_repo
from tests.translations.translation_helpers import (
    EN_TITLE,
    IDENT,
    JA_TITLE,
    primary_text,
    translation_text,
)

Cli = Callable[..., CliResult]
BASE = "https://advisories.example.org/"


def build_bilingual(tmp_path: Path, cli: Cli, language: str) -> Path:
    repo = sample_repo(tmp_path / f"repo-{language}", language=language)
    repo.write(f"advisories/2020/{IDENT}.md", primary_text())
    repo.write(f"advisories/2020/{IDENT}.en.md", translation_text())
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    return repo.path / "site"


@pytest.fixture
def site_en(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    return build_bilingual(tmp_path, cli, "en")


def alternates(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)


def test_each_language_has_its_page_with_hreflang_links(site_en: Path) -> None:
    ja = (site_en / "2020" / IDENT / "index.html").read_text(encoding="utf-8")
    en = (site_en / "2020" / IDENT / "en" / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{JA_TITLE}</h1>" in ja and f"<h1>{EN_TITLE}</h1>" in en
    assert alternates(ja) == [("ja", "./"), ("en", "en/")]
    assert alternates(en) == [("ja", "../"), ("en", "./")]
    # The visible switch: the other language is a link, the current one is marked.
    assert '<a href="en/" hreflang="en" lang="en">English</a>' in ja
    assert '<span lang="ja" aria-current="page">日本語</span>' in ja
    assert '<a href="../" hreflang="ja" lang="ja">日本語</a>' in en
    assert '<div class="advpub-body" lang="en">' in en


def test_listings_show_the_advisory_once_in_the_site_language(
    site_en: Path, tmp_path: Path, cli: Cli
) -> None:
    home = (site_en / "index.html").read_text(encoding="utf-8")
    assert home.count(IDENT) >= 1
    assert EN_TITLE in home and JA_TITLE not in home
    archive = (site_en / "2020" / "index.html").read_text(encoding="utf-8")
    assert archive.count(f">{EN_TITLE}<") == 1
    site_ja = build_bilingual(tmp_path, cli, "ja")
    home_ja = (site_ja / "index.html").read_text(encoding="utf-8")
    assert JA_TITLE in home_ja and EN_TITLE not in home_ja


def test_feeds_per_language(site_en: Path) -> None:
    site_feed = feedparser.parse((site_en / "feed.xml").read_bytes())
    titles = [e.title for e in site_feed.entries]
    assert titles.count(f"{IDENT}: {EN_TITLE}") == 1
    assert f"{IDENT}: {JA_TITLE}" not in titles
    english = feedparser.parse((site_en / "feed.en.xml").read_bytes())
    japanese = feedparser.parse((site_en / "feed.ja.xml").read_bytes())
    # The sample site's advisories are in the site language (no `lang`), so only the
    # primary is in Japanese.
    assert [(e.title, e.link) for e in japanese.entries if IDENT in e.title] == [
        (f"{IDENT}: {JA_TITLE}", f"{BASE}2020/{IDENT}/")
    ]
    assert [e.link for e in english.entries if IDENT in e.title] == [f"{BASE}2020/{IDENT}/en/"]
    assert len(english.entries) == 4 and len(japanese.entries) == 1
    assert [e.id for e in english.entries if IDENT in e.title] == [
        f"tag:advisories.example.org,2020:{IDENT}.en"
    ]
    assert japanese.feed.language == "ja"
    page = (site_en / "2020" / IDENT / "index.html").read_text(encoding="utf-8")
    assert 'title="Example CC advisories (日本語, Atom)" href="../../feed.ja.xml"' in page
    rdf = (site_en / "jvnrss.rdf").read_text(encoding="utf-8")
    assert f'<item rdf:about="{BASE}2020/{IDENT}/en/" xml:lang="en">' in rdf


def test_a_translation_published_in_a_later_year_stays_beneath_its_primary(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The primary's URL decides: a translation released a year later is at
    ``<primary's year>/<ID>/en/``, linked both ways, never under its own year."""
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = sample_repo(tmp_path / "repo", language="en")
    repo.write(f"advisories/2020/{IDENT}.md", primary_text())
    repo.write(
        f"advisories/2020/{IDENT}.en.md",
        translation_text(extra="published: 2021-04-01T10:00:00+09:00\n"),
    )
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    site = repo.path / "site"
    en = (site / "2020" / IDENT / "en" / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{EN_TITLE}</h1>" in en
    assert alternates(en) == [("ja", "../"), ("en", "./")]
    assert not (site / "2021" / IDENT).exists()

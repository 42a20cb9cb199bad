"""Translations in the search of Debian's Chromium: every language version is found by its
own text, and an exact id or CVE query answers once, in the version the listings show."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright import sync_api

from tests.conftest import CliResult, require_tool
from tests.site.site_support import NOW, sample_repo, serve
from tests.site.test_site_browser import CHROMIUM_ARGS, search
from tests.translations.translation_helpers import IDENT, primary_text, translation_text

Cli = Callable[..., CliResult]
CVE = "CVE-2020-17001"
JA_PAGE = f"2020/{IDENT}"
EN_PAGE = f"2020/{IDENT}/en"


def build(tmp_path: Path, cli: Cli, language: str) -> Path:
    repo = sample_repo(tmp_path / f"repo-{language}", language=language)
    repo.write(f"advisories/2020/{IDENT}.md", primary_text(extra=f"cve:\n  - {CVE}\n"))
    repo.write(f"advisories/2020/{IDENT}.en.md", translation_text())
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    return repo.path / "site"


def test_index_holds_every_version_and_marks_the_unlisted_one(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    site = build(tmp_path, cli, "en")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    ours = [d for d in index["docs"] if d["location"].startswith(JA_PAGE)]
    # On an English site the English version is listed: first, unmarked; the original after.
    assert [(d["location"], d.get("alternate")) for d in ours] == [
        (f"{EN_PAGE}/", None),
        (f"{JA_PAGE}/", True),
    ]
    assert ours[0]["tags"] == ours[1]["tags"] == [IDENT, CVE]


@pytest.mark.browser
@pytest.mark.slow
def test_translations_in_search_in_chromium(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = require_tool("chromium")
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    sites = {"ja": build(tmp_path, cli, "ja"), "en": build(tmp_path, cli, "en")}
    listed = {"ja": JA_PAGE, "en": EN_PAGE}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for language, site in sites.items():
                with serve(site) as base:
                    page = browser.new_page()
                    page.goto(base)
                    page.wait_for_load_state("networkidle")
                    # Each version by its own words, whatever the site's language.
                    english = search(page, "command injection admin console")
                    assert english[0] == EN_PAGE and JA_PAGE not in english, english
                    assert search(page, "コマンドインジェクション") == [JA_PAGE]
                    # An exact identifier: one result, the version the listings show.
                    for query in (IDENT, CVE, CVE.lower(), IDENT[:-2]):
                        assert search(page, query) == [listed[language]], (language, query)
                    page.close()
        finally:
            browser.close()

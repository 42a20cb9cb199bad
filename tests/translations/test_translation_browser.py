"""The language switch of a bilingual advisory, clicked in Debian's Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright import sync_api

from tests.conftest import CliResult, require_tool
from tests.site.site_support import NOW, serve
from tests.site.test_site_browser import CHROMIUM_ARGS
from tests.translations.test_translation_site import build_bilingual
from tests.translations.translation_helpers import EN_TITLE, IDENT, JA_TITLE

Cli = Callable[..., CliResult]


@pytest.mark.browser
@pytest.mark.slow
def test_language_switch_in_chromium(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = require_tool("chromium")
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    site = build_bilingual(tmp_path, cli, "en")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            with serve(site) as base:
                page = browser.new_page()
                # From the listing (in the site language) to the English page...
                page.goto(base)
                page.click(f"article a:text-is('{IDENT}')")
                assert page.url == f"{base}2020/{IDENT}/en/"
                assert page.inner_text("article h1") == EN_TITLE
                switch = page.locator("nav.advpub-languages")
                assert switch.is_visible()
                assert switch.locator("[aria-current=page]").inner_text() == "English"
                # ...then to the Japanese original and back with the switch.
                switch.locator("a:text-is('日本語')").click()
                assert page.url == f"{base}2020/{IDENT}/"
                assert page.inner_text("article h1") == JA_TITLE
                assert page.locator("nav.advpub-languages [aria-current=page]").inner_text() == (
                    "日本語"
                )
                page.locator("nav.advpub-languages a:text-is('English')").click()
                assert page.url == f"{base}2020/{IDENT}/en/"
                hreflangs = page.eval_on_selector_all(
                    "link[rel=alternate][hreflang]",
                    "els => els.map(e => [e.hreflang, new URL(e.href).pathname])",
                )
                assert hreflangs == [
                    ["ja", f"/2020/{IDENT}/"],
                    ["en", f"/2020/{IDENT}/en/"],
                ]
        finally:
            browser.close()

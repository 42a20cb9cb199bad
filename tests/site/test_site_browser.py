"""The built site in Debian's Chromium: navigation, search (English, Japanese, exact ids),
no request to another host, and full-page screenshots for people to look at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from tests.conftest import CliResult, require_tool
from tests.site.site_support import NOW, Sample, sample_repo, serve, write_sample

Cli = Callable[..., CliResult]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# An advisory whose title (boosted by Material's search) names another advisory's id and CVE:
# the exact search must still rank the advisory itself first (measured: without the ids as
# boosted tags, this follow-up ranks first).
FOLLOW_UP = Sample(
    "ADV-2026-0003",
    "Follow-up to ADV-2026-0001 (CVE-2026-20001) and ADV-2025-0001: Example Router hardening",
    "2026-05-12T09:00:00+09:00",
    "affected:\n  - vendor: Example Corp\n    product: Example Router\n    fixed: 2.1.0\n"
    "cvss:\n  - vector: CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N\n"
    "cwe:\n  - CWE-78\n",
    "## Overview\n\nThis completes the fix of ADV-2026-0001 and CVE-2026-20001 in other "
    "products and of ADV-2025-0001.\n\n## Solution\n\nUpdate to 2.1.0.\n",
)


def build(tmp_path: Path, cli: Cli, language: str) -> Path:
    repo = sample_repo(tmp_path / f"repo-{language}", language=language)
    write_sample(repo, FOLLOW_UP)
    # Without `font: false` Material would load Google Fonts: the plugin turns it off.
    config = repo.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  font: false\n" in text
    config.write_text(text.replace("  font: false\n", ""), encoding="utf-8")
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    return repo.path / "site"


def search(page: Any, query: str) -> list[str]:
    """The result links (site-relative, no fragment) Material's search shows for ``query``."""
    box = page.locator("input.md-search__input")
    box.click()
    # Material searches on key events: fill (works for Japanese text too), then a key press.
    box.fill(query)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=10000)
    page.wait_for_timeout(300)
    links = page.eval_on_selector_all(
        "li.md-search-result__item > a.md-search-result__link",
        "els => els.map(e => new URL(e.href).pathname)",
    )
    page.keyboard.press("Escape")
    return [str(link).split("#")[0].strip("/") for link in links]


@pytest.mark.browser
@pytest.mark.slow
def test_site_in_chromium(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    chromium = require_tool("chromium")
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    sites = {"en": build(tmp_path, cli, "en"), "ja": build(tmp_path, cli, "ja")}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SCREENSHOTS}")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for language, site in sites.items():
                with serve(site) as base:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    urls: list[str] = []
                    page.on("request", lambda r, seen=urls: seen.append(r.url))
                    check_site(page, base, language)
                    foreign = [u for u in urls if not u.startswith(base)]
                    assert foreign == [], f"requests to other hosts: {foreign}"
                    context.close()
        finally:
            browser.close()


def check_site(page: Any, base: str, language: str) -> None:
    page.goto(base)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"home-{language}.png"), full_page=True)
    browse = {"en": "By vendor and product", "ja": "ベンダ・製品別"}[language]
    # Follow the listings to an advisory, as a reader without search would.
    page.click(f"article a:text-is('{browse}')")
    # Products are grouped by vendor: the vendor heads a row group, its products below.
    page.click("article a:text-is('Example Router')")
    assert page.url == f"{base}products/example-corp-example-router/"
    page.click("article a:text-is('ADV-2025-0001')")
    assert page.url == f"{base}2025/ADV-2025-0001/"
    assert page.inner_text("article h1") == "Example Router: command injection in the web console"
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"advisory-{language}.png"), full_page=True)
    page.goto(f"{base}2026/ADV-2026-0002/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"advisory-ja-title-{language}.png"), full_page=True)

    # English words, Japanese words, exact ids and CVE ids.
    assert "2026/ADV-2026-0001" in search(page, "cross-site scripting")
    assert search(page, "NAS")[0] == "2026/ADV-2026-0001"
    assert "2026/ADV-2026-0002" in search(page, "ディレクトリトラバーサル")
    # Material segments Japanese text in the index but not in the query: a compound such
    # as さくらビューア is found by its parts.
    assert search(page, "さくら ビューア")[0] == "2026/ADV-2026-0002"
    # A word of the summary (bodies are not indexed).
    assert search(page, "上書き")[0] == "2026/ADV-2026-0002"
    for query, expected in [
        ("ADV-2026-0001", "2026/ADV-2026-0001"),
        ("ADV-2025-0001", "2025/ADV-2025-0001"),
        ("CVE-2026-20001", "2026/ADV-2026-0001"),
        ("cve-2026-20002", "2026/ADV-2026-0002"),
        ("JVNVU#90000001", "2025/ADV-2025-0001"),
    ]:
        results = search(page, query)
        assert results[0] == expected, (query, results)

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

# A product name written with a space in the title and without one in the products.
MOMIJI = Sample(
    "ADV-2026-0004",
    "もみじ NAS における認証回避の脆弱性",
    "2026-06-01T10:00:00+09:00",
    "affected:\n  - vendor: もみじ電機\n    product: もみじNAS\n    fixed: 7.0\n"
    "cve:\n  - CVE-2026-20004\naliases:\n  - GHSA-2c8v-q4m6-x3jw\nlang: ja\n",
    "## 概要\n\n認証を回避されます。\n",
    "細工されたリクエストにより、認証を回避して管理画面に接続される可能性があります。",
)


def build(tmp_path: Path, cli: Cli, language: str) -> Path:
    repo = sample_repo(tmp_path / f"repo-{language}", language=language)
    write_sample(repo, FOLLOW_UP)
    write_sample(repo, MOMIJI)
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


def snippets(page: Any, query: str) -> list[str]:
    """The visible text of each result (title, summary, identifiers) for ``query``."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=10000)
    page.wait_for_timeout(300)
    texts = page.eval_on_selector_all(
        "li.md-search-result__item", "els => els.map(e => e.innerText.replace(/\\s+/g, ' '))"
    )
    page.keyboard.press("Escape")
    return [str(text).strip() for text in texts]


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
    assert set(search(page, "NAS")[:2]) == {"2026/ADV-2026-0001", "2026/ADV-2026-0004"}
    assert "2026/ADV-2026-0002" in search(page, "ディレクトリトラバーサル")
    # Japanese product names as written, with and without spaces (advpub-search-worker.js).
    assert search(page, "さくらビューア") == ["2026/ADV-2026-0002"]
    assert search(page, "さくら ビューア") == ["2026/ADV-2026-0002"]
    assert search(page, "もみじNAS") == ["2026/ADV-2026-0004"]
    assert search(page, "もみじ NAS") == ["2026/ADV-2026-0004"]
    assert search(page, "ＮＡＳ の脆弱性") == ["2026/ADV-2026-0004"]  # full-width, NFKC
    assert search(page, "認証回避") == ["2026/ADV-2026-0004"]
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
    # An exact identifier finds that advisory alone (the follow-up's title names it too).
    for query, expected in [
        ("CVE-2026-20001", "2026/ADV-2026-0001"),
        ("ADV-2026-0003", "2026/ADV-2026-0003"),
        ("ghsa-2c8v-q4m6-x3jw", "2026/ADV-2026-0004"),
    ]:
        assert search(page, query) == [expected], query
    # Clean snippets: the summary without appended product words, identifiers whole, no
    # "not containing" notes.
    [shown] = snippets(page, "ADV-2026-0003")
    assert "Example Router hardening" in shown
    assert "ADV-2026-0003" in shown and "ADV- 2026" not in shown
    missing = {"en": "Missing", "ja": "検索に含まれない"}[language]
    assert missing not in shown
    [shown] = snippets(page, "さくらビューア")
    assert "細工されたアーカイブを開くと、任意のファイルが上書きされます。" in shown
    assert "株式会社サンプル" not in shown
    assert all("ADV- " not in text for text in snippets(page, "Example Router"))

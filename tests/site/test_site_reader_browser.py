"""The reader's view in headless Chromium (issue 17): a phone-sized listing without wrapped
dates, titles and CVSS vectors that wrap only where they may, the latest advisories above
the browse tiles, visible feed links, link-preview tags, and the printed page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from tests.conftest import require_tool
from tests.site.site_support import SAMPLES, Sample, serve
from tests.site.test_site_browser import CHROMIUM_ARGS
from tests.site.test_site_reader import SAKURA_JA, build

PHONE = {"width": 390, "height": 844}
# The shipped sample's title that broke before its last character on a phone, and a product
# name long enough to squeeze the date column of the products overview.
TRAVERSAL_JA = Sample(
    "ADV-2026-0011",
    "さくらビューア におけるパストラバーサルの脆弱性",
    "2026-06-24T10:00:00+09:00",
    "lang: ja\n"
    "cvss:\n  - vector: CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:N\n"
    "affected:\n  - vendor: 株式会社サンプルソフト（架空）\n"
    "    product: さくらビューア エンタープライズ管理コンソール for Industrial Controllers\n"
    "revisions:\n  - date: 2026-10-09T12:00:00+09:00\n    summary: 修正版を追記。\n",
    "## 概要\n\nパストラバーサルの脆弱性があります。\n",
    "細工されたアーカイブを開くと任意のファイルが上書きされます。",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples = (*SAMPLES, SAKURA_JA, TRAVERSAL_JA)
    return build(tmp_path_factory.mktemp("browser") / "repo", "ja", samples)


@pytest.fixture(scope="module")
def phone(site: Path) -> Iterator[tuple[Any, str]]:
    chromium = require_tool("chromium")
    with serve(site) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PHONE)
            yield context.new_page(), base
            context.close()
        finally:
            browser.close()


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


# Line boxes of an element: one rect per line for inline elements.
LINES = "e => e.getClientRects().length"
# Height of the element against its computed line height.
ONE_LINE = """e => {
  const style = getComputedStyle(e);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
  const rects = e.getClientRects();
  return {rects: rects.length, height: rects[0].height, line: line, text: e.textContent};
}"""
# The characters on the last line of an element's text.
LAST_LINE = """e => {
  const range = document.createRange();
  const text = e.textContent;
  const tops = [];
  const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      if (rect.width > 0) tops.push([Math.round(rect.top), node.data[i]]);
    }
  }
  const last = Math.max(...tops.map(t => t[0]));
  const lines = new Set(tops.map(t => t[0])).size;
  return {lines: lines, last: tops.filter(t => t[0] === last).map(t => t[1]).join("")};
}"""


@pytest.mark.browser
def test_phone_listing_dates_stay_on_one_line(phone: tuple[Any, str]) -> None:
    page, base = phone
    for path in ("", "2026/", "products/"):
        open_page(page, base + path)
        dates = page.query_selector_all("article time")
        assert dates, path
        for date in dates:
            shown = date.evaluate(ONE_LINE)
            assert shown["rects"] == 1, (path, shown)
            assert shown["height"] <= shown["line"] + 1, (path, shown)


@pytest.mark.browser
def test_phone_titles_never_leave_one_character_alone(phone: tuple[Any, str]) -> None:
    page, base = phone
    open_page(page, base + "2026/ADV-2026-0011/")
    title = page.query_selector("article h1").evaluate(LAST_LINE)
    assert title["lines"] > 1  # it does wrap on a phone...
    assert len(title["last"].strip()) > 1, title  # ...but not before its last character
    open_page(page, base)
    for row in page.query_selector_all(".advpub-list__title > a"):
        shown = row.evaluate(LAST_LINE)
        assert len(shown["last"].strip()) > 1, shown


@pytest.mark.browser
def test_phone_cvss_vectors_break_between_metrics_only(phone: tuple[Any, str]) -> None:
    page, base = phone
    open_page(page, base + "2026/ADV-2026-0007/")
    vector = page.query_selector("code.advpub-cvss__vector")
    assert vector.evaluate(LINES) > 1  # too long for a phone: it wraps
    for metric in page.query_selector_all(".advpub-cvss__metric"):
        assert metric.evaluate(LINES) == 1, metric.text_content()


@pytest.mark.browser
def test_phone_home_shows_the_latest_advisories_before_the_tiles(phone: tuple[Any, str]) -> None:
    page, base = phone
    open_page(page, base)
    latest = page.query_selector(".advpub-list").bounding_box()
    tiles = page.query_selector("ul.advpub-browse").bounding_box()
    assert latest["y"] < tiles["y"]
    assert latest["y"] < PHONE["height"]  # the first advisories are on the first screen


@pytest.mark.browser
def test_feed_links_are_visible(phone: tuple[Any, str]) -> None:
    page, base = phone
    open_page(page, base + "2026/")
    for selector in (".advpub-feeds a", ".advpub-footer-feeds a"):
        links = page.query_selector_all(selector)
        assert [a.text_content() for a in links] == ["Atom", "RSS", "JSON Feed", "JVNRSS"]
        for link in links:
            link.scroll_into_view_if_needed()
            assert link.is_visible()
            href = link.evaluate("a => a.href")
            assert page.request.get(href).status == 200, href


@pytest.mark.browser
def test_preview_tags_in_the_dom(phone: tuple[Any, str]) -> None:
    page, base = phone
    open_page(page, base + "2026/ADV-2026-0007/")
    content = "(n) => document.querySelector(`meta[property='${n}'],meta[name='${n}']`).content"
    assert page.evaluate(content, "og:title") == (
        "ADV-2026-0007: さくらビューアにおける認証回避の脆弱性"
    )
    assert page.evaluate(content, "og:description") == "細工されたリクエストで認証を回避できます。"
    assert page.evaluate(content, "twitter:card") == "summary"
    assert page.title() == (
        "ADV-2026-0007: さくらビューアにおける認証回避の脆弱性 – Example CC advisories"
    )
    assert page.evaluate(content, "twitter:data1") == "緊急 9.8"


@pytest.mark.browser
def test_print_keeps_site_name_url_and_panel(phone: tuple[Any, str]) -> None:
    page, base = phone
    open_page(page, base + "2025/ADV-2025-0001/")
    assert not page.locator(".print-url").is_visible()  # on screen: hidden
    page.emulate_media(media="print")
    try:
        assert page.locator(".print-site").inner_text() == "Example CC advisories"
        assert page.locator(".print-url").is_visible()
        url = "https://advisories.example.org/2025/ADV-2025-0001/"
        assert page.locator(".print-url").inner_text() == url
        assert page.locator(".advpub-panel").is_visible()
        for hidden in (".md-header", ".md-sidebar--primary", ".advpub-footer-feeds"):
            assert not page.locator(hidden).first.is_visible(), hidden
    finally:
        page.emulate_media(media="screen")

"""What a reader and a subscriber see (issue 17): labels in the advisory's language, one date
label, credits without a duplicated heading, feed links, link previews, the machine-readable
documents, CVSS vectors and CWE names, readable product URLs grouped by vendor."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from advpub.model import Advisory, Affected
from advpub.model.advisory import Fix
from advpub.site.listings import group_by_product
from tests.site.site_support import SAMPLES, Sample, run_tool, sample_repo

# A Japanese advisory on the English sample site: its body has its own 謝辞 section.
SAKURA_JA = Sample(
    "ADV-2026-0007",
    "さくらビューアにおける認証回避の脆弱性",
    "2026-05-20T10:00:00+09:00",
    "lang: ja\n"
    "cve:\n  - CVE-2026-20007\n"
    "cwe:\n  - CWE-288\n"
    "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
    "affected:\n  - vendor: 株式会社サンプル\n    product: さくらビューア\n    fixed: 3.2\n"
    "  - vendor: 株式会社サンプル\n    product: もみじNAS\n    fixed: 1.1\n"
    "credits:\n  - name: 佐藤 太郎\n    type: finder\n",
    # Soft line breaks between Japanese characters, in prose and in a code block.
    "## 概要\n\n細工された要求で認証を\n回避できます。\n\n```\n設定を\n確認\n```\n\n"
    "## 謝辞\n\nこの脆弱性は佐藤 太郎 氏が報告しました。\n",
    "細工されたリクエストで認証を回避できます。",
)
# An English advisory on a Japanese site.
ROUTER_EN = Sample(
    "ADV-2026-0008",
    "Example Router: missing authentication for the backup endpoint",
    "2026-06-01T09:00:00+09:00",
    "lang: en\n"
    "cwe:\n  - CWE-306\n"
    "affected:\n  - vendor: Example Corp\n    product: Example Router\n    fixed: 2.2\n"
    "credits:\n  - name: Hanako Yamada\n",
    "## Overview\n\nThe backup endpoint needs no login.\n\n## Credits\n\nThanks to Hanako.\n",
)
SITE_URL = "https://advisories.example.org/"
SAKURA_SLUG = "株式会社サンプル-さくらビューア"


def build(root: Path, language: str, samples: tuple[Sample, ...]) -> Path:
    repo = sample_repo(root, language=language, samples=samples)
    result = run_tool("advpub", "build", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    return repo.path / "site"


@pytest.fixture(scope="module")
def en_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build(tmp_path_factory.mktemp("en") / "repo", "en", (*SAMPLES, SAKURA_JA))


@pytest.fixture(scope="module")
def ja_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build(tmp_path_factory.mktemp("ja") / "repo", "ja", (*SAMPLES, ROUTER_EN))


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def head(page: str) -> str:
    return page.split("</head>")[0]


def meta(page: str) -> list[tuple[str, str]]:
    """``(property or name, content)`` of every meta tag in the head, in order."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', head(page))
    return [(name, html.unescape(content)) for name, content in found]


def resolves(site: Path, page_rel: str, href: str) -> Path:
    """The file a relative ``href`` on the page at ``page_rel`` points at (must exist)."""
    target = unquote(urlsplit(urljoin("https://x/" + page_rel, href)).path).lstrip("/")
    path = site / target
    if target == "" or target.endswith("/"):
        path = path / "index.html"
    assert path.is_file(), f"{href} on {page_rel} points at a missing file {target}"
    return path


def headings(page: str) -> list[str]:
    """The text of every heading of the article, in order."""
    article = page.split("<article")[1].split("</article>")[0]
    texts = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", article, flags=re.S)
    return [re.sub(r"<[^>]+>", "", t).strip() for t in texts]


def toc(page: str) -> list[str]:
    part = page.split('data-md-component="toc"')[1].split("</nav>")[0]
    texts = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', part, flags=re.S)
    return [html.unescape(t) for t in texts]


# -- labels --------------------------------------------------------------------------------


def test_japanese_advisory_on_an_english_site_has_japanese_labels(en_site: Path) -> None:
    page = read(en_site, "2026/ADV-2026-0007/index.html")
    article = page.split("<article")[1]
    assert '<div class="advpub-advisory" lang="ja">' in article
    for label in ("概要", "アドバイザリ ID", "深刻度", "影響を受ける製品", "公開日", "貢献者"):
        assert f">{label}<" in article, label
    for english in ("Summary", "Advisory ID", "Affected products", "Published", "Credits"):
        assert f">{english}<" not in article, english
    # The page is in the advisory's language; the site's own labels (navigation) stay English.
    assert '<html lang="ja"' in page and re.search(r">\s*Products\s*<", page)


def test_english_advisory_on_a_japanese_site_has_english_labels(ja_site: Path) -> None:
    page = read(ja_site, "2026/ADV-2026-0008/index.html")
    article = page.split("<article")[1]
    assert '<div class="advpub-advisory" lang="en">' in article
    assert '<th scope="row">Published</th>' in article
    assert ">Affected products<" in article and ">影響を受ける製品<" not in article
    assert '<html lang="en"' in page and re.search(r">\s*製品別\s*<", page)


def test_one_date_label_for_the_public_instant_plus_last_updated(ja_site: Path) -> None:
    page = read(ja_site, "2026/ADV-2026-0001/index.html")
    rows = re.findall(r'<th scope="row">([^<]+)</th><td><time', page)
    assert rows == ["公開日", "最終更新日"]
    assert "公表日" not in page
    # The revision history's first row names the event, not the date label again.
    assert "<td>初版公開</td>" in page


def test_credits_never_repeat_the_bodys_heading(en_site: Path, ja_site: Path) -> None:
    page = read(en_site, "2026/ADV-2026-0007/index.html")
    assert headings(page).count("謝辞") == 1
    assert toc(page) == ["概要", "謝辞"]
    # The credits are a row of the metadata panel, labelled differently from the heading.
    assert (
        '<tr><th scope="row">貢献者</th><td>\n<ul class="advpub-credits">\n'
        '<li>佐藤 太郎 <span class="advpub-muted">(発見者)</span></li>'
    ) in page
    english = read(ja_site, "2026/ADV-2026-0008/index.html")
    assert headings(english).count("Credits") == 1
    assert toc(english) == ["Overview", "Credits"]


# -- head: title, previews, feeds ---------------------------------------------------------------


def test_title_has_the_id_and_the_title(en_site: Path) -> None:
    page = read(en_site, "2025/ADV-2025-0001/index.html")
    assert (
        "<title>ADV-2025-0001: Example Router: command injection in the web console "
        "– Example CC advisories</title>"
    ) in page


def test_link_preview_tags(en_site: Path) -> None:
    tags = meta(read(en_site, "2025/ADV-2025-0001/index.html"))
    title = "ADV-2025-0001: Example Router: command injection in the web console"
    summary = "An attacker on the network can run commands on the device."
    assert [t for t in tags if t[0].startswith(("og:", "article:", "twitter:"))] == [
        ("og:type", "article"),
        ("og:site_name", "Example CC advisories"),
        ("og:title", title),
        ("og:description", summary),
        ("og:locale", "en_US"),
        ("og:url", SITE_URL + "2025/ADV-2025-0001/"),
        ("article:published_time", "2025-06-10T00:00:00Z"),
        ("article:modified_time", "2025-06-10T00:00:00Z"),
        ("article:tag", "Critical 9.8"),
        ("article:tag", "CVE-2025-10001"),
        ("twitter:card", "summary"),
        ("twitter:title", title),
        ("twitter:description", summary),
        ("twitter:label1", "Severity"),
        ("twitter:data1", "Critical 9.8"),
    ]
    japanese = dict(meta(read(en_site, "2026/ADV-2026-0007/index.html")))
    assert japanese["og:locale"] == "ja_JP"
    assert japanese["twitter:label1"] == "深刻度" and japanese["twitter:data1"] == "緊急 9.8"


@pytest.mark.parametrize(
    "rel", ["index.html", "2026/index.html", "products/index.html", "2025/ADV-2025-0001/index.html"]
)
def test_every_page_advertises_all_four_feeds(en_site: Path, rel: str) -> None:
    page = read(en_site, rel)
    links = re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">', page)
    site_feeds = [(kind, Path(href).name) for kind, href in links if "feeds/" not in href]
    assert site_feeds == [
        ("application/atom+xml", "feed.xml"),
        ("application/rss+xml", "rss.xml"),
        ("application/feed+json", "feed.json"),
        ("application/rdf+xml", "jvnrss.rdf"),
        # The sample has a linked translation: an Atom feed per language as well.
        ("application/atom+xml", "feed.en.xml"),
        ("application/atom+xml", "feed.ja.xml"),
    ]
    for _kind, href in links:
        resolves(en_site, rel, href)


def test_feed_links_are_visible_with_an_explanation(en_site: Path, ja_site: Path) -> None:
    rel = f"products/{SAKURA_SLUG}/index.html"
    listing = read(en_site, rel)
    box = listing.split('<aside class="advpub-feeds"')[1].split("</aside>")[0]
    assert "<strong>Subscribe:</strong> Get new and updated advisories in your feed reader." in box
    names = re.findall(r'<a href="[^"]+" type="[^"]+" title="[^"]*">([^<]+)</a>', box)
    assert names == ["Atom", "JSON Feed", "Atom", "RSS", "JSON Feed", "JVNRSS"]
    for href in re.findall(r'<a href="([^"]+)"', box):
        resolves(en_site, rel, href)
    # Every page lists the site's feeds above the footer (advisory pages with the explanation).
    page = read(en_site, "2025/ADV-2025-0001/index.html")
    footer = page.split('<aside class="advpub-footer-feeds')[1].split("</aside>")[0]
    assert "Get new and updated advisories in your feed reader." in footer
    hrefs = re.findall(r'<a href="([^"]+)"', footer)
    assert [Path(h).name for h in hrefs] == ["feed.xml", "rss.xml", "feed.json", "jvnrss.rdf"]
    for href in hrefs:
        resolves(en_site, "2025/ADV-2025-0001/index.html", href)
    japanese = read(ja_site, "2026/index.html")
    assert (
        "<strong>購読:</strong> 新しいアドバイザリと更新をフィードリーダーで受け取れます。"
        in japanese
    )


def test_advisory_page_links_its_osv_and_csaf_documents(en_site: Path) -> None:
    rel = "2025/ADV-2025-0001/index.html"
    page = read(en_site, rel)
    row = page.split('<th scope="row">Machine-readable</th>')[1].split("</tr>")[0]
    links = re.findall(r'<a href="([^"]+)" type="application/json">([^<]+)</a>', row)
    assert links == [
        ("../../osv/ADV-2025-0001.json", "OSV (JSON)"),
        ("../../.well-known/csaf/white/2025/adv-2025-0001.json", "CSAF (JSON)"),
    ]
    for href, _name in links:
        assert b'"ADV-2025-0001"' in resolves(en_site, rel, href).read_bytes()


# -- CVSS and CWE -------------------------------------------------------------------------------


def test_cvss_vectors_break_only_between_metrics(en_site: Path) -> None:
    page = read(en_site, "2025/ADV-2025-0001/index.html")
    vector = page.split('<code class="advpub-cvss__vector">')[1].split("</code>")[0]
    metrics = re.findall(r'<span class="advpub-cvss__metric">([^<]+)</span>', vector)
    assert metrics == [
        "CVSS:3.1/",
        "AV:N/",
        "AC:L/",
        "PR:N/",
        "UI:N/",
        "S:U/",
        "C:H/",
        "I:H/",
        "A:H",
    ]
    # The only break opportunities: one <wbr> between each two metrics.
    assert vector.count("<wbr>") == len(metrics) - 1
    assert "</span><wbr><span" in vector and "<wbr>" not in "".join(metrics)


def test_cwe_numbers_are_shown_with_their_names(en_site: Path) -> None:
    page = read(en_site, "2026/ADV-2026-0007/index.html")
    assert (
        '<a href="https://cwe.mitre.org/data/definitions/288.html">CWE-288</a>'
        '<span class="advpub-cwe__name">: Authentication Bypass Using an Alternate Path or '
        "Channel</span>"
    ) in page
    overview = read(en_site, "cwe/index.html")
    assert ": Improper Neutralization of Input During Web Page Generation" in overview


# -- products -----------------------------------------------------------------------------------


def test_product_urls_keep_japanese(en_site: Path) -> None:
    assert (en_site / "products" / SAKURA_SLUG / "index.html").is_file()
    assert (en_site / "products" / "株式会社サンプル-もみじnas" / "index.html").is_file()
    assert (en_site / "feeds" / "products" / f"{SAKURA_SLUG}.xml").is_file()
    overview = read(en_site, "products/index.html")
    # MkDocs percent-encodes the link; the browser shows it as written.
    hrefs = [unquote(h) for h in re.findall(r'<a href="([^"]+)">さくらビューア</a>', overview)]
    assert hrefs == [f"{SAKURA_SLUG}/"]


def test_product_urls_are_stable_when_products_are_added(tmp_path: Path) -> None:
    before = build(tmp_path / "one", "en", SAMPLES)
    clash = Sample(
        "ADV-2026-0009",
        "A product whose name gives the same slug",
        "2026-07-01T09:00:00+09:00",
        "affected:\n  - vendor: 株式会社サンプル\n    product: 「さくらビューア」\n",
    )
    after = build(tmp_path / "two", "en", (*SAMPLES, clash))

    def products(site: Path) -> set[str]:
        return {p.name for p in (site / "products").iterdir() if p.is_dir()}

    assert products(before) == {
        "example-corp-example-nas",
        "example-corp-example-router",
        SAKURA_SLUG,
    }
    # The older product keeps its URL; the newer one with the same slug gets a suffix.
    added = products(after) - products(before)
    assert products(before) <= products(after) and len(added) == 1
    assert re.fullmatch(re.escape(SAKURA_SLUG) + "-[0-9a-f]{8}", added.pop())


def test_products_overview_is_grouped_by_vendor(en_site: Path) -> None:
    overview = read(en_site, "products/index.html")
    table = overview.split('<div class="advpub-overview">')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="rowgroup" colspan="3">([^<]+)</th>|">([^<]+)</a></td>', table)
    assert [vendor or f"  {product}" for vendor, product in rows] == [
        "Example Corp",
        "  Example NAS",
        "  Example Router",
        "株式会社サンプル",
        "  さくらビューア",
        "  もみじNAS",
    ]
    listing = read(en_site, f"products/{SAKURA_SLUG}/index.html")
    assert (
        "<title>Advisories for 株式会社サンプル — さくらビューア - Example CC advisories" in listing
    )


def test_listing_separates_vendors_and_products(en_site: Path) -> None:
    home = read(en_site, "index.html")
    products = home.split('<span class="advpub-list__products">')[1].split("</span></td>")[0]
    text = re.sub(r"<[^>]+>", "", products)
    assert text == "株式会社サンプル — さくらビューア; 株式会社サンプル — もみじNAS"


def _affected(ident: str, day: int, vendor: str, product: str) -> Advisory:
    instant = datetime(2026, 1, day, tzinfo=UTC)
    return Advisory(
        id=ident,
        title=ident,
        summary="s",
        release_date=instant,
        fix=Fix(verified=True),
        body="",
        affected=(Affected(product=product, vendor=vendor),),
    )


def test_product_groups_never_share_a_slug_and_ignore_case_and_width() -> None:
    older = _affected("ADV-1", 1, "Example Corp", "Router")
    newer = _affected("ADV-2", 2, "Example", "Corp Router")
    same = _affected("ADV-3", 3, "ＥＸＡＭＰＬＥ  corp", "router")
    groups = group_by_product([same, newer, older])
    assert [(g.key, [a.id for a in g.advisories]) for g in groups] == [
        ("example-corp-router-" + groups[0].key[-8:], ["ADV-2"]),
        ("example-corp-router", ["ADV-3", "ADV-1"]),
    ]
    # The same input in another order gives the same slugs.
    again = group_by_product([older, newer, same])
    assert {g.key for g in again} == {g.key for g in groups}


def test_line_breaks_between_japanese_characters_are_not_spaces(en_site: Path) -> None:
    """A Markdown soft break inside Japanese prose is no space on the page (the browser
    would show one); code keeps its lines."""
    page = read(en_site, "2026/ADV-2026-0007/index.html")
    assert "細工された要求で認証を回避できます。" in page
    assert "認証を\n回避" not in page and "認証を 回避" not in page
    assert "設定を\n確認" in page

"""Building small sites: pages, listings, pagination, languages, the marker, the short nav."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.site.site_support import NOW, SAMPLES, Sample, sample_repo, write_sample

Cli = Callable[..., CliResult]


@pytest.fixture
def built(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The three samples built with `advpub build` (English, Asia/Tokyo)."""
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = sample_repo(tmp_path / "repo")
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    assert result.out == (
        f"advpub build: 3 advisories in {repo.path / 'site'} "
        "(leak scan skipped: no identity configured)\n"
    )
    return repo.path / "site"


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def listed_ids(html: str) -> list[str]:
    """Advisory ids in the order a listing table shows them."""
    return re.findall(r'<td class="advpub-list__id"><a href="[^"]*">([^<]+)</a>', html)


def test_home_lists_latest_first_with_badges_and_dates(built: Path) -> None:
    home = read(built, "index.html")
    assert listed_ids(home) == ["ADV-2026-0002", "ADV-2026-0001", "ADV-2025-0001"]
    assert 'href="2025/ADV-2025-0001/"' in home
    assert (
        '<span class="advpub-badge advpub-badge--critical">Critical '
        '<span class="advpub-badge__score">9.8</span></span>'
    ) in home
    assert "CVE-2025-10001" in home
    # Vendor and product apart, never run together as "Example Corp Example Router".
    assert (
        '<span class="advpub-product"><span class="advpub-product__vendor">Example Corp</span>'
        '<span class="advpub-product__sep"> — </span>'
        '<span class="advpub-product__name">Example Router</span></span>'
    ) in home
    # Published date in the site time zone, the UTC instant on hover.
    assert (
        '<time datetime="2025-06-10T00:00:00Z" title="2025-06-10 00:00 UTC">2025-06-10</time>'
        in (home)
    )
    assert "Updated" in home


def test_advisory_page_has_the_metadata_panel(built: Path) -> None:
    page = read(built, "2025/ADV-2025-0001/index.html")
    assert "<h1>Example Router: command injection in the web console</h1>" in page
    assert '<a href="https://www.cve.org/CVERecord?id=CVE-2025-10001">CVE-2025-10001</a>' in page
    assert '<a href="https://cwe.mitre.org/data/definitions/78.html">CWE-78</a>' in page
    assert "JVNVU#90000001" in page
    # The vector's text, one unbreakable span per metric.
    vector = page.split('<code class="advpub-cvss__vector">')[1].split("</code>")[0]
    assert re.sub(r"<[^>]+>", "", vector) == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    assert (
        '<time datetime="2025-06-10T00:00:00Z" title="2025-06-10 00:00 UTC">2025-06-10 09:00 JST'
        "</time>"
    ) in page
    assert '<span class="advpub-fixed">2.0.1</span>' in page
    assert "Hanako Yamada" in page
    assert 'href="https://example.org/psirt/2025-01"' in page
    assert '<h2 id="solution">Solution</h2>' in page
    toc = page.split('data-md-component="toc"')[1].split("</nav>")[0]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    # Credits are a row of the panel, not a section (bodies often have their own heading).
    assert anchors == ["overview", "solution", "adv-references"]
    assert "assets/advpub/advpub.css" in page
    revised = read(built, "2026/ADV-2026-0001/index.html")
    assert "Revision history" in revised and "Fixed version corrected." in revised


def test_listings_by_year_product_severity_and_cwe(built: Path) -> None:
    assert listed_ids(read(built, "2026/index.html")) == ["ADV-2026-0002", "ADV-2026-0001"]
    assert listed_ids(read(built, "2025/index.html")) == ["ADV-2025-0001"]
    router = read(built, "products/example-corp-example-router/index.html")
    assert listed_ids(router) == ["ADV-2025-0001"]
    assert listed_ids(read(built, "severity/critical/index.html")) == ["ADV-2025-0001"]
    assert listed_ids(read(built, "severity/medium/index.html")) == ["ADV-2026-0001"]
    assert listed_ids(read(built, "cwe/cwe-79/index.html")) == ["ADV-2026-0001"]
    products = read(built, "products/index.html")
    assert 'href="example-corp-example-nas/"' in products
    # Grouped by vendor: a row per vendor, its products below.
    assert (
        '<tr class="advpub-overview__vendor"><th scope="rowgroup" colspan="3">株式会社サンプル'
        "</th></tr>"
    ) in products
    assert ">さくらビューア</a>" in products
    assert 'href="critical/"' in read(built, "severity/index.html")
    assert 'href="../2025/"' in read(built, "archive/index.html")
    # Listing pages advertise their own feed first.
    head = router.split("</head>")[0]
    feeds = re.findall(r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', head)
    assert feeds[0] == (
        "application/atom+xml",
        "../../feeds/products/example-corp-example-router.xml",
    )


def test_nav_lists_listings_never_advisories(built: Path) -> None:
    page = read(built, "2026/ADV-2026-0002/index.html")
    nav = page.split('<nav class="md-nav md-nav--primary"')[1].split("</nav>")[0]
    links = re.findall(
        r'class="md-nav__link[^"]*"[^>]*href="([^"]+)"|href="([^"]+)" class="md-nav__link', nav
    )
    targets = [a or b for a, b in links]
    assert targets == [
        "../..",
        "../../archive/",
        "../../products/",
        "../../severity/",
        "../../cwe/",
    ]


def test_marker_and_outputs_are_written(built: Path) -> None:
    marker = json.loads(read(built, "advpub-build.json"))
    assert marker == {
        "generator": "advpub",
        "advisories": 3,
        "built_at": "2026-11-01T00:00:00Z",
        "leak_scan": "no-identity",
    }
    # Generators of feeds and exports ran and wrote into the site.
    assert (built / "feed.xml").is_file()
    assert b"ADV-2026-0002" in (built / "feed.xml").read_bytes()
    # Listings are excluded from search; advisory pages carry their ids as boosted tags.
    index = json.loads(read(built, "search/search_index.json"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert locations == {"2025/ADV-2025-0001/", "2026/ADV-2026-0001/", "2026/ADV-2026-0002/"}
    tagged = [d for d in index["docs"] if d.get("tags")]
    assert ["ADV-2025-0001", "CVE-2025-10001", "JVNVU#90000001"] in [d["tags"] for d in tagged]


def test_listings_paginate(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = sample_repo(tmp_path / "repo", samples=())
    config = repo.path / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      timezone: Asia/Tokyo\n", "      timezone: Asia/Tokyo\n      page_size: 2\n"
        ),
        encoding="utf-8",
    )
    router = SAMPLES[0].extra
    for n in range(1, 6):
        write_sample(
            repo,
            Sample(
                f"ADV-2026-{n:04d}", f"Router issue {n}", f"2026-01-{n:02d}T09:00:00+09:00", router
            ),
        )
    assert cli("build", cwd=repo.path).code == 0
    site = repo.path / "site"
    base = "products/example-corp-example-router/"
    assert listed_ids(read(site, base + "index.html")) == ["ADV-2026-0005", "ADV-2026-0004"]
    assert listed_ids(read(site, base + "page/2/index.html")) == ["ADV-2026-0003", "ADV-2026-0002"]
    last = read(site, base + "page/3/index.html")
    assert listed_ids(last) == ["ADV-2026-0001"]
    assert 'rel="prev" href="../2/"' in last and 'rel="next"' not in last
    assert "Page 3 of 3" in last
    first = read(site, base + "index.html")
    assert 'rel="next" href="page/2/"' in first
    assert listed_ids(read(site, "index.html")) == ["ADV-2026-0005", "ADV-2026-0004"]


def test_japanese_labels(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = sample_repo(tmp_path / "repo", language="ja")
    assert cli("build", cwd=repo.path).code == 0
    site = repo.path / "site"
    home = read(site, "index.html")
    assert '<html lang="ja"' in home
    assert "最新のアドバイザリ" in home and "緊急" in home and "製品別" in home
    page = read(site, "2026/ADV-2026-0001/index.html")
    assert "影響を受ける製品" in page and "更新履歴" in page
    # One label for the public instant, one for the last update (no 公表日 beside 公開日).
    assert '<th scope="row">公開日</th>' in page and '<th scope="row">最終更新日</th>' in page
    assert "公表日" not in page
    # The body is marked with the advisory's `lang` (by default the site's).
    assert '<div class="advpub-body" lang="ja">' in page
    assert "Affected products" not in page


def test_locales_have_the_same_keys() -> None:
    from advpub.site.i18n import labels_for

    assert labels_for("ja").keys() == labels_for("en").keys()
    assert labels_for("ja-JP")("nav.home") == "ホーム"
    assert labels_for("de")("nav.home") == "Home"


def test_configuration_errors_are_one_clear_message(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = sample_repo(tmp_path / "repo")
    config = repo.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("timezone: Asia/Tokyo", "timezone: Mars/Base"), "utf-8")
    result = cli("build", cwd=repo.path)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "advpub: error: mkdocs.yml: plugins.advpub.timezone: unknown time zone 'Mars/Base'; "
        "use an IANA name such as Asia/Tokyo or UTC\n"
    )
    config.write_text(text.replace("name: material", "name: nosuchtheme"), "utf-8")
    result = cli("build", cwd=repo.path)
    assert result.code == 1
    assert result.err.startswith(
        f"advpub: error: {config}: Config value 'theme': Unrecognised theme name: 'nosuchtheme'."
    )
    config.write_text(text.replace("docs_dir: advisories", "docs_dir: docs"), "utf-8")
    (repo.path / "docs").mkdir()
    result = cli("build", cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        f"advpub: error: mkdocs.yml: docs_dir: is {repo.path / 'docs'}, but the advpub plugin "
        "publishes advisories/; set `docs_dir: advisories`\n"
    )


def test_site_dir_option_and_the_marker_check(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advpub.site.plugin import AdvpubPlugin

    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = sample_repo(tmp_path / "repo")
    monkeypatch.chdir(repo.path / "advisories")
    result = cli("build", "-d", "../public")
    assert result.code == 0, result.err
    out = repo.path / "public"
    assert (out / "advpub-build.json").is_file() and (out / "index.html").is_file()
    # A build in which the plugin did not finish its work (no marker) is never accepted.
    monkeypatch.setattr(AdvpubPlugin, "on_post_build", lambda self, *, config: None)
    result = cli("build", "-d", str(out))
    assert result.code == 1
    assert result.err == (
        f"advpub: error: {out}: the advpub plugin did not run (no advpub-build.json), so the "
        "release gate was not applied; deleted the output. Build with MkDocs 1.6 or ProperDocs "
        "and `- advpub` under `plugins:`\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Advisories without a CVSS score"), ("ja", "CVSS 評価のないアドバイザリ")],
)
def test_unscored_advisories_have_their_severity_listing(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, language: str, title: str
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    repo = sample_repo(tmp_path / "repo", language=language)
    unscored = Sample(
        "ADV-2026-0007",
        "Example Printer: a flaw without a CVSS score yet",
        "2026-05-01T09:00:00+09:00",
        "affected:\n  - vendor: Example Corp\n    product: Example Printer\n",
    )
    write_sample(repo, unscored)
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    site = repo.path / "site"
    listing = read(site, "severity/unscored/index.html")
    assert listed_ids(listing) == ["ADV-2026-0007"]
    assert f"<h1>{title}</h1>" in listing
    overview = read(site, "severity/index.html")
    # After the scored levels, so the overview reaches every advisory.
    assert overview.index('href="medium/"') < overview.index('href="unscored/"')
    # Severity feeds are for scored levels only: the page advertises the site's feeds.
    head = listing.split("</head>")[0]
    assert "feeds/severity/" not in head
    assert not (site / "feeds" / "severity" / "unscored.xml").exists()

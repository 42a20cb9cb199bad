"""Feeds in a built site: found from the page head, and every link resolves to a built page."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from tests.conftest import SCHEMAS, CliResult, advisory_text, make_repo, require_path

Cli = Callable[..., CliResult]
SITE_URL = "https://advisories.example.org/"
NOW = "2026-11-01T00:00:00Z"
FEED_TYPES = ("application/atom+xml", "application/rss+xml", "application/feed+json")

ADVISORIES = {
    "ADV-2025-0001": (
        'Router & <Switch>: \\"quoted\\" command injection',
        "2025-06-10T09:00:00+09:00",
        "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
        "cwe: [CWE-78]\ncve: [CVE-2025-10001]\n"
        "affected:\n  - vendor: Example Corp\n    product: Example Router\n",
    ),
    "ADV-2026-0001": (
        "さくらビューアにおけるディレクトリトラバーサルの脆弱性",
        "2026-04-20T10:00:00+09:00",
        "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\n"
        "affected:\n  - vendor: 株式会社サンプル\n    product: さくらビューア\n"
        "revisions:\n  - date: 2026-05-01T12:00:00+09:00\n    summary: 修正版を訂正しました。\n",
    ),
}


class _HeadLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "link" and values.get("rel") == "alternate":
            self.links.append(values)


def alternates(html: str) -> list[dict[str, str]]:
    parser = _HeadLinks()
    parser.feed(html)
    return [link for link in parser.links if link.get("type") in FEED_TYPES]


def build_site(root: Path, cli: Cli) -> Path:
    repo = make_repo(
        root, timezone="Asia/Tokyo", site_url=SITE_URL, site_name="Example & Co advisories"
    )
    for ident, (title, released, extra) in ADVISORIES.items():
        text = advisory_text(ident, title=title, release_date=released, extra=extra)
        repo.write(f"advisories/{ident[4:8]}/{ident}.md", text)
    result = cli("build", cwd=repo.path)
    assert result.code == 0, result.err
    return repo.path / "site"


@pytest.fixture
def site(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    return build_site(tmp_path / "repo", cli)


def resolve(site: Path, page: str, href: str) -> Path:
    """The built file a relative ``href`` on the page at ``page`` (site-relative) points to."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
    path = site / target
    return path / "index.html" if path.is_dir() else path


def built_page(site: Path, url: str) -> Path:
    """The built file behind an absolute URL of the site."""
    assert url.startswith(SITE_URL), url
    rel = url[len(SITE_URL) :]
    path = site / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def test_home_page_advertises_the_site_feeds(site: Path) -> None:
    links = alternates((site / "index.html").read_text(encoding="utf-8"))
    assert [(link["type"], link["href"]) for link in links] == [
        ("application/atom+xml", "feed.xml"),
        ("application/rss+xml", "rss.xml"),
        ("application/feed+json", "feed.json"),
    ]
    assert links[0]["title"] == "Example & Co advisories (Atom)"
    for link in links:
        assert resolve(site, "index.html", link["href"]).is_file(), link


def test_nested_pages_advertise_feeds_that_resolve(site: Path) -> None:
    page = "2025/ADV-2025-0001/index.html"
    links = alternates((site / page).read_text(encoding="utf-8"))
    assert len(links) == 3
    for link in links:
        assert resolve(site, page, link["href"]).is_file(), link


def test_listing_pages_advertise_their_own_feeds_first(site: Path) -> None:
    page = "products/example-corp-example-router/index.html"
    links = alternates((site / page).read_text(encoding="utf-8"))
    targets = [resolve(site, page, link["href"]) for link in links]
    assert [t.relative_to(site).as_posix() for t in targets[:2]] == [
        "feeds/products/example-corp-example-router.xml",
        "feeds/products/example-corp-example-router.json",
    ]
    assert all(t.is_file() for t in targets)
    page = "severity/critical/index.html"
    first = alternates((site / page).read_text(encoding="utf-8"))[0]
    assert resolve(site, page, first["href"]) == site / "feeds/severity/critical.xml"


def feed_files(site: Path) -> list[Path]:
    names = ["feed.xml", "rss.xml", "feed.json", "jvnrss.rdf"]
    return [site / n for n in names] + sorted((site / "feeds").rglob("*.*"))


def test_every_feed_link_resolves_to_a_built_page(site: Path) -> None:
    files = feed_files(site)
    assert len(files) == 4 + 8  # two products, two severities, Atom + JSON each
    for file in files:
        if file.suffix == ".json":
            document = json.loads(file.read_bytes())
            urls = [document["home_page_url"], document["feed_url"]]
            urls += [item["url"] for item in document["items"]]
        else:
            parsed = feedparser.parse(file.read_bytes())
            assert not parsed.bozo, (file, parsed.get("bozo_exception"))
            urls = [parsed.feed.link] + [entry.link for entry in parsed.entries]
            urls += [link.href for link in parsed.feed.get("links", [])]
        for url in urls:
            assert built_page(site, url).is_file(), (file.name, url)


def test_built_feeds_are_valid_and_carry_exact_titles(site: Path) -> None:
    schema = etree.RelaxNG(etree.parse(str(require_path(SCHEMAS / "atom" / "atom.rng"))))
    assert schema.validate(etree.parse(str(site / "feed.xml"))), schema.error_log
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert [e.title for e in parsed.entries] == [
        "ADV-2026-0001: さくらビューアにおけるディレクトリトラバーサルの脆弱性",
        'ADV-2025-0001: Router & <Switch>: "quoted" command injection',
    ]
    assert parsed.entries[0].updated == "2026-05-01T12:00:00+09:00"
    assert parsed.entries[0].summary.startswith("[Updated 2026-05-01: 修正版を訂正しました。] ")


def test_rebuild_writes_identical_feeds(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    first = build_site(tmp_path / "one", cli)
    monkeypatch.setenv("ADVPUB_NOW", "2026-11-02T06:00:00Z")
    second = build_site(tmp_path / "two", cli)
    for file in feed_files(first):
        rel = file.relative_to(first)
        assert (second / rel).read_bytes() == file.read_bytes(), rel

"""Per-product and per-severity feeds, the autodiscovery links pages advertise, and the
generator's registration in the build."""

from __future__ import annotations

import json

import feedparser
import pytest

from advpub.site.feeds import FeedLink, feed_links, feed_outputs
from advpub.site.plugin import AdvpubPlugin
from advpub.site.slugs import product_slug
from tests.feeds.feed_support import (
    CVSS_CRITICAL,
    CVSS_MEDIUM,
    build,
    make_advisory,
    make_settings,
)

ROUTER = "affected:\n  - vendor: Example Corp\n    product: Example Router\n"
NAS = "affected:\n  - vendor: Example Corp\n    product: Example NAS\n"
BOTH = ROUTER + "  - vendor: Example Corp\n    product: Example NAS\n"
JAPANESE = "affected:\n  - vendor: 株式会社サンプル\n    product: さくらビューア\n"


def titles(feed: bytes) -> list[str]:
    return [e.title.split(":")[0] for e in feedparser.parse(feed).entries]


def json_ids(feed: bytes) -> list[str]:
    return [i["id"].rsplit(":", 1)[1] for i in json.loads(feed)["items"]]


@pytest.fixture(scope="module")
def outputs() -> dict[str, bytes]:
    advisories = [
        make_advisory("ADV-2026-0001", published="2026-01-01", extra=CVSS_CRITICAL + ROUTER),
        make_advisory("ADV-2026-0002", published="2026-01-02", extra=CVSS_MEDIUM + NAS),
        make_advisory("ADV-2026-0003", published="2026-01-03", extra=CVSS_MEDIUM + BOTH),
        make_advisory("ADV-2026-0004", published="2026-01-04", extra=JAPANESE),
        make_advisory("ADV-2026-0005", published="2026-01-05"),
    ]
    return build(make_settings(), advisories)


def test_product_feeds_hold_only_their_advisories(outputs: dict[str, bytes]) -> None:
    router = "feeds/products/example-corp-example-router"
    nas = "feeds/products/example-corp-example-nas"
    assert titles(outputs[f"{router}.xml"]) == ["ADV-2026-0003", "ADV-2026-0001"]
    assert titles(outputs[f"{nas}.xml"]) == ["ADV-2026-0003", "ADV-2026-0002"]
    assert json_ids(outputs[f"{router}.json"]) == ["ADV-2026-0003", "ADV-2026-0001"]
    assert json_ids(outputs[f"{nas}.json"]) == ["ADV-2026-0003", "ADV-2026-0002"]
    sakura = f"feeds/products/{product_slug('株式会社サンプル', 'さくらビューア')}"
    assert titles(outputs[f"{sakura}.xml"]) == ["ADV-2026-0004"]
    parsed = feedparser.parse(outputs[f"{sakura}.xml"])
    assert parsed.feed.title == "Example advisories: 株式会社サンプル さくらビューア"
    assert parsed.feed.link == f"https://advisories.example.org/products/{sakura[15:]}/"


def test_severity_feeds_hold_only_their_advisories(outputs: dict[str, bytes]) -> None:
    assert titles(outputs["feeds/severity/critical.xml"]) == ["ADV-2026-0001"]
    assert titles(outputs["feeds/severity/medium.xml"]) == ["ADV-2026-0003", "ADV-2026-0002"]
    assert json_ids(outputs["feeds/severity/medium.json"]) == ["ADV-2026-0003", "ADV-2026-0002"]
    # Unscored advisories have no severity feed (only a listing page), and no empty feeds.
    severity_files = sorted(p for p in outputs if p.startswith("feeds/severity/"))
    assert severity_files == [
        "feeds/severity/critical.json",
        "feeds/severity/critical.xml",
        "feeds/severity/medium.json",
        "feeds/severity/medium.xml",
    ]
    parsed = feedparser.parse(outputs["feeds/severity/medium.xml"])
    assert parsed.feed.title == "Example advisories: severity Medium"
    assert parsed.feed.link == "https://advisories.example.org/severity/medium/"


def test_site_wide_feed_holds_everything(outputs: dict[str, bytes]) -> None:
    assert titles(outputs["feed.xml"]) == [f"ADV-2026-000{n}" for n in (5, 4, 3, 2, 1)]


def test_entry_categories_name_severity_cwe_and_products() -> None:
    extra = CVSS_MEDIUM + BOTH + "cwe: [CWE-79, CWE-352]\n"
    outputs = build(make_settings(), [make_advisory(extra=extra)])
    entry = feedparser.parse(outputs["feed.xml"]).entries[0]
    assert [(t.term, t.scheme) for t in entry.tags] == [
        ("Medium", "https://advisories.example.org/severity/"),
        ("CWE-79", "https://advisories.example.org/cwe/"),
        ("CWE-352", "https://advisories.example.org/cwe/"),
        ("Example Corp Example Router", "https://advisories.example.org/products/"),
        ("Example Corp Example NAS", "https://advisories.example.org/products/"),
    ]
    rss = feedparser.parse(outputs["rss.xml"]).entries[0]
    assert [t.term for t in rss.tags] == [t.term for t in entry.tags]


def test_listing_feeds_apply_the_last_n_rule_on_their_own() -> None:
    settings = make_settings(feed_size=1)
    advisories = [
        make_advisory("ADV-2026-0001", published="2026-01-01", extra=ROUTER),
        make_advisory("ADV-2026-0002", published="2026-01-02", extra=ROUTER),
        make_advisory("ADV-2026-0003", published="2026-01-03", extra=NAS),
    ]
    outputs = build(settings, advisories)
    assert titles(outputs["feeds/products/example-corp-example-router.xml"]) == ["ADV-2026-0002"]
    assert titles(outputs["feed.xml"]) == ["ADV-2026-0003"]


def test_feed_links_for_any_page() -> None:
    settings = make_settings(site_name="Example advisories")
    assert feed_links(settings) == [
        FeedLink("application/atom+xml", "feed.xml", "Example advisories (Atom)"),
        FeedLink("application/rss+xml", "rss.xml", "Example advisories (RSS)"),
        FeedLink("application/feed+json", "feed.json", "Example advisories (JSON Feed)"),
        FeedLink("application/rdf+xml", "jvnrss.rdf", "Example advisories (JVNRSS)"),
    ]
    assert [link.format_name for link in feed_links(settings)] == [
        "Atom",
        "RSS",
        "JSON Feed",
        "JVNRSS",
    ]


def test_feed_links_of_a_listing_come_first() -> None:
    settings = make_settings()
    links = feed_links(
        settings, "products/example-corp-example-router", "Example Corp Example Router"
    )
    assert links[:2] == [
        FeedLink(
            "application/atom+xml",
            "feeds/products/example-corp-example-router.xml",
            "Example advisories: Example Corp Example Router (Atom)",
        ),
        FeedLink(
            "application/feed+json",
            "feeds/products/example-corp-example-router.json",
            "Example advisories: Example Corp Example Router (JSON Feed)",
        ),
    ]
    assert links[2:] == feed_links(settings)
    assert links[0].media_type == "application/atom+xml"
    japanese = make_settings(language="ja")
    assert feed_links(japanese, "severity/high")[0] == FeedLink(
        "application/atom+xml", "feeds/severity/high.xml", "Example advisories: 深刻度 重要 (Atom)"
    )


def test_feed_links_point_at_generated_files(outputs: dict[str, bytes]) -> None:
    settings = make_settings()
    listings = ["products/example-corp-example-nas", "severity/critical", None]
    for listing in listings:
        for link in feed_links(settings, listing):
            assert link.href in outputs, link


def test_feed_links_reject_unknown_listings() -> None:
    settings = make_settings()
    with pytest.raises(ValueError, match="not a feed listing: 'cwe/cwe-79'"):
        feed_links(settings, "cwe/cwe-79")
    with pytest.raises(ValueError, match="unknown severity level 'severe'"):
        feed_links(settings, "severity/severe")


def test_without_site_url_pages_advertise_no_feeds() -> None:
    assert feed_links(make_settings(site_url=None), "severity/high") == []


def test_feeds_are_registered_by_the_plugin() -> None:
    assert feed_outputs in AdvpubPlugin.generators

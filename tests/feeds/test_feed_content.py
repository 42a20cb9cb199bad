"""What a subscriber can act on: entry content (severity, score, CVEs, versions, link),
the first public instant, revisions in RSS, and each entry's own language."""

from __future__ import annotations

import json
from typing import Any

import feedparser

from tests.feeds.feed_support import build, make_advisory, make_settings

ROUTER_JA = (
    "cve: [CVE-2026-10001, CVE-2026-10002]\n"
    "cvss:\n"
    "  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
    "affected:\n"
    "  - vendor: 株式会社サンプル\n"
    "    product: さくらビューア\n"
    "    versions: 5.2.0 より前\n"
    "    fixed: 5.2.0\n"
    "lang: ja\n"
)
# Planned for 2026-01-15 09:00 JST, released three days late.
LATE = "published: 2026-01-18T15:30:00+09:00\n"
URL = "https://advisories.example.org/2026/ADV-2026-0001/"


def japanese_site() -> dict[str, bytes]:
    settings = make_settings(language="ja", timezone="Asia/Tokyo")
    return build(
        settings,
        [
            make_advisory("ADV-2026-0001", settings=settings, extra=ROUTER_JA + LATE),
            make_advisory(
                "ADV-2026-0002",
                settings=settings,
                published="2026-01-10T09:00:00+09:00",
                extra="cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\n"
                "affected:\n  - vendor: Example Corp\n    product: Example NAS\n"
                "    versions: < 4.2\n    fixed: 4.2\nlang: en\n",
            ),
        ],
    )


def entry(outputs: dict[str, bytes], path: str, ident: str) -> Any:
    parsed = feedparser.parse(outputs[path])
    assert not parsed.bozo, parsed.bozo_exception
    return next(e for e in parsed.entries if e.id.endswith(f":{ident}"))


def test_entry_content_names_severity_score_cves_versions_and_link() -> None:
    outputs = japanese_site()
    expected = (
        "<ul><li>深刻度: 緊急 9.8 (CVSS 3.1)</li>"
        "<li>CVE: CVE-2026-10001, CVE-2026-10002</li>"
        "<li>影響を受ける製品: 株式会社サンプル さくらビューア "
        "(影響を受けるバージョン: 5.2.0 より前; 修正済みバージョン: 5.2.0)</li>"
        "<li>公開日時: 2026-01-18 15:30 JST</li></ul>"
        f'<p>詳細: <a href="{URL}">{URL}</a></p>'
    )
    atom = entry(outputs, "feed.xml", "ADV-2026-0001")
    assert atom.content[0].type == "text/html"
    assert atom.content[0].value.endswith(expected)
    rss = entry(outputs, "rss.xml", "ADV-2026-0001")
    assert rss.content[0].value.endswith(expected)  # content:encoded
    item = json.loads(outputs["feed.json"])["items"][0]
    assert item["content_html"].endswith(expected)
    assert item["content_text"].endswith(
        "深刻度: 緊急 9.8 (CVSS 3.1)\n"
        "CVE: CVE-2026-10001, CVE-2026-10002\n"
        "影響を受ける製品: 株式会社サンプル さくらビューア "
        "(影響を受けるバージョン: 5.2.0 より前; 修正済みバージョン: 5.2.0)\n"
        "公開日時: 2026-01-18 15:30 JST\n\n"
        f"詳細: {URL}"
    )
    # The English advisory on the Japanese site reads in English.
    english = entry(outputs, "feed.xml", "ADV-2026-0002").content[0].value
    assert "<li>Severity: Medium 6.1 (CVSS 3.1)</li>" in english
    assert "<li>Affected products: Example Corp Example NAS " in english
    assert "(affected versions: &lt; 4.2; fixed in: 4.2)</li>" in english


def test_severity_categories_are_in_the_site_language() -> None:
    outputs = japanese_site()
    terms = [t.term for t in entry(outputs, "feed.xml", "ADV-2026-0001").tags]
    assert terms[0] == "緊急"
    assert entry(outputs, "feed.xml", "ADV-2026-0002").tags[0].term == "警告"
    assert entry(outputs, "rss.xml", "ADV-2026-0002").tags[0].term == "警告"
    assert json.loads(outputs["feed.json"])["items"][1]["tags"][0] == "警告"
    assert "<dc:subject>緊急</dc:subject>" in outputs["jvnrss.rdf"].decode()
    assert "深刻度 緊急" in feedparser.parse(outputs["feeds/severity/critical.xml"]).feed.title


def test_published_is_the_first_public_instant_not_the_planned_date() -> None:
    outputs = japanese_site()
    assert entry(outputs, "feed.xml", "ADV-2026-0001").published == "2026-01-18T15:30:00+09:00"
    assert json.loads(outputs["feed.json"])["items"][0]["date_published"] == (
        "2026-01-18T15:30:00+09:00"
    )
    assert entry(outputs, "rss.xml", "ADV-2026-0001").published_parsed[:5] == (
        2026,
        1,
        18,
        6,
        30,
    )
    rdf = outputs["jvnrss.rdf"].decode()
    assert "<dcterms:issued>2026-01-18T15:30:00+09:00</dcterms:issued>" in rdf
    # Imported history without `published`: the release date.
    assert entry(outputs, "feed.xml", "ADV-2026-0002").published == "2026-01-10T09:00:00+09:00"


def test_a_revision_and_a_withdrawal_update_rss() -> None:
    settings = make_settings()
    plain = make_advisory(published="2026-02-01T00:00:00Z")
    revised = make_advisory(
        published="2026-02-01T00:00:00Z",
        extra="revisions:\n  - date: 2026-02-20T09:00:00Z\n    summary: Also fixed in 2.0.2.\n",
    )
    withdrawn = make_advisory(
        published="2026-02-01T00:00:00Z",
        extra="withdrawn:\n  date: 2026-03-05T00:00:00Z\n  reason: Not a vulnerability.\n",
    )
    before = feedparser.parse(build(settings, [plain])["rss.xml"])
    assert before.entries[0].published == "Sun, 01 Feb 2026 00:00:00 +0000"
    for advisory, instant, iso in [
        (revised, "Fri, 20 Feb 2026 09:00:00 +0000", "2026-02-20T09:00:00+00:00"),
        (withdrawn, "Thu, 05 Mar 2026 00:00:00 +0000", "2026-03-05T00:00:00+00:00"),
    ]:
        rss = build(settings, [advisory])["rss.xml"]
        after = feedparser.parse(rss)
        assert after.entries[0].id == before.entries[0].id
        assert after.entries[0].published == instant  # pubDate: the latest change
        assert after.entries[0].updated == iso  # dcterms:modified
        assert after.feed.updated == instant  # lastBuildDate
        assert f"<dcterms:modified>{iso}</dcterms:modified>".encode() in rss
    revised_entry = feedparser.parse(build(settings, [revised])["rss.xml"]).entries[0]
    assert "<li>Published: 2026-02-01 00:00 UTC</li>" in revised_entry.content[0].value
    assert "<li>Last updated: 2026-02-20 09:00 UTC</li>" in revised_entry.content[0].value


def test_each_entry_carries_its_advisory_language() -> None:
    outputs = japanese_site()
    for path in ("feed.xml", "rss.xml"):
        assert entry(outputs, path, "ADV-2026-0001").content[0].language == "ja"
        assert entry(outputs, path, "ADV-2026-0002").content[0].language == "en"
    assert entry(outputs, "feed.xml", "ADV-2026-0002").summary_detail.language == "en"
    items = json.loads(outputs["feed.json"])["items"]
    assert [(i["id"][-13:], i["language"]) for i in items] == [
        ("ADV-2026-0001", "ja"),
        ("ADV-2026-0002", "en"),
    ]
    rdf = outputs["jvnrss.rdf"].decode()
    assert (
        '<item rdf:about="https://advisories.example.org/2026/ADV-2026-0002/" xml:lang="en">' in rdf
    )
    assert feedparser.parse(outputs["jvnrss.rdf"]).entries[1].summary_detail.language == "en"

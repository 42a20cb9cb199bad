"""Issue 19: a feed entry summarises the vendor statuses in one line (site language)."""

from __future__ import annotations

import json

import feedparser

from tests.feeds.feed_support import build, make_advisory, make_settings

VENDORS = (
    "vendor_status:\n"
    "  - vendor: Silent Inc\n    status: unknown\n"
    "  - vendor: Example Corp\n    status: affected\n"
    "  - vendor: Fourth GmbH\n    status: under_investigation\n"
    "  - vendor: Other Ltd\n    status: affected\n"
)
SUMMARY = "An attacker on the network can run commands on the device."


def test_entries_summarise_vendor_status_in_the_advisory_language() -> None:
    japanese_site = make_settings(language="ja", timezone="Asia/Tokyo")
    advisory = make_advisory(published="2026-02-01", extra=VENDORS + "lang: ja\n")
    entry = feedparser.parse(build(japanese_site, [advisory])["feed.xml"]).entries[0]
    assert entry.summary == f"{SUMMARY} [ベンダ: 2 社該当, 1 社調査中, 1 社未確認]"
    # An English advisory says it in English, on a Japanese site too.
    english = make_advisory(published="2026-02-01", extra=VENDORS)
    (item,) = json.loads(build(japanese_site, [english])["feed.json"])["items"]
    assert item["summary"] == (
        f"{SUMMARY} [Vendors: 2 affected, 1 under investigation, 1 no response]"
    )


def test_no_vendor_line_without_vendor_status() -> None:
    feeds = build(make_settings(), [make_advisory(published="2026-02-01")])
    assert feedparser.parse(feeds["feed.xml"]).entries[0].summary == SUMMARY

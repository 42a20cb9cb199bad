"""What entries say and which advisories a feed carries: order, stable ids, updates,
withdrawals, escaping, the last-N + 7-days rule, determinism."""

from __future__ import annotations

import json
from datetime import timedelta

import feedparser

from advpub.model import Advisory, parse_advisory
from tests.conftest import advisory_text
from tests.feeds.feed_support import (
    BUILD_TIME,
    build,
    make_advisory,
    make_settings,
)

REVISION = "revisions:\n  - date: 2026-02-20T09:00:00Z\n    summary: Version 2.0.2 also fixes it.\n"
WITHDRAWN = "withdrawn:\n  date: 2026-03-05T00:00:00Z\n  reason: Not a vulnerability.\n"


def ids(feed: bytes) -> list[str]:
    return [e.id for e in feedparser.parse(feed).entries]


def json_items(feed: bytes) -> list[dict[str, str]]:
    items: list[dict[str, str]] = json.loads(feed)["items"]
    return items


def series(count: int, start_day: int = 1) -> list[Advisory]:
    """``count`` advisories published one day apart in January 2026."""
    return [
        make_advisory(f"ADV-2026-{n:04d}", published=f"2026-01-{start_day + n - 1:02d}T00:00:00Z")
        for n in range(1, count + 1)
    ]


def test_entries_are_newest_first_by_published_instant() -> None:
    settings = make_settings()
    # Given out of order, and two published at the same instant (the id decides).
    advisories = [
        make_advisory("ADV-2026-0002", published="2026-01-02T00:00:00Z"),
        make_advisory("ADV-2026-0001", published="2026-01-03T00:00:00+09:00"),  # 01-02 15:00Z
        make_advisory("ADV-2026-0004", published="2026-01-01T00:00:00Z"),
        make_advisory("ADV-2026-0003", published="2026-01-01T00:00:00Z"),
    ]
    outputs = build(settings, advisories)
    expected = ["ADV-2026-0001", "ADV-2026-0002", "ADV-2026-0004", "ADV-2026-0003"]
    for path in ("feed.xml", "rss.xml", "jvnrss.rdf"):
        found = [e.title.split(":")[0] for e in feedparser.parse(outputs[path]).entries]
        assert found == expected, path
    assert [i["title"].split(":")[0] for i in json_items(outputs["feed.json"])] == expected


def test_ids_are_tag_uris_from_host_and_published_year() -> None:
    settings = make_settings()
    advisory = make_advisory("ADV-2025-0099", published="2025-12-31T23:30:00Z")
    outputs = build(settings, [advisory])
    expected = "tag:advisories.example.org,2025:ADV-2025-0099"
    assert ids(outputs["feed.xml"]) == [expected]
    assert ids(outputs["rss.xml"]) == [expected]
    assert [i["id"] for i in json_items(outputs["feed.json"])] == [expected]
    entry = feedparser.parse(outputs["feed.xml"]).entries[0]
    assert entry.link == "https://advisories.example.org/2025/ADV-2025-0099/"
    assert entry.title == "ADV-2025-0099: Example Router: command injection in the web console"


def test_rebuild_is_byte_identical_and_ids_are_stable() -> None:
    settings = make_settings(timezone="Asia/Tokyo")
    first = build(settings, series(3))
    later = build(settings, series(3), BUILD_TIME + timedelta(hours=5))
    assert first == later
    more = build(settings, [*series(3), make_advisory("ADV-2026-0010", published="2026-02-01")])
    assert set(ids(first["feed.xml"])) < set(ids(more["feed.xml"]))


def test_a_revision_changes_updated_and_summary_but_keeps_the_id() -> None:
    settings = make_settings()
    before = build(settings, [make_advisory(published="2026-02-01T00:00:00Z")])
    after = build(settings, [make_advisory(published="2026-02-01T00:00:00Z", extra=REVISION)])
    old = feedparser.parse(before["feed.xml"])
    new = feedparser.parse(after["feed.xml"])
    assert new.entries[0].id == old.entries[0].id
    assert old.entries[0].updated == "2026-02-01T00:00:00+00:00"
    assert new.entries[0].updated == "2026-02-20T09:00:00+00:00"
    assert new.entries[0].published == old.entries[0].published
    assert new.feed.updated == "2026-02-20T09:00:00+00:00"
    assert new.entries[0].summary == (
        "[Updated 2026-02-20: Version 2.0.2 also fixes it.] "
        "An attacker on the network can run commands on the device."
    )
    item = json_items(after["feed.json"])[0]
    assert item["date_modified"] == "2026-02-20T09:00:00+00:00"
    assert item["id"] == json_items(before["feed.json"])[0]["id"]
    # channel dc:date, item dc:date and dcterms:modified
    assert after["jvnrss.rdf"].count(b"2026-02-20T09:00:00+00:00") == 3


def test_a_withdrawal_is_announced_in_the_advisory_language() -> None:
    advisory_extra = REVISION + WITHDRAWN
    english = build(make_settings(), [make_advisory(published="2026-02-01", extra=advisory_extra)])
    entry = feedparser.parse(english["feed.xml"]).entries[0]
    assert entry.updated == "2026-03-05T00:00:00+00:00"
    # The older revision is not repeated after the withdrawal notice.
    assert entry.summary == (
        "[Withdrawn 2026-03-05: Not a vulnerability.] "
        "An attacker on the network can run commands on the device."
    )
    japanese = build(
        make_settings(language="ja", timezone="Asia/Tokyo"),
        [
            make_advisory(published="2026-02-01", extra=WITHDRAWN + "lang: ja\n"),
            make_advisory("ADV-2026-0002", published="2026-01-01", extra=WITHDRAWN),
        ],
    )
    entries = feedparser.parse(japanese["feed.xml"]).entries
    assert entries[0].summary.startswith("[取り下げ 2026-03-05: Not a vulnerability.] ")
    assert entries[0].updated == "2026-03-05T09:00:00+09:00"
    # An English advisory on a Japanese site: English notice, as its reason is English.
    assert entries[1].summary.startswith("[Withdrawn 2026-03-05: Not a vulnerability.] ")


def test_a_revision_after_a_withdrawal_is_shown_too() -> None:
    later = "revisions:\n  - date: 2026-04-01T00:00:00Z\n    summary: Links fixed.\n"
    outputs = build(
        make_settings(), [make_advisory(published="2026-02-01", extra=later + WITHDRAWN)]
    )
    summary = json_items(outputs["feed.json"])[0]["summary"]
    assert summary.startswith(
        "[Withdrawn 2026-03-05: Not a vulnerability.] [Updated 2026-04-01: Links fixed.] "
    )


def test_last_n_plus_everything_of_the_last_seven_days() -> None:
    settings = make_settings(feed_size=2)
    old = series(5)  # January
    recent = [
        make_advisory("ADV-2026-0101", published="2026-11-24T00:00:00Z"),
        make_advisory("ADV-2026-0102", published="2026-11-25T00:00:00Z"),
        make_advisory("ADV-2026-0103", published="2026-11-28T00:00:00Z"),
    ]
    # Build time 2026-12-01: 11-24 is exactly 7 days back and included; 11-23 would not be.
    boundary = make_advisory("ADV-2026-0100", published="2026-11-23T23:59:59Z")
    outputs = build(settings, [*old, *recent, boundary])
    titles = [e.title.split(":")[0] for e in feedparser.parse(outputs["feed.xml"]).entries]
    assert titles == ["ADV-2026-0103", "ADV-2026-0102", "ADV-2026-0101"]
    # Without recent ones, exactly feed_size entries.
    outputs = build(settings, old)
    titles = [e.title.split(":")[0] for e in feedparser.parse(outputs["feed.xml"]).entries]
    assert titles == ["ADV-2026-0005", "ADV-2026-0004"]


def test_an_old_advisory_changed_in_the_last_seven_days_is_kept() -> None:
    settings = make_settings(feed_size=1)
    changed = make_advisory(
        "ADV-2026-0001",
        published="2026-01-01T00:00:00Z",
        extra="revisions:\n  - date: 2026-11-30T00:00:00Z\n    summary: New fix.\n",
    )
    outputs = build(settings, [changed, *series(3, start_day=10)[1:]])
    titles = [e.title.split(":")[0] for e in feedparser.parse(outputs["feed.xml"]).entries]
    assert titles == ["ADV-2026-0003", "ADV-2026-0001"]


def test_empty_feed_uses_the_build_time() -> None:
    outputs = build(make_settings(timezone="Asia/Tokyo"), [])
    assert sorted(outputs) == ["feed.json", "feed.xml", "jvnrss.rdf", "rss.xml"]
    parsed = feedparser.parse(outputs["feed.xml"])
    assert not parsed.bozo
    assert parsed.entries == []
    assert parsed.feed.updated == "2026-12-01T09:00:00+09:00"
    assert json.loads(outputs["feed.json"])["items"] == []


def test_without_site_url_no_feed_is_built() -> None:
    assert build(make_settings(site_url=None), series(2)) == {}


TRICKY = "Fish & Chips <script>alert(\"x\")</script> 'quoted' 日本語のタイトル"


def test_special_characters_and_japanese_round_trip_exactly() -> None:
    settings = make_settings(site_name='A & B <Advisories> "JP" 日本')
    advisory = make_advisory(title=TRICKY.replace('"', '\\"'))
    assert advisory.title == TRICKY
    outputs = build(settings, [advisory])
    expected_title = f"ADV-2026-0001: {TRICKY}"
    for path in ("feed.xml", "rss.xml", "jvnrss.rdf"):
        parsed = feedparser.parse(outputs[path])
        assert not parsed.bozo, path
        assert parsed.entries[0].title == expected_title, path
        assert parsed.feed.title == 'A & B <Advisories> "JP" 日本', path
    document = json.loads(outputs["feed.json"])
    assert document["items"][0]["title"] == expected_title
    assert document["title"] == 'A & B <Advisories> "JP" 日本'
    assert "日本語のタイトル".encode() in outputs["feed.xml"]  # UTF-8, not character references


def test_summary_markup_stays_text_in_every_format() -> None:
    summary = 'Use <b>1.2</b> & "reboot"'
    outputs = build(make_settings(), [advisory_with_summary(summary)])
    atom = feedparser.parse(outputs["feed.xml"]).entries[0]
    assert (atom.summary, atom.summary_detail.type) == (summary, "text/plain")
    # RSS 2.0 descriptions are HTML: the markup arrives escaped, so readers show it as text.
    rss = feedparser.parse(outputs["rss.xml"]).entries[0]
    assert rss.summary == 'Use &lt;b&gt;1.2&lt;/b&gt; &amp; "reboot"'
    item = json_items(outputs["feed.json"])[0]
    assert item["content_text"].startswith(summary + "\n\n")
    assert item["content_html"].startswith(
        "<p>Use &lt;b&gt;1.2&lt;/b&gt; &amp; &quot;reboot&quot;</p>"
    )
    # RSS 1.0 descriptions are plain text (as in JVN's own feeds).
    assert (
        b'<description>Use &lt;b&gt;1.2&lt;/b&gt; &amp; "reboot"</description>'
        in (outputs["jvnrss.rdf"])
    )


def advisory_with_summary(summary: str) -> Advisory:
    text = advisory_text().replace(
        "summary: An attacker on the network can run commands on the device.",
        "summary: " + json.dumps(summary),
    )
    result = parse_advisory(
        text, path="advisories/ADV-2026-0001.md", options=make_settings().model_options
    )
    assert result.advisory is not None
    return result.advisory


def test_characters_xml_cannot_carry_are_dropped() -> None:
    advisory = make_advisory(title="Bell\\a and escape\\e in a title")
    outputs = build(make_settings(), [advisory])
    for path in ("feed.xml", "rss.xml", "jvnrss.rdf"):
        parsed = feedparser.parse(outputs[path])
        assert not parsed.bozo, path
        assert parsed.entries[0].title == "ADV-2026-0001: Bell and escape in a title"

"""Every feed parses and is valid for its format: Atom (RELAX NG + RFC 4287 rules the
schema cannot express), RSS 2.0, JSON Feed 1.1 and JVNRSS with the sec: module."""

from __future__ import annotations

import json
from typing import Any

import feedparser
import pytest
from lxml import etree

from advpub.site.feeds import feed_outputs
from tests.conftest import SCHEMAS, require_path
from tests.feeds.feed_support import (
    CVSS_CRITICAL,
    CVSS_MEDIUM,
    build,
    make_advisory,
    make_context,
    make_settings,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SEC = "{http://jvn.jp/rss/mod_sec/3.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
CANARY = "BODY-CANARY-7f3e9a"

RICH = (
    "cve: [CVE-2026-10001, CVE-2026-10002]\n"
    "cwe: [CWE-78]\n"
    'aliases: ["JVN#12345678", GHSA-abcd-efgh-ijkl]\n'
    "cvss:\n"
    "  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
    "  - vector: CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\n"
    "affected:\n"
    "  - vendor: Example Corp\n"
    "    product: Example Router\n"
    "    fixed: 2.0.1\n"
    "    cpe: cpe:2.3:o:example:router_firmware:*:*:*:*:*:*:*:*\n"
)


def corpus_outputs(timezone: str = "Asia/Tokyo") -> dict[str, bytes]:
    settings = make_settings(timezone=timezone)
    advisories = [
        make_advisory(
            "ADV-2026-0001", settings=settings, extra=RICH, body=f"## Overview\n\n{CANARY}\n"
        ),
        make_advisory(
            "ADV-2026-0002",
            settings=settings,
            title="Example NAS: cross-site scripting",
            published="2026-03-01T10:00:00+09:00",
            extra=CVSS_MEDIUM
            + "affected:\n  - vendor: Example Corp\n    product: Example NAS\n"
            + "revisions:\n  - date: 2026-04-01T12:00:00+09:00\n"
            + "    summary: Fixed version corrected.\n",
        ),
        make_advisory(
            "ADV-2026-0003",
            settings=settings,
            title="Other App: path traversal",
            published="2026-05-01T10:00:00+09:00",
            extra=CVSS_CRITICAL + "affected:\n  - product: Other App\n",
        ),
    ]
    return build(settings, advisories)


@pytest.fixture(scope="module")
def outputs() -> dict[str, bytes]:
    return corpus_outputs()


def xml_paths(outputs: dict[str, bytes]) -> list[str]:
    return [p for p in outputs if not p.endswith(".json")]


def test_expected_files_are_generated(outputs: dict[str, bytes]) -> None:
    assert sorted(outputs) == [
        "feed.json",
        "feed.xml",
        "feeds/products/example-corp-example-nas.json",
        "feeds/products/example-corp-example-nas.xml",
        "feeds/products/example-corp-example-router.json",
        "feeds/products/example-corp-example-router.xml",
        "feeds/products/other-app.json",
        "feeds/products/other-app.xml",
        "feeds/severity/critical.json",
        "feeds/severity/critical.xml",
        "feeds/severity/medium.json",
        "feeds/severity/medium.xml",
        "jvnrss.rdf",
        "rss.xml",
    ]


def test_media_types() -> None:
    settings = make_settings()
    ctx = make_context(settings, [make_advisory(settings=settings, extra=CVSS_MEDIUM)])
    types = {o.path: o.media_type for o in feed_outputs(ctx)}
    assert types["feed.xml"] == "application/atom+xml"
    assert types["rss.xml"] == "application/rss+xml"
    assert types["feed.json"] == "application/feed+json"
    assert types["jvnrss.rdf"] == "application/rdf+xml"
    assert types["feeds/severity/medium.json"] == "application/feed+json"


def test_every_xml_feed_parses_without_bozo(outputs: dict[str, bytes]) -> None:
    expected_versions = {"feed.xml": "atom10", "rss.xml": "rss20", "jvnrss.rdf": "rss10"}
    for path in xml_paths(outputs):
        parsed = feedparser.parse(outputs[path])
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
        assert parsed.version == expected_versions.get(path, "atom10"), path


def test_atom_feeds_validate_against_relax_ng(outputs: dict[str, bytes]) -> None:
    schema = etree.RelaxNG(etree.parse(str(require_path(SCHEMAS / "atom" / "atom.rng"))))
    atom_paths = [p for p in outputs if p.endswith(".xml") and p != "rss.xml"]
    assert len(atom_paths) == 6
    for path in atom_paths:
        document = etree.fromstring(outputs[path])
        assert schema.validate(document), (path, schema.error_log)


def test_relax_ng_rejects_a_broken_atom_feed(outputs: dict[str, bytes]) -> None:
    # Positive control: the validator must be able to fail.
    schema = etree.RelaxNG(etree.parse(str(require_path(SCHEMAS / "atom" / "atom.rng"))))
    document = etree.fromstring(outputs["feed.xml"])
    entry = document.find(f"{ATOM}entry")
    assert entry is not None
    identifier = entry.find(f"{ATOM}id")
    assert identifier is not None
    entry.remove(identifier)
    assert not schema.validate(document)


def test_atom_rules_relax_ng_misses(outputs: dict[str, bytes]) -> None:
    for path in [p for p in outputs if p.endswith(".xml") and p != "rss.xml"]:
        root = etree.fromstring(outputs[path])
        entries = root.findall(f"{ATOM}entry")
        # RFC 4287 4.1.1: a feed author, or an author in every entry.
        feed_author = root.find(f"{ATOM}author/{ATOM}name")
        assert feed_author is not None or all(e.find(f"{ATOM}author") is not None for e in entries)
        ids = [e.findtext(f"{ATOM}id") for e in entries]
        assert len(ids) == len(set(ids)), path
        # 4.1.1: at most one alternate link per type and hreflang; a self link to itself.
        links = root.findall(f"{ATOM}link")
        alternates = [link for link in links if link.get("rel") == "alternate"]
        assert len(alternates) == 1
        self_links = [link.get("href") for link in links if link.get("rel") == "self"]
        assert self_links == [f"https://advisories.example.org/{path}"]
        # 4.1.2: an entry without content has an alternate link.
        for entry in entries:
            assert entry.find(f"{ATOM}content") is not None or any(
                link.get("rel") == "alternate" for link in entry.findall(f"{ATOM}link")
            )


def check_json_feed(document: dict[str, Any]) -> None:
    """The required fields of JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and document["title"]
    assert isinstance(document["items"], list)
    ids = [item["id"] for item in document["items"]]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(ids) == len(set(ids))
    for item in document["items"]:
        assert isinstance(item.get("content_html"), str) or isinstance(
            item.get("content_text"), str
        )
        for key in ("url", "external_url"):
            if key in item:
                assert item[key].startswith("https://")
    for author in document.get("authors", []):
        assert set(author) & {"name", "url", "avatar"}
    assert "author" not in document  # deprecated in 1.1


def test_json_feeds_have_the_required_fields(outputs: dict[str, bytes]) -> None:
    json_paths = [p for p in outputs if p.endswith(".json")]
    assert len(json_paths) == 6
    for path in json_paths:
        document = json.loads(outputs[path].decode("utf-8"))
        check_json_feed(document)
        assert document["feed_url"] == f"https://advisories.example.org/{path}"


def test_json_feed_item_fields(outputs: dict[str, bytes]) -> None:
    document = json.loads(outputs["feed.json"])
    item = next(i for i in document["items"] if i["id"].endswith(":ADV-2026-0002"))
    assert item == {
        "id": "tag:advisories.example.org,2026:ADV-2026-0002",
        "url": "https://advisories.example.org/2026/ADV-2026-0002/",
        "title": "ADV-2026-0002: Example NAS: cross-site scripting",
        "content_html": "<p>[Updated 2026-04-01: Fixed version corrected.] "
        "An attacker on the network can run commands on the device.</p><ul>"
        "<li>Severity: Medium 6.1 (CVSS 3.1)</li>"
        "<li>Affected products: Example Corp Example NAS</li>"
        "<li>Published: 2026-03-01 10:00 JST</li>"
        "<li>Last updated: 2026-04-01 12:00 JST</li></ul>"
        '<p>Details: <a href="https://advisories.example.org/2026/ADV-2026-0002/">'
        "https://advisories.example.org/2026/ADV-2026-0002/</a></p>",
        "content_text": "[Updated 2026-04-01: Fixed version corrected.] "
        "An attacker on the network can run commands on the device.\n\n"
        "Severity: Medium 6.1 (CVSS 3.1)\n"
        "Affected products: Example Corp Example NAS\n"
        "Published: 2026-03-01 10:00 JST\n"
        "Last updated: 2026-04-01 12:00 JST\n\n"
        "Details: https://advisories.example.org/2026/ADV-2026-0002/",
        "summary": "[Updated 2026-04-01: Fixed version corrected.] "
        "An attacker on the network can run commands on the device.",
        "date_published": "2026-03-01T10:00:00+09:00",
        "date_modified": "2026-04-01T12:00:00+09:00",
        "language": "en",
        "tags": ["Medium", "Example Corp Example NAS"],
    }
    assert document["authors"] == [
        {"name": "Sample Coordination Center", "url": "https://sample-cc.example.net"}
    ]


def test_jvnrss_carries_the_sec_module(outputs: dict[str, bytes]) -> None:
    root = etree.fromstring(outputs["jvnrss.rdf"])
    items = {i.findtext(f"{SEC}identifier"): i for i in root.findall(f"{RSS1}item")}
    assert list(items) == ["ADV-2026-0003", "ADV-2026-0002", "ADV-2026-0001"]
    item = items["ADV-2026-0001"]
    references = [(r.get("source"), r.get("id"), r.text) for r in item.findall(f"{SEC}references")]
    assert references == [
        ("CVE", "CVE-2026-10001", "https://www.cve.org/CVERecord?id=CVE-2026-10001"),
        ("CVE", "CVE-2026-10002", "https://www.cve.org/CVERecord?id=CVE-2026-10002"),
        ("CWE", "CWE-78", "https://cwe.mitre.org/data/definitions/78.html"),
        ("JVN", "JVN#12345678", "https://jvn.jp/jp/JVN12345678/"),
        ("GHSA", "GHSA-abcd-efgh-ijkl", "https://github.com/advisories/GHSA-abcd-efgh-ijkl"),
    ]
    scores = [dict(c.attrib) for c in item.findall(f"{SEC}cvss")]
    assert scores == [
        {
            "score": "9.8",
            "severity": "Critical",
            "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "version": "3.1",
            "type": "Base",
        },
        {
            "score": "9.3",
            "severity": "Critical",
            "vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "version": "4.0",
            "type": "Base",
        },
    ]
    cpe = item.find(f"{SEC}cpe")
    assert cpe is not None
    assert dict(cpe.attrib) == {
        "version": "2.3",
        "vendor": "Example Corp",
        "product": "Example Router",
    }
    assert cpe.text == "cpe:2.3:o:example:router_firmware:*:*:*:*:*:*:*:*"


def test_jvnrss_dates_carry_the_tokyo_offset(outputs: dict[str, bytes]) -> None:
    root = etree.fromstring(outputs["jvnrss.rdf"])
    items = {i.findtext(f"{SEC}identifier"): i for i in root.findall(f"{RSS1}item")}
    item = items["ADV-2026-0002"]
    assert item.findtext(f"{DC}date") == "2026-04-01T12:00:00+09:00"
    assert item.findtext(f"{DCTERMS}issued") == "2026-03-01T10:00:00+09:00"
    assert item.findtext(f"{DCTERMS}modified") == "2026-04-01T12:00:00+09:00"
    channel = root.find(f"{RSS1}channel")
    assert channel is not None
    assert channel.findtext(f"{DC}date") == "2026-05-01T10:00:00+09:00"
    sequence = [li.get(f"{RDF}resource") for li in channel.iter(f"{RDF}li")]
    assert sequence == [i.get(f"{RDF}about") for i in items.values()]


def test_dates_are_shown_in_the_site_zone_with_offsets() -> None:
    tokyo = corpus_outputs("Asia/Tokyo")
    utc = corpus_outputs("UTC")
    assert b"<published>2026-03-01T10:00:00+09:00</published>" in tokyo["feed.xml"]
    assert b"<published>2026-03-01T01:00:00+00:00</published>" in utc["feed.xml"]
    # RSS pubDate: the latest change (ADV-2026-0002 was revised on 2026-04-01).
    assert b"<pubDate>Fri, 01 May 2026 10:00:00 +0900</pubDate>" in tokyo["rss.xml"]
    assert b"<pubDate>Fri, 01 May 2026 01:00:00 +0000</pubDate>" in utc["rss.xml"]
    assert b"<pubDate>Wed, 01 Apr 2026 12:00:00 +0900</pubDate>" in tokyo["rss.xml"]
    parsed = feedparser.parse(tokyo["rss.xml"])
    entry = next(e for e in parsed.entries if e.id.endswith("ADV-2026-0002"))
    assert entry.published_parsed[:5] == (2026, 4, 1, 3, 0)  # feedparser normalises to UTC
    assert entry.updated_parsed[:5] == (2026, 4, 1, 3, 0)


def test_no_feed_carries_the_advisory_body(outputs: dict[str, bytes]) -> None:
    assert [p for p, data in outputs.items() if CANARY.encode() in data] == []

"""JVNRSS names every CPE of every affected product (issue 19: several CPEs per product)."""

from __future__ import annotations

from lxml import etree

from tests.feeds.feed_support import build, make_advisory, make_settings

SEC = "{http://jvn.jp/rss/mod_sec/3.0/}"
RSS1 = "{http://purl.org/rss/1.0/}"
SERVER_CPES = (
    "cpe:2.3:a:example:server:*:*:*:*:*:*:*:*",
    "cpe:2.3:a:example:server_enterprise:*:*:*:*:*:*:*:*",
)
MULTI = f"""\
affected:
  - vendor: Example Corp
    product: Example Server
    introduced: "1.0"
    fixed: "1.4.2"
    cpe: [{SERVER_CPES[0]}, {SERVER_CPES[1]}]
  - vendor: Example Corp
    product: Example Server
    introduced: "2.0"
    fixed: "2.3.2"
    cpe: [{SERVER_CPES[0]}, {SERVER_CPES[1]}]
  - vendor: Other Inc
    product: Other Proxy
    cpe:
      - cpe:2.3:a:other:proxy:*:*:*:*:*:*:*:*
      - cpe:/a:other:proxy
  - product: No CPE Tool
"""


def test_jvnrss_lists_every_cpe_of_every_product_once() -> None:
    settings = make_settings()
    outputs = build(settings, [make_advisory(settings=settings, extra=MULTI)])
    [item] = etree.fromstring(outputs["jvnrss.rdf"]).findall(f"{RSS1}item")
    cpes = [(dict(c.attrib), c.text) for c in item.findall(f"{SEC}cpe")]
    server = {"version": "2.3", "vendor": "Example Corp", "product": "Example Server"}
    assert cpes == [
        (server, SERVER_CPES[0]),
        (server, SERVER_CPES[1]),
        (
            {"version": "2.3", "vendor": "Other Inc", "product": "Other Proxy"},
            "cpe:2.3:a:other:proxy:*:*:*:*:*:*:*:*",
        ),
        ({"version": "2.2", "vendor": "Other Inc", "product": "Other Proxy"}, "cpe:/a:other:proxy"),
    ]


def test_jvnrss_alias_references_use_the_record_urls_of_known_databases() -> None:
    settings = make_settings()
    extra = 'aliases: [PYSEC-2026-1, "JVNTA#12345678", "VU#123456"]\n'
    outputs = build(settings, [make_advisory(settings=settings, extra=extra)])
    [item] = etree.fromstring(outputs["jvnrss.rdf"]).findall(f"{RSS1}item")
    references = [(r.get("source"), r.get("id"), r.text) for r in item.findall(f"{SEC}references")]
    assert references == [
        ("PYSEC", "PYSEC-2026-1", "https://osv.dev/vulnerability/PYSEC-2026-1"),
        ("JVNTA", "JVNTA#12345678", "https://jvn.jp/ta/JVNTA12345678/"),
        ("VU", "VU#123456", None),
    ]

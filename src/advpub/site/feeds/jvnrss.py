"""JVNRSS-compatible RSS 1.0 (RDF) rendering with the ``sec:`` module 3.0.

Per item, as JVN's own feeds carry them: ``sec:identifier`` (our id), ``sec:references``
for every CVE, CWE and alias (``source`` and ``id`` attributes, the reference URL as text
when one is known), ``sec:cpe`` for affected products with a CPE, ``sec:cvss`` (``score``,
``severity``, ``vector``, ``version``, ``type="Base"``), and ``dc:date`` /
``dcterms:issued`` / ``dcterms:modified`` in the site time zone (``+09:00`` for Asia/Tokyo).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from advpub.model import Advisory
from advpub.site.feeds.entries import Feed, rfc3339
from advpub.site.feeds.xmlutil import DC, DCTERMS, RDF, RSS1, SEC, XML_NS, q, serialize, sub
from advpub.site.render import cve_url, cwe_url

MEDIA_TYPE = "application/rdf+xml"


def _r(name: str) -> str:
    # RSS 1.0 is the default namespace (declared on the root), so its names stay unprefixed.
    return name


def _alias_source(alias: str) -> tuple[str, str]:
    """The ``source`` name of an alias and its URL when the scheme is well known."""
    if alias.startswith("JVN#"):
        return "JVN", f"https://jvn.jp/jp/JVN{alias[4:]}/"
    if alias.startswith("JVNVU#"):
        return "JVN", f"https://jvn.jp/vu/JVNVU{alias[6:]}/"
    if alias.startswith("GHSA-"):
        return "GHSA", f"https://github.com/advisories/{alias}"
    head = alias.replace("#", "-").split("-", 1)[0]
    return head or "alias", ""


def _references(item: ET.Element, advisory: Advisory) -> None:
    for cve in advisory.cve:
        sub(item, q(SEC, "references"), cve_url(cve), {"source": "CVE", "id": cve})
    for cwe in advisory.cwe:
        # The model only admits CWE-<n>, so every CWE has its definition URL.
        sub(item, q(SEC, "references"), cwe_url(cwe), {"source": "CWE", "id": cwe})
    for alias in advisory.aliases:
        source, url = _alias_source(alias)
        sub(item, q(SEC, "references"), url or None, {"source": source, "id": alias})


def _cpes(item: ET.Element, advisory: Advisory) -> None:
    for affected in advisory.affected:
        if not affected.cpe:
            continue
        version = "2.3" if affected.cpe.startswith("cpe:2.3:") else "2.2"
        attributes = {"version": version}
        if affected.vendor:
            attributes["vendor"] = affected.vendor
        attributes["product"] = affected.product
        sub(item, q(SEC, "cpe"), affected.cpe, attributes)


def render_jvnrss(feed: Feed) -> bytes:
    """The RDF document: channel, its item sequence, then one item per advisory."""
    root = ET.Element(q(RDF, "RDF"), {"xmlns": RSS1, q(XML_NS, "lang"): feed.language})
    channel = sub(root, _r("channel"), attributes={q(RDF, "about"): feed.feed_url})
    sub(channel, _r("title"), feed.title)
    sub(channel, _r("link"), feed.home_url)
    sub(channel, _r("description"), feed.description)
    sub(channel, q(DC, "date"), rfc3339(feed.updated))
    sub(channel, q(DC, "language"), feed.language)
    sequence = sub(sub(channel, _r("items")), q(RDF, "Seq"))
    for entry in feed.entries:
        sub(sequence, q(RDF, "li"), attributes={q(RDF, "resource"): entry.url})
    for entry in feed.entries:
        advisory = entry.advisory
        item = sub(
            root,
            _r("item"),
            attributes={q(RDF, "about"): entry.url, q(XML_NS, "lang"): entry.language},
        )
        sub(item, _r("title"), entry.title)
        sub(item, _r("link"), entry.url)
        sub(item, _r("description"), entry.summary)
        sub(item, q(DC, "creator"), feed.author_name)
        sub(item, q(SEC, "identifier"), advisory.id)
        _references(item, advisory)
        _cpes(item, advisory)
        for score in advisory.cvss:
            sub(
                item,
                q(SEC, "cvss"),
                attributes={
                    "score": f"{score.base_score:.1f}",
                    "severity": score.severity,
                    "vector": score.vector,
                    "version": score.version,
                    "type": "Base",
                },
            )
        for category in entry.categories:
            sub(item, q(DC, "subject"), category.term)
        sub(item, q(DC, "date"), rfc3339(entry.updated))
        sub(item, q(DCTERMS, "issued"), rfc3339(entry.published))
        sub(item, q(DCTERMS, "modified"), rfc3339(entry.updated))
    return serialize(root)

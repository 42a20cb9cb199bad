"""Atom 1.0 (RFC 4287) rendering of a :class:`Feed`."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from advpub.site.feeds.entries import Feed, rfc3339
from advpub.site.feeds.xmlutil import ATOM, XML_NS, q, serialize, sub

MEDIA_TYPE = "application/atom+xml"


def _a(name: str) -> str:
    # Atom is the default namespace (declared on the root), so its names stay unprefixed.
    return name


def render_atom(feed: Feed) -> bytes:
    """The Atom document: feed-level author, one entry per advisory (``xml:lang`` of the
    advisory), its summary and its content (see :mod:`advpub.site.feeds.content`)."""
    root = ET.Element("feed", {"xmlns": ATOM, q(XML_NS, "lang"): feed.language})
    sub(root, _a("id"), feed.feed_url)
    sub(root, _a("title"), feed.title, {"type": "text"})
    sub(root, _a("subtitle"), feed.description, {"type": "text"})
    sub(root, _a("updated"), rfc3339(feed.updated))
    sub(root, _a("link"), attributes={"rel": "self", "type": MEDIA_TYPE, "href": feed.feed_url})
    sub(
        root,
        _a("link"),
        attributes={"rel": "alternate", "type": "text/html", "href": feed.home_url},
    )
    # A feed-level author satisfies RFC 4287 section 4.1.1 for every entry at once.
    author = sub(root, _a("author"))
    sub(author, _a("name"), feed.author_name)
    if feed.author_url:
        sub(author, _a("uri"), feed.author_url)
    for entry in feed.entries:
        node = sub(root, _a("entry"), attributes={q(XML_NS, "lang"): entry.language})
        sub(node, _a("id"), entry.id)
        sub(node, _a("title"), entry.title, {"type": "text"})
        sub(
            node,
            _a("link"),
            attributes={"rel": "alternate", "type": "text/html", "href": entry.url},
        )
        sub(node, _a("published"), rfc3339(entry.published))
        sub(node, _a("updated"), rfc3339(entry.updated))
        sub(node, _a("summary"), entry.summary, {"type": "text"})
        sub(node, _a("content"), entry.content.html, {"type": "html"})
        for category in entry.categories:
            sub(node, _a("category"), attributes={"term": category.term, "scheme": category.scheme})
    return serialize(root)

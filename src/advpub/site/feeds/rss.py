"""RSS 2.0 rendering of a :class:`Feed` (dates in RFC 822 form, with the site's offset).

An item's ``pubDate`` is the advisory's *latest change* (its first public instant until it
is revised or withdrawn): RSS 2.0 has no "updated" element, readers order and refresh
items by ``pubDate``, and a revision or withdrawal is news a subscriber must see. The
item also says so explicitly (``dcterms:modified``, which feed readers read as the
updated date), its body (``content:encoded``) names the first public instant, and the
channel's ``lastBuildDate`` is the newest change of all. Atom and JSON Feed keep both
dates apart (``published``/``updated``, ``date_published``/``date_modified``).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from email.utils import format_datetime

from advpub.site.feeds.entries import Feed, rfc3339
from advpub.site.feeds.xmlutil import ATOM, CONTENT, DCTERMS, XML_NS, q, serialize, sub

MEDIA_TYPE = "application/rss+xml"


def render_rss(feed: Feed) -> bytes:
    """The RSS 2.0 document; guids are the entries' tag: URIs (not permalinks)."""
    root = ET.Element("rss", {"version": "2.0"})
    channel = sub(root, "channel")
    sub(channel, "title", feed.title)
    sub(channel, "link", feed.home_url)
    sub(channel, "description", feed.description)
    sub(channel, "language", feed.language)
    sub(channel, "lastBuildDate", format_datetime(feed.updated))
    # The RSS Advisory Board recommends atom:link rel=self so readers can find the feed again.
    sub(
        channel,
        q(ATOM, "link"),
        attributes={"href": feed.feed_url, "rel": "self", "type": MEDIA_TYPE},
    )
    for entry in feed.entries:
        item = sub(channel, "item", attributes={q(XML_NS, "lang"): entry.language})
        sub(item, "title", entry.title)
        sub(item, "link", entry.url)
        # RSS 2.0 descriptions are HTML; escape so a literal "<" in a summary stays text.
        sub(item, "description", html.escape(entry.summary, quote=False))
        sub(item, q(CONTENT, "encoded"), entry.content.html)
        sub(item, "guid", entry.id, {"isPermaLink": "false"})
        sub(item, "pubDate", format_datetime(entry.updated))
        sub(item, q(DCTERMS, "modified"), rfc3339(entry.updated))
        for category in entry.categories:
            sub(item, "category", category.term, {"domain": category.scheme})
    return serialize(root)

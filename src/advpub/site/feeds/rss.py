"""RSS 2.0 rendering of a :class:`Feed` (dates in RFC 822 form, with the site's offset)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from email.utils import format_datetime

from advpub.site.feeds.entries import Feed
from advpub.site.feeds.xmlutil import ATOM, q, serialize, sub

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
        item = sub(channel, "item")
        sub(item, "title", entry.title)
        sub(item, "link", entry.url)
        # RSS 2.0 descriptions are HTML; escape so a literal "<" in a summary stays text.
        sub(item, "description", html.escape(entry.summary, quote=False))
        sub(item, "guid", entry.id, {"isPermaLink": "false"})
        sub(item, "pubDate", format_datetime(entry.published))
        for category in entry.categories:
            sub(item, "category", category.term, {"domain": category.scheme})
    return serialize(root)

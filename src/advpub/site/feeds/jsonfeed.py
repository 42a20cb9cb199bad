"""JSON Feed 1.1 rendering of a :class:`Feed` (https://www.jsonfeed.org/version/1.1/)."""

from __future__ import annotations

from typing import Any

from advpub.jsonio import dumps
from advpub.site.feeds.entries import Feed, rfc3339

MEDIA_TYPE = "application/feed+json"
VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(feed: Feed) -> bytes:
    """The JSON Feed document; items carry the summary and the entry content (HTML and
    text), the advisory's language and both dates."""
    author: dict[str, str] = {"name": feed.author_name}
    if feed.author_url:
        author["url"] = feed.author_url
    items: list[dict[str, Any]] = []
    for entry in feed.entries:
        item: dict[str, Any] = {
            "id": entry.id,
            "url": entry.url,
            "title": entry.title,
            "content_html": entry.content.html,
            "content_text": entry.content.text,
            "summary": entry.summary,
            "date_published": rfc3339(entry.published),
            "date_modified": rfc3339(entry.updated),
            "language": entry.language,
        }
        tags = list(dict.fromkeys(c.term for c in entry.categories))
        if tags:
            item["tags"] = tags
        items.append(item)
    document: dict[str, Any] = {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.feed_url,
        "description": feed.description,
        "language": feed.language,
        "authors": [author],
        "items": items,
    }
    return dumps(document)

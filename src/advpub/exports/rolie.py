"""ROLIE documents of the CSAF distribution (CSAF requirements 15-17, RFC 8322 in JSON).

- the feed of the TLP:WHITE documents, newest first; each entry links the document
  (``self``), its hash files (``hash``) and, when signed, its signature (``signature``);
- the service document ``service.json`` next to ``provider-metadata.json``, listing the
  feed;
- the category document of the feed: one term per affected vendor/product, so consumers can
  pick the products they run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from advpub.exports.csaf import CSAF_SCHEMA_URL

INFORMATION_TYPE = {"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}
SERVICE_FILE = "service.json"
CATEGORY_FILE = "category-white.json"


class FeedItem(Protocol):
    """What the feed needs of one document (``advpub.exports.site.CsafFile``)."""

    @property
    def ident(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def initial(self) -> str: ...
    @property
    def current(self) -> str: ...


def _newest_first(files: Sequence[FeedItem]) -> list[FeedItem]:
    return sorted(files, key=lambda f: (f.current, f.path), reverse=True)


def rolie_feed(
    *,
    feed_id: str,
    title: str,
    files: Sequence[FeedItem],
    white_url: str,
    feed_url: str,
    updated: str,
    signed: bool,
) -> dict[str, Any]:
    """The ROLIE feed (JSON) of the TLP:WHITE documents, newest first."""
    entries = []
    for f in _newest_first(files):
        url = white_url + f.path
        links = [
            {"rel": "self", "href": url},
            {"rel": "hash", "href": url + ".sha256"},
            {"rel": "hash", "href": url + ".sha512"},
        ]
        if signed:
            links.append({"rel": "signature", "href": url + ".asc"})
        entries.append(
            {
                "id": f.ident,
                "title": f.title,
                "link": links,
                "published": f.initial,
                "updated": f.current,
                "summary": {"content": f.summary},
                "content": {"type": "application/json", "src": url},
                "format": {"schema": CSAF_SCHEMA_URL, "version": "2.0"},
            }
        )
    return {
        "feed": {
            "id": feed_id,
            "title": title,
            "link": [{"rel": "self", "href": feed_url}],
            "category": [dict(INFORMATION_TYPE)],
            "updated": updated,
            "entry": entries,
        }
    }


def service_document(*, title: str, feed_title: str, feed_url: str) -> dict[str, Any]:
    """The ROLIE service document listing the feed (the category document is listed in the
    provider metadata, as gocsaf's provider does)."""
    return {
        "service": {
            "workspace": [
                {
                    "title": title,
                    "collection": [
                        {
                            "title": feed_title,
                            "href": feed_url,
                            "categories": {"category": [dict(INFORMATION_TYPE)]},
                        }
                    ],
                }
            ]
        }
    }


def category_document(terms: Sequence[str]) -> dict[str, Any]:
    """The ROLIE category document: one term per product, alphabetical."""
    unique = sorted(set(terms), key=lambda t: (t.casefold(), t))
    return {"categories": {"category": [{"term": term} for term in unique]}}

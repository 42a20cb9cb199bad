"""Rendered advisory pages kept across builds, keyed by content hash.

Only the content of published advisory pages is cached (the plugin never renders anything
from ``embargo/``). An entry's key hashes the advisory file's bytes, its page URL and the
build fingerprint (:mod:`advpub.site.fingerprint`), so a changed advisory, template,
library or configuration misses the cache. Links to other pages that the template looked
up are stored with the entry and compared on every hit (adding an advisory, or one moving
to another year, changes what they must point at).

Pages whose Markdown output has a relative link or image are never cached: MkDocs resolves
and validates those against the other files of the build. Entries are kept only after a
build without warnings, so a cached page can never hide a warning under ``strict``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mkdocs.structure.toc import AnchorLink, TableOfContents

from advpub.site.store import BuildStore

FORMAT = "advpub-page-cache-2"
# href/src values that are not absolute URLs (MkDocs rewrites and validates those).
_RELATIVE_LINK = re.compile(
    r"""\b(?:href|src)\s*=\s*["']?(?![a-zA-Z][a-zA-Z0-9+.\-]*:|//)""", re.IGNORECASE
)


def has_relative_links(html: str) -> bool:
    """True when ``html`` has a link or image that is not an absolute URL."""
    return _RELATIVE_LINK.search(html) is not None


def toc_to_data(items: Iterable[AnchorLink]) -> list[dict[str, Any]]:
    """A table of contents as JSON-able data."""
    return [
        {"title": i.title, "id": i.id, "level": i.level, "children": toc_to_data(i.children)}
        for i in items
    ]


def toc_from_data(data: list[dict[str, Any]]) -> list[AnchorLink]:
    """The inverse of :func:`toc_to_data`."""
    items = []
    for entry in data:
        link = AnchorLink(entry["title"], entry["id"], entry["level"])
        link.children = toc_from_data(entry["children"])
        items.append(link)
    return items


@dataclass(frozen=True)
class CachedPage:
    """A rendered advisory page: its content HTML, table of contents, anchor ids, search
    entry, and the URLs the template looked up (``adv:<id>``/``page:<src>`` -> URL)."""

    html: str
    toc: TableOfContents
    anchors: frozenset[str]
    search: dict[str, Any]
    lookups: Mapping[str, str]
    has_page: bool = False  # the theme's whole page is stored beside the entry

    def to_json(self) -> str:
        """The entry as stored."""
        return json.dumps(
            {
                "format": FORMAT,
                "html": self.html,
                "toc": toc_to_data(self.toc),
                "anchors": sorted(self.anchors),
                "search": self.search,
                "lookups": dict(self.lookups),
                "has_page": self.has_page,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> CachedPage | None:
        """Parse a stored entry; None for anything unexpected (then the page is rendered)."""
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                return None
            return cls(
                html=str(data["html"]),
                toc=TableOfContents(toc_from_data(data["toc"])),
                anchors=frozenset(data["anchors"]),
                search=dict(data["search"]),
                lookups={str(k): str(v) for k, v in data["lookups"].items()},
                has_page=data.get("has_page") is True,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PageCache:
    """The page cache of one build, in the build store.

    ``get`` reads an entry; ``put`` keeps a page's content until ``put_page_html`` adds the
    theme's whole page and stores the entry in the build's open transaction (so a big cold
    build does not hold every page twice in memory); ``finish`` drops this build's new
    entries again if MkDocs logged a warning since ``start`` (a cached page skips the
    rendering that would warn again), and entries this build did not use, so the store never
    holds more than one entry per advisory.
    """

    def __init__(self, store: BuildStore, fingerprint: str) -> None:
        self.store = store
        self.fingerprint = fingerprint
        self.used: set[str] = set()
        self.pending: dict[str, CachedPage] = {}
        self.written: list[str] = []
        self.hits = 0
        self.misses = 0
        self._warnings = _WarningCounter()

    def start(self) -> None:
        """Count MkDocs warnings from now on."""
        logging.getLogger("mkdocs").addHandler(self._warnings)

    def stop(self) -> None:
        """Stop counting warnings (also on a failed build)."""
        logging.getLogger("mkdocs").removeHandler(self._warnings)

    def key(self, source: bytes, src_uri: str, url: str) -> str:
        """The key of a page: its source (bytes, or their SHA-256), where it is, and the
        build fingerprint."""
        digest = hashlib.sha256(self.fingerprint.encode())
        digest.update(f"\0{src_uri}\0{url}\0".encode())
        digest.update(source)
        return digest.hexdigest()

    def page_html(self, key: str) -> str | None:
        """The theme's whole page of an entry (read again when the page is written, so a
        rebuild never holds every page in memory at once)."""
        return self.store.page_html(key)

    def get(self, key: str, resolve: Callable[[str], str | None]) -> CachedPage | None:
        """The entry for ``key`` if present and every recorded lookup still resolves the same."""
        self.used.add(key)
        stored = self.store.page(key)
        page = CachedPage.from_json(stored[0]) if stored is not None else None
        if page is None or any(resolve(k) != v for k, v in page.lookups.items()):
            self.misses += 1
            return None
        self.hits += 1
        return page

    def put(self, key: str, page: CachedPage) -> None:
        """Remember a freshly rendered page (stored by :meth:`put_page_html`)."""
        self.used.add(key)
        self.pending[key] = page

    def put_page_html(self, key: str, page_html: str) -> None:
        """Add the theme's whole page to a pending entry and store it."""
        page = self.pending.pop(key, None)
        if page is None:
            return
        # The content is inside the whole page: not stored twice.
        stored = replace(page, html="", has_page=True)
        self.store.put_page(key, stored.to_json(), page_html)
        self.written.append(key)

    def finish(self) -> None:
        """Keep new entries only without warnings; drop entries this build did not use."""
        self.stop()
        self.pending.clear()
        written, self.written = self.written, []
        if self._warnings.count:
            self.store.drop_pages(written)
            return
        self.store.keep_pages(self.used)


class Memo:
    """Bytes computed by an earlier build, by key, in the build store: exports and listing
    pages of published advisories, which are a deterministic function of what their key
    covers. Entries this build did not use are dropped by :meth:`finish`."""

    def __init__(self, store: BuildStore) -> None:
        self.store = store
        self.used: set[str] = set()

    def get(self, key: str, compute: Callable[[], bytes]) -> bytes:
        """The bytes stored under ``key``, or ``compute()`` (then stored)."""
        self.used.add(key)
        value = self.store.memo(key)
        if value is None:
            value = compute()
            self.store.put_memo(key, value)
        return value

    def finish(self) -> None:
        """Drop the entries this build did not use."""
        self.store.keep_memo(self.used)

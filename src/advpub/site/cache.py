"""A cache of rendered advisory pages across builds, keyed by content hash.

Only the content of published advisory pages is cached (the plugin never renders anything
from ``embargo/``). An entry's key hashes the advisory file's bytes, its page URL and a
build fingerprint: the cache format, the advpub code and templates, the versions of the
libraries that render Markdown and HTML, ``mkdocs.yml`` and the resolved settings, so a
changed advisory, template, library or configuration misses the cache. Links to other
pages that the template looked up are stored with the entry and compared on every hit
(adding an advisory, or one moving to another year, changes what they must point at).

Pages whose Markdown output has a relative link or image are never cached: MkDocs resolves
and validates those against the other files of the build. Entries are written only after a
build without warnings, so a cached page can never hide a warning under ``strict``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.structure.toc import AnchorLink, TableOfContents

FORMAT = "advpub-page-cache-1"
CACHE_DIR = (".cache", "advpub", "pages")
LIBRARIES = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "pygments",
    "nh3",
    "jinja2",
    "markupsafe",
    "pyyaml",
    "advpub",
)
_CODE_SUFFIXES = frozenset({".py", ".html", ".yml", ".yaml", ".css", ".json"})
# href/src values that are not absolute URLs (MkDocs rewrites and validates those).
_RELATIVE_LINK = re.compile(
    r"""\b(?:href|src)\s*=\s*["']?(?![a-zA-Z][a-zA-Z0-9+.\-]*:|//)""", re.IGNORECASE
)


def has_relative_links(html: str) -> bool:
    """True when ``html`` has a link or image that is not an absolute URL."""
    return _RELATIVE_LINK.search(html) is not None


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def tree_digest(folders: Iterable[Path]) -> str:
    """A digest of the code and template files under ``folders`` (names and contents)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in _CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(b"\0")
                digest.update(path.read_bytes())
                digest.update(b"\0")
    return digest.hexdigest()


def build_fingerprint(
    code_folders: Iterable[Path], config_file: Path | None, *parts: object
) -> str:
    """What every entry's key depends on besides the advisory itself."""
    digest = hashlib.sha256(FORMAT.encode())
    digest.update(tree_digest(code_folders).encode())
    for name in LIBRARIES:
        digest.update(f"{name}={_version(name)}\0".encode())
    if config_file is not None and config_file.is_file():
        digest.update(config_file.read_bytes())
    for part in parts:
        digest.update(b"\0")
        digest.update(json.dumps(part, sort_keys=True, default=repr).encode())
    return digest.hexdigest()


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
    has_page: bool = False  # the theme's whole page is stored beside (``<key>.html``)

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


def _write(path: Path, text: str) -> None:
    # Rename into place (readers never see half an entry) but no fsync: a cache entry lost
    # in a crash is only rendered again, and 10,000 fsyncs would cost seconds.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PageCache:
    """The cache folder of one build.

    ``get`` reads an entry; ``put`` keeps a page's content until ``put_page_html`` adds the
    theme's whole page and writes the entry as ``<key>.pending`` (so a big cold build does
    not hold every page twice in memory); ``commit`` turns pending entries into real ones
    only if MkDocs logged no warning since ``start`` (a cached page skips the rendering that
    would warn again), and removes entries this build did not use, so the folder never
    grows past one entry per advisory.
    """

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
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
        """The key of a page: its source bytes, where it is, and the build fingerprint."""
        digest = hashlib.sha256(self.fingerprint.encode())
        digest.update(f"\0{src_uri}\0{url}\0".encode())
        digest.update(source)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def page_html(self, key: str) -> str | None:
        """The theme's whole page of an entry (read when the page is written, so a rebuild
        never holds every page in memory at once)."""
        try:
            return self._path(key).with_suffix(".html").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def get(self, key: str, resolve: Callable[[str], str | None]) -> CachedPage | None:
        """The entry for ``key`` if present and every recorded lookup still resolves the same."""
        self.used.add(key)
        try:
            text = self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            self.misses += 1
            return None
        page = CachedPage.from_json(text)
        if page is None or any(resolve(k) != v for k, v in page.lookups.items()):
            self.misses += 1
            return None
        self.hits += 1
        return page

    def put(self, key: str, page: CachedPage) -> None:
        """Remember a freshly rendered page (written by :meth:`commit`)."""
        self.used.add(key)
        self.pending[key] = page

    def put_page_html(self, key: str, page_html: str) -> None:
        """Add the theme's whole page to a pending entry and write it as pending."""
        page = self.pending.pop(key, None)
        if page is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The content is inside the whole page: not stored twice.
        stored = replace(page, html="", has_page=True)
        _write(path.with_suffix(".pending-html"), page_html)
        _write(path.with_suffix(".pending"), stored.to_json())
        self.written.append(key)

    def commit(self) -> None:
        """Write new entries (unless there were warnings) and drop unused ones."""
        self.stop()
        self.pending.clear()
        written, self.written = self.written, []
        if self._warnings.count:
            for key in written:
                self._path(key).with_suffix(".pending").unlink(missing_ok=True)
                self._path(key).with_suffix(".pending-html").unlink(missing_ok=True)
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder.parent / ".gitignore"
        if not ignore.exists():
            # Never committed by accident, wherever the repository's .gitignore stands.
            _write(ignore, "# advpub build cache\n*\n")
        for key in written:
            path = self._path(key)
            try:
                path.with_suffix(".pending-html").replace(path.with_suffix(".html"))
                path.with_suffix(".pending").replace(path)
            except FileNotFoundError:
                # A concurrent build (`advpub serve` beside `advpub build`) pruned it: the
                # page is simply rendered again next time.
                path.unlink(missing_ok=True)
        for sub in self.folder.iterdir():
            if not sub.is_dir():
                continue
            for entry in sub.iterdir():
                # Unused entries, and pending ones a failed build left behind.
                if entry.suffix not in (".json", ".html") or entry.stem not in self.used:
                    entry.unlink(missing_ok=True)
            if not any(sub.iterdir()):
                sub.rmdir()

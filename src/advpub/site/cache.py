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

FORMAT = "advpub-page-cache-2"
ENTRY_SUFFIX = ".entry"
CACHE_DIR = (".cache", "advpub", "pages")
MEMO_FILE = (".cache", "advpub", "memo.bin")
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
    "cvss",
    "cwe2",
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
    has_page: bool = False  # the theme's whole page is stored after the entry's first line

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
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    # Rename into place (readers never see half an entry) but no fsync: a cache entry lost
    # in a crash is only rendered again, and 10,000 fsyncs would cost seconds.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
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
        """The key of a page: its source (bytes, or their SHA-256), where it is, and the
        build fingerprint."""
        digest = hashlib.sha256(self.fingerprint.encode())
        digest.update(f"\0{src_uri}\0{url}\0".encode())
        digest.update(source)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        # One file per entry: the entry as one JSON line, then the theme's whole page.
        return self.folder / key[:2] / f"{key}{ENTRY_SUFFIX}"

    def _read(self, key: str) -> tuple[str, str] | None:
        try:
            text = self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        head, newline, page_html = text.partition("\n")
        return (head, page_html) if newline else None

    def page_html(self, key: str) -> str | None:
        """The theme's whole page of an entry (read again when the page is written, so a
        rebuild never holds every page in memory at once)."""
        stored = self._read(key)
        return stored[1] if stored is not None else None

    def get(self, key: str, resolve: Callable[[str], str | None]) -> CachedPage | None:
        """The entry for ``key`` if present and every recorded lookup still resolves the same."""
        self.used.add(key)
        stored = self._read(key)
        if stored is None:
            self.misses += 1
            return None
        page = CachedPage.from_json(stored[0])
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
        # Written in place: a pending entry only becomes real by the rename in commit().
        path.with_suffix(".pending").write_text(
            f"{stored.to_json()}\n{page_html}", encoding="utf-8"
        )
        self.written.append(key)

    def commit(self) -> None:
        """Write new entries (unless there were warnings) and drop unused ones."""
        self.stop()
        self.pending.clear()
        written, self.written = self.written, []
        if self._warnings.count:
            for key in written:
                self._path(key).with_suffix(".pending").unlink(missing_ok=True)
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder.parent / ".gitignore"
        if not ignore.exists():
            # Never committed by accident, wherever the repository's .gitignore stands.
            _write(ignore, "# advpub build cache\n*\n")
        for key in written:
            path = self._path(key)
            try:
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
                if entry.suffix != ENTRY_SUFFIX or entry.stem not in self.used:
                    entry.unlink(missing_ok=True)
            if not any(sub.iterdir()):
                sub.rmdir()


MEMO_FORMAT = b"advpub-memo-1\n"


class MemoFile:
    """Bytes computed by an earlier build, by key, in one file (``.cache/advpub/memo.bin``):
    exports of published advisories, which are a deterministic function of what their key
    covers. One file rather than one per entry: on a 2-core VM every file written costs far
    more than the bytes in it.

    Format: ``advpub-memo-1\n`` then records ``<64 hex key> <length>\n<bytes>``. A damaged
    file is ignored (everything is computed again).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, bytes] | None = None
        self.used: dict[str, bytes] = {}
        self.changed = False

    def _load(self) -> dict[str, bytes]:
        entries: dict[str, bytes] = {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return entries
        if not data.startswith(MEMO_FORMAT):
            return entries
        at, end = len(MEMO_FORMAT), len(data)
        try:
            while at < end:
                line_end = data.index(b"\n", at)
                key, size = data[at:line_end].decode("ascii").split(" ")
                start = line_end + 1
                stop = start + int(size)
                if len(key) != 64 or stop > end:
                    return {}
                entries[key] = data[start:stop]
                at = stop
        except (ValueError, UnicodeDecodeError):
            return {}
        return entries

    def get(self, key: str, compute: Callable[[], bytes]) -> bytes:
        """The bytes stored under ``key``, or ``compute()`` (stored by :meth:`commit`)."""
        if self.entries is None:
            self.entries = self._load()
        value = self.entries.get(key)
        if value is None:
            value = compute()
            self.changed = True
        self.used[key] = value
        return value

    def commit(self) -> None:
        """Write the entries this build used (only when that set changed)."""
        if self.entries is None:
            return
        if not self.changed and self.used.keys() == self.entries.keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            handle.write(MEMO_FORMAT)
            for key, value in sorted(self.used.items()):
                handle.write(f"{key} {len(value)}\n".encode("ascii"))
                handle.write(value)
        tmp.replace(self.path)

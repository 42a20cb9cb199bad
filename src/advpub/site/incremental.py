"""What one build reuses from the last: rendered pages, computed exports, unchanged files.

The plugin asks an :class:`IncrementalBuild` a few questions at fixed points of a build and
never looks inside it. Two variants:

- :class:`IncrementalBuild` itself keeps nothing: every page is rendered, every export
  computed and every file written (plain ``mkdocs build`` and ``mkdocs serve``, whose output
  folder MkDocs cleans itself);
- :class:`StoredBuild` (``advpub build``) keeps them in the build store
  (:mod:`advpub.site.store`): the page cache (:mod:`advpub.site.pagecache`), the memo of
  exports and listing pages, and unless ``--clean`` the unchanged files of the output
  folder (:mod:`advpub.site.reuse`). Everything it stored is kept only when the build
  succeeds (:meth:`IncrementalBuild.commit`); a failed build drops it
  (:meth:`IncrementalBuild.abort`).

Either way the output is byte-identical; what is reused is keyed by the bytes of the
published advisory, its URL and the build fingerprint (:mod:`advpub.site.fingerprint`).
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from advpub.config import Settings
from advpub.model import Advisory
from advpub.site.fingerprint import site_fingerprint
from advpub.site.listings import SitePage
from advpub.site.marker import MARKER_FILE
from advpub.site.pagecache import CachedPage, Memo, PageCache, has_relative_links
from advpub.site.render import Renderer
from advpub.site.reuse import CSAF_FOLDER, OutputReuse, empty_folder
from advpub.site.store import STORE_FILE, BuildStore, SessionStore, StoreBusy

log = logging.getLogger("mkdocs.plugins.advpub")

# Plugins whose presence still lets `advpub build` keep unchanged files of the last build:
# none of them changes a page after the theme rendered it or rewrites files of site/.
KEEP_OUTPUT_PLUGINS = frozenset({"advpub", "search", "material/search"})


class Reuse(enum.Enum):
    """What a build may take from the last one (set on the plugin by ``advpub build``)."""

    NOTHING = "nothing"  # plain `mkdocs build` / `mkdocs serve`
    STORED = "stored"  # `advpub build --clean`: stored pages and exports, every file written
    OUTPUT = "output"  # `advpub build`: also the unchanged files of the output folder


def _prepare_folder(site_dir: Path, *, empty: bool) -> None:
    """Prepare an output folder of which nothing is kept."""
    if empty:
        # MkDocs runs without cleaning (`advpub build`), but nothing of the folder is kept.
        if site_dir.is_dir():
            empty_folder(site_dir)
    else:
        # MkDocs never cleans hidden folders: exports of a removed advisory must go.
        shutil.rmtree(site_dir / CSAF_FOLDER, ignore_errors=True)


def _content_tag(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


class IncrementalBuild:
    """A build that keeps nothing (see the module docstring); the base of :class:`StoredBuild`.

    Order of calls: :meth:`start` once the published advisories are known; per page
    :meth:`cached_page`, :meth:`rendered_page`, :meth:`listing_html`,
    :meth:`template_page`, :meth:`page_output`; per generated file :meth:`output_unchanged`;
    then :meth:`remove_stale`, the leak scan (:attr:`scan_salt`, :meth:`scanned_clean`) and
    :meth:`commit`, or :meth:`abort` on any failure.
    """

    scan_salt = ""

    def start(
        self, digests: Mapping[str, bytes], advisory_urls: Mapping[str, str], site_wide: str = ""
    ) -> None:
        """The published advisories are known: their file digests and page URLs, and
        ``site_wide``: what every page shows of the whole site (the per-language feeds in
        its head), part of every stored page's key."""

    def memo(self, kind: str, adv: Advisory, compute: Callable[[], bytes]) -> bytes:
        """``compute()``, or the bytes an earlier build computed for ``kind`` of ``adv``."""
        return compute()

    def is_memoized(self, kind: str, adv: Advisory) -> bool:
        """True when :meth:`memo` would return stored bytes for ``kind`` of ``adv``."""
        return False

    def cached_page(
        self, adv: Advisory, src: str, url: str, dest: str, resolve: Callable[[str], str | None]
    ) -> CachedPage | None:
        """The stored rendering of an advisory page, or None when it must be rendered."""
        return None

    def hit(self, src: str) -> CachedPage | None:
        """The stored rendering :meth:`cached_page` found for ``src``."""
        return None

    def rendered_page(self, src: str, dest: str, markdown_html: str, page: CachedPage) -> None:
        """An advisory page was rendered (``markdown_html``: Markdown's output)."""

    def listing_html(self, page: SitePage, current: str, renderer: Renderer) -> str:
        """The content of a generated page (stored for listing pages)."""
        return renderer.site_page(page, current)

    def template_page(self, src: str) -> str | None:
        """The theme's whole page for the cached-page template; "" when the file of the last
        build stays; None when the theme renders the page."""
        return None

    def page_output(self, src: str, dest: str, output: str, *, generated: bool) -> str:
        """What MkDocs writes for a page: ``output``, or "" when the same file is there."""
        return output

    def output_unchanged(self, rel: str, content: bytes) -> bool:
        """True when the output folder already holds ``content`` at ``rel`` (not written)."""
        return False

    def remove_stale(self) -> None:
        """Delete kept files this build did not produce again."""

    def scanned_clean(self, scan: str | None) -> frozenset[str]:
        """Files the leak scan with fingerprint ``scan`` may skip."""
        return frozenset()

    def commit(self, scan: str | None) -> None:
        """The build succeeded (its marker is written): keep what it stored."""

    def abort(self) -> None:
        """The build failed: keep nothing of it."""

    # Pages rendered in forked worker processes (advpub.site.driver): each worker starts
    # from the build's state at the fork, records what its pages change, and the build
    # merges those changes; pages are disjoint, so merging is a union.

    def start_worker(self) -> None:
        """In a page worker just forked from the build: record this worker's changes only."""

    def worker_changes(self) -> WorkerChanges | None:
        """What this worker's pages changed (None: nothing kept)."""
        return None

    def merge_worker(self, changes: WorkerChanges | None) -> None:
        """Take a page worker's changes into the build."""


@dataclass
class WorkerChanges:
    """What a page worker's pages changed in a :class:`StoredBuild` (see
    :meth:`IncrementalBuild.start_worker`): the store writes it deferred, and the page
    cache's, memo's and kept files' bookkeeping of its pages."""

    writes: list[tuple[str, list[tuple[Any, ...]]]] = field(default_factory=list)
    pages_used: set[str] = field(default_factory=set)
    pages_written: list[str] = field(default_factory=list)
    pages_pending: dict[str, CachedPage] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    memo_used: set[str] = field(default_factory=set)
    keys: dict[str, str] = field(default_factory=dict)
    cached: dict[str, CachedPage] = field(default_factory=dict)
    page_tags: dict[str, tuple[str, str]] = field(default_factory=dict)
    reused_pages: set[str] = field(default_factory=set)
    reused_files: set[str] = field(default_factory=set)
    file_tags: dict[str, str] = field(default_factory=dict)


class StoredBuild(IncrementalBuild):
    """A build that keeps pages, exports and (optionally) output files in the build store."""

    def __init__(self, store: BuildStore, fingerprint: str, reuse: OutputReuse | None) -> None:
        self.store = store
        self.pages = PageCache(store, fingerprint)
        self.memos = Memo(store)
        self.reuse = reuse
        self.scan_salt = fingerprint
        self.digests: Mapping[str, bytes] = {}
        self.advisory_urls: Mapping[str, str] = {}
        self.keys: dict[str, str] = {}
        self.hits: dict[str, CachedPage] = {}
        self.page_tags: dict[str, tuple[str, str]] = {}
        self.reused_pages: set[str] = set()
        self.site_wide = ""

    def start(
        self, digests: Mapping[str, bytes], advisory_urls: Mapping[str, str], site_wide: str = ""
    ) -> None:
        self.digests, self.advisory_urls = digests, advisory_urls
        self.site_wide = site_wide
        self.pages.start()

    def memo(self, kind: str, adv: Advisory, compute: Callable[[], bytes]) -> bytes:
        page = adv.page_key
        key = self.pages.key(self.digests[page], f"{kind}:{page}", self.advisory_urls[page])
        return self.memos.get(key, compute)

    def is_memoized(self, kind: str, adv: Advisory) -> bool:
        key = self.pages.key(self.digests[adv.id], f"{kind}:{adv.id}", self.advisory_urls[adv.id])
        return self.store.has_memo(key)

    def cached_page(
        self, adv: Advisory, src: str, url: str, dest: str, resolve: Callable[[str], str | None]
    ) -> CachedPage | None:
        # The page's URL and the site-wide part of its head: a page stored when the site had
        # one language must not be reused once it has two (its head links each language's feed).
        where = f"{url}\0{self.site_wide}"
        key = self.keys[src] = self.pages.key(self.digests[adv.page_key], src, where)
        hit = self.pages.get(key, resolve)
        if hit is None:
            return None
        self.hits[src] = hit
        if hit.has_page:
            tag = self.page_tags[src] = (dest, f"page:{key}")
            if self.reuse is not None and self.reuse.can_reuse(*tag):
                self.reused_pages.add(src)
        return hit

    def hit(self, src: str) -> CachedPage | None:
        return self.hits.get(src)

    def rendered_page(self, src: str, dest: str, markdown_html: str, page: CachedPage) -> None:
        key = self.keys.get(src)
        if key is not None and not has_relative_links(markdown_html):
            self.pages.put(key, page)
            self.page_tags[src] = (dest, f"page:{key}")

    def listing_html(self, page: SitePage, current: str, renderer: Renderer) -> str:
        key = self._listing_key(page, current, renderer)
        if key is None:
            return renderer.site_page(page, current)
        stored = self.memos.get(key, lambda: renderer.site_page(page, current).encode())
        return stored.decode("utf-8")

    def template_page(self, src: str) -> str | None:
        hit = self.hits.pop(src, None)
        key = self.keys.get(src)
        if src in self.reused_pages:
            return ""
        if hit is None or not hit.has_page or key is None:
            return None
        cached = self.pages.page_html(key)
        if cached is None:
            raise PluginError(
                f"advpub: the page cache lost {src} during the build; "
                "build again (or delete .cache/advpub)"
            )
        return cached

    def page_output(self, src: str, dest: str, output: str, *, generated: bool) -> str:
        key = self.keys.pop(src, None)
        reuse = self.reuse
        if src in self.reused_pages and reuse is not None:
            reuse.reuse(*self.page_tags[src])
            return ""  # MkDocs writes nothing: the same page is already there
        if key is not None:
            self.pages.put_page_html(key, output)
        if reuse is not None and generated:
            # Generated pages (listings, home): unchanged bytes are not written again.
            tag = _content_tag(output.encode("utf-8", errors="xmlcharrefreplace"))
            if reuse.can_reuse(dest, tag):
                reuse.reuse(dest, tag)
                return ""
            reuse.wrote(dest, tag)
        return output

    def output_unchanged(self, rel: str, content: bytes) -> bool:
        reuse = self.reuse
        if reuse is None:
            return False
        tag = _content_tag(content)
        if reuse.can_reuse(rel, tag):
            reuse.reuse(rel, tag)
            return True
        reuse.wrote(rel, tag)
        return False

    def remove_stale(self) -> None:
        if self.reuse is not None:
            self.reuse.remove_stale()

    def scanned_clean(self, scan: str | None) -> frozenset[str]:
        return self.reuse.scanned_clean(scan) if self.reuse is not None else frozenset()

    def commit(self, scan: str | None) -> None:
        self.pages.finish()
        self.memos.finish()
        reuse = self.reuse
        if reuse is not None:
            for src, (dest, page_tag) in self.page_tags.items():
                # Reused again only on a page-cache hit for the same key, that is when the
                # entry was stored (a build with warnings stores none).
                if src not in self.reused_pages:
                    reuse.wrote(dest, page_tag)
            reuse.commit(MARKER_FILE, scan)
        self.store.commit()
        self.store.close()

    def abort(self) -> None:
        self.pages.stop()
        self.store.close()

    def start_worker(self) -> None:
        self.store.detach_for_worker()
        pages = self.pages
        pages.used, pages.written, pages.pending = set(), [], {}
        pages.hits = pages.misses = 0
        self.memos.used = set()
        self.keys, self.hits, self.page_tags, self.reused_pages = {}, {}, {}, set()
        if self.reuse is not None:
            self.reuse.reused, self.reuse.tags = set(), {}

    def worker_changes(self) -> WorkerChanges | None:
        pages, reuse = self.pages, self.reuse
        return WorkerChanges(
            writes=self.store.take_deferred(),
            pages_used=pages.used,
            pages_written=pages.written,
            pages_pending=pages.pending,
            hits=pages.hits,
            misses=pages.misses,
            memo_used=self.memos.used,
            keys=self.keys,
            cached=self.hits,
            page_tags=self.page_tags,
            reused_pages=self.reused_pages,
            reused_files=reuse.reused if reuse is not None else set(),
            file_tags=reuse.tags if reuse is not None else {},
        )

    def merge_worker(self, changes: WorkerChanges | None) -> None:
        if changes is None:
            return
        self.store.apply_deferred(changes.writes)
        pages = self.pages
        pages.used |= changes.pages_used
        pages.written.extend(changes.pages_written)
        pages.pending.update(changes.pages_pending)
        pages.hits += changes.hits
        pages.misses += changes.misses
        self.memos.used |= changes.memo_used
        self.keys.update(changes.keys)
        self.hits.update(changes.cached)
        self.page_tags.update(changes.page_tags)
        self.reused_pages |= changes.reused_pages
        if self.reuse is not None:
            self.reuse.reused |= changes.reused_files
            self.reuse.tags.update(changes.file_tags)

    def _listing_key(self, page: SitePage, current: str, renderer: Renderer) -> str | None:
        """The memo key of a listing page's content: everything its template reads (the
        rows' advisory files and URLs, the pagination, the titles) under the build
        fingerprint; None for the home and overview pages (few, and they read more)."""
        group = page.group
        if page.kind != "listing" or group is None:
            return None
        parts = [
            renderer.title(page),
            [group.kind, group.key, group.title, group.base, len(group.advisories)],
            [page.number, [[s, renderer.page_urls.get(s)] for s in page.siblings]],
            [
                [a.page_key, self.digests[a.page_key].hex(), renderer.advisory_urls[a.page_key]]
                for a in page.advisories
            ],
        ]
        data = json.dumps(parts, ensure_ascii=False).encode()
        return self.pages.key(data, f"listing:{page.src_uri}", current)


# The store of the `advpub serve` / `advpub preview` session running in this process (set
# only by live_session: in process, never by an environment variable or a setting).
_session: SessionStore | None = None


@contextmanager
def live_session() -> Iterator[SessionStore]:
    """While ``advpub serve`` or ``advpub preview`` runs: every build of the plugin keeps
    pages, exports and unchanged output files in a store in memory (:class:`SessionStore`),
    so a rebuild after an edit renders only what depends on it. Builds of a session must be
    run without cleaning (MkDocs' ``dirty``): the plugin cleans the output folder itself."""
    global _session
    saved, _session = _session, SessionStore()
    try:
        yield _session
    finally:
        _session.end()
        _session = saved


def session_store() -> SessionStore | None:
    """The store of the live session running in this process, if any."""
    return _session


def start_build(
    config: Any, settings: Settings, reuse: Reuse, session: SessionStore | None = None
) -> IncrementalBuild:
    """The incremental build for MkDocs' ``config`` (before MkDocs lists the files): opens
    the store (``session``: the live session's, in memory) and prepares the output folder
    (keeping what the manifest vouches for)."""
    site_dir = Path(config["site_dir"])
    keep_output = reuse is Reuse.OUTPUT
    plugins = set(config["plugins"])
    if keep_output and not plugins <= KEEP_OUTPUT_PLUGINS:
        if site_dir.is_dir():
            log.info(
                "advpub: other plugins are enabled "
                f"({', '.join(sorted(plugins - KEEP_OUTPUT_PLUGINS))}): writing every file"
            )
        keep_output = False
    if reuse is Reuse.NOTHING:
        _prepare_folder(site_dir, empty=False)
        return IncrementalBuild()
    try:
        store = (
            session if session is not None else BuildStore.open(settings.root.joinpath(*STORE_FILE))
        )
    except StoreBusy as exc:
        log.info(f"advpub: building without .cache/advpub (another build uses it: {exc})")
        _prepare_folder(site_dir, empty=reuse is Reuse.OUTPUT)
        return IncrementalBuild()
    try:
        output: OutputReuse | None = None
        if keep_output:
            output = OutputReuse(site_dir, store)
            output.prepare(MARKER_FILE)
        else:
            _prepare_folder(site_dir, empty=reuse is Reuse.OUTPUT)
        store.begin()
    except StoreBusy as exc:
        store.close()
        log.info(f"advpub: building without .cache/advpub (another build uses it: {exc})")
        _prepare_folder(site_dir, empty=reuse is Reuse.OUTPUT)
        return IncrementalBuild()
    except BaseException:
        store.close()
        raise
    return StoredBuild(store, site_fingerprint(config, settings), output)

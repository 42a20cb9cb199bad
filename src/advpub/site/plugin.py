"""The ``advpub`` MkDocs plugin: a thin adapter from MkDocs' events to advpub.site functions.

Each hook is a few lines that call a named step:

- ``on_config``: read the settings, refuse settings that let files skip the plugin
  (:mod:`advpub.site.sources`), shape the theme, search and nav;
- ``on_pre_build``: refuse links and a missing sentinel under the docs folder, then start
  the :class:`~advpub.site.incremental.IncrementalBuild` (under ``advpub build`` it opens the
  build store and keeps the unchanged files of the last build; under plain ``mkdocs`` it
  keeps nothing);
- ``on_files`` (last of all plugins): evaluate the release gate for every advisory (failing
  the build on any refusal), remove every other file of the docs folder except media a
  released advisory links to, give advisory pages their URLs, add the generated pages
  (:mod:`advpub.site.listings`) and run the registered output generators
  (:attr:`AdvpubPlugin.generators`: feeds and exports, over :mod:`advpub.outputs`);
- ``on_env`` (last): refuse docs files added after that;
- ``on_page_markdown``/``on_page_content``/``on_page_context``/``on_post_page``: render pages
  from the model, or take them (or the unchanged file) from the incremental build;
- ``on_post_build`` (last of all plugins): write the generated files, scan the output for
  embargoed drafts (every file this build wrote; kept files only when the drafts changed),
  write the marker ``advpub build`` checks, and let the incremental build keep its state.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property, lru_cache, partial
from html import escape
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from advpub.config import AdvpubConfig, Settings, settings_from_mkdocs
from advpub.corpus import Corpus, load_corpus
from advpub.embargo.identity import Identity
from advpub.errors import AdvpubError
from advpub.exports.site import export_outputs
from advpub.layout import is_advisory_name
from advpub.leaks import public_text
from advpub.model import Advisory
from advpub.model.timeutil import format_iso_utc
from advpub.outputs import Generator, Output, SiteContext, generate_all
from advpub.site.build_checks import (
    build_now,
    leak_message,
    prepare_scan,
    release_problems,
    remove_site,
)
from advpub.site.export_prefetch import start_exports
from advpub.site.feeds import feed_links, feed_outputs
from advpub.site.feeds.languages import language_feed_links, language_feed_outputs
from advpub.site.feeds.links import page_feed_links, site_feed_links
from advpub.site.head import advisory_head
from advpub.site.i18n import Labels, labels_for
from advpub.site.incremental import (
    KEEP_OUTPUT_PLUGINS,
    IncrementalBuild,
    Reuse,
    WorkerChanges,
    session_store,
    start_build,
)
from advpub.site.languages import feed_languages, in_language, page_dir
from advpub.site.listings import (
    HOME_SRC_URI,
    OVERVIEWS,
    SitePage,
    overview_src_uri,
    plan_site,
)
from advpub.site.marker import BuildMarker, write_marker
from advpub.site.pagecache import CachedPage
from advpub.site.parallel import Workers, worker_count
from advpub.site.preview import PreviewDrafts, PreviewMode, is_inside, mark_page
from advpub.site.render import Renderer, content_environment
from advpub.site.sanitize import join_wide_line_breaks, sanitize_html
from advpub.site.scanning import Found, OutputScanner, set_terms
from advpub.site.search import index_entries, merge_entries, search_entry
from advpub.site.sources import (
    SENTINEL_NAME,
    config_problems,
    link_problems,
    linked_media,
    sentinel_problem,
)
from advpub.site.templatecache import use_bytecode_cache

log = logging.getLogger("mkdocs.plugins.advpub")

# Files besides advisories that advisories/ may publish (images and plain text only).
PUBLISHED_MEDIA = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt"})

CSS_URI = "assets/advpub/advpub.css"
# advpub's search (advpub.site.search): a page script and advpub's worker, which starts
# Material's lunr worker beside it (so that one finds its language files at the same
# relative path) and answers identifiers, Japanese, and words until lunr is ready.
SEARCH_SCRIPTS = {
    "assets/advpub/advpub-search.js": "advpub-search.js",
    "assets/javascripts/workers/advpub-search-worker.js": "advpub-search-worker.js",
}
# The theme template of a page whose whole HTML comes from the page cache.
CACHED_TEMPLATE = "advpub-cached-page.html"


def _nav_paths(nav: object) -> list[str]:
    """Every page path referenced by a MkDocs nav structure."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_paths(value)]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_paths(item)]
    return []


def site_nav(labels: Labels) -> list[dict[str, str]]:
    """The short navigation: home and the overview pages (never one entry per advisory)."""
    keys = {"year": "nav.archive", "product": "nav.products", "severity": "nav.severity"}
    nav = [{labels("nav.home"): HOME_SRC_URI}]
    for kind, _folder in OVERVIEWS:
        nav.append({labels(keys.get(kind, "nav.cwe")): overview_src_uri(kind)})
    return nav


def _front_matter(title: str) -> str:
    # JSON strings are valid YAML scalars, so the title needs no further escaping.
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n"


def _docs_test(config: Any) -> Callable[[File], bool]:
    """A test for "this file comes from the docs folder" by its source path (lexically, no
    system call per file; the resolved folder too when docs_dir is reached by a link)."""
    docs_dir = os.path.normpath(config["docs_dir"])
    prefixes = tuple({docs_dir + os.sep, str(Path(docs_dir).resolve()) + os.sep})

    def in_docs(file: File) -> bool:
        source = file.abs_src_path
        return source is not None and os.path.normpath(source).startswith(prefixes)

    return in_docs


def _all_translations(corpus: Corpus) -> list[Advisory]:
    """Every linked translation's view (each becomes a page of its own)."""
    return [t for group in corpus.translations.values() for t in group]


def _safe_output_path(output: Output) -> PurePosixPath:
    path = PurePosixPath(output.path)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in output.path:
        raise PluginError(f"advpub: generator output {output.path!r} is not a site-relative path")
    return path


def _advisory_meta(adv: Advisory) -> dict[str, Any]:
    """An advisory page's metadata: only keys the plugin controls (a front matter
    ``template:`` or ``hide:`` has no say). Material prints page.meta values into HTML
    without escaping (title, header, description attribute), so they are escaped here."""
    return {
        "title": escape(adv.title),
        "description": escape(adv.summary),
        # Material's search gives tags a very high boost: exact ids rank first.
        "tags": [escape(i) for i in adv.identifiers],
        # Indexed by advpub.site.search (one small entry, not every section).
        "search": {"exclude": True},
    }


class AdvisoryFile(File):
    """The source file of a published advisory. Always "modified": MkDocs without cleaning
    (``advpub build``) would skip pages whose output is newer than the source; the
    incremental build decides itself (by page-cache key) which pages need not be written."""

    def is_modified(self) -> bool:
        """Always True (see the class docstring)."""
        return True

    @property
    def src_path(self) -> str:
        """As MkDocs' (the path with the platform's separators)."""
        return os.path.normpath(self.src_uri)

    @src_path.setter
    def src_path(self, value: str) -> None:
        # Always the src_uri of a File MkDocs made (POSIX, normalised): no PurePath for each
        # of thousands of advisories in every build and every live reload.
        self.src_uri = value

    @classmethod
    def placed(cls, file: File, dest_uri: str) -> AdvisoryFile:
        """``file`` as an advisory page written to ``dest_uri`` (never in the nav)."""
        return cls(
            file.src_uri,
            file.src_dir,
            file.dest_dir,
            file.use_directory_urls,
            dest_uri=dest_uri,
            inclusion=InclusionLevel.NOT_IN_NAV,
        )


# A page URL of plain folder names (``2026/ADV-2026-0001/``), which ``urljoin`` appends to a
# site URL ending in ``/`` unchanged; a site URL with a query or fragment is left to it.
_PLAIN_FOLDERS = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)+")
_URL_EXTRAS = re.compile(r"[?#]")


@lru_cache(maxsize=8)
def _url_path(url: str) -> str:
    return urlsplit(url).path


class AdvisoryPage(Page):
    """The page of a published advisory. ``on_page_markdown`` supplies its body and metadata
    from the parsed model, so MkDocs does not read the file and parse its front matter again
    (a pure-Python YAML parse per page)."""

    from_cache = False  # set by on_page_markdown on a page-cache hit

    def _set_canonical_url(self, base: str | None) -> None:
        """As MkDocs' (``urljoin`` of the site URL and the page's), without parsing two
        URLs for each of thousands of advisory pages when the page's URL is plain folders."""
        url = self.url
        if base and _PLAIN_FOLDERS.fullmatch(url) and not _URL_EXTRAS.search(base):
            base = base if base.endswith("/") else base + "/"
            self.canonical_url = base + url
            self.abs_url = _url_path(base) + url
        else:
            super()._set_canonical_url(base)

    def read_source(self, config: Any) -> None:
        """No Markdown and no metadata yet: see :meth:`AdvpubPlugin.on_page_markdown`."""
        self.markdown, self.meta = "", {}

    def render(self, config: Any, files: Files) -> None:
        """Markdown, unless the page cache holds the page (``on_page_content`` fills it)."""
        if not self.from_cache:
            super().render(config, files)
            return
        self.content = ""
        self.toc = TableOfContents([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


@dataclass(frozen=True)
class PublishedSite:
    """What ``on_files`` decided for one build: the released advisories, their pages, the
    generated pages and files; the later hooks only read it (and collect search entries)."""

    now: datetime
    advisories: tuple[Advisory, ...]
    by_src: dict[str, Advisory]
    pages: dict[str, SitePage]
    renderer: Renderer
    sources: set[str]  # src_uri of every docs-folder file kept (advisories, linked media)
    outputs: list[Output]
    search_entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @cached_property
    def feed_languages(self) -> list[str]:
        """The languages with a feed of their own (see :func:`feed_languages`): the same
        for every page of the build, so computed once (it reads every advisory)."""
        return feed_languages(self.advisories, self.renderer.translations)


@dataclass
class PageWorkerChanges:
    """What the pages one worker process rendered changed in the plugin's state (see
    :meth:`AdvpubPlugin.start_page_worker`)."""

    build: WorkerChanges | None
    search_entries: dict[str, dict[str, Any]]
    scan: tuple[set[str], Found] | None


class AdvpubPlugin(BasePlugin[AdvpubConfig]):
    """Builds the advisory site; refuses to build anything not releasable."""

    # The output generators every build runs, in order (see advpub.outputs).
    generators: ClassVar[tuple[Generator, ...]] = (
        feed_outputs,
        language_feed_outputs,
        export_outputs,
    )

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.labels = labels_for("en")
        # Set by `advpub build`; plain `mkdocs build`/`serve` reuse nothing of the last build.
        self.incremental = Reuse.NOTHING
        self.build = IncrementalBuild()
        self.site: PublishedSite | None = None
        # Set by `advpub build`/`publish`: their instant and identities (else the environment).
        self.now_override: datetime | None = None
        # Set by `advpub build`, which writes into a staging folder: the folder to name in
        # messages (the one the user asked for).
        self.shown_site_dir: Path | None = None
        self.identities_override: Sequence[Identity] | None = None
        # Set only by advpub.site.preview.serve_preview, in process: embargoed drafts join
        # the site, shown with a banner, written only inside a private folder.
        self.preview: PreviewMode | None = None
        # The worker processes of one build (advpub.site.parallel), the exports they compute
        # and the leak scan of the rendered bytes; set in on_files, closed after the build.
        self.workers: Workers | None = None
        self.output_context: SiteContext | None = None
        self.scanner: OutputScanner | None = None
        self.scan_pages = False
        # The output folder of a build that may be deployed (not a preview or a serve
        # session's): deleted when the build fails (on_build_error).
        self.deployable_dir: Path | None = None
        # Set only by advpub.site.live (serve, preview): the exports and the leak scan start
        # when the rest of the build runs (on_post_build), not before the first page.
        self.defer_outputs = False
        self._deferred: tuple[Any, datetime, Corpus, dict[str, str]] | None = None

    # -- configuration -------------------------------------------------------------------

    def on_config(self, config: Any) -> Any:
        """Read settings; theme overrides, CSS, search tokenising, the short nav."""
        try:
            self.settings = settings_from_mkdocs(config, self.config)
        except AdvpubError as exc:
            raise PluginError(str(exc)) from None
        self.labels = labels_for(self.settings.language)
        docs_dir = Path(config["docs_dir"]).resolve()
        if docs_dir != self.settings.advisories_path.resolve():
            raise PluginError(
                f"mkdocs.yml: docs_dir: is {docs_dir}, but the advpub plugin publishes "
                f"{self.settings.advisories_dir}/; set `docs_dir: {self.settings.advisories_dir}`"
            )
        self._refuse_config(config, docs_dir)
        self._shape_theme(config)
        return config

    def on_pre_build(self, *, config: Any) -> None:
        """Refuse what lets files skip the plugin, then start the incremental build (which
        prepares the output folder)."""
        settings = self._settings()
        # Again: plugins whose on_config ran after advpub's may have changed the settings.
        self._refuse_config(config, Path(config["docs_dir"]))
        self._refuse_sources(settings)
        # Pages' content renders before on_env: its templates get their bytecode cache here.
        use_bytecode_cache(content_environment(), settings.root)
        session = session_store()
        if self.preview is None and session is None:
            self.deployable_dir = Path(config["site_dir"])
        if self.preview is not None:
            self._refuse_preview_output(Path(config["site_dir"]))
            # A preview stores nothing in .cache/: no page cache, no memo, no build store
            # there; only its session's store in memory (advpub.site.incremental.live_session).
            reuse = Reuse.NOTHING if session is None else self._session_reuse()
            self.build = start_build(config, settings, reuse, session)
            return
        if session is not None:
            # `advpub serve`: rebuilds keep what did not change, in the session's memory.
            self.build = start_build(config, settings, self._session_reuse(), session)
            return
        self.build = start_build(config, settings, self.incremental)

    def _session_reuse(self) -> Reuse:
        # A live site (advpub.site.live) writes each generation into a new folder: stored
        # pages, every file written. A whole build of a session keeps unchanged files.
        return Reuse.OUTPUT if self.incremental is Reuse.NOTHING else self.incremental

    # -- files -------------------------------------------------------------------------

    @event_priority(-100)  # last: files other plugins add are decided here too
    def on_files(self, files: Files, *, config: Any) -> Files:
        """Gate every advisory, place advisory pages, add the generated pages and files.

        Every file of the docs folder leaves the build unless it is a released advisory
        or a media file one links to: README, drafts and excluded files included (MkDocs
        serves excluded `draft_docs` pages live, and a page it reads skips the plugin)."""
        now, corpus = self._gate(self._settings())
        files, by_src, advisory_urls, media = self._place_sources(files, config, corpus)
        if self.preview is not None:
            now, corpus = self._add_previews(files, config, now, corpus, by_src, advisory_urls)
        pages: dict[str, SitePage] = {}
        renderer = self._add_generated_pages(files, config, corpus, advisory_urls, pages)
        languages = feed_languages(corpus.advisories, renderer.translations)
        self.build.start(corpus.digests, advisory_urls, "\0".join(languages))
        self._deferred, self.output_context = (config, now, corpus, advisory_urls), None
        if not self.defer_outputs:
            self._start_workers(config, now, corpus, advisory_urls)
        sources = {*by_src, *media}
        # The outputs are generated after the pages (on_post_build), by then mostly computed.
        self.site = PublishedSite(now, corpus.advisories, by_src, pages, renderer, sources, [])
        return files

    @event_priority(-100)  # after other plugins: nothing may add docs files after on_files
    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        """Refuse docs-folder files added after ``on_files`` chose what is published (by a
        plugin running later): MkDocs would copy or build them without the gate. Templates
        compile through the user's bytecode cache (:mod:`advpub.site.templatecache`)."""
        use_bytecode_cache(env, self._settings().root)
        in_docs = _docs_test(config)
        sources = self._site().sources
        late = sorted(f.src_uri for f in files if in_docs(f) and f.src_uri not in sources)
        if late:
            shown = self._settings().advisories_dir
            raise PluginError(
                "advpub: refusing to build the site: another plugin added these files of "
                f"{shown}/ after advpub chose what is published: "
                + ", ".join(f"{shown}/{src}" for src in late)
                + "; remove that plugin from mkdocs.yml"
            )
        return env

    # -- pages -------------------------------------------------------------------------

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        """Advisory pages: the model's body (none when stored); generated pages: none."""
        site, src = self._site(), page.file.src_uri
        adv = site.by_src.get(src)
        if adv is not None:
            page.meta = _advisory_meta(adv)
            resolve = site.renderer.resolve
            hit = self.build.cached_page(adv, src, page.url, page.file.dest_uri, resolve)
            if hit is None:
                return adv.body
            if isinstance(page, AdvisoryPage):
                page.from_cache = True
            if hit.has_page:
                page.meta["template"] = CACHED_TEMPLATE
            return ""  # nothing left for Markdown to do: on_page_content fills it
        if src in site.pages:
            page.meta = {
                "title": page.meta.get("title", ""),
                "hide": ["toc"],
                # Listings repeat every id; only advisory pages answer a search.
                "search": {"exclude": True},
            }
            return ""
        return markdown

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        """Sanitise advisory bodies and wrap them; render generated pages."""
        site, src = self._site(), page.file.src_uri
        current = "" if page.url == "./" else page.url
        adv = site.by_src.get(src)
        if adv is not None:
            return self._advisory_content(adv, html, page, current)
        site_page = site.pages.get(src)
        if site_page is not None:
            return self.build.listing_html(site_page, current, site.renderer)
        return html

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """Feed links for the page head (a listing's own feeds first) and footer; an
        advisory's title and preview tags; a stored page."""
        site, settings = self._site(), self._settings()
        context["advpub_feeds"] = page_feed_links(settings, site.pages.get(page.file.src_uri))
        # Generated pages explain the feeds in their content; the footer just lists them.
        explained = page.file.src_uri in site.pages
        context["advpub_footer_feeds"] = self._footer_feeds(settings, explain=not explained)
        adv = site.by_src.get(page.file.src_uri)
        context["advpub_head"] = advisory_head(adv, settings, page.url) if adv else None
        context["advpub_feeds"] += language_feed_links(settings, site.feed_languages)
        if adv is not None:
            context["advpub_alternates"] = site.renderer.alternates(adv)
        stored = self.build.template_page(page.file.src_uri)
        if stored is not None:
            context["advpub_cached_page"] = stored  # "": the file of the last build stays
        return context

    @event_priority(100)  # first: the theme's output, before other plugins change it
    def _keep_page(self, output: str, *, page: Any, config: Any) -> str:
        """Store the theme's whole advisory page; leave an unchanged file of the last build."""
        src = page.file.src_uri
        generated = src in self._site().pages
        output = self.build.page_output(src, page.file.dest_uri, output, generated=generated)
        # "": the (marked) file of the last build stays.
        return mark_page(output) if self.preview is not None and output else output

    @event_priority(-100)  # last: the bytes MkDocs writes
    def _scan_page(self, output: str, *, page: Any, config: Any) -> str:
        """Hand the page MkDocs writes to the leak scan (in memory, in a worker)."""
        if self.scanner is not None and self.scan_pages and output.strip():
            # Exactly as MkDocs encodes the file it writes.
            data = output.encode("utf-8", errors="xmlcharrefreplace")
            self.scanner.add(page.file.dest_uri, data)
        return output

    on_post_page = CombinedEvent(_keep_page, _scan_page)

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        """The banner and noindex on static pages (404) of a preview."""
        if self.preview is not None and template_name.endswith(".html"):
            return mark_page(output_content)
        return output_content

    def on_template_context(self, context: Any, *, template_name: str, config: Any) -> Any:
        """Feed links on static templates (404) too."""
        if self.settings is not None:
            context["advpub_feeds"] = feed_links(self.settings)
            context["advpub_footer_feeds"] = self._footer_feeds(self.settings)
        return context

    def _footer_feeds(self, settings: Settings, *, explain: bool = True) -> dict[str, Any]:
        """The visible site feeds above the footer, with a short explanation (unless the
        page's content has it)."""
        return {
            "title": self.labels("feed.subscribe"),
            "help": self.labels("feed.subscribe.help") if explain else "",
            "links": site_feed_links(feed_links(settings)),
        }

    # -- pages in worker processes (advpub.site.driver) ----------------------------------

    def renders_pages_in_workers(self) -> bool:
        """True when :mod:`advpub.site.driver` may render this build's pages in forked worker
        processes: not a preview nor a live session (their store lives in this process)."""
        return self.preview is None and session_store() is None and self.site is not None

    def start_page_worker(self) -> None:
        """In a page worker just forked from the build: record what its pages change."""
        self.build.start_worker()
        if self.scanner is not None:
            self.scanner.start_worker()

    def page_worker_changes(self, srcs: Sequence[str]) -> PageWorkerChanges:
        """In a page worker: what its pages (``srcs``) changed, for the build to merge."""
        entries = self._site().search_entries
        return PageWorkerChanges(
            self.build.worker_changes(),
            {src: entries[src] for src in srcs if src in entries},
            self.scanner.worker_result() if self.scanner is not None else None,
        )

    def merge_page_worker(self, changes: PageWorkerChanges) -> None:
        """In the build: take a page worker's changes (:meth:`page_worker_changes`)."""
        self.build.merge_worker(changes.build)
        self._site().search_entries.update(changes.search_entries)
        if self.scanner is not None and changes.scan is not None:
            self.scanner.merge_worker(changes.scan)

    # -- after the build ---------------------------------------------------------------

    @event_priority(-100)  # after search wrote its index: the scan must see every file
    def on_post_build(self, *, config: Any) -> None:
        """Write the generated files, scan for embargoed drafts, write the marker, keep the
        incremental build's state."""
        settings, site = self._settings(), self._site()
        site_dir = Path(config["site_dir"])
        if self.preview is not None:
            self._refuse_preview_output(site_dir)
        if self.output_context is None and self._deferred is not None:
            self._start_workers(*self._deferred)
            # The pages were written before the scan was prepared: it reads them back.
            self.scan_pages = False
        self._write_search_index(site_dir)
        site.outputs.extend(self._generate_outputs())
        self._write_outputs(site_dir)
        self.build.remove_stale()
        status, fingerprint = self._leak_scan(site_dir, settings)
        self._stop_workers()
        write_marker(
            site_dir,
            BuildMarker(len(site.advisories), format_iso_utc(site.now), status),
        )
        self.build.commit(fingerprint)
        self.deployable_dir = None

    def on_build_error(self, *, error: Exception) -> None:
        """Keep nothing of a failed build: MkDocs has written pages by then, and a late
        failure (a worker process killed during the exports or the leak scan) leaves a
        site nobody scanned where a deploy step would take it."""
        self._stop_workers()
        self.build.abort()
        folder, self.deployable_dir = self.deployable_dir, None
        if folder is not None:
            remove_site(folder)

    # -- steps ---------------------------------------------------------------------------

    def _refuse_config(self, config: Any, docs_dir: Path) -> None:
        """Refuse settings that let files skip the plugin (include extensions, plugins)."""
        problems = config_problems(config, docs_dir, self._settings().advisories_dir)
        if problems:
            raise PluginError("\n".join(problems))

    def _shape_theme(self, config: Any) -> None:
        """Theme overrides, no external fonts, the CSS, the short nav, the copyright."""
        settings = self._settings()
        theme = config["theme"]
        # Readers' browsers must not call other hosts (Google Fonts by default).
        theme["font"] = False
        overrides = str(resources.files("advpub.site").joinpath("templates", "theme"))
        theme.dirs.insert(1 if theme.custom_dir else 0, overrides)
        config["extra_css"].append(CSS_URI)
        generated = {HOME_SRC_URI, *(overview_src_uri(kind) for kind, _ in OVERVIEWS)}
        nav = config["nav"]
        if nav is None or set(_nav_paths(nav)) <= generated:
            config["nav"] = site_nav(self.labels)
        if not config["copyright"]:
            config["copyright"] = self.labels("footer.publisher", publisher=settings.publisher.name)

    def _refuse_sources(self, settings: Settings) -> None:
        """Links and a missing sentinel under the docs folder (before MkDocs lists it,
        following symbolic links)."""
        shown = settings.advisories_dir
        problems = link_problems(settings.advisories_path, shown)
        sentinel = sentinel_problem(settings.advisories_path)
        if sentinel is not None:
            problems.append(f"{shown}/{SENTINEL_NAME}: {sentinel}")
        if problems:
            raise PluginError(
                "advpub: refusing to build the site:\n" + "\n".join(f"  {p}" for p in problems)
            )

    def _gate(self, settings: Settings) -> tuple[datetime, Corpus]:
        """The build's instant and the published advisories, each passed by the release gate
        (any refusal fails the build)."""
        try:
            now = build_now() if self.now_override is None else self.now_override
            session = session_store()
            # Only `advpub build` (which keeps .cache/advpub) writes the parse cache; live
            # sessions and plain `mkdocs build` leave .cache/ as they found it.
            stores = (
                session is None and self.preview is None and self.incremental is not Reuse.NOTHING
            )
            corpus = load_corpus(
                settings, session.parsed if session is not None else None, store_parses=stores
            )
            problems = release_problems(corpus, now, settings)
        except AdvpubError as exc:
            raise PluginError(str(exc)) from None
        except ImportError as exc:
            raise PluginError(f"advpub: the release gate is not available ({exc})") from None
        if problems:
            raise PluginError(
                "advpub: refusing to build the site; fix or remove these advisories:\n"
                + "\n".join(f"  {p}" for p in problems)
            )
        return now, corpus

    def _place_sources(
        self, files: Files, config: Any, corpus: Corpus
    ) -> tuple[Files, dict[str, Advisory], dict[str, str], set[str]]:
        """Keep released advisories (as pages at their URLs) and the media they link to;
        every other file of the docs folder leaves the build. Returns the files, the
        advisories by source path, the page URLs by advisory id and the kept media."""
        settings = self._settings()
        primaries = {a.id: a for a in corpus.advisories}
        # Lexical paths first (no system call per file); resolved ones for symlinked paths.
        by_name = {
            os.path.normpath(settings.root / str(a.path)): a
            for a in (*corpus.advisories, *_all_translations(corpus))
        }
        by_path: dict[Path, Advisory] = {}
        zone, shown = settings.timezone, settings.advisories_dir
        in_docs = _docs_test(config)
        kept: list[File] = []
        media: dict[str, File] = {}
        by_src: dict[str, Advisory] = {}
        advisory_urls: dict[str, str] = {}
        for file in files:
            if not in_docs(file):
                kept.append(file)  # theme assets, generated files
                continue
            if file.inclusion.is_excluded():
                # dotfiles such as .gitkeep, exclude_docs, draft_docs: never built, never served
                continue
            if not file.is_documentation_page():
                if PurePosixPath(file.src_uri).suffix.lower() in PUBLISHED_MEDIA:
                    media[file.src_uri] = file
                    kept.append(file)
                else:
                    # HTML, SVG, scripts... would reach readers without sanitising.
                    log.warning(
                        f"advpub: {shown}/{file.src_uri}: not published "
                        f"(only advisories and {', '.join(sorted(PUBLISHED_MEDIA))} files are)"
                    )
                continue
            if not is_advisory_name(PurePosixPath(file.src_uri)):
                # README.md, index.md, the sentinel, _templates...: never published as pages.
                # (docs_dir is the advisories folder, so this is the test load_corpus applied;
                # before, such a file made the loop below resolve every advisory's path.)
                continue
            adv = by_name.get(os.path.normpath(file.abs_src_path)) if file.abs_src_path else None
            if adv is None and file.abs_src_path:
                if not by_path:
                    by_path = {Path(p).resolve(): a for p, a in by_name.items()}
                adv = by_path.get(Path(file.abs_src_path).resolve())
            if adv is None:
                continue
            folder = page_dir(adv, primaries, zone)
            placed = AdvisoryFile.placed(file, folder + "index.html")
            # Body and metadata come from the model, not from MkDocs reading the file.
            AdvisoryPage(None, placed, config)
            kept.append(placed)
            by_src[placed.src_uri] = adv
            advisory_urls[adv.page_key] = placed.url
        linked = linked_media(((src, adv.body) for src, adv in by_src.items()), media)
        for src_uri, file in media.items():
            if src_uri not in linked:
                # A PoC or screenshot next to an advisory is public only once a released
                # advisory links to it (info, not a warning: strict builds go on).
                log.info(
                    f"advpub: {shown}/{src_uri}: not published (no released advisory links to it)"
                )
                kept.remove(file)
        missing = [
            a.page_key
            for a in (*corpus.advisories, *_all_translations(corpus))
            if a.page_key not in advisory_urls
        ]
        if missing:
            raise PluginError(f"advpub: advisories not found among the pages: {missing}")
        return Files(kept), by_src, advisory_urls, set(linked)

    def _add_generated_pages(
        self,
        files: Files,
        config: Any,
        corpus: Corpus,
        advisory_urls: dict[str, str],
        pages: dict[str, SitePage],
    ) -> Renderer:
        """Add the home, overview and listing pages (and the CSS); their renderer."""
        settings = self._settings()
        # Listings show each advisory once, in the site language when translated into it.
        shown = in_language(corpus.advisories, corpus.translations, settings.language)
        plan = plan_site(shown, settings.timezone, settings.page_size)
        in_nav = {HOME_SRC_URI, *(overview_src_uri(kind) for kind, _ in OVERVIEWS)}
        page_urls: dict[str, str] = {}
        renderer = Renderer(
            settings, self.labels, advisory_urls, page_urls, partial(page_feed_links, settings)
        )
        renderer.translations = corpus.translations
        renderer.primaries = {a.id: a for a in corpus.advisories}
        for page in plan:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            file = File.generated(
                config,
                page.src_uri,
                content=_front_matter(escape(renderer.title(page))),
                inclusion=InclusionLevel.INCLUDED
                if page.src_uri in in_nav
                else InclusionLevel.NOT_IN_NAV,
            )
            files.append(file)
            pages[page.src_uri] = page
            page_urls[page.src_uri] = "" if file.url == "./" else file.url
        css = resources.files("advpub.site").joinpath("assets", "advpub.css")
        files.append(File.generated(config, CSS_URI, content=css.read_bytes()))
        for uri, name in SEARCH_SCRIPTS.items():
            script = resources.files("advpub.site").joinpath("assets", name)
            files.append(File.generated(config, uri, content=script.read_bytes()))
        return renderer

    def _site_context(
        self, now: datetime, corpus: Corpus, advisory_urls: dict[str, str]
    ) -> SiteContext:
        """What the registered generators (:attr:`generators`) see."""
        settings = self._settings()
        return SiteContext(
            settings=settings,
            advisories=corpus.advisories,
            page_url=lambda ident: advisory_urls[ident],
            absolute_url=lambda rel: (settings.site_url or "/") + rel.lstrip("/"),
            build_time=now,
            memo=self.build.memo,
            translations=corpus.translations,
        )

    def _start_workers(
        self, config: Any, now: datetime, corpus: Corpus, advisory_urls: dict[str, str]
    ) -> None:
        """Start the worker processes: the leak scan's terms first (the workers get them when
        they start), then the exports the memo does not hold (advpub.site.parallel)."""
        settings = self._settings()
        site_dir = Path(config["site_dir"])
        self._stop_workers()
        prepared = None
        if self.preview is None and settings.leak_scan:
            known_public = public_text(corpus.advisories)
            try:
                prepared = prepare_scan(
                    settings,
                    self.build.scan_salt,
                    known_public,
                    identities=self.identities_override,
                )
            except AdvpubError as exc:
                remove_site(site_dir)
                named = self.shown_site_dir or site_dir
                raise PluginError(f"advpub: leak scan failed, deleted {named}: {exc}") from None
        try:
            count = worker_count()
        except AdvpubError as exc:
            raise PluginError(str(exc)) from None
        if prepared is not None:
            self.workers = Workers(count, set_terms, (prepared.terms,))
            self.scanner = OutputScanner(prepared, self.workers, site_dir)
            # Pages are scanned as rendered only when no other plugin may change their files
            # afterwards; otherwise the scan reads them back from disk.
            self.scan_pages = set(config["plugins"]) <= KEEP_OUTPUT_PLUGINS
        else:
            self.workers = Workers(count)
        ctx = self._site_context(now, corpus, advisory_urls)
        exports = start_exports(ctx, self.workers, self.build.is_memoized)
        self.output_context = replace(ctx, memo=exports.memo)

    def _stop_workers(self) -> None:
        workers, self.workers = self.workers, None
        self.scanner = None
        if workers is not None:
            workers.close()

    def _generate_outputs(self) -> list[Output]:
        """Every file of the registered generators (:attr:`generators`), with the exports
        the workers computed."""
        ctx = self.output_context
        if ctx is None:
            raise PluginError("advpub: the plugin did not choose the published files")
        try:
            return generate_all(ctx, self.generators)
        except AdvpubError as exc:
            raise PluginError(str(exc)) from None

    def _advisory_content(self, adv: Advisory, html: str, page: Any, current: str) -> str:
        """An advisory page's content: stored, or Markdown's sanitised output wrapped by the
        advisory template (then offered to the incremental build)."""
        site, src = self._site(), page.file.src_uri
        hit = self.build.hit(src)
        if hit is not None:
            page.toc = hit.toc
            page.present_anchor_ids = set(hit.anchors)
            site.search_entries[src] = hit.search
            return hit.html
        for anchor, title in site.renderer.trailing_sections(adv):
            # Material prints toc titles as HTML: escape the label.
            page.toc.items.append(AnchorLink(escape(title), anchor, 2))
        record: dict[str, str] = {}
        body = join_wide_line_breaks(sanitize_html(html))
        content = site.renderer.advisory(adv, body, current, record)
        entry = search_entry(adv, page.url)
        site.search_entries[src] = entry
        anchors = frozenset(page.present_anchor_ids or ())
        rendered = CachedPage(content, page.toc, anchors, entry, record)
        self.build.rendered_page(src, page.file.dest_uri, html, rendered)
        return content

    def _write_search_index(self, site_dir: Path) -> None:
        """Add one search entry per advisory page (in the site's order, translations after
        their advisory: advpub.site.search.index_entries) to the theme's index."""
        site = self._site()
        # Every language version of an advisory is searchable (issue 19).
        found = {
            a.page_key: site.search_entries[s]
            for s, a in site.by_src.items()
            if s in site.search_entries
        }
        language = self._settings().language
        merge_entries(
            site_dir, index_entries(site.advisories, site.renderer.translations, language, found)
        )

    def _write_outputs(self, site_dir: Path) -> None:
        """Write every generated file the output folder does not already hold."""
        made: set[Path] = set()
        for output in self._site().outputs:
            rel = _safe_output_path(output)
            if self.build.output_unchanged(rel.as_posix(), output.content):
                continue
            if self.scanner is not None:
                self.scanner.add(rel.as_posix(), output.content)
            target = site_dir.joinpath(*rel.parts)
            if target.parent not in made:
                # Once per folder: 10,000 advisories write 40,000 export files into a few.
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(output.content)

    def _leak_scan(self, site_dir: Path, settings: Settings) -> tuple[str, str | None]:
        """Scan the output for embargoed drafts (deleting it on a hit); the marker's status
        and the scan's fingerprint."""
        if self.preview is not None:
            # The output IS the drafts' preview; it stays in the private folder (checked in
            # on_pre_build and on_post_build) and is never deployed.
            return "preview", None
        if not settings.leak_scan:
            return "disabled", None
        scanner = self.scanner
        if scanner is None:
            raise PluginError("advpub: the leak scan was not prepared; refusing the site")
        try:
            scan = scanner.finish(self.build.scanned_clean)
        except (AdvpubError, OSError) as exc:
            remove_site(site_dir)
            named = self.shown_site_dir or site_dir
            raise PluginError(f"advpub: leak scan failed, deleted {named}: {exc}") from None
        if scan.hits:
            remove_site(site_dir)
            raise PluginError(leak_message(site_dir, scan.hits, self.shown_site_dir))
        for shown in scan.unreadable:
            log.warning(f"advpub: {shown}: cannot decrypt, so only its id was scanned for")
        return ("passed" if scan.ran else "no-identity"), scan.fingerprint

    def _refuse_preview_output(self, site_dir: Path) -> None:
        """A preview writes only inside its private workspace (never ``site/``)."""
        preview = self.preview
        if preview is not None and not is_inside(site_dir, preview.workspace):
            raise PluginError(
                f"advpub: refusing to write the preview of embargoed drafts to {site_dir}: "
                "a preview is written only to its private temporary folder"
            )

    def _add_previews(
        self,
        files: Files,
        config: Any,
        now: datetime,
        corpus: Corpus,
        by_src: dict[str, Advisory],
        advisory_urls: dict[str, str],
    ) -> tuple[datetime, Corpus]:
        """Add the previewed drafts as advisory pages, as if released; the instant the site is
        rendered at (the latest release instant) and the corpus with them."""
        preview = self.preview
        if preview is None:
            return now, corpus
        try:
            drafts: PreviewDrafts = preview.load()
        except AdvpubError as exc:
            raise PluginError(str(exc)) from None
        for note in drafts.notes:
            log.warning(note)
        ids = {adv.id for adv in drafts.advisories}
        # A draft of a published id replaces that id's published pages.
        self._place_preview_pages(
            files, config, drafts.advisories, lambda a: a.id in ids, by_src, advisory_urls, {}
        )
        advisories = [a for a in corpus.advisories if a.id not in ids]
        advisories.extend(drafts.advisories)
        advisories.sort(key=lambda a: (a.published_at, a.id), reverse=True)
        digests = {k: v for k, v in corpus.digests.items() if k not in ids}
        digests.update(drafts.digests)
        return max(now, drafts.now), self._add_preview_translations(
            files,
            config,
            drafts,
            by_src,
            advisory_urls,
            Corpus(tuple(advisories), corpus.violations, digests, corpus.translations),
        )

    def _add_preview_translations(
        self,
        files: Files,
        config: Any,
        drafts: PreviewDrafts,
        by_src: dict[str, Advisory],
        advisory_urls: dict[str, str],
        corpus: Corpus,
    ) -> Corpus:
        """Add the previewed translation drafts as pages at their translation URLs (beneath
        their primary's page, as released); the corpus with them (language switch, hreflang,
        listings and feeds follow from it)."""
        preview = self.preview
        if preview is None or not drafts.translations:
            return corpus
        keys = {view.page_key for view in drafts.translations}
        self._place_preview_pages(
            files,
            config,
            drafts.translations,
            lambda a: a.page_key in keys,
            by_src,
            advisory_urls,
            {a.id: a for a in corpus.advisories},
        )
        return corpus.with_translations(drafts.translations, drafts.digests)

    def _place_preview_pages(
        self,
        files: Files,
        config: Any,
        views: Sequence[Advisory],
        replaced: Callable[[Advisory], bool],
        by_src: dict[str, Advisory],
        advisory_urls: dict[str, str],
        primaries: Mapping[str, Advisory],
    ) -> None:
        """Put previewed drafts (``views``) where their released pages will be (a
        translation beneath its primary in ``primaries``); the published pages they stand
        for (``replaced``) leave the site."""
        preview = self.preview
        assert preview is not None  # only called while previewing
        settings = self._settings()
        for src, published in list(by_src.items()):
            if replaced(published):  # released already: the draft's version is shown
                del by_src[src]
                stale = files.get_file_from_path(src)
                if stale is not None:
                    files.remove(stale)
        for view in views:
            src = PurePosixPath(str(view.path)).relative_to(settings.advisories_dir).as_posix()
            existing = files.get_file_from_path(src)
            if existing is not None:
                files.remove(existing)
            placed = AdvisoryFile(
                src,
                None,
                config["site_dir"],
                config["use_directory_urls"],
                dest_uri=page_dir(view, primaries, settings.timezone) + "index.html",
                inclusion=InclusionLevel.NOT_IN_NAV,
            )
            AdvisoryPage(None, placed, config)
            files.append(placed)
            by_src[src] = view
            advisory_urls[view.page_key] = preview.urls[view.page_key] = placed.url

    def _site(self) -> PublishedSite:
        if self.site is None:
            raise PluginError("advpub: the plugin did not choose the published files")
        return self.site

    def _settings(self) -> Settings:
        if self.settings is None:
            raise PluginError("advpub: the plugin was not configured (on_config did not run)")
        return self.settings

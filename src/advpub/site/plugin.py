"""The ``advpub`` MkDocs plugin (a thin adapter over advpub.site functions).

Order of events: ``on_config`` reads the settings, refuses settings that let files skip
the plugin (:mod:`advpub.site.sources`) and shapes the theme, search and nav;
``on_pre_build`` refuses links under the docs folder and a missing sentinel page, then
prepares the output folder (under ``advpub build``: keeps the unchanged files of the last
build, see :mod:`advpub.site.reuse`); ``on_files`` (last of all plugins) evaluates the
release gate for every advisory (failing the build on any refusal), removes every other
file of the docs folder except media a released advisory links to, gives advisory pages
their URLs and adds the generated pages; ``on_env`` (last) refuses docs files added after
that; ``on_page_markdown``/``on_page_content`` render pages from the
model (or take them from the page cache); ``on_post_page`` leaves unchanged pages unwritten;
``on_post_build`` (last of all plugins) writes feeds and exports, scans the output for
embargoed drafts (every file this build wrote; kept files only when the drafts changed) and
writes the marker ``advpub build`` checks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from html import escape
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

import advpub
from advpub.config import AdvpubConfig, Settings, settings_from_mkdocs
from advpub.corpus import load_corpus
from advpub.embargo.identity import Identity
from advpub.errors import AdvpubError
from advpub.leaks import public_text
from advpub.model import Advisory
from advpub.model.timeutil import format_iso_utc
from advpub.site import render
from advpub.site.build_checks import (
    build_now,
    leak_message,
    release_problems,
    remove_site,
    scan_site,
)
from advpub.site.cache import (
    CACHE_DIR,
    MEMO_FILE,
    CachedPage,
    MemoFile,
    PageCache,
    build_fingerprint,
    has_relative_links,
)
from advpub.site.feeds import feed_links
from advpub.site.i18n import Labels, labels_for
from advpub.site.listings import (
    HOME_SRC_URI,
    OVERVIEWS,
    UNSCORED,
    SitePage,
    advisory_dir,
    overview_src_uri,
    plan_site,
)
from advpub.site.marker import MARKER_FILE, BuildMarker, write_marker
from advpub.site.outputs import Output, SiteContext, generate_all
from advpub.site.render import Renderer
from advpub.site.reuse import CSAF_FOLDER, MANIFEST, OutputReuse, empty_folder
from advpub.site.sanitize import sanitize_html
from advpub.site.search import merge_entries, search_entry
from advpub.site.sources import (
    SENTINEL_NAME,
    config_problems,
    link_problems,
    linked_media,
    sentinel_problem,
)

log = logging.getLogger("mkdocs.plugins.advpub")

# Files besides advisories that advisories/ may publish (images and plain text only).
PUBLISHED_MEDIA = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt"})

CSS_URI = "assets/advpub/advpub.css"
# The theme template of a page whose whole HTML comes from the page cache.
CACHED_TEMPLATE = "advpub-cached-page.html"
# Plugins whose presence still lets `advpub build` keep unchanged files of the last build:
# none of them changes a page after the theme rendered it or rewrites files of site/.
KEEP_OUTPUT_PLUGINS = frozenset({"advpub", "search", "material/search"})


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


def _stable(value: object) -> str:
    # Functions in markdown_extensions configs (`!!python/name:`) print their address.
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    return repr(value)


def page_cache(config: Any, settings: Settings) -> PageCache:
    """The rendered-page cache of this build (``.cache/advpub/pages`` in the repository)."""
    theme = config["theme"]
    fingerprint = build_fingerprint(
        # advpub's code and templates, and every theme folder (custom_dir overrides too).
        [
            Path(advpub.__file__).resolve().parent,
            render.TEMPLATE_FOLDER,
            *(Path(folder) for folder in getattr(theme, "dirs", [])),
        ],
        Path(config["config_file_path"]) if config.get("config_file_path") else None,
        repr(settings),
        [_stable(e) for e in config["markdown_extensions"]],
        {k: _stable(v) for k, v in sorted((config["mdx_configs"] or {}).items())},
        [getattr(theme, "name", None), {k: _stable(theme[k]) for k in sorted(theme)}],
        [config["site_url"], config["use_directory_urls"], _stable(config["validation"])],
    )
    return PageCache(settings.root.joinpath(*CACHE_DIR), fingerprint)


def _modified() -> bool:
    return True


def _docs_test(config: Any) -> Callable[[File], bool]:
    """A test for "this file comes from the docs folder" by its source path (lexically, no
    system call per file; the resolved folder too when docs_dir is reached by a link)."""
    docs_dir = os.path.normpath(config["docs_dir"])
    prefixes = tuple({docs_dir + os.sep, str(Path(docs_dir).resolve()) + os.sep})

    def in_docs(file: File) -> bool:
        source = file.abs_src_path
        return source is not None and os.path.normpath(source).startswith(prefixes)

    return in_docs


def _safe_output_path(output: Output) -> PurePosixPath:
    path = PurePosixPath(output.path)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in output.path:
        raise PluginError(f"advpub: generator output {output.path!r} is not a site-relative path")
    return path


class AdvisoryPage(Page):
    """The page of a published advisory. ``on_page_markdown`` supplies its body and metadata
    from the parsed model, so MkDocs does not read the file and parse its front matter again
    (a pure-Python YAML parse per page)."""

    from_cache = False  # set by on_page_markdown on a page-cache hit

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


class AdvpubPlugin(BasePlugin[AdvpubConfig]):
    """Builds the advisory site; refuses to build anything not releasable."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.labels = labels_for("en")
        self.advisories: tuple[Advisory, ...] = ()
        self.by_src: dict[str, Advisory] = {}
        self.pages: dict[str, SitePage] = {}
        self.renderer: Renderer | None = None
        self.outputs: list[Output] = []
        self.now: datetime | None = None
        self.cache: PageCache | None = None
        self.memo: MemoFile | None = None
        self.digests: Mapping[str, bytes] = {}
        self.cache_keys: dict[str, str] = {}
        self.cache_hits: dict[str, CachedPage] = {}
        self.search_entries: dict[str, dict[str, Any]] = {}
        # Set by `advpub build` (which then runs MkDocs without cleaning site/ first).
        self.keep_output = False
        # Set by `advpub build`/`publish`: their instant and identities (else the environment).
        self.now_override: datetime | None = None
        self.identities_override: Sequence[Identity] | None = None
        self.reuse: OutputReuse | None = None
        self.reused_pages: set[str] = set()
        self.page_tags: dict[str, tuple[str, str]] = {}
        # src_uri of every docs-folder file on_files kept (advisories and linked media).
        self.published_sources: set[str] = set()

    # -- configuration -------------------------------------------------------------------

    def on_config(self, config: Any) -> Any:
        """Read settings; theme overrides, CSS, search tokenising, the short nav."""
        try:
            settings = settings_from_mkdocs(config, self.config)
        except AdvpubError as exc:
            raise PluginError(str(exc)) from None
        self.settings = settings
        self.labels = labels_for(settings.language)
        docs_dir = Path(config["docs_dir"]).resolve()
        if docs_dir != settings.advisories_path.resolve():
            raise PluginError(
                f"mkdocs.yml: docs_dir: is {docs_dir}, but the advpub plugin publishes "
                f"{settings.advisories_dir}/; set `docs_dir: {settings.advisories_dir}`"
            )
        problems = config_problems(config, docs_dir, settings.advisories_dir)
        if problems:
            raise PluginError("\n".join(problems))
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
        return config

    def on_pre_build(self, *, config: Any) -> None:
        """Refuse include extensions and plugins (after every plugin's on_config), links
        and a missing sentinel under the docs folder (before MkDocs lists it, following
        symbolic links); prepare the output folder: keep unchanged files of the last
        ``advpub build``."""
        settings = self._settings()
        shown = settings.advisories_dir
        # Again: plugins whose on_config ran after advpub's may have changed the settings.
        changed = config_problems(config, Path(config["docs_dir"]), shown)
        if changed:
            raise PluginError("\n".join(changed))
        problems = link_problems(settings.advisories_path, shown)
        sentinel = sentinel_problem(settings.advisories_path)
        if sentinel is not None:
            problems.append(f"{shown}/{SENTINEL_NAME}: {sentinel}")
        if problems:
            raise PluginError(
                "advpub: refusing to build the site:\n" + "\n".join(f"  {p}" for p in problems)
            )
        site_dir = Path(config["site_dir"])
        self.reuse = None
        self.reused_pages.clear()
        self.page_tags.clear()
        if not self.keep_output:
            # MkDocs never cleans hidden folders: exports of a removed advisory must go.
            shutil.rmtree(site_dir / CSAF_FOLDER, ignore_errors=True)
            return
        plugins = set(config["plugins"])
        if plugins <= KEEP_OUTPUT_PLUGINS:
            self.reuse = OutputReuse(site_dir, self._settings().root.joinpath(*MANIFEST))
            self.reuse.prepare(MARKER_FILE)
        elif site_dir.is_dir():
            log.info(
                "advpub: other plugins are enabled "
                f"({', '.join(sorted(plugins - KEEP_OUTPUT_PLUGINS))}): writing every file"
            )
            empty_folder(site_dir)

    # -- files -------------------------------------------------------------------------

    @event_priority(-100)  # last: files other plugins add are decided here too
    def on_files(self, files: Files, *, config: Any) -> Files:
        """Gate every advisory, place advisory pages, add the generated pages.

        Every file of the docs folder leaves the build unless it is a released advisory
        or a media file one links to: README, drafts and excluded files included (MkDocs
        serves excluded `draft_docs` pages live, and a page it reads skips the plugin)."""
        settings = self._settings()
        try:
            now = build_now() if self.now_override is None else self.now_override
            corpus = load_corpus(settings)
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
        self.now = now
        self.advisories = corpus.advisories
        # Lexical paths first (no system call per file); resolved ones for symlinked paths.
        by_name = {os.path.normpath(settings.root / str(a.path)): a for a in corpus.advisories}
        by_path: dict[Path, Advisory] = {}
        zone = settings.timezone
        advisory_urls: dict[str, str] = {}
        in_docs = _docs_test(config)
        media: dict[str, File] = {}
        released: dict[str, Advisory] = {}
        shown = settings.advisories_dir
        for file in list(files):
            if not in_docs(file):
                continue  # theme assets, generated files
            if file.inclusion.is_excluded():
                # dotfiles such as .gitkeep, exclude_docs, draft_docs: never built, never served
                files.remove(file)
                continue
            if not file.is_documentation_page():
                if PurePosixPath(file.src_uri).suffix.lower() in PUBLISHED_MEDIA:
                    media[file.src_uri] = file
                else:
                    # HTML, SVG, scripts... would reach readers without sanitising.
                    log.warning(
                        f"advpub: {shown}/{file.src_uri}: not published "
                        f"(only advisories and {', '.join(sorted(PUBLISHED_MEDIA))} files are)"
                    )
                    files.remove(file)
                continue
            adv = by_name.get(os.path.normpath(file.abs_src_path)) if file.abs_src_path else None
            if adv is None and file.abs_src_path:
                if not by_path:
                    by_path = {Path(p).resolve(): a for p, a in by_name.items()}
                adv = by_path.get(Path(file.abs_src_path).resolve())
            if adv is None:
                # README.md, index.md, the sentinel, _templates...: never published as pages.
                files.remove(file)
                continue
            file.dest_uri = advisory_dir(adv, zone) + "index.html"
            file.inclusion = InclusionLevel.NOT_IN_NAV
            # Body and metadata come from the model, not from MkDocs reading the file.
            AdvisoryPage(None, file, config)
            if self.keep_output:
                # MkDocs without cleaning skips pages whose output is newer than the source;
                # advpub decides itself (by page-cache key) which pages need not be written.
                file.is_modified = _modified  # type: ignore[method-assign]
            self.by_src[file.src_uri] = released[file.src_uri] = adv
            advisory_urls[adv.id] = file.url
        linked = linked_media(((src, adv.body) for src, adv in released.items()), media)
        for src_uri, file in media.items():
            if src_uri not in linked:
                # A PoC or screenshot next to an advisory is public only once a released
                # advisory links to it (info, not a warning: strict builds go on).
                log.info(
                    f"advpub: {shown}/{src_uri}: not published (no released advisory links to it)"
                )
                files.remove(file)
        self.published_sources = {*released, *linked}
        missing = [a.id for a in corpus.advisories if a.id not in advisory_urls]
        if missing:
            raise PluginError(f"advpub: advisories not found among the pages: {missing}")

        plan = plan_site(corpus.advisories, zone, settings.page_size)
        in_nav = {HOME_SRC_URI, *(overview_src_uri(kind) for kind, _ in OVERVIEWS)}
        page_urls: dict[str, str] = {}
        renderer = Renderer(settings, self.labels, advisory_urls, page_urls)
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
            self.pages[page.src_uri] = page
            page_urls[page.src_uri] = "" if file.url == "./" else file.url
        css = resources.files("advpub.site").joinpath("assets", "advpub.css")
        files.append(File.generated(config, CSS_URI, content=css.read_bytes()))
        self.renderer = renderer
        cache = self.cache = page_cache(config, settings)
        cache.start()
        memo_file = self.memo = MemoFile(settings.root.joinpath(*MEMO_FILE))
        self.digests = corpus.digests

        def memo(kind: str, adv: Advisory, compute: Callable[[], bytes]) -> bytes:
            key = cache.key(self._digest(adv), f"{kind}:{adv.id}", advisory_urls[adv.id])
            return memo_file.get(key, compute)

        ctx = SiteContext(
            settings=settings,
            advisories=corpus.advisories,
            page_url=lambda ident: advisory_urls[ident],
            absolute_url=lambda rel: (settings.site_url or "/") + rel.lstrip("/"),
            build_time=now,
            memo=memo,
        )
        try:
            self.outputs = generate_all(ctx)
        except AdvpubError as exc:
            raise PluginError(str(exc)) from None
        return files

    @event_priority(-100)  # after other plugins: nothing may add docs files after on_files
    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        """Refuse docs-folder files added after ``on_files`` chose what is published (by a
        plugin running later): MkDocs would copy or build them without the gate."""
        in_docs = _docs_test(config)
        late = sorted(
            f.src_uri for f in files if in_docs(f) and f.src_uri not in self.published_sources
        )
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
        """Advisory pages: the model's body; generated pages: no Markdown at all."""
        src = page.file.src_uri
        adv = self.by_src.get(src)
        if adv is not None:
            # Only keys the plugin controls: a front matter `template:` or `hide:` has no say.
            # Material prints page.meta values into HTML without escaping (title, header,
            # description attribute), so they are escaped here.
            page.meta = {
                "title": escape(adv.title),
                "description": escape(adv.summary),
                # Material's search gives tags a very high boost: exact ids rank first.
                "tags": [escape(i) for i in adv.identifiers],
                # Indexed by advpub.site.search (one small entry, not every section).
                "search": {"exclude": True},
            }
            cache, renderer = self.cache, self.renderer
            if cache is not None and renderer is not None:
                key = cache.key(self._digest(adv), src, page.url)
                hit = cache.get(key, renderer.resolve)
                self.cache_keys[src] = key
                if hit is not None:
                    self.cache_hits[src] = hit
                    if isinstance(page, AdvisoryPage):
                        page.from_cache = True
                    if hit.has_page:
                        page.meta["template"] = CACHED_TEMPLATE
                        self.page_tags[src] = (page.file.dest_uri, f"page:{key}")
                        reuse = self.reuse
                        if reuse is not None and reuse.can_reuse(*self.page_tags[src]):
                            self.reused_pages.add(src)
                    return ""  # nothing left for Markdown to do: on_page_content fills it
            return adv.body
        site_page = self.pages.get(src)
        if site_page is not None:
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
        renderer = self.renderer
        if renderer is None:
            return html
        src = page.file.src_uri
        current = "" if page.url == "./" else page.url
        adv = self.by_src.get(src)
        if adv is not None:
            hit = self.cache_hits.get(src)
            if hit is not None:
                page.toc = hit.toc
                page.present_anchor_ids = set(hit.anchors)
                self.search_entries[src] = hit.search
                return hit.html
            for anchor, title in renderer.trailing_sections(adv):
                # Material prints toc titles as HTML: escape the label.
                page.toc.items.append(AnchorLink(escape(title), anchor, 2))
            body = sanitize_html(html)
            record: dict[str, str] = {}
            content = renderer.advisory(adv, body, current, record)
            entry = search_entry(adv, page.url)
            self.search_entries[src] = entry
            key = self.cache_keys.get(src)
            if self.cache is not None and key is not None and not has_relative_links(html):
                anchors = frozenset(page.present_anchor_ids or ())
                self.cache.put(key, CachedPage(content, page.toc, anchors, entry, record))
                self.page_tags[src] = (page.file.dest_uri, f"page:{key}")
            return content
        site_page = self.pages.get(src)
        if site_page is not None:
            key = self._listing_key(site_page, current)
            if key is None or self.memo is None:
                return renderer.site_page(site_page, current)
            stored = self.memo.get(key, lambda: renderer.site_page(site_page, current).encode())
            return stored.decode("utf-8")
        return html

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """Feed links for the page head (a listing's own feeds first)."""
        listing: str | None = None
        label: str | None = None
        site_page = self.pages.get(page.file.src_uri)
        group = site_page.group if site_page is not None else None
        if group is not None and (
            group.kind == "product" or (group.kind == "severity" and group.key != UNSCORED)
        ):
            listing = group.base.rstrip("/")
            label = group.title
        context["advpub_feeds"] = feed_links(self._settings(), listing, label)
        hit = self.cache_hits.pop(page.file.src_uri, None)
        key = self.cache_keys.get(page.file.src_uri)
        if page.file.src_uri in self.reused_pages:
            context["advpub_cached_page"] = ""  # the file of the last build stays
        elif hit is not None and hit.has_page and self.cache is not None and key is not None:
            cached = self.cache.page_html(key)
            if cached is None:
                raise PluginError(
                    f"advpub: the page cache lost {page.file.src_uri} during the build; "
                    "build again (or delete .cache/advpub)"
                )
            context["advpub_cached_page"] = cached
        return context

    @event_priority(100)  # first: the theme's output, before other plugins change it
    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        """Keep the theme's whole advisory page for the page cache; leave an unchanged page
        of the last build in place."""
        src = page.file.src_uri
        key = self.cache_keys.pop(src, None)
        reuse = self.reuse
        if src in self.reused_pages and reuse is not None:
            reuse.reuse(*self.page_tags[src])
            return ""  # MkDocs writes nothing: the same page is already there
        if key is not None and self.cache is not None:
            self.cache.put_page_html(key, output)
        if reuse is not None and src in self.pages:
            # Generated pages (listings, home): unchanged bytes are not written again.
            dest = page.file.dest_uri
            data = output.encode("utf-8", errors="xmlcharrefreplace")
            tag = f"sha256:{hashlib.sha256(data).hexdigest()}"
            if reuse.can_reuse(dest, tag):
                reuse.reuse(dest, tag)
                return ""
            reuse.wrote(dest, tag)
        return output

    def on_template_context(self, context: Any, *, template_name: str, config: Any) -> Any:
        """Feed links on static templates (404) too."""
        if self.settings is not None:
            context["advpub_feeds"] = feed_links(self.settings)
        return context

    # -- after the build ---------------------------------------------------------------

    @event_priority(-100)  # after search wrote its index: the scan must see every file
    def on_post_build(self, *, config: Any) -> None:
        """Write feeds and exports, scan for embargoed drafts, write the marker."""
        settings = self._settings()
        site_dir = Path(config["site_dir"])
        by_id = {adv.id: src for src, adv in self.by_src.items()}
        entries = [
            self.search_entries[by_id[a.id]]
            for a in self.advisories
            if by_id.get(a.id) in self.search_entries
        ]
        merge_entries(site_dir, entries)
        reuse = self.reuse
        made: set[Path] = set()
        for output in self.outputs:
            rel = _safe_output_path(output)
            tag = f"sha256:{hashlib.sha256(output.content).hexdigest()}"
            if reuse is not None:
                if reuse.can_reuse(rel.as_posix(), tag):
                    reuse.reuse(rel.as_posix(), tag)
                    continue
                reuse.wrote(rel.as_posix(), tag)
            target = site_dir.joinpath(*rel.parts)
            if target.parent not in made:
                # Once per folder: 10,000 advisories write 40,000 export files into a few.
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(output.content)
        if reuse is not None:
            reuse.remove_stale()
        status = "disabled"
        fingerprint: str | None = None
        if settings.leak_scan:
            salt = self.cache.fingerprint if self.cache is not None else ""
            skip = reuse.scanned_clean if reuse is not None else None
            try:
                scan = scan_site(
                    site_dir,
                    settings,
                    salt,
                    skip,
                    public_text(self.advisories),
                    identities=self.identities_override,
                )
            except AdvpubError as exc:
                remove_site(site_dir)
                raise PluginError(f"advpub: leak scan failed, deleted {site_dir}: {exc}") from None
            if scan.hits:
                remove_site(site_dir)
                raise PluginError(leak_message(site_dir, scan.hits))
            for shown in scan.unreadable:
                log.warning(f"advpub: {shown}: cannot decrypt, so only its id was scanned for")
            status = "passed" if scan.ran else "no-identity"
            fingerprint = scan.fingerprint
        if self.cache is not None:
            self.cache.commit()
        if self.memo is not None:
            self.memo.commit()
        now = self.now or build_now()
        write_marker(
            site_dir,
            BuildMarker(len(self.advisories), format_iso_utc(now), status),
        )
        if reuse is not None:
            for src, (dest, page_tag) in self.page_tags.items():
                # Reused again only on a page-cache hit for the same key, that is when the
                # entry was stored (a build with warnings stores none).
                if src not in self.reused_pages:
                    reuse.wrote(dest, page_tag)
            reuse.commit(MARKER_FILE, fingerprint)

    def on_build_error(self, *, error: Exception) -> None:
        """Stop counting warnings for the page cache; nothing is written."""
        if self.cache is not None:
            self.cache.stop()

    def _digest(self, adv: Advisory) -> bytes:
        """SHA-256 of the bytes the advisory was parsed from (see :class:`Corpus`)."""
        return self.digests[adv.id]

    def _listing_key(self, page: SitePage, current: str) -> str | None:
        """The memo key of a listing page's content: everything its template reads (the
        rows' advisory files and URLs, the pagination, the titles) under the build
        fingerprint; None for the home and overview pages (few, and they read more)."""
        renderer, cache, group = self.renderer, self.cache, page.group
        if page.kind != "listing" or renderer is None or cache is None or group is None:
            return None
        parts = [
            renderer.title(page),
            [group.kind, group.key, group.title, group.base, len(group.advisories)],
            [page.number, [[s, renderer.page_urls.get(s)] for s in page.siblings]],
            [[a.id, self._digest(a).hex(), renderer.advisory_urls[a.id]] for a in page.advisories],
        ]
        data = json.dumps(parts, ensure_ascii=False).encode()
        return cache.key(data, f"listing:{page.src_uri}", current)

    def _settings(self) -> Settings:
        if self.settings is None:
            raise PluginError("advpub: the plugin was not configured (on_config did not run)")
        return self.settings

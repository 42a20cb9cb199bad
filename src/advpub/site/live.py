"""Live sites (``advpub serve``, ``advpub preview``): each page rendered when it is asked for.

A full build of 5,000 advisories takes about half a minute; a coordinator looking at one
page cannot wait that long when the session starts, nor after every save. A
:class:`Generation` runs MkDocs' build steps up to ``on_env`` (configuration, the files and
the release gate, the navigation: about a second at 5,000 once the session's parse memo
holds the advisories) and then renders a page the first time somebody asks for it, with
MkDocs' own functions and plugin events, exactly as MkDocs' loop renders it. The rest of the
build (every other page, the theme's static files and templates, ``on_post_build`` with the
feeds, exports and search index) runs in the background while no request waits, or at once
when a file only it writes is asked for. A completed generation's folder is byte-identical
to a cold build's (tested).

An edit starts a new generation, in a new folder (the watcher calls
:meth:`LiveSite.rebuild`); the browser reloads and the page it asks for is rendered in the
new one. Pages that did not change come from the session's store
(:func:`advpub.site.incremental.live_session`), so rendering them again is cheap.

Only sites whose plugins are advpub and search are rendered this way: another plugin may
expect every page to be read before any is rendered (:func:`renders_lazily`); those sites
are built whole on every change, as MkDocs does.
"""

from __future__ import annotations

import gc
import io
import posixpath
import shutil
import threading
import urllib.parse
import wsgiref.util
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from advpub.config import PLUGIN_NAME
from advpub.site.driver import gather
from advpub.site.incremental import KEEP_OUTPUT_PLUGINS, Reuse

# Files only the end of a build writes (search index, feeds, exports; never HTML): asking
# for one of them completes the generation first. Every other file is one MkDocs knows.
_TEMPLATES_BY_OUTPUT = {"sitemap.xml.gz": "sitemap.xml"}


def renders_lazily(config: Any) -> bool:
    """True when every plugin of ``config`` is one whose output does not depend on the order
    pages are rendered in (advpub, search): the site may be rendered page by page."""
    return set(config["plugins"]) <= KEEP_OUTPUT_PLUGINS


def dest_of(url_path: str) -> str:
    """The site-relative file a request path names (``a/`` is ``a/index.html``), never
    outside the site (``..`` is resolved first)."""
    rel = url_path + "index.html" if url_path.endswith("/") or not url_path else url_path
    return posixpath.normpath("/" + rel).lstrip("/")


class SessionBytecode(jinja2.BytecodeCache):
    """The theme's compiled templates for every generation of one session, in memory (each
    generation has a new Jinja environment; compiling Material's templates again was a
    fifth of a reload). Jinja checks each entry against its template's source."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill ``bucket`` from memory, if compiled before."""
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep ``bucket``'s compiled template."""
        self._code[bucket.key] = bucket.bytecode_to_string()


class Generation:
    """The site as its sources were when it started (see the module docstring).

    ``eager`` names pages (site-relative URLs) to render at once, before anybody asks:
    the drafts a preview shows."""

    def __init__(
        self,
        config: Any,
        *,
        eager: Callable[[Any], Sequence[str]] | None = None,
        bytecode: jinja2.BytecodeCache | None = None,
    ):
        from mkdocs.structure.files import InclusionLevel

        self.folder = Path(config["site_dir"])
        plugin = config["plugins"][PLUGIN_NAME]
        plugin.incremental = Reuse.STORED  # every file written: the folder starts empty
        plugin.defer_outputs = True
        self.complete = False
        self.failed: str | None = None
        self._done: set[str] = set()
        self._read: set[str] = set()
        self._next = 0  # pages before this index are rendered
        if not renders_lazily(config):
            self._build_whole(config)
            return
        try:
            config = config.plugins.on_config(config)
            config.plugins.on_pre_build(config=config)
            files, env, nav, self.pages = gather(config, InclusionLevel.is_in_serve)
            # Every page shows the navigation's titles: read those pages' sources now
            # (their titles are in their metadata); the rest is read when rendered.
            for page in nav.pages:
                page.read_source(config)
            env = config.plugins.on_env(env, config=config, files=files)
            if env.bytecode_cache is None:
                # No private folder for the user's template cache: the session's memory.
                env.bytecode_cache = bytecode
        except BaseException as exc:
            config.plugins.on_build_error(error=exc)
            raise
        self.config, self.files, self.nav, self.env = config, files, nav, env
        self.by_dest = {f.dest_uri: f for f in files if not f.inclusion.is_excluded()}
        if eager is not None:
            for url in eager(plugin):
                self.provide(dest_of(url))

    def _build_whole(self, config: Any) -> None:
        """Another plugin is enabled: MkDocs' own build, all pages before any is written."""
        from mkdocs.commands.build import build

        build(config, serve_url=config["site_url"])
        self.complete = True

    def provide(self, rel: str) -> bool:
        """Make the site's file ``rel`` exist in :attr:`folder` if the site has one: render
        its page, copy it, or complete the build. False when the site has no such file."""
        if self.complete or rel in self._done:
            return (self.folder / rel).is_file()
        file = self.by_dest.get(rel)
        template = _TEMPLATES_BY_OUTPUT.get(rel, rel)
        if file is not None and file.is_documentation_page():
            self._render(file)
        elif file is not None:
            file.copy_file(dirty=False)
            self._done.add(rel)
        elif template in self.config.theme.static_templates:
            self._template(template)
        elif rel.endswith(".html"):
            return False  # every HTML file but the theme's templates is a page
        else:
            self.finish()
        return (self.folder / rel).is_file()

    def render_next(self) -> bool:
        """Render the next page (in MkDocs' order) not rendered yet; False when none is left."""
        while self._next < len(self.pages):
            file = self.pages[self._next]
            if file.src_uri not in self._read or file.dest_uri not in self._done:
                self._render(file)
                return True
            self._next += 1
        return False

    def finish(self) -> None:
        """The rest of the build: every page, the static files, the theme's and the extra
        templates, anchor checks and ``on_post_build`` (feeds, exports, search index)."""
        from mkdocs.commands.build import _build_extra_template
        from mkdocs.structure.files import InclusionLevel

        if self.complete:
            return
        if self.failed is not None:
            raise RuntimeError(self.failed)
        config = self.config
        try:
            while self.render_next():
                pass
            self.files.copy_static_files(dirty=False, inclusion=InclusionLevel.is_in_serve)
            for template in config.theme.static_templates:
                self._template(template)
            for template in config.extra_templates:
                _build_extra_template(template, self.files, config, self.nav)
            level = config.validation.links.anchors
            for file in self.pages:
                if file.page is not None:  # gather made one for every page
                    file.page.validate_anchor_links(files=self.files, log_level=level)
            config.plugins.on_post_build(config=config)
        except BaseException as exc:
            self._fail(exc)
            raise
        self.complete = True

    def abandon(self) -> None:
        """A newer generation replaced this one before it completed: drop what the
        session's store holds of it."""
        if not self.complete and self.failed is None:
            self.failed = "replaced by a newer generation"
            self.config.plugins.on_build_error(error=RuntimeError(self.failed))

    def _render(self, file: Any) -> None:
        from mkdocs.commands.build import _build_page, _populate_page

        if self.failed is not None:
            raise RuntimeError(self.failed)
        try:
            if file.src_uri not in self._read:
                _populate_page(file.page, self.config, self.files)
                self._read.add(file.src_uri)
            if file.dest_uri not in self._done:
                _build_page(
                    file.page,
                    self.config,
                    self.pages,
                    self.nav,
                    self.env,
                    excluded=file.inclusion.is_excluded(),
                )
                self._done.add(file.dest_uri)
        except BaseException as exc:
            self._fail(exc)
            raise

    def _template(self, name: str) -> None:
        from mkdocs.commands.build import _build_theme_template

        if name not in self._done:
            _build_theme_template(name, self.env, self.files, self.config, self.nav)
            self._done.add(name)
            if name == "sitemap.xml":
                self._done.add("sitemap.xml.gz")

    def _fail(self, exc: BaseException) -> None:
        if self.failed is None:
            self.failed = str(exc) or type(exc).__name__
            self.config.plugins.on_build_error(error=exc)


class LiveSite:
    """The generations of one live session, rendered on request and in the background.

    ``make_config(folder)`` loads the configuration of a new generation writing into
    ``folder``; each generation gets a new folder under ``workspace``, and the folder of
    the one it replaces is removed. ``announce`` gets one line per problem (a rebuild or a
    background render that failed); the last good generation stays served. Without
    ``background`` only what is asked for is rendered."""

    def __init__(
        self,
        make_config: Callable[[Path], Any],
        workspace: Path,
        *,
        eager: Callable[[Any], Sequence[str]] | None = None,
        announce: Callable[[str], None] = lambda line: None,
        background: bool = True,
    ) -> None:
        self._make_config = make_config
        self._workspace = workspace
        self._eager = eager
        self._announce = announce
        self._lock = threading.RLock()
        self._idle = threading.Condition()
        self._waiting = 0
        self._count = 0
        self._stopped = not background
        self._work = threading.Event()
        self.current: Generation | None = None
        self._bytecode = SessionBytecode()
        self._background = threading.Thread(
            target=self._complete_in_background, name="advpub-live", daemon=True
        )

    @property
    def folder(self) -> Path:
        """The workspace the generations' folders are in."""
        return self._workspace

    def rebuild(self) -> Generation:
        """Start a new generation from the sources as they are now (raises when they do not
        build: the last good one stays current)."""
        self._count += 1
        folder = self._workspace / f"site-{self._count}"
        folder.mkdir(mode=0o700)
        try:
            config = self._make_config(folder)
            # Counted as a request: the background steps aside (a lock alone is not fair: the
            # background would take it again after each page, the rebuild waiting seconds).
            with self._request(), self._lock, _collector_paused():
                generation = Generation(config, eager=self._eager, bytecode=self._bytecode)
                old, self.current = self.current, generation
                if old is not None:
                    old.abandon()
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if old is not None:
            # Thousands of files: removed beside the server, not before the browsers reload.
            threading.Thread(
                target=shutil.rmtree, args=(old.folder, True), name="advpub-live-remove"
            ).start()
        self._work.set()
        if not self._background.is_alive() and not self._stopped:
            self._background.start()
        return generation

    def provide(self, rel: str) -> Path | None:
        """The file of the current generation at site-relative ``rel`` (rendered now when
        needed), or None when the site has none."""
        with self._request(), self._lock:
            generation = self.current
            if generation is None:
                return None
            try:
                found = generation.provide(rel)
            except Exception as exc:  # reported; the request gets a 404
                self._announce(f"{rel}: not rendered: {_first_line(exc)}")
                return None
            return generation.folder / rel if found else None

    def stop(self) -> None:
        """End the background work (the caller removes the workspace)."""
        self._stopped = True
        self._work.set()
        with self._idle:
            self._idle.notify_all()

    @contextmanager
    def _request(self) -> Iterator[None]:
        with self._idle:
            self._waiting += 1
        try:
            yield
        finally:
            with self._idle:
                self._waiting -= 1
                self._idle.notify_all()

    def _complete_in_background(self) -> None:
        """Render the rest of the current generation one page at a time, stepping aside
        whenever a request waits, then complete it."""
        while not self._stopped:
            self._work.wait()
            self._work.clear()
            while not self._stopped:
                with self._idle:
                    self._idle.wait_for(lambda: self._waiting == 0 or self._stopped)
                with self._lock:
                    generation = self.current
                    if generation is None or generation.complete or generation.failed:
                        break
                    try:
                        if not generation.render_next():
                            generation.finish()
                    except Exception as exc:
                        self._announce(f"the site was not completed: {_first_line(exc)}")
                        break


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a generation is prepared: it makes thousands of
    objects, and each collection walked the whole session's heap (the parse memo, the last
    generation): 0.1-0.3 s of a 0.7 s reload at 5,000. Collected when it resumes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _message(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).strip().removeprefix("advpub: ")


def _first_line(exc: BaseException) -> str:
    return _message(exc).splitlines()[0]


def lazy_server_class() -> type[Any]:
    """MkDocs' live-reload server, serving each file from the :class:`LiveSite` (which
    renders it when needed) instead of a folder built beforehand."""
    from mkdocs.livereload import LiveReloadServer

    class LazyReloadServer(LiveReloadServer):
        site: LiveSite

        def _serve_request(self, environ: Any, start_response: Any) -> Iterable[bytes] | None:
            path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
            if path.startswith("/livereload/") or not (path + "/").startswith(self.mount_path):
                return super()._serve_request(environ, start_response)
            rel = dest_of(path[len(self.mount_path) :])
            found = self.site.provide(rel)
            if found is None:
                if not path.endswith("/") and self.site.provide(f"{rel}/index.html") is not None:
                    start_response("302 Found", [("Location", urllib.parse.quote(path) + "/")])
                    return []
                return None
            content = found.read_bytes()
            if self._watched_paths and rel.endswith(".html"):
                content = self._inject_js_into_html(content, self._visible_epoch)
            start_response(
                "200 OK",
                [("Content-Type", self._guess_type(rel)), ("Content-Length", str(len(content)))],
            )
            return wsgiref.util.FileWrapper(io.BytesIO(content))

    return LazyReloadServer


def _observer(server: Any, paths: Sequence[str]) -> Any:
    """A watchdog observer of ``paths`` that asks ``server`` to rebuild on a change: inotify
    (a change is seen at once, and nothing polls thousands of files) or, where inotify is
    not available (limits, some network or WSL file systems), polling as MkDocs does."""
    from watchdog.events import (
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
        FileSystemEvent,
        FileSystemEventHandler,
    )
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    class Changed(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

    # The only events delivered (as MkDocs' server, folders' own events start no rebuild):
    # an inotify observer would also report every file opened and closed unchanged.
    changes: list[type[FileSystemEvent]] = [
        FileCreatedEvent,
        FileModifiedEvent,
        FileDeletedEvent,
        FileMovedEvent,
        FileClosedEvent,
    ]
    existing = [p for p in paths if Path(p).exists()]
    for make in (Observer, PollingObserver):
        observer = make(timeout=0.2)
        try:
            for path in existing:
                # Asked of inotify itself (its mask): the files each generation opens and
                # reads (every advisory) would otherwise be 10,000 events handled in Python.
                observer.schedule(Changed(), path, recursive=True, event_filter=changes)
        except OSError:
            continue
        # MkDocs' server starts the observer when it has watched paths.
        server._watched_paths = dict.fromkeys(existing, 1)
        return observer
    return PollingObserver(timeout=0.2)


def serve_forever(
    site: LiveSite,
    *,
    host: str,
    port: int,
    mount_path: str,
    watch: Sequence[str],
    announce: Callable[[str], None],
) -> None:
    """Serve ``site`` (its first generation built) on ``host:port`` until interrupted:
    a change under ``watch`` starts a new generation and reloads the browsers; a change
    that does not build is announced in one line and the last good generation stays."""

    def rebuild() -> None:
        try:
            site.rebuild()
        except Exception as exc:
            # Every problem, as `advpub build` reports them (the gate lists each file).
            announce(f"not rebuilt: {_message(exc)}")

    def error_page(code: int) -> bytes | None:
        page = site.provide("404.html") if code == 404 else None
        return page.read_bytes() if page is not None else None

    server = lazy_server_class()(
        builder=rebuild,
        host=host,
        port=port,
        root=str(site.folder),
        mount_path=mount_path,
        polling_interval=0.2,
    )
    server.site = site
    server.error_handler = error_page
    # Quiet time before a rebuild (MkDocs waits 0.1 s): a save is one burst of events.
    server.build_delay = 0.05
    server.observer = _observer(server, [str(p) for p in dict.fromkeys(watch)])
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        site.stop()

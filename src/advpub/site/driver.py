"""``advpub build``'s run of MkDocs: MkDocs' build step by step, with the pages rendered in
worker processes on every core.

MkDocs renders pages one after another (``mkdocs.commands.build.build``, MkDocs 1.6).
:func:`build` runs the same steps with the same plugin events in the same order (config,
pre_build, files, nav, every page's Markdown, env, static files and templates, every page's
template, anchor validation, post_build), except that the documentation pages are split
into contiguous shares, one per process: the build renders the first share itself and
forked workers render the others, each writing its pages' files as MkDocs would.

What renders a page from other pages is only the navigation (the titles of its pages), so
the build reads the nav pages before it forks; everything else a page needs was decided in
``on_files``. Workers are forked after ``on_env`` and the static templates: they inherit the
configuration, files, navigation, compiled theme templates and plugins as they are then.
Each worker hands back what the pages it rendered changed in the plugins' state (advpub's:
:meth:`advpub.site.plugin.AdvpubPlugin.page_worker_changes`; Material's search index: the
entries it added) and the anchors MkDocs validates across pages; the build merges them in
page order, so the output is byte-identical to a build in one process.

Log records of the pages are recorded per page and replayed in MkDocs' order (every page's
Markdown, then every page's template), so warnings count for ``--strict`` and for the page
cache as in one process, and the first failure in that order fails the build with the message
one process gives. A worker dies with the build (PR_SET_PDEATHSIG); a worker that dies fails
the build.

Pages stay in one process (MkDocs' own build, the reference) with ``ADVPUB_WORKERS=1`` or one
core, and with a plugin whose per-page state is not known to be handed back (any plugin but
advpub and Material's search).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from mkdocs import utils
from mkdocs.commands import build as mkdocs
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from advpub.errors import AdvpubError
from advpub.site.parallel import end_with_parent, worker_count

log = logging.getLogger("mkdocs.plugins.advpub")
# MkDocs' own messages, under the logger MkDocs uses (filters on it keep working).
build_log = logging.getLogger("mkdocs.commands.build")

# A page's log records are keyed (step, page index): MkDocs reads every page's Markdown
# (POPULATE) before it renders any page's template (BUILD).
POPULATE, BUILD = 0, 1
Key = tuple[int, int]
# The key of a worker that ended without a word: after every page's own failure.
_LOST: Key = (BUILD + 1, 0)


class PageWorkerPlugin(Protocol):
    """A plugin whose per-page state a page worker hands back to the build."""

    def renders_pages_in_workers(self) -> bool:
        """True when this build's pages may be rendered in worker processes."""

    def start_page_worker(self) -> None:
        """In a worker just forked from the build: record what its pages change."""

    def page_worker_changes(self, srcs: Sequence[str]) -> Any:
        """In a worker: what its pages changed (picklable)."""

    def merge_page_worker(self, changes: Any) -> None:
        """In the build: take a worker's changes."""


def build(config: Any, *, dirty: bool = False) -> None:
    """Build the site of MkDocs' ``config`` as ``mkdocs.commands.build.build`` does, with the
    pages rendered on every core (see the module docstring)."""
    try:
        count = worker_count()
    except AdvpubError:
        count = 1  # the plugin reports the setting, as in any build
    if count < 2:
        mkdocs.build(config, dirty=dirty)
        return
    _build(config, dirty, count)


def gather(config: Any, inclusion: Any) -> tuple[Files, Any, Any, Sequence[File]]:
    """MkDocs' build from the files to the navigation (after ``on_pre_build``): the docs
    and theme files after ``on_files``, the theme's Jinja environment, the navigation after
    ``on_nav``, and the documentation pages of ``inclusion``, each with its page object."""
    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    doc_files = files.documentation_pages(inclusion=inclusion)
    for file in doc_files:
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)
    return files, env, nav, doc_files


def _build(config: Any, dirty: bool, count: int) -> None:
    """``mkdocs.commands.build.build`` (MkDocs 1.6.1, BSD-2-Clause) without ``serve_url``,
    its page loops replaced by :class:`_Pages`."""
    logger = logging.getLogger("mkdocs")
    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(warning_counter)
    inclusion = InclusionLevel.is_included
    try:
        start = time.monotonic()
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        if not dirty:
            build_log.info("Cleaning site directory")
            utils.clean_directory(config.site_dir)
        else:
            build_log.warning(
                "A 'dirty' build is being performed, this will likely lead to inaccurate "
                "navigation and other links within your site. This option is designed for site "
                "development purposes only."
            )
        build_log.info(f"Building documentation to directory: {config.site_dir}")
        if dirty and mkdocs.site_directory_contains_stale_files(config.site_dir):
            build_log.info("The directory contains stale files. Use --clean to remove them.")
        files, env, nav, doc_files = gather(config, inclusion)
        pages = _Pages(config, files, nav, doc_files, dirty)
        workers = _page_plugins(config)
        if workers is None:
            pages.read_all()
        else:
            pages.read_nav_pages()  # the rest in the workers
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(dirty=dirty, inclusion=inclusion)
        for template in config.theme.static_templates:
            mkdocs._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            mkdocs._build_extra_template(template, files, config, nav)
        pages.env = env
        if workers is None:
            pages.render_all()
        else:
            pages.render_in_workers(count, workers)
        log_level = config.validation.links.anchors
        for file in doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=log_level)
        config.plugins.on_post_build(config=config)
        if counts := warning_counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        build_log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds")
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            build_log.error(str(e))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        logger.removeHandler(warning_counter)


def _page_plugins(config: Any) -> tuple[list[PageWorkerPlugin], list[Any]] | None:
    """The plugins that hand back their per-page state and the search plugins, or None
    when the pages must stay in one process (see the module docstring)."""
    from material.plugins.search.plugin import SearchPlugin

    aware: list[PageWorkerPlugin] = []
    searches: list[Any] = []
    for plugin in config.plugins.values():
        if isinstance(plugin, SearchPlugin):
            searches.append(plugin)
        elif callable(getattr(plugin, "renders_pages_in_workers", None)):
            if not plugin.renders_pages_in_workers():
                return None
            aware.append(plugin)
        else:
            return None
    return aware, searches


class _PageLogs(logging.Handler):
    """The log records of MkDocs' loggers while pages are read and rendered, each with the
    key of its page, made picklable (the message formatted)."""

    def __init__(self) -> None:
        super().__init__()
        self.key: Key = (POPULATE, 0)
        self.records: list[tuple[Key, logging.LogRecord]] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append((self.key, record))

    @contextmanager
    def capturing(self) -> Iterator[None]:
        """Record instead of handling (the records are replayed by :func:`_replay`)."""
        logger = logging.getLogger("mkdocs")
        handlers, propagate = logger.handlers, logger.propagate
        logger.handlers, logger.propagate = [self], False
        try:
            yield
        finally:
            logger.handlers, logger.propagate = handlers, propagate


def _replay(records: list[tuple[Key, logging.LogRecord]], until: Key | None) -> None:
    """Hand recorded records to the handlers, in MkDocs' order, up to the failing page."""
    for key, record in sorted(records, key=lambda item: item[0]):
        if until is None or key <= until:
            # The logger's filters passed the record already: only its handlers now.
            logging.getLogger(record.name).callHandlers(record)


@dataclass
class _Failure:
    """The first exception of a process's pages, at the key MkDocs would meet it."""

    key: Key
    error: BaseException


@dataclass
class _ShareResult:
    """What one process's share of the pages left for the build."""

    pid: int
    pages: int
    records: list[tuple[Key, logging.LogRecord]] = field(default_factory=list)
    failure: _Failure | None = None
    changes: list[Any] = field(default_factory=list)
    search: list[list[Any]] = field(default_factory=list)
    # page index -> (its anchor ids, the anchors it links to by target src_uri)
    anchors: dict[int, tuple[set[str] | None, dict[str, dict[str, str]]]] = field(
        default_factory=dict
    )


class _Pages:
    """The documentation pages of one build and the two steps MkDocs runs on them."""

    def __init__(
        self, config: Any, files: Files, nav: Any, doc_files: Sequence[File], dirty: bool
    ) -> None:
        self.config, self.files, self.nav, self.doc_files = config, files, nav, doc_files
        self.dirty = dirty
        self.env: Any = None
        self.pages: list[Page] = []
        for file in doc_files:
            assert file.page is not None
            self.pages.append(file.page)
        self.read: set[int] = set()
        self.logs = _PageLogs()

    # -- one process ----------------------------------------------------------------------

    def read_all(self) -> None:
        """MkDocs' first loop: every page's Markdown."""
        for page in self.pages:
            mkdocs._populate_page(page, self.config, self.files, self.dirty)

    def render_all(self) -> None:
        """MkDocs' second loop: every page's template."""
        for file in self.doc_files:
            assert file.page is not None
            mkdocs._build_page(
                file.page, self.config, self.doc_files, self.nav, self.env, self.dirty,
                excluded=file.inclusion.is_excluded(),
            )  # fmt: skip

    # -- worker processes -----------------------------------------------------------------

    def read_nav_pages(self) -> None:
        """The pages every page's navigation shows, before the workers are forked."""
        in_nav = {id(page) for page in self.nav.pages}
        wanted = [i for i, page in enumerate(self.pages) if id(page) in in_nav]
        failure = self._run(wanted, populate_only=True)
        self.read.update(wanted)
        if failure is not None:
            _replay(self.logs.records, failure.key)
            raise failure.error

    def render_in_workers(
        self, count: int, plugins: tuple[list[PageWorkerPlugin], list[Any]]
    ) -> None:
        """Every page's Markdown and template, in ``count`` processes (this one included)."""
        shares = _shares(len(self.pages), count)
        workers = [self._fork(share, plugins) for share in shares[1:] if share]
        try:
            failure = self._run(shares[0])
            own = _ShareResult(os.getpid(), len(shares[0]), self.logs.records, failure)
            results = [own, *(self._collect(*worker) for worker in workers)]
        finally:
            for process, _conn in workers:
                if process.is_alive():
                    process.kill()
                process.join()
        for result in results:
            log.debug(f"advpub: {result.pages} pages rendered by process {result.pid}")
        records = [record for result in results for record in result.records]
        failures = [result.failure for result in results if result.failure is not None]
        if failures:
            first = min(failures, key=lambda f: f.key)
            _replay(records, first.key)
            raise first.error
        _replay(records, None)
        aware, searches = plugins
        for result in results[1:]:
            for plugin, changes in zip(aware, result.changes, strict=True):
                plugin.merge_page_worker(changes)
            for search, entries in zip(searches, result.search, strict=True):
                search.search_index.entries.extend(entries)
            for index, (present, links) in result.anchors.items():
                page = self.pages[index]
                page.present_anchor_ids = present
                page.links_to_anchors = {
                    target: anchors
                    for src, anchors in links.items()
                    if (target := self.files.get_file_from_path(src)) is not None
                }

    def _run(self, indices: Sequence[int], *, populate_only: bool = False) -> _Failure | None:
        """Read and render the pages at ``indices`` in MkDocs' order, recording their logs;
        the first failure."""
        with self.logs.capturing():
            for index in indices:
                if index in self.read:
                    continue
                self.logs.key = (POPULATE, index)
                try:
                    mkdocs._populate_page(self.pages[index], self.config, self.files, self.dirty)
                except Exception as exc:
                    return _Failure(self.logs.key, exc)
            if populate_only:
                return None
            for index in indices:
                self.logs.key = (BUILD, index)
                file = self.doc_files[index]
                try:
                    mkdocs._build_page(
                        self.pages[index], self.config, self.doc_files, self.nav, self.env,
                        self.dirty, excluded=file.inclusion.is_excluded(),
                    )  # fmt: skip
                except Exception as exc:
                    return _Failure(self.logs.key, exc)
        return None

    def _fork(
        self, share: range, plugins: tuple[list[PageWorkerPlugin], list[Any]]
    ) -> tuple[BaseProcess, Connection]:
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(
            target=self._work,
            args=(os.getpid(), share, plugins, writer),
            name="advpub-pages",
            daemon=True,
        )
        process.start()
        # Only the worker holds the writing end: its death reads as the end of the pipe.
        writer.close()
        return process, reader

    def _work(
        self,
        parent: int,
        share: range,
        plugins: tuple[list[PageWorkerPlugin], list[Any]],
        conn: Connection,
    ) -> None:
        """In a forked worker: render ``share``, send back a :class:`_ShareResult`."""
        end_with_parent(parent)
        aware, searches = plugins
        # The records of the nav pages are the build's (replayed there once).
        self.logs.records = []
        result = _ShareResult(os.getpid(), len(share), self.logs.records)
        try:
            for plugin in aware:
                plugin.start_page_worker()
            marks = [len(search.search_index.entries) for search in searches]
            result.failure = self._run(share)
            if result.failure is None:
                srcs = [self.pages[i].file.src_uri for i in share]
                result.changes = [plugin.page_worker_changes(srcs) for plugin in aware]
                result.search = [
                    search.search_index.entries[mark:]
                    for search, mark in zip(searches, marks, strict=True)
                ]
                result.anchors = {i: self._anchors(self.pages[i]) for i in share}
        except Exception as exc:
            result.failure = _Failure((BUILD, share.stop), exc)
        conn.send_bytes(_pickled(result))
        conn.close()

    @staticmethod
    def _anchors(page: Page) -> tuple[set[str] | None, dict[str, dict[str, str]]]:
        links = page.links_to_anchors or {}
        return page.present_anchor_ids, {f.src_uri: dict(a) for f, a in links.items()}

    def _collect(self, process: BaseProcess, conn: Connection) -> _ShareResult:
        """A worker's result; a worker that ended without one fails the build."""
        try:
            # From the worker this build forked (multiprocessing unpickles it).
            result = conn.recv()
        except EOFError:
            process.join()
            return _ShareResult(
                process.pid or 0, 0, failure=_Failure(_LOST, _lost_worker(process.exitcode))
            )
        finally:
            conn.close()
        assert isinstance(result, _ShareResult)
        return result


def _shares(total: int, count: int) -> list[range]:
    """Contiguous shares of ``total`` pages for ``count`` processes, this one's first.

    This process takes a share fewer than the workers: after the pages it merges their
    results and writes the feeds and exports (measured at 1,000 advisories on 2 cores: with
    equal shares it used 8.3 s of CPU against 6.4 s for all its workers)."""
    own = total // (count + 1)
    rest, workers = total - own, count - 1
    bounds = [own + k * rest // workers for k in range(workers + 1)]
    return [range(own), *(range(a, b) for a, b in pairwise(bounds))]


def _pickled(result: _ShareResult) -> bytes:
    """``result`` for the pipe; a failure's exception that cannot cross it becomes one
    with its type and message."""
    failure = result.failure
    if failure is None:
        return pickle.dumps(result)
    result.changes, result.search, result.anchors = [], [], {}
    try:
        return pickle.dumps(result)
    except Exception:
        error = failure.error
        failure.error = RuntimeError(f"{type(error).__name__}: {error}")
        return pickle.dumps(result)


def _lost_worker(exitcode: int | None) -> PluginError:
    """The error of a page worker that ended without a result (killed, out of memory)."""
    if exitcode is not None and exitcode < 0:
        how = f"was killed by signal {signal.Signals(-exitcode).name}"
    else:
        how = f"ended with exit status {exitcode}"
    return PluginError(
        f"advpub: a worker process rendering pages {how}; the site was not built. "
        "Build again (with ADVPUB_WORKERS=1 to render in one process)"
    )

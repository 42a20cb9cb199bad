"""``advpub build`` and ``advpub serve``: MkDocs in-process, then the checks MkDocs cannot do.

A site only counts as built when the advpub plugin wrote its marker (so the gate ran) and,
when an identity is available, no file mentions an embargoed draft; otherwise the output
folder is deleted so it cannot be deployed by mistake.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from advpub.config import CONFIG_FILE, PLUGIN_NAME, Settings, find_root, settings_from_mkdocs
from advpub.corpus import advisory_files
from advpub.embargo.identity import Identity
from advpub.errors import ConfigError, SiteError
from advpub.site.build_checks import leak_message, preview_clock, remove_site, scan_site
from advpub.site.incremental import Reuse, live_session
from advpub.site.marker import MARKER_FILE, read_marker
from advpub.site.store import GITIGNORE


@dataclass(frozen=True)
class BuiltSite:
    """A finished build: where it is, how many advisories, how the leak scan went."""

    site_dir: Path
    advisories: int
    leak_scan: str


class _MkdocsLog(logging.Handler):
    """Prints MkDocs' warnings to stderr and keeps its errors for the final message (MkDocs
    logs a plugin's error, then raises a generic Abort)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.append(message)
        else:
            sys.stderr.write(f"advpub: warning: {message.removeprefix('advpub: ')}\n")


# Warnings of the exports (CSAF configuration, security.txt expiry) are logged outside the
# "mkdocs" logger: they concern the configuration, not a page, so they must not keep the page
# cache from storing the build (see advpub.site.cache) nor fail `--strict`.
EXPORTS_LOGGER = "advpub.exports"


@contextmanager
def _mkdocs_logging() -> Iterator[_MkdocsLog]:
    loggers = [logging.getLogger("mkdocs"), logging.getLogger(EXPORTS_LOGGER)]
    handler = _MkdocsLog()
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _load(root: Path | None, logged: _MkdocsLog, **overrides: Any) -> tuple[Any, Settings]:
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    folder = find_root(root)
    path = folder / CONFIG_FILE
    try:
        config = load_config(config_file=str(path), **overrides)
    except ConfigurationError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except Abort as exc:
        # MkDocs logs each configuration problem, then aborts.
        raise ConfigError(f"{path}: {_errors(logged) or exc}") from None
    plugin = config["plugins"].get(PLUGIN_NAME)
    if plugin is None:
        raise ConfigError(
            f"{path}: plugins: the `{PLUGIN_NAME}` plugin is not enabled; add `- {PLUGIN_NAME}` "
            "under `plugins:` (without it nothing is gated)"
        )
    return config, settings_from_mkdocs(config, plugin.config)


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns that a build without cleaning may leave stale links; advpub's own
    bookkeeping (:mod:`advpub.site.incremental`) makes that build equal to a clean one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


@contextmanager
def quiet_dirty_warning() -> Iterator[None]:
    """Drop MkDocs' warning about builds without cleaning (see :class:`_DropDirtyWarning`)."""
    logger = logging.getLogger("mkdocs.commands.build")
    dropped = _DropDirtyWarning()
    logger.addFilter(dropped)
    try:
        yield
    finally:
        logger.removeFilter(dropped)


def build_site(
    root: Path | None = None,
    site_dir: Path | None = None,
    *,
    strict: bool = False,
    clean: bool = False,
    now: datetime | None = None,
    identities: Sequence[Identity] | None = None,
) -> BuiltSite:
    """Build the site of the repository at (or above) ``root``; SiteError on any failure.

    Unless ``clean``, files of the last build whose content is unchanged are kept rather
    than written again (:mod:`advpub.site.incremental`); the result is the same as a clean build.
    ``now`` is the instant the gate judges at (the caller resolved it with
    :func:`advpub.clock.resolve_now`) and ``identities`` decrypt the drafts for the leak
    scan; either left None is found as a plain ``mkdocs build`` finds it (the environment).
    """
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from advpub.site.driver import build

    overrides: dict[str, Any] = {}
    if site_dir is not None:
        overrides["site_dir"] = str(site_dir.resolve())
    if strict:
        overrides["strict"] = True
    with _mkdocs_logging() as logged:
        config, settings = _load(root, logged, **overrides)
        target = Path(config["site_dir"])
        staging = staging_folder(target, settings.root)
        # The build writes into the staging folder and the site appears whole at the end:
        # a build killed halfway leaves no partial site where a deploy step would take it.
        remove_site(staging)
        if target.is_dir():
            target.replace(staging)
        config["site_dir"] = str(staging)
        plugin = config["plugins"][PLUGIN_NAME]
        plugin.incremental = Reuse.STORED if clean else Reuse.OUTPUT
        plugin.now_override = now
        plugin.identities_override = identities
        plugin.shown_site_dir = target
        if clean:
            # (Otherwise the plugin checks the marker against its manifest, then deletes it.)
            (staging / MARKER_FILE).unlink(missing_ok=True)
        count = sum(1 for _ in advisory_files(settings))
        try:
            with (
                quiet_dirty_warning(),
                build_progress("advpub build", count, _status_line),
            ):
                # Not cleaning: the plugin empties site/ itself, except the files it keeps.
                # The pages are rendered on every core (advpub.site.driver).
                build(config, dirty=not clean)
        except (PluginError, ConfigurationError) as exc:
            # MkDocs leaves a full site behind when a late step fails: never let a failed
            # build be deployed by mistake.
            remove_site(staging)
            raise SiteError(str(exc)) from None
        except Abort as exc:
            remove_site(staging)
            raise SiteError(_errors(logged) or str(exc)) from None
    marker = read_marker(staging)
    if marker is None:
        remove_site(staging)
        raise SiteError(
            f"{target}: the advpub plugin did not run (no {MARKER_FILE}), so the release gate "
            "was not applied; deleted the output. Build with MkDocs 1.6 or ProperDocs and "
            "`- advpub` under `plugins:`"
        )
    status = marker.leak_scan
    # "no-identity": the plugin already scanned with these identities (none) for secrets;
    # scanning again would read every file twice for the same result.
    if status not in ("passed", "no-identity") and settings.leak_scan:
        scan = scan_site(staging, settings, identities=identities)
        if scan.hits:
            remove_site(staging)
            raise SiteError(leak_message(staging, scan.hits, target))
        status = "passed" if scan.ran else status
    if target.exists():
        remove_site(target)  # made by something else while this build ran
    staging.replace(target)
    return BuiltSite(target, marker.advisories, status)


def staging_folder(target: Path, root: Path) -> Path:
    """Where ``advpub build`` writes the site that becomes ``target``: in ``.cache/advpub``
    (ignored by git) when that is on the same file system (a rename must be atomic), else
    beside ``target``. The same folder for the same target, so the incremental build's
    manifest (:mod:`advpub.site.reuse`) matches from one build to the next."""
    name = "building-" + hashlib.sha256(os.fsencode(target)).hexdigest()[:16]
    cache = root / ".cache" / "advpub"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        ignore = cache / ".gitignore"
        if not ignore.exists():
            ignore.write_text(GITIGNORE, encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        if cache.stat().st_dev == target.parent.stat().st_dev:
            return cache / name
    except OSError:
        pass
    return target.with_name(f".{target.name}.advpub-building")


# Seconds between two "still building" lines of a long build.
PROGRESS_INTERVAL = 5.0


@contextmanager
def build_progress(
    label: str,
    count: int,
    write: Callable[[str], None],
    interval: float = PROGRESS_INTERVAL,
) -> Iterator[threading.Event]:
    """While the body runs, every ``interval`` seconds write ``LABEL: building N
    advisories, S s elapsed``, so a long build never leaves a blank terminal. Setting the
    yielded event stops the lines early (e.g. once the server listens)."""
    done = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not done.wait(interval):
            elapsed = int(time.monotonic() - started)
            write(f"{label}: building {count} advisories, {elapsed} s elapsed")

    thread = threading.Thread(target=tick, name="advpub-build-progress", daemon=True)
    thread.start()
    try:
        yield done
    finally:
        done.set()
        thread.join()


class _ServeLog(logging.Handler):
    """Turns MkDocs' server messages into advpub's: the address as soon as the server
    listens (MkDocs logs it at INFO, which an in-process run would drop), and rebuilds."""

    def __init__(self, write: Callable[[str], None], listening: threading.Event) -> None:
        super().__init__(logging.INFO)
        self.write = write
        self.listening = listening

    def emit(self, record: logging.LogRecord) -> None:
        # MkDocs' server prefixes its messages with the time, e.g. "[09:00:00] ".
        message = re.sub(r"^\[[\d:]+\] ", "", record.getMessage())
        if message.startswith("Serving on "):
            url = message.removeprefix("Serving on ").split(" ", 1)[0]
            self.listening.set()
            self.write(f"advpub serve: serving on {url} (Ctrl+C to stop)")
        elif message == "Detected file changes":
            self.write("advpub serve: a file changed; rebuilding")


@contextmanager
def _server_messages(write: Callable[[str], None], listening: threading.Event) -> Iterator[None]:
    loggers = [logging.getLogger("mkdocs.livereload"), logging.getLogger("mkdocs.commands.serve")]
    handler = _ServeLog(write, listening)
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def _status_line(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def serve_site(root: Path | None = None, dev_addr: str = "127.0.0.1:8000") -> None:
    """Serve a live preview (the plugin gates every generation); returns when interrupted.

    Says what it does at once, a progress line while the first generation is prepared, and
    the address as soon as the server listens. Pages are rendered when first asked for and
    in the background (:mod:`advpub.site.live`), so neither the first page nor the page
    after an edit waits for the whole site."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError
    from mkdocs.livereload import _serve_url

    from advpub.site.live import LiveSite, serve_forever

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--dev-addr: {dev_addr!r} is not HOST:PORT (e.g. 127.0.0.1:8000)")
    with _mkdocs_logging() as logged:
        probe, settings = _load(root, logged)
        folder = find_root(root)
        config_file = str(folder / CONFIG_FILE)
        count = sum(1 for _ in advisory_files(settings))
        _status_line(
            f"advpub serve: building {count} advisories, then serving on http://{dev_addr}/"
        )
        mount_path = urlsplit(probe["site_url"] or "/").path
        serve_url = _serve_url(host, int(port), mount_path)

        def fresh_config(site_dir: Path) -> Any:
            try:
                config = load_config(config_file=config_file, site_dir=str(site_dir))
            except (ConfigurationError, Abort) as exc:
                raise ConfigError(f"{config_file}: {exc}") from None
            config["site_url"] = serve_url
            return config

        try:
            with (
                tempfile.TemporaryDirectory(prefix="advpub-serve-") as workspace,
                preview_clock(),
                build_progress("advpub serve", count, _status_line) as listening,
                _server_messages(_status_line, listening),
                live_session(),
                quiet_dirty_warning(),
            ):
                site = LiveSite(
                    fresh_config,
                    Path(workspace),
                    announce=lambda line: _status_line(f"advpub serve: {line}"),
                )
                probe.plugins.on_startup(command="serve", dirty=False)
                try:
                    site.rebuild()
                    theme = [probe["theme"].custom_dir] if probe["theme"].custom_dir else []
                    serve_forever(
                        site,
                        host=host,
                        port=int(port),
                        mount_path=mount_path,
                        watch=[probe["docs_dir"], config_file, *theme, *probe["watch"]],
                        announce=lambda line: _status_line(f"advpub serve: {line}"),
                    )
                finally:
                    site.stop()
                    probe.plugins.on_shutdown()
        except (PluginError, ConfigurationError) as exc:
            raise SiteError(str(exc)) from None
        except Abort as exc:
            raise SiteError(_errors(logged) or str(exc)) from None


def _errors(logged: _MkdocsLog) -> str:
    return "\n".join(e.removeprefix("advpub: ") for e in logged.errors)

"""``advpub preview``: embargoed drafts in the public site, as readers will see them after release.

The preview is a mode of the plugin that only :func:`serve_preview` switches on, by setting
:attr:`~advpub.site.plugin.AdvpubPlugin.preview` on the plugin instance of each build (an
in-process object, never an environment variable or a setting CI could set). In that mode
the plugin:

- adds the drafts :class:`PreviewMode` loads (decrypted in memory, ``published`` set to their
  release instant) to the published advisories and renders the site at the latest of their
  release instants;
- keeps nothing on disk between builds (no build store under ``.cache/``): a rebuild after an
  edit reuses what the last build of the same session rendered, from a store in this
  process's memory (:func:`advpub.site.incremental.live_session`), so only pages that depend
  on the edited draft are rendered again;
- puts an "EMBARGOED PREVIEW" banner and ``<meta name="robots" content="noindex">`` on every
  page;
- writes only inside the private workspace (:func:`advpub.embargo.editor.private_workspace`:
  0700, on ``/dev/shm`` when usable, removed on exit and swept after SIGKILL by the next
  command that decrypts) and refuses any other output folder. The leak scan does not run:
  the output is the preview of the drafts, and it never leaves that folder.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from advpub.config import CONFIG_FILE, PLUGIN_NAME, find_root
from advpub.embargo.editor import private_workspace
from advpub.errors import AdvpubError, ConfigError, SiteError
from advpub.model import Advisory
from advpub.site.build import _errors, _mkdocs_logging, quiet_dirty_warning
from advpub.site.incremental import live_session
from advpub.site.live import LiveSite, serve_forever

log = logging.getLogger("advpub.preview")

BANNER_TEXT = "EMBARGOED PREVIEW"
NOINDEX = '<meta name="robots" content="noindex">'
BANNER = (
    '<div class="advpub-preview-banner" role="alert" style="position:sticky;top:0;'
    "z-index:1000;background:#b00020;color:#fff;font:bold 1rem/1.4 sans-serif;"
    'padding:.5rem 1rem;text-align:center;letter-spacing:.05em">'
    f"{BANNER_TEXT} — embargoed drafts shown as if released; not public, do not share"
    "</div>"
)
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class PreviewDrafts:
    """The drafts to show, as released: each advisory's ``published`` is its release instant.

    ``now`` is the instant the site is rendered at (the latest release instant, or the
    clock's when later); ``digests`` the SHA-256 of each previewed text by id (page key);
    ``notes`` what the user should know (by id only, e.g. the gate would still hold a draft).
    ``translations`` are the linked translation drafts' views (the primary's facts in their
    language, ``published`` as release would write it), each shown at its translation URL.
    """

    advisories: tuple[Advisory, ...]
    now: datetime
    digests: Mapping[str, bytes] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    translations: tuple[Advisory, ...] = ()


@dataclass(frozen=True)
class PreviewMode:
    """What the plugin needs in preview mode: how to (re)load the drafts for each build, and
    the private folder every output must stay inside. The plugin records the page URL of
    each previewed draft in ``urls`` (site-relative)."""

    load: Callable[[], PreviewDrafts]
    workspace: Path
    urls: dict[str, str] = field(default_factory=dict)


def mark_page(html: str) -> str:
    """``html`` with the noindex meta in its head and the banner at the top of its body."""
    data = html.encode("utf-8")
    head = _HEAD_END.search(data)
    if head is not None:
        data = data[: head.start()] + NOINDEX.encode() + data[head.start() :]
    else:
        data = NOINDEX.encode() + data
    body = _BODY.search(data)
    if body is not None:
        data = data[: body.end()] + BANNER.encode() + data[body.end() :]
    else:
        data = BANNER.encode() + data
    return data.decode("utf-8")


def is_inside(folder: Path, workspace: Path) -> bool:
    """True when ``folder`` is ``workspace`` or below it (after resolving links)."""
    target, base = folder.resolve(), workspace.resolve()
    return target == base or base in target.parents


def parse_dev_addr(dev_addr: str) -> tuple[str, int]:
    """``HOST:PORT`` for the preview, refusing any host but 127.0.0.1."""
    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(f"--dev-addr: {dev_addr!r} is not HOST:PORT (e.g. 127.0.0.1:8000)")
    if host != LOOPBACK:
        raise ConfigError(
            f"--dev-addr: {host} is not {LOOPBACK}; the preview shows embargoed drafts and is "
            f"served on {LOOPBACK} only"
        )
    return host, int(port)


def serve_preview(
    load: Callable[[], PreviewDrafts],
    *,
    root: Path | None = None,
    dev_addr: str = "127.0.0.1:8000",
    watch: Sequence[Path] = (),
    announce: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> None:
    """Serve the preview on 127.0.0.1 until interrupted, rebuilding when a file under
    ``watch`` (the draft files), the advisories or ``mkdocs.yml`` changes.

    Every build goes into a private workspace that is removed on every way out (SIGKILL:
    swept by the next command that decrypts). ``announce`` gets one line when the server
    listens (its address) and one per rebuild (how long it took, or that it failed).
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError
    from mkdocs.livereload import _serve_url

    host, port = parse_dev_addr(dev_addr)
    folder = find_root(root)
    config_file = str(folder / CONFIG_FILE)
    with (
        private_workspace() as space,
        _mkdocs_logging() as logged,
        live_session(),
        quiet_dirty_warning(),
    ):
        mode = PreviewMode(load, space.folder)
        serve_url = ""

        def fresh_config(site_dir: Path) -> Any:
            try:
                config = load_config(config_file=config_file, site_dir=str(site_dir))
            except (ConfigurationError, Abort) as exc:
                raise ConfigError(f"{config_file}: {exc}") from None
            plugin = config["plugins"].get(PLUGIN_NAME)
            if plugin is None:
                raise ConfigError(
                    f"{config_file}: plugins: the `{PLUGIN_NAME}` plugin is not enabled; add "
                    f"`- {PLUGIN_NAME}` under `plugins:`"
                )
            plugin.preview = mode
            if serve_url:
                config["site_url"] = serve_url
            return config

        probe = fresh_config(space.folder)
        mount_path = urlsplit(probe["site_url"] or "/").path
        serve_url = _serve_url(host, port, mount_path)
        watched = [probe["docs_dir"], config_file, *map(str, watch), *probe["watch"]]

        def drafts_first(plugin: Any) -> list[str]:
            # The drafts are what the coordinator came to see: rendered before the address
            # is announced (the rest of the site follows on request and in the background).
            return list(plugin.preview.urls.values()) if plugin.preview is not None else []

        site = LiveSite(
            fresh_config,
            space.folder,
            eager=drafts_first,
            announce=lambda line: announce(f"advpub: preview: {line}"),
        )

        def first_generation() -> None:
            try:
                site.rebuild()
            except (PluginError, ConfigurationError, AdvpubError) as exc:
                raise SiteError(str(exc).removeprefix("advpub: ")) from None
            except Abort as exc:
                # MkDocs logs a plugin's error, then aborts.
                raise SiteError(_errors(logged) or str(exc)) from None

        probe.plugins.on_startup(command="serve", dirty=False)
        try:
            started = time.monotonic()
            first_generation()
            announce(
                f"advpub: preview of the drafts ready in {time.monotonic() - started:.2f} s "
                "(the rest of the site is rendered when asked for)"
            )
            page = next(iter(mode.urls.values()), "")
            announce(
                f"advpub: EMBARGOED PREVIEW at {serve_url}{page} (this machine only; "
                "Ctrl-C stops it and removes the preview)"
            )
            serve_forever(
                site,
                host=host,
                port=port,
                mount_path=mount_path,
                watch=watched,
                announce=lambda line: announce(f"advpub: preview {line}"),
            )
        finally:
            site.stop()
            probe.plugins.on_shutdown()

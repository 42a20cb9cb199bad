"""Where ``advpub verify-site`` reads a site from: a built folder or a web server.

Both answer ``get(url)`` for absolute URLs under the site's public ``site_url``; a URL ending
in ``/`` (or naming a folder) is answered with the folder's ``index.html``, as static hosts
do. The web form fetches over http(s) with urllib, never follows redirects (CSAF requirement
6 forbids them; a redirect is reported) and may read the site from another location than
its public URL (a staging server, or a local test server on 127.0.0.1).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import advpub

TIMEOUT = 30
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    """The answer for one URL: ``body`` is None when there is none (``reason`` says why)."""

    url: str
    body: bytes | None
    reason: str = ""
    redirect: str | None = None  # where the server redirected to (never followed)


class SiteSource(Protocol):
    """Reads files of a site by their public URL."""

    site_url: str

    def get(self, url: str) -> Fetched:
        """The file at ``url``."""
        ...


class FolderSource:
    """A built site folder standing for ``site_url``."""

    def __init__(self, folder: Path, site_url: str) -> None:
        self.folder = folder.resolve()
        self.site_url = site_url

    def get(self, url: str) -> Fetched:
        """The file of the folder at ``url`` (outside ``site_url``: not found)."""
        if not url.startswith(self.site_url):
            return Fetched(url, None, f"outside {self.site_url}, not in the site folder")
        rel = unquote(urlsplit(url[len(self.site_url) :]).path)
        path = (self.folder / rel).resolve()
        if not path.is_relative_to(self.folder):
            return Fetched(url, None, "outside the site folder")
        if rel == "" or rel.endswith("/") or path.is_dir():
            path = path / "index.html"
        try:
            return Fetched(url, path.read_bytes())
        except OSError:
            return Fetched(url, None, "not found (404)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx response is then raised as an HTTPError


class HttpSource:
    """A web server: URLs under ``site_url`` are fetched from ``location`` instead."""

    def __init__(self, location: str, site_url: str) -> None:
        self.location = location if location.endswith("/") else location + "/"
        self.site_url = site_url
        self.opener = urllib.request.build_opener(_NoRedirect())

    def get(self, url: str) -> Fetched:
        """GET ``url`` (mapped to ``location``); errors become a reason, never an exception."""
        target = self.location + url[len(self.site_url) :] if url.startswith(self.site_url) else url
        if urlsplit(target).scheme not in ("http", "https"):
            return Fetched(url, None, "not an http(s) URL")
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            target, headers={"User-Agent": f"advpub-verify-site/{advpub.__version__}"}
        )
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return Fetched(url, response.read(MAX_BYTES))
        except urllib.error.HTTPError as exc:
            if 300 <= exc.code < 400:
                return Fetched(url, None, f"redirect ({exc.code})", exc.headers.get("Location"))
            return Fetched(url, None, f"HTTP {exc.code}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return Fetched(url, None, f"cannot fetch: {reason}")

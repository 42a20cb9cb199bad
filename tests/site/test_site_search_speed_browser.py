"""Search answers before lunr has built its index (issue 21: first result at 5,000 advisories).

advpub's search worker runs Material's (lunr) worker beside it, says "ready" once it has
read the index and answers a word query provisionally until lunr is ready; lunr's answer
then replaces it. Here Material's worker script is held back by the test's web server, so
"lunr not ready yet" lasts as long as the test wants.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from tests.conftest import CliResult, require_tool
from tests.site.site_support import NOW, QuietHandler, serve
from tests.site.test_site_browser import CHROMIUM_ARGS, build, search

Cli = Callable[..., CliResult]
# Material's search worker (its file name carries a hash).
MATERIAL_WORKER = "/assets/javascripts/workers/search."
ROUTER_PAGES = {"2025/ADV-2025-0001", "2026/ADV-2026-0003"}

# Talks to the site's search worker as Material's page does (SETUP, READY, QUERY, RESULT)
# and keeps every message it answers with: [type, locations of the results, provisional?].
HARNESS = """
async () => {
  const config = JSON.parse(document.getElementById("__config").textContent);
  const index = await (await fetch(new URL("search/search_index.json", location.href))).json();
  const worker = new Worker(new URL(config.search, location.href));
  window.seen = [];
  worker.addEventListener("message", event => {
    const data = event.data.data || {};
    window.seen.push([event.data.type,
      (data.items || []).map(group => group[0].location.replace(/\\/$/, "")),
      !!data.provisional]);
  });
  window.ask = query => worker.postMessage({ type: 2, data: query });
  worker.postMessage({ type: 0, data: { ...index, options: { suggest: false } } });
}
"""


class _HoldingHandler(QuietHandler):
    """Serves the site, but Material's worker script only once ``release`` is set."""

    release = threading.Event()

    def do_GET(self) -> None:
        if self.path.startswith(MATERIAL_WORKER):
            self.release.wait(60)
        super().do_GET()


@contextmanager
def serve_holding(folder: Path, release: threading.Event) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1, holding Material's worker until ``release``."""
    handler_class = type("Holding", (_HoldingHandler,), {"release": release})
    with serve(folder, handler_class) as base:
        try:
            yield base
        finally:
            release.set()  # before the server closes: it waits for its handlers


def wait_for_messages(page: Any, count: int) -> list[list[Any]]:
    page.wait_for_function(f"window.seen.length >= {count}", timeout=10000)
    return list(page.evaluate("window.seen"))


@pytest.mark.browser
@pytest.mark.slow
def test_search_answers_before_lunr_is_ready(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = require_tool("chromium")
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    site = build(tmp_path, cli, "en")
    release = threading.Event()
    with (
        serve_holding(site, release) as base,
        sync_api.sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            # A reader types a word while lunr cannot have started: results all the same.
            page = browser.new_page()
            page.goto(base)
            assert set(search(page, "router")) == ROUTER_PAGES
            assert search(page, "ADV-2026-0001") == ["2026/ADV-2026-0001"]
            page.close()

            # The worker's messages: ready at once, a provisional answer to the word query,
            # the identifier answered by advpub.
            page = browser.new_page()
            page.goto(base)
            page.evaluate(HARNESS)
            assert wait_for_messages(page, 1) == [[1, [], False]]
            page.evaluate("ask('router')")
            [_, (kind, early, provisional)] = wait_for_messages(page, 2)
            assert (kind, set(early), provisional) == (3, ROUTER_PAGES, True)
            page.evaluate("ask('ADV-2026-0001')")
            assert wait_for_messages(page, 3)[2] == [3, ["2026/ADV-2026-0001"], False]
            # Lunr starts and answers "router" late: never shown over the newer answer.
            release.set()
            page.wait_for_timeout(1500)
            assert len(page.evaluate("window.seen")) == 3
            # Lunr is ready: its own answer, the same advisories.
            page.evaluate("ask('router')")
            kind, final, provisional = wait_for_messages(page, 4)[3]
            assert (kind, set(final), provisional) == (3, ROUTER_PAGES, False)
            page.close()
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.slow
def test_search_where_workers_cannot_start_workers(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Browsers without workers inside workers: Material's worker is loaded into advpub's,
    as before the split (so this also passes on the code before it)."""
    chromium = require_tool("chromium")
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    site = build(tmp_path, cli, "en")
    worker = site / "assets" / "javascripts" / "workers" / "advpub-search-worker.js"
    worker.write_text("self.Worker = undefined;\n" + worker.read_text(encoding="utf-8"))
    release = threading.Event()
    release.set()
    with serve_holding(site, release) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(base)
            assert set(search(page, "router")) == ROUTER_PAGES
            assert search(page, "ADV-2026-0001") == ["2026/ADV-2026-0001"]
            assert search(page, "もみじNAS") == ["2026/ADV-2026-0004"]
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.slow
def test_feed_links_do_not_make_the_page_parse_the_sitemap(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Material fetches and parses sitemap.xml for every <link rel="alternate"> (its switch
    between language versions of a site); for the four feed links that was the whole
    sitemap four times on every page load (0.6 s of main thread at 5,000 advisories)."""
    chromium = require_tool("chromium")
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    site = build(tmp_path, cli, "en")
    release = threading.Event()
    release.set()
    with serve_holding(site, release) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            for path in ("", "2026/ADV-2026-0001/"):
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                # The feeds are still advertised as they are in the HTML.
                html = (site / path / "index.html").read_text(encoding="utf-8")
                feeds = page.eval_on_selector_all(
                    "link[rel=alternate][type]", "links => links.map(link => link.type)"
                )
                assert feeds == re.findall(r'<link rel="alternate" type="([^"]+)"', html)
                assert {"application/atom+xml", "application/rss+xml"} <= set(feeds)
            assert [url for url in requested if "sitemap" in url] == []
            assert set(search(page, "router")) == ROUTER_PAGES
        finally:
            browser.close()

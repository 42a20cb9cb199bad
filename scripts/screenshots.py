#!/usr/bin/env python3
"""Screenshots of this repository's sample site, for people to look at before a release.

Builds the sample site twice (``theme.language: en`` as configured, and ``ja``) from a copy
of ``mkdocs.yml`` and ``advisories/`` in a temporary folder, serves each on 127.0.0.1 and
saves full-page screenshots of the home page, an English and a Japanese advisory, a product
listing, the products overview and the search with a query, at 1366×900 (desktop) and
390×844 (phone), with Debian's Chromium through Playwright.

Usage: ``python scripts/screenshots.py [OUTPUT_DIR]`` (default ``build/screenshots``).
File names: ``<page>-<site language>-<desktop|mobile>.png``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

# The benchmark's local server (this folder is on sys.path when a script runs).
from bench import serve
from playwright import sync_api

ROOT = Path(__file__).resolve().parents[1]
# A fixed instant (after every sample advisory's release) keeps the pictures reproducible.
NOW = "2026-11-01T00:00:00Z"
VIEWPORTS = {"desktop": (1366, 900), "mobile": (390, 844)}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# (name, site-relative path) of the pages to shoot; the search is shot separately.
PAGES = (
    ("home", ""),
    ("advisory-english", "2026/ADV-2026-0019/"),
    ("advisory-japanese", "2026/ADV-2026-0011/"),
    ("listing", "2026/"),
    ("products", "products/"),
)
SEARCHES = {"en": "Tern Print", "ja": "パストラバーサル"}


def build(language: str, workspace: Path) -> Path:
    """Build the sample site with ``theme.language: <language>``; the output folder."""
    repo = workspace / f"repo-{language}"
    repo.mkdir()
    shutil.copytree(ROOT / "advisories", repo / "advisories")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if "  language: en\n" not in config:
        raise SystemExit("mkdocs.yml: theme: language: en not found; update this script")
    (repo / "mkdocs.yml").write_text(
        config.replace("  language: en\n", f"  language: {language}\n"), encoding="utf-8"
    )
    site = repo / "site"
    advpub = Path(sys.executable).parent / "advpub"
    env = {**os.environ, "ADVPUB_NOW": NOW}
    result = subprocess.run(
        [str(advpub), "build", "-d", str(site)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"advpub build ({language}) failed:\n{result.stderr}")
    return site


def search(page: Any, query: str) -> None:
    """Open Material's search (the header button on phones) and type ``query``."""
    button = page.locator("label.md-header__button[for='__search']")
    if button.is_visible():
        button.click()
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=10000)
    page.wait_for_timeout(300)


def shoot(browser: Any, base: str, language: str, out: Path) -> list[Path]:
    """Every screenshot of one site, at both viewports."""
    saved: list[Path] = []
    for device, (width, height) in VIEWPORTS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for name, path in PAGES:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            target = out / f"{name}-{language}-{device}.png"
            page.screenshot(path=str(target), full_page=True)
            saved.append(target)
        page.goto(base)
        page.wait_for_load_state("networkidle")
        search(page, SEARCHES[language])
        target = out / f"search-{language}-{device}.png"
        page.screenshot(path=str(target))
        saved.append(target)
        context.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    """Build, serve and shoot both sites; print the saved files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default="build/screenshots", type=Path)
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (run `make system`)")
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="advpub-screenshots-") as tmp:
        sites = {language: build(language, Path(tmp)) for language in ("en", "ja")}
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                for language, site in sites.items():
                    with serve(site) as base:
                        for path in shoot(browser, base, language, out):
                            print(path)
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The rendered-page cache: a cached build is byte-identical to a cold one, and a change to
an advisory, a template or the configuration invalidates exactly what it must."""

from __future__ import annotations

import json
import logging
import posixpath
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from mkdocs.structure.toc import TableOfContents

from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.store import EmbargoStore
from advpub.site import render
from advpub.site.pagecache import CachedPage, PageCache
from advpub.site.store import STORE_FILE, BuildStore, remove_store
from tests.conftest import CliResult, Key, Repo, advisory_text
from tests.site.site_support import NOW, SAMPLES, Sample, sample_repo, write_sample

Cli = Callable[..., CliResult]
NEW = Sample(
    "ADV-2026-0009",
    "Example Router: a newer advisory",
    "2026-09-01T09:00:00+09:00",
    "affected:\n  - vendor: Example Corp\n    product: Example Router\n    fixed: 3.0\n",
)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def build(cli: Cli, repo: Repo, *args: str) -> dict[str, bytes]:
    result = cli("build", *args, cwd=repo.path)
    assert result.code == 0, result.err
    return tree(repo.path / "site")


def clean_build(cli: Cli, repo: Repo) -> dict[str, bytes]:
    """A build that writes every file (the page cache is used; nothing of site/ is kept)."""
    return build(cli, repo, "--clean")


def cold(cli: Cli, repo: Repo) -> dict[str, bytes]:
    """A build without any cache (the cache of the warm build is kept aside and put back)."""
    cache = repo.path / ".cache"
    aside = repo.path.parent / f"cache-aside-{uuid.uuid4().hex}"
    if cache.exists():
        cache.rename(aside)
    try:
        return build(cli, repo)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if aside.exists():
            aside.rename(cache)


def store_path(repo: Repo) -> Path:
    return repo.path.joinpath(*STORE_FILE)


def entries(repo: Repo) -> list[str]:
    """The keys of the stored pages."""
    with closing(sqlite3.connect(store_path(repo))) as db:
        return sorted(str(row[0]) for row in db.execute("SELECT key FROM pages"))


def poison(repo: Repo, marker: str) -> None:
    """Mark every cached page, so output shows which pages came from the cache."""
    with closing(sqlite3.connect(store_path(repo))) as db, db:
        db.execute(
            "UPDATE pages SET html = replace(html, '</article>', ? || '</article>')", (marker,)
        )


def pages_with(site: dict[str, bytes], marker: str) -> list[str]:
    return sorted(path for path, data in site.items() if marker.encode() in data)


def advisory_pages(site: dict[str, bytes]) -> list[str]:
    return sorted(p for p in site if p.endswith("index.html") and "/ADV-" in p)


def test_cached_build_is_byte_identical_to_a_cold_build(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    first = build(cli, repo)
    assert len(entries(repo)) == len(SAMPLES)
    warm = clean_build(cli, repo)
    assert warm == first
    # The warm build really came from the cache.
    poison(repo, "CACHED-MARK")
    assert pages_with(clean_build(cli, repo), "CACHED-MARK") == advisory_pages(first)
    assert (repo.path / ".cache" / "advpub" / ".gitignore").read_text() == (
        "# advpub build cache\n*\n"
    )
    assert repo.git("status", "--porcelain", "--ignored", ".cache").stdout.startswith("!! ")


def test_changed_advisory_is_rendered_again_and_the_others_are_not(
    tmp_path: Path, cli: Cli
) -> None:
    repo = sample_repo(tmp_path / "repo")
    build(cli, repo)
    poison(repo, "CACHED-MARK")
    changed = SAMPLES[1]
    write_sample(
        repo,
        Sample(
            changed.ident,
            changed.title,
            changed.release_date,
            changed.extra,
            "## New\n\nEdited body.\n",
        ),
    )
    site = clean_build(cli, repo)
    page = f"2026/{changed.ident}/index.html"
    assert "Edited body." in site[page].decode()
    assert pages_with(site, "CACHED-MARK") == [p for p in advisory_pages(site) if p != page]
    remove_store(store_path(repo))
    assert clean_build(cli, repo) == cold(cli, repo)
    # The unpoisoned cache now gives exactly the cold output.
    assert clean_build(cli, repo) == cold(cli, repo)


def test_added_advisory_matches_a_cold_build(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    build(cli, repo)
    write_sample(repo, NEW)
    assert build(cli, repo) == cold(cli, repo)
    # The entry of a removed advisory is dropped: one entry per published advisory.
    (repo.path / "advisories" / "2026" / f"{NEW.ident}.md").unlink()
    assert build(cli, repo) == cold(cli, repo)
    assert len(entries(repo)) == len(SAMPLES)


def test_template_change_invalidates_every_advisory_page(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = sample_repo(tmp_path / "repo")
    before = build(cli, repo)
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATE_FOLDER, templates)
    advisory = templates / "advisory.html"
    advisory.write_text(advisory.read_text() + "<p>TEMPLATE-MARK</p>\n", encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATE_FOLDER", templates)
    monkeypatch.setattr(render, "_ENV", render._environment(templates))
    site = build(cli, repo)
    assert pages_with(site, "TEMPLATE-MARK") == advisory_pages(before)
    assert site == cold(cli, repo)


def test_config_change_invalidates_every_advisory_page(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    before = build(cli, repo)
    config = repo.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("site_name:", "site_name: Renamed CONFIG-MARK #", 1), "utf-8")
    site = build(cli, repo)
    assert set(advisory_pages(before)) <= set(pages_with(site, "CONFIG-MARK"))
    assert site == cold(cli, repo)


def test_page_with_relative_link_is_never_cached(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    first = SAMPLES[0]
    body = "## Overview\n\nSee [the NAS advisory](../2026/ADV-2026-0001.md).\n"
    write_sample(repo, Sample(first.ident, first.title, first.release_date, first.extra, body))
    build(cli, repo)
    assert len(entries(repo)) == len(SAMPLES) - 1
    assert build(cli, repo) == cold(cli, repo)


def test_no_draft_ever_reaches_the_cache(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = sample_repo(tmp_path / "repo")
    key = make_key("coordinator")
    canary = f"CANARY-{uuid.uuid4().hex}"
    text = advisory_text(
        "ADV-2026-0042",
        title=f"Embargoed {canary} flaw",
        release_date="2026-12-24T09:00:00+09:00",
        body=f"## Overview\n\n{canary} secret details.\n",
    )
    EmbargoStore(repo.path / "embargo", repo.path).write(
        "ADV-2026-0042", text, [RecipientEntry(key.public, "tester", 1)]
    )
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    build(cli, repo)
    build(cli, repo)
    cache = repo.path / ".cache"
    assert len(entries(repo)) == len(SAMPLES)
    found = [p for p in cache.rglob("*") if p.is_file() and canary.encode() in p.read_bytes()]
    assert found == []
    assert all(b"ADV-2026-0042" not in p.read_bytes() for p in cache.rglob("*") if p.is_file())


def test_nothing_is_cached_from_a_build_with_warnings(tmp_path: Path) -> None:
    path = tmp_path / "build.sqlite"
    page = CachedPage("<p>x</p>", TableOfContents([]), frozenset(), {"location": "x"}, {})

    def one_build(warn: bool) -> str:
        store = BuildStore.open(path)
        store.begin()
        cache = PageCache(store, "fingerprint")
        cache.start()
        key = cache.key(b"source", "2026/ADV-2026-0001.md", "2026/ADV-2026-0001/")
        assert cache.get(key, lambda _lookup: None) is None
        cache.put(key, page)
        if warn:
            logging.getLogger("mkdocs.plugins.test").warning("something to fix")
        cache.put_page_html(key, "<html>x</html>")
        cache.finish()
        assert store.commit()
        store.close()
        return key

    key = one_build(warn=True)
    store = BuildStore.open(path)
    assert store.page(key) is None
    store.close()
    one_build(warn=False)
    store = BuildStore.open(path)
    stored = store.page(key)
    store.close()
    assert stored is not None
    head, page_html = stored
    assert page_html == "<html>x</html>"
    assert json.loads(head)["has_page"] is True


@pytest.mark.parametrize(
    ("target", "current"),
    [
        ("2026/ADV-2026-0001/", "products/example-router/"),
        ("2026/ADV-2026-0001/", "2026/ADV-2026-0002/"),
        ("2026/ADV-2026-0001/", "2026/ADV-2026-0001/"),
        ("", "archive/2026/page/2/"),
        ("products/", ""),
        ("assets/advpub/advpub.css", "404.html"),
        ("a/./b//c/", "a/b/"),
        ("../up/", "a/"),
        ("x/", "/abs/"),
    ],
)
def test_fast_relative_path_equals_posixpath(target: str, current: str) -> None:
    base = current if current.endswith("/") or not current else posixpath.dirname(current) + "/"
    start = base if base not in ("", "./") else "."
    assert render._relpath(target or ".", start) == posixpath.relpath(target or ".", start)


def test_first_advisory_in_another_language_updates_every_stored_page(
    tmp_path: Path, cli: Cli
) -> None:
    """Every page's head links the per-language feeds once the site has two languages: the
    stored pages of unchanged advisories must not keep the head of a one-language site."""
    repo = sample_repo(tmp_path / "repo")
    first = build(cli, repo)
    assert not any(b"feed.ja.xml" in data for data in first.values())
    japanese = Sample(NEW.ident, NEW.title, NEW.release_date, NEW.extra + "lang: ja\n", NEW.body)
    write_sample(repo, japanese)
    warm = build(cli, repo)
    reference = cold(cli, repo)
    assert sorted(p for p in reference if warm.get(p) != reference[p]) == []
    assert warm == reference
    assert b"feed.ja.xml" in warm[f"{SAMPLES[0].ident[4:8]}/{SAMPLES[0].ident}/index.html"]
    # And back: the feed links go when the last Japanese advisory goes.
    (repo.path / "advisories" / "2026" / f"{NEW.ident}.md").unlink()
    assert build(cli, repo) == cold(cli, repo)

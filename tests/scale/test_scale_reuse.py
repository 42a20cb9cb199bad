"""`advpub build` keeps unchanged files of the last build: the result is always the same as a
clean build, stale files go, nothing edited by hand survives, and the leak scan still sees
every file a new draft could be mentioned in."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.store import EmbargoStore
from advpub.site.pagecache import Memo
from advpub.site.reuse import OutputReuse
from advpub.site.store import BuildStore, Manifest
from tests.conftest import CliResult, Key, Repo, advisory_text
from tests.scale.test_scale_cache import NEW, build, cold, store_path, tree
from tests.site.site_support import NOW, SAMPLES, VENV_BIN, Sample, sample_repo, write_sample

Cli = Callable[..., CliResult]
OSV = "osv/{}.json"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file: unchanged for a file the build kept."""
    out = {}
    for path in site.rglob("*"):
        if path.is_file():
            st = path.stat()
            out[path.relative_to(site).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return out


def manifest(repo: Repo) -> Manifest | None:
    """The output manifest in the build store."""
    store = BuildStore.open(store_path(repo))
    try:
        return store.manifest()
    finally:
        store.close()


def page(sample: Sample) -> str:
    return f"{sample.ident[4:8]}/{sample.ident}/index.html"


def kept(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    return {p for p, stamp in after.items() if before.get(p) == stamp}


def test_rebuild_keeps_unchanged_pages_and_exports_and_equals_a_clean_build(
    tmp_path: Path, cli: Cli
) -> None:
    repo = sample_repo(tmp_path / "repo")
    first = build(cli, repo)
    site = repo.path / "site"
    before = stamps(site)
    second = build(cli, repo)
    assert second == first
    same = kept(before, stamps(site))
    pages = {page(s) for s in SAMPLES}
    osv = {OSV.format(s.ident) for s in SAMPLES}
    assert pages | osv <= same
    assert any(p.startswith(".well-known/csaf/white/2026/") for p in same)
    # Unchanged listings and feeds stay too; the search index and the marker are written
    # by every build, and so are the theme's files.
    assert {"index.html", "feed.xml", "archive/index.html"} <= same
    assert "search/search_index.json" not in same
    assert "advpub-build.json" not in same
    assert "404.html" not in same
    assert second == cold(cli, repo)


def test_changed_advisory_is_written_again_and_only_it(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    build(cli, repo)
    site = repo.path / "site"
    before = stamps(site)
    changed = SAMPLES[1]
    body = "## New\n\nEdited body.\n"
    title = "Example NAS: stored XSS in the file browser (retitled)"
    write_sample(repo, Sample(changed.ident, title, changed.release_date, changed.extra, body))
    result = build(cli, repo)
    assert "Edited body." in result[page(changed)].decode()
    same = kept(before, stamps(site))
    assert page(changed) not in same
    assert OSV.format(changed.ident) not in same
    # Listings and feeds that show the new title are written again.
    assert not {"index.html", "feed.xml", "2026/index.html"} & same
    assert "(retitled)" in result["index.html"].decode()
    assert {page(s) for s in SAMPLES if s != changed} <= same
    assert result == cold(cli, repo)


def test_added_and_removed_advisories_leave_no_stale_file(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    build(cli, repo)
    write_sample(repo, NEW)
    added = build(cli, repo)
    assert page(NEW) in added and OSV.format(NEW.ident) in added
    assert added == cold(cli, repo)
    build(cli, repo)
    (repo.path / "advisories" / "2026" / f"{NEW.ident}.md").unlink()
    removed = build(cli, repo)
    assert not [p for p in removed if NEW.ident.lower() in p.lower()]
    assert removed == cold(cli, repo)


def test_a_file_edited_by_hand_is_written_again(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    first = build(cli, repo)
    site = repo.path / "site"
    target = site / page(SAMPLES[0])
    # Same size, so only the file status gives the edit away.
    text = target.read_bytes()
    target.write_bytes(text.replace(b"Example", b"EXAMPLE", 1))
    osv = site / OSV.format(SAMPLES[0].ident)
    osv.write_bytes(osv.read_bytes().replace(b"ADV", b"XXX", 1))
    (site / "stray.html").write_text("not from any build", encoding="utf-8")
    assert build(cli, repo) == first


def test_a_site_built_by_something_else_is_not_trusted(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    first = build(cli, repo)
    site = repo.path / "site"
    # Plain `mkdocs build` rewrites the marker: the manifest no longer describes site/.
    mkdocs = subprocess.run(
        [str(VENV_BIN / "mkdocs"), "build", "-q"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert mkdocs.returncode == 0, mkdocs.stderr
    before = stamps(site)
    assert build(cli, repo) == first
    assert not kept(before, stamps(site)) & {page(s) for s in SAMPLES}


def test_a_failed_build_leaves_no_manifest(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    build(cli, repo)
    before = manifest(repo)
    assert before is not None and page(SAMPLES[0]) in before.files
    broken = repo.write("advisories/2026/ADV-2026-0003.md", "---\ntitle: [unclosed\n---\n")
    assert cli("build", cwd=repo.path).code != 0
    assert manifest(repo) is None
    assert not (repo.path / "site").exists()
    broken.unlink()
    assert build(cli, repo) == cold(cli, repo)


def test_hidden_entries_stay_and_stale_csaf_goes(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    build(cli, repo)
    site = repo.path / "site"
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    stale = site / ".well-known" / "csaf" / "white" / "2024" / "adv-2024-0009.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}", encoding="utf-8")
    build(cli, repo)
    assert (site / ".git" / "HEAD").is_file()
    assert not stale.exists()
    # The same under plain MkDocs, which never cleans hidden folders.
    stale.parent.mkdir(parents=True)
    stale.write_text("{}", encoding="utf-8")
    result = cli("build", "--clean", cwd=repo.path)
    assert result.code == 0, result.err
    assert not stale.exists()


def test_other_plugins_mean_every_file_is_written(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    config = repo.path / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n  - tags\n", 1),
        encoding="utf-8",
    )
    first = build(cli, repo)
    site = repo.path / "site"
    before = stamps(site)
    assert build(cli, repo) == first
    assert not kept(before, stamps(site)) & {page(s) for s in SAMPLES}


def test_new_draft_is_found_in_a_kept_page(
    tmp_path: Path, cli: Cli, make_key: Callable[[str], Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page scanned clean before is scanned again when the drafts change: a CVE that a
    published advisory mentions becomes embargoed by a new draft."""
    secret_cve = "CVE-2026-55555"
    first = SAMPLES[0]
    body = f"## Overview\n\nSee also {secret_cve}.\n"
    repo = sample_repo(tmp_path / "repo")
    write_sample(repo, Sample(first.ident, first.title, first.release_date, first.extra, body))
    key = make_key("coordinator")
    store = EmbargoStore(repo.path / "embargo", repo.path)
    recipients = [RecipientEntry(key.public, "tester", 1)]
    unrelated = advisory_text("ADV-2026-0040", title="An unrelated embargoed flaw")
    store.write("ADV-2026-0040", unrelated, recipients)
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(key.file))
    build(cli, repo)
    build(cli, repo)  # the page is now kept and known to be clean
    text = advisory_text(
        "ADV-2026-0041",
        title="Embargoed flaw in a product",
        release_date="2026-12-24T09:00:00+09:00",
        extra=f"cve:\n  - {secret_cve}\n",
    )
    store.write("ADV-2026-0041", text, recipients)
    result = cli("build", cwd=repo.path)
    assert result.code == 1
    assert f"{page(first)}: mentions the CVE id of embargoed draft ADV-2026-0041" in result.err
    assert secret_cve not in result.err + result.out
    assert not (repo.path / "site").exists()


def test_scan_skips_only_reused_files_with_the_same_drafts(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    path = tmp_path / "build.sqlite"
    store = BuildStore.open(path)
    first = OutputReuse(site, store)
    first.prepare("marker.json")
    store.begin()
    (site / "a.html").write_text("a", encoding="utf-8")
    (site / "marker.json").write_text("{}", encoding="utf-8")
    first.wrote("a.html", "sha256:1")
    first.commit("marker.json", "drafts-1")
    assert store.commit()
    store.close()
    store = BuildStore.open(path)
    second = OutputReuse(site, store)
    second.prepare("marker.json")
    assert second.can_reuse("a.html", "sha256:1")
    assert not second.can_reuse("a.html", "sha256:2")
    second.reuse("a.html", "sha256:1")
    assert second.scanned_clean("drafts-1") == {"a.html"}
    assert second.scanned_clean("drafts-2") == frozenset()
    assert second.scanned_clean(None) == frozenset()
    # The marker is not kept (every build writes its own) and the manifest is gone until
    # this build commits.
    assert not (site / "marker.json").exists()
    assert store.manifest() is None
    store.close()
    # A damaged store vouches for nothing.
    (site / "marker.json").write_text("{}", encoding="utf-8")
    path.write_bytes(b"not a store" * 100)
    store = BuildStore.open(path)
    third = OutputReuse(site, store)
    third.prepare("marker.json")
    store.close()
    assert not (site / "a.html").exists()


def poisoned_memo_build(cli: Cli, repo: Repo, old: bytes, new: bytes) -> dict[str, bytes]:
    """Build, replace ``old`` by ``new`` in the stored memo, build again writing every file."""
    build(cli, repo)
    with closing(sqlite3.connect(store_path(repo))) as db, db:
        rows = db.execute("SELECT key, value FROM memo").fetchall()
        assert any(old in value for _key, value in rows)
        db.executemany(
            "UPDATE memo SET value = ? WHERE key = ?",
            [(value.replace(old, new), key) for key, value in rows],
        )
    return build(cli, repo, "--clean")


def test_exports_come_from_the_memo_and_a_change_recomputes_them(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    poisoned = poisoned_memo_build(cli, repo, b"CVE-2026-20001", b"CVE-2026-99999")
    assert b"CVE-2026-99999" in poisoned[OSV.format(SAMPLES[1].ident)]
    changed = SAMPLES[1]
    write_sample(
        repo,
        Sample(changed.ident, changed.title, changed.release_date, changed.extra, "## X\n\nY.\n"),
    )
    fresh = build(cli, repo, "--clean")
    assert b"CVE-2026-99999" not in fresh[OSV.format(changed.ident)]
    assert build(cli, repo) == fresh
    shutil.rmtree(repo.path / ".cache")
    assert cold(cli, repo) == fresh


def test_listing_pages_come_from_the_memo_until_a_row_changes(tmp_path: Path, cli: Cli) -> None:
    repo = sample_repo(tmp_path / "repo")
    poisoned = poisoned_memo_build(cli, repo, b"advpub-list__title", b"advpub-list__TITLE")
    product = "products/example-corp-example-nas/index.html"
    assert b"advpub-list__TITLE" in poisoned[product]
    assert b"advpub-list__TITLE" in poisoned["2025/index.html"]
    changed = SAMPLES[1]
    write_sample(
        repo, Sample(changed.ident, "Example NAS: retitled", changed.release_date, changed.extra)
    )
    fresh = build(cli, repo, "--clean")
    # The listings showing the changed advisory are rendered again; the others are not.
    assert b"advpub-list__TITLE" not in fresh[product]
    assert b"advpub-list__TITLE" not in fresh["2026/index.html"]
    assert b"advpub-list__TITLE" in fresh["2025/index.html"]


def test_strict_rebuilds_keep_files_without_a_warning(tmp_path: Path, cli: Cli) -> None:
    """MkDocs warns about builds that do not clean; advpub's own bookkeeping makes that
    warning wrong, so it is dropped (under --strict it would fail every rebuild)."""
    repo = sample_repo(tmp_path / "repo")
    for _ in range(2):
        result = cli("build", "--strict", cwd=repo.path)
        assert result.code == 0, result.err
        assert "warning" not in result.err.lower()
    site = repo.path / "site"
    before = stamps(site)
    assert cli("build", "--strict", cwd=repo.path).code == 0
    assert {page(s) for s in SAMPLES} <= kept(before, stamps(site))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"not a store",
        lambda data: data[: len(data) // 2],
        lambda data: data[:100] + b"\xff" * (len(data) - 100),
    ],
    ids=["not-sqlite", "truncated", "overwritten"],
)
def test_a_damaged_store_is_computed_again(
    tmp_path: Path, cli: Cli, damage: Callable[[bytes], bytes]
) -> None:
    repo = sample_repo(tmp_path / "repo")
    poisoned = poisoned_memo_build(cli, repo, b"CVE-2026-20001", b"CVE-2026-99999")
    assert b"CVE-2026-99999" in poisoned[OSV.format(SAMPLES[1].ident)]
    path = store_path(repo)
    path.write_bytes(damage(path.read_bytes()))
    again = build(cli, repo)
    # Nothing of the damaged store was used: not the poisoned export, not the kept files.
    assert b"CVE-2026-99999" not in again[OSV.format(SAMPLES[1].ident)]
    assert again == cold(cli, repo)
    assert build(cli, repo) == again


def test_a_damaged_store_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "build.sqlite"
    path.write_bytes(b"not a memo")
    store = BuildStore.open(path)
    store.begin()
    memo = Memo(store)
    assert memo.get("a" * 64, lambda: b"fresh") == b"fresh"
    memo.finish()
    assert store.commit()
    store.close()
    again = BuildStore.open(path)
    assert Memo(again).get("a" * 64, lambda: b"other") == b"fresh"
    again.close()


def plain_mkdocs_build(repo: Repo, site: Path) -> None:
    """``mkdocs build`` of ``repo`` into ``site`` (checked)."""
    done = subprocess.run(
        [str(VENV_BIN / "mkdocs"), "build", "-q", "-d", str(site)],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr


def test_advpub_build_writes_what_plain_mkdocs_build_writes(tmp_path: Path, cli: Cli) -> None:
    """`advpub build` keeps files and leaves unchanged ones unwritten; plain `mkdocs build`
    lets MkDocs clean and write everything. Both give the same site."""
    repo = sample_repo(tmp_path / "repo")
    plain_mkdocs_build(repo, tmp_path / "first")
    # Plain MkDocs keeps nothing between builds: no build store.
    assert not (repo.path / ".cache").exists()
    assert build(cli, repo) == tree(tmp_path / "first")
    write_sample(repo, NEW)
    ours = build(cli, repo)
    plain_mkdocs_build(repo, tmp_path / "plain")
    assert tree(tmp_path / "plain") == ours

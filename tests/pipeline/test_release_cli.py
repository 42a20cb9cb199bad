"""`advpub release`: writing, removing, committing only its paths, idempotence, refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, Key, advisory_text
from tests.gate.gate_helpers import Site, make_site

Cli = Callable[..., CliResult]
NOW = "2026-06-01T00:00:00Z"
CANARY = "CANARY-held-5e2b7a"


@pytest.fixture
def site(tmp_path: Path, make_key: Callable[[str], Key]) -> Site:
    site = make_site(tmp_path / "repo", make_key, "Asia/Tokyo")
    # A comment and key order that publication must keep.
    site.draft_text(
        "ADV-2026-0001",
        advisory_text("ADV-2026-0001", extra="# reviewed by the CNA\ncwe: [CWE-78]\n"),
    )
    site.draft(
        "ADV-2026-0002",
        title="Example Camera: path traversal in the firmware updater",
        release_date="2025-12-31T15:00:00Z",  # 2026-01-01 JST
    )
    site.draft(
        "ADV-2026-0003",
        title=f"Held {CANARY}",
        release_date="2026-12-01",
        body=f"## Overview\n\n{CANARY}\n",
    )
    site.commit_all()
    return site


def release(cli: Cli, site: Site, *args: str) -> CliResult:
    return cli("release", "--identity", str(site.key.file), "--now", NOW, *args, cwd=site.path)


def test_release_writes_public_files_with_published_and_removes_drafts(
    site: Site, cli: Cli
) -> None:
    result = release(cli, site)
    assert result.code == 0, result.err
    assert result.out == (
        "ADV-2026-0001: published advisories/2026/ADV-2026-0001.md, draft removed\n"
        "ADV-2026-0002: published advisories/2026/ADV-2026-0002.md, draft removed\n"
        "ADV-2026-0003: held: release date 2026-12-01 00:00 JST (2026-11-30T15:00:00Z) is "
        "in 182 days\n"
    )
    public = (site.path / "advisories/2026/ADV-2026-0001.md").read_text(encoding="utf-8")
    # Released months after the release date: published is when this release ran.
    assert public == advisory_text(
        "ADV-2026-0001",
        extra="# reviewed by the CNA\ncwe: [CWE-78]\npublished: 2026-06-01T09:00:00+09:00\n",
    )
    assert "published: 2026-06-01T09:00:00+09:00\n" in (
        site.path / "advisories/2026/ADV-2026-0002.md"
    ).read_text(encoding="utf-8")
    assert sorted(p.name for p in (site.path / "embargo").glob("*.age")) == ["ADV-2026-0003.md.age"]
    assert site.head_count() == 1  # no --commit: nothing committed


def test_existing_published_line_is_replaced_not_duplicated(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    site.draft_text(
        "ADV-2026-0001",
        advisory_text("ADV-2026-0001", extra="published: 2020-01-01  # placeholder\nlang: en\n"),
    )
    result = release(cli, site)
    assert result.code == 0, result.err
    text = (site.path / "advisories/2026/ADV-2026-0001.md").read_text(encoding="utf-8")
    assert text == advisory_text(
        "ADV-2026-0001", extra="published: 2026-06-01T00:00:00+00:00\nlang: en\n"
    )


def test_dry_run_changes_nothing(site: Site, cli: Cli) -> None:
    before = site.repo.git("status", "--porcelain", "--ignored").stdout
    files = sorted(str(p) for p in site.path.rglob("*") if ".git" not in p.parts)
    result = release(cli, site, "--dry-run", "--commit")
    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == [
        "ADV-2026-0001: would publish advisories/2026/ADV-2026-0001.md and remove the draft "
        "and commit it",
        "ADV-2026-0002: would publish advisories/2026/ADV-2026-0002.md and remove the draft "
        "and commit it",
    ]
    assert site.repo.git("status", "--porcelain", "--ignored").stdout == before
    assert sorted(str(p) for p in site.path.rglob("*") if ".git" not in p.parts) == files
    assert site.head_count() == 1
    assert not (site.path / ".git" / "advpub-release.lock").exists()


def test_commit_makes_one_commit_per_advisory_touching_only_its_paths(site: Site, cli: Cli) -> None:
    # Someone has unrelated work staged: it must stay staged and out of the commits.
    site.repo.write("README.md", "work in progress\n")
    site.repo.git("add", "README.md")
    result = release(cli, site, "--commit")
    assert result.code == 0, result.err
    assert site.head_count() == 3
    log = site.repo.git("log", "--format=%s", "-2").stdout.splitlines()
    assert log == [
        "Publish ADV-2026-0002: Example Camera: path traversal in the firmware updater",
        "Publish ADV-2026-0001: Example Router: command injection in the web console",
    ]
    for ref, ident in (("HEAD", "ADV-2026-0002"), ("HEAD~1", "ADV-2026-0001")):
        changed = site.repo.git("show", "--name-status", "--format=", ref).stdout.splitlines()
        assert sorted(changed) == [
            f"A\tadvisories/2026/{ident}.md",
            f"D\tembargo/{ident}.md.age",
        ]
    assert site.repo.git("diff", "--cached", "--name-only").stdout == "README.md\n"
    assert site.repo.git("status", "--porcelain").stdout == "A  README.md\n"
    assert ", committed " in result.out


def test_second_run_does_nothing(site: Site, cli: Cli) -> None:
    assert release(cli, site, "--commit").code == 0
    tree = site.repo.git("rev-parse", "HEAD^{tree}").stdout
    again = release(cli, site, "--commit")
    assert again.code == 0, again.err
    assert again.out == (
        "ADV-2026-0003: held: release date 2026-12-01 00:00 JST (2026-11-30T15:00:00Z) is "
        "in 182 days\n"
    )
    assert site.repo.git("rev-parse", "HEAD^{tree}").stdout == tree
    assert site.head_count() == 3


def test_json_output(site: Site, cli: Cli) -> None:
    result = release(cli, site, "--json", "--dry-run")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["now"] == "2026-06-01T00:00:00Z"
    assert data["dry_run"] is True
    assert data["advisories"][0] == {
        "id": "ADV-2026-0001",
        "action": "would-publish",
        "path": "advisories/2026/ADV-2026-0001.md",
        "commit": None,
        "reasons": [],
    }
    assert data["advisories"][2]["action"] == "held"


def test_held_draft_title_and_body_never_appear_in_release_output(
    site: Site, cli: Cli, grep_tree: Callable[[Path, str], list[Path]]
) -> None:
    outputs = [release(cli, site, *args) for args in (("--dry-run",), ("--json",), ("--commit",))]
    for result in outputs:
        assert CANARY not in result.out + result.err
    assert grep_tree(site.path / "advisories", CANARY) == []
    log = site.repo.git("log", "-p", "--all").stdout
    assert CANARY not in log


def test_existing_public_file_with_different_content_is_refused(site: Site, cli: Cli) -> None:
    site.repo.write("advisories/2026/ADV-2026-0001.md", advisory_text("ADV-2026-0001", title="X"))
    result = release(cli, site)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "ADV-2026-0001: failed: advisories/2026/ADV-2026-0001.md already exists with "
        "different content; refusing to overwrite it; compare it with the draft "
        "embargo/ADV-2026-0001.md.age and keep one"
    )
    assert (site.path / "embargo/ADV-2026-0001.md.age").exists()
    assert (site.path / "advisories/2026/ADV-2026-0002.md").exists()  # others still go


def test_same_id_in_another_year_folder_is_refused(site: Site, cli: Cli) -> None:
    site.repo.write("advisories/2025/ADV-2026-0001.md", advisory_text("ADV-2026-0001"))
    result = release(cli, site)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "ADV-2026-0001: failed: advisories/2025/ADV-2026-0001.md already exists with this id; "
        "move or remove it (or the draft embargo/ADV-2026-0001.md.age) so the id is "
        "published once"
    )
    assert not (site.path / "advisories/2026/ADV-2026-0001.md").exists()


def test_failed_write_leaves_the_draft_and_exits_non_zero(site: Site, cli: Cli) -> None:
    # A file where the year folder should be: the write cannot succeed (even as root).
    site.repo.write("advisories/2026", "not a folder\n")
    result = release(cli, site)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "ADV-2026-0001: failed: cannot write advisories/2026/ADV-2026-0001.md (File exists); "
        "the draft was left in embargo/ADV-2026-0001.md.age; fix the folder and run again"
    )
    assert (site.path / "embargo/ADV-2026-0001.md.age").exists()
    assert (site.path / "embargo/ADV-2026-0002.md.age").exists()


def test_leftover_public_file_with_same_content_completes(site: Site, cli: Cli) -> None:
    # As if a run was killed after writing: the public file exists, so does the draft.
    assert release(cli, site, "--dry-run").code == 0
    text = advisory_text(
        "ADV-2026-0001",
        extra="# reviewed by the CNA\ncwe: [CWE-78]\npublished: 2026-01-15T09:00:00+09:00\n",
    )
    site.repo.write("advisories/2026/ADV-2026-0001.md", text)
    result = release(cli, site, "--commit")
    assert result.code == 0, result.err
    assert result.out.startswith(
        "ADV-2026-0001: advisories/2026/ADV-2026-0001.md was already written; removed the "
        "leftover draft, committed "
    )
    assert not (site.path / "embargo/ADV-2026-0001.md.age").exists()
    assert site.head_count() == 3


def test_commit_in_a_repository_without_commits_and_untracked_drafts(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    site.draft("ADV-2026-0001")
    site.draft("ADV-2026-0002")
    result = release(cli, site, "--commit")
    assert result.code == 0, result.err
    assert site.head_count() == 2
    files = site.repo.git("ls-tree", "-r", "--name-only", "HEAD").stdout.splitlines()
    assert files == ["advisories/2026/ADV-2026-0001.md", "advisories/2026/ADV-2026-0002.md"]
    assert sorted(site.repo.git("status", "--porcelain").stdout.splitlines()) == [
        "?? .gitignore",
        "?? advisories/.gitkeep",
        "?? advisories/_advpub-plugin-required.md",
        "?? embargo/",
        "?? mkdocs.yml",
    ]


def test_stale_temp_file_of_a_killed_write_is_cleaned_up(site: Site, cli: Cli) -> None:
    stale = site.repo.write("advisories/2026/.ADV-2026-0001.md.abc123.tmp", "---\nid: half")
    result = release(cli, site)
    assert result.code == 0, result.err
    assert not stale.exists()


def test_release_year_is_the_year_in_the_site_time_zone(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key, "Asia/Tokyo")
    # A past year boundary: a release may not look ahead of the real clock.
    site.draft("ADV-2025-0009", release_date="2026-01-01")  # 2025-12-31T15:00:00Z
    early = cli(
        "release",
        "--identity",
        str(site.key.file),
        "--now",
        "2025-12-31T14:59:59Z",
        cwd=site.path,
    )
    assert early.out == (
        "ADV-2025-0009: held: release date 2026-01-01 00:00 JST (2025-12-31T15:00:00Z) is "
        "in 1 second\n"
    )
    result = cli(
        "release", "--identity", str(site.key.file), "--now", "2025-12-31T15:00:00Z", cwd=site.path
    )
    assert result.out == (
        "ADV-2025-0009: published advisories/2026/ADV-2025-0009.md, draft removed\n"
    )
    text = (site.path / "advisories/2026/ADV-2025-0009.md").read_text(encoding="utf-8")
    assert "published: 2026-01-01T00:00:00+09:00\n" in text


def test_invalid_held_draft_is_reported_without_its_content(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    site.draft("ADV-2026-0001", title=f"Bad {CANARY}", extra=f"tlp: {CANARY}\n")
    result = release(cli, site)
    assert result.code == 0
    assert CANARY not in result.out + result.err
    assert result.out.startswith("ADV-2026-0001: held: invalid: embargo/ADV-2026-0001.md.age:")
    assert (site.path / "embargo/ADV-2026-0001.md.age").exists()


def test_nothing_to_release(tmp_path: Path, make_key: Callable[[str], Key], cli: Cli) -> None:
    site = make_site(tmp_path / "repo", make_key)
    result = release(cli, site)
    assert (result.code, result.out) == (0, "nothing to release: no drafts in embargo/\n")


def test_refused_commit_is_reported_and_completed_by_the_next_run(site: Site, cli: Cli) -> None:
    hook = site.path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    result = release(cli, site, "--commit")
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "ADV-2026-0001: failed: git commit of advisories/2026/ADV-2026-0001.md, "
        "embargo/ADV-2026-0001.md.age failed: refused by policy; fix the cause and run "
        "`advpub release --commit` again (it completes the publication)"
    )
    assert site.head_count() == 1
    hook.unlink()
    again = release(cli, site, "--commit")
    assert again.code == 0, again.out
    assert site.head_count() == 3
    assert site.repo.git("status", "--porcelain").stdout == ""

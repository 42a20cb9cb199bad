"""`release`: a release whose file or commit message names a draft not released in the same
run is refused before anything is written (issue #14, item 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, Key, advisory_text
from tests.gate.gate_helpers import Site, make_site

Cli = Callable[..., CliResult]
A, B = "ADV-2026-0001", "ADV-2026-0002"
B_CVE = "CVE-2026-77777"
B_TITLE = "Bandicoot canary 8c2d41 overflow in the modem"
BEFORE_B = "2026-06-01T00:00:00Z"  # A is due, B is not
AFTER_B = "2026-09-01T00:00:00Z"  # both are due


@pytest.fixture
def site(tmp_path: Path, make_key: Callable[[str], Key]) -> Site:
    site = make_site(tmp_path / "repo", make_key)
    site.draft(
        A,
        title=f"Example Router: fix for {B_CVE}",
        release_date="2026-01-15T09:00:00+09:00",
        body=f"## Overview\n\nThe same flaw as {B_TITLE}.\n",
    )
    site.draft(B, title=B_TITLE, release_date=AFTER_B, extra=f"cve:\n  - {B_CVE}\n")
    site.commit_all()
    return site


def release(cli: Cli, site: Site, now: str, *args: str) -> CliResult:
    return cli("release", "--identity", str(site.key.file), "--now", now, *args, cwd=site.path)


REFUSAL = (
    f"{A}: failed: not released: its text mentions embargoed draft {B} (CVE id, title); "
    "remove the mention or release both together; not released: its commit message mentions "
    f"embargoed draft {B} (CVE id); remove the mention or release both together"
)


def test_a_release_naming_an_embargoed_draft_is_refused_and_nothing_is_committed(
    site: Site, cli: Cli
) -> None:
    result = release(cli, site, BEFORE_B, "--commit")
    assert result.code == 1
    assert result.out.splitlines()[0] == REFUSAL
    assert B_CVE not in result.out + result.err
    assert B_TITLE not in result.out + result.err
    assert site.head_count() == 1
    assert not (site.path / f"advisories/2026/{A}.md").exists()
    assert (site.path / f"embargo/{A}.md.age").is_file()
    assert site.repo.git("status", "--porcelain").stdout == ""


def test_a_dry_run_reports_the_same_refusal(site: Site, cli: Cli) -> None:
    result = release(cli, site, BEFORE_B, "--dry-run")
    assert result.code == 1
    assert result.out.splitlines()[0] == REFUSAL


def test_drafts_released_together_may_name_each_other_the_named_one_first(
    site: Site, cli: Cli
) -> None:
    result = release(cli, site, AFTER_B, "--commit")
    assert result.code == 0, result.out
    subjects = site.repo.git("log", "--format=%s").stdout.splitlines()
    # Newest first: B (named by A) was committed before A.
    assert [s.split(":")[0] for s in subjects[:2]] == [f"Publish {A}", f"Publish {B}"]


def test_a_named_draft_that_cannot_be_released_keeps_the_other_back(site: Site, cli: Cli) -> None:
    site.repo.write(f"advisories/2026/{B}.md", advisory_text(B, title="Something else"))
    result = release(cli, site, AFTER_B, "--commit")
    assert result.code == 1
    assert result.out.splitlines() == [
        REFUSAL,
        f"{B}: failed: advisories/2026/{B}.md already exists with different content; "
        f"refusing to overwrite it; compare it with the draft embargo/{B}.md.age and keep one",
    ]
    assert site.head_count() == 1

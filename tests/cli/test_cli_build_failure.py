"""A failed build never leaves a deployable site behind."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import CliResult, Repo, advisory_text


def test_strict_build_failure_deletes_the_output(cli: Callable[..., CliResult], repo: Repo) -> None:
    repo.write(
        "advisories/2026/ADV-2026-0001.md",
        advisory_text(body="## Overview\n\nSee [the notes](missing-notes.md).\n"),
    )
    site = repo.path / "site"
    site.mkdir()
    (site / "stale.html").write_text("old", encoding="utf-8")
    result = cli("build", "--strict", cwd=repo.path)
    assert result.code == 1
    assert "missing-notes.md" in result.err
    assert "Traceback" not in result.err
    assert not site.exists()

"""Issue #14 item 9: the plaintext notes allowed under embargo/ (README.md, recipients.txt
comments) are committed in clear, so hooks and `advpub check` scan them like public files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CliResult, Key
from tests.git.hook_helpers import (
    CANARY_TITLE,
    DRAFT_CVE,
    DRAFT_ID,
    NOW,
    make_bare_remote,
    setup_hook_repo,
)

TABLE = (
    "# Drafts\n\n"
    "| id | CVE | title |\n"
    "|----|-----|-------|\n"
    f"| {DRAFT_ID} | {DRAFT_CVE} | {CANARY_TITLE} |\n"
)


def leak_lines(path: str, line: int) -> list[str]:
    return [
        f"{path}:{line}: leak: mentions the {kind} of embargoed draft {DRAFT_ID}; remove it "
        "until that advisory is released"
        for kind in ("id", "CVE id", "title")
    ]


def test_a_tracking_table_in_the_embargo_readme_is_refused_and_reported(
    tmp_path: Path,
    make_key: Callable[[str], Key],
    cli: Callable[..., CliResult],
    monkeypatch: Any,
) -> None:
    hooked = setup_hook_repo(tmp_path, make_key)
    hooked.write("embargo/README.md", TABLE)
    done = hooked.commit("Track drafts", "embargo/README.md")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        *(f"advpub pre-commit: {line} [rule: leak]" for line in leak_lines("embargo/README.md", 5)),
        "advpub pre-commit: commit refused: 3 problem(s); fix the files listed, `git add` them "
        "and commit again",
    ]

    # A comment in recipients.txt is no better, and a push of a --no-verify commit refuses it.
    assert hooked.git("reset", "-q").returncode == 0  # the README stays, unstaged
    make_bare_remote(hooked, tmp_path)
    assert hooked.git("push", "-q", "origin", "main").returncode == 0
    recipients = hooked.path / "embargo/recipients.txt"
    recipients.write_text(
        f"# bob joins for {DRAFT_CVE}\n" + recipients.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    assert hooked.commit("Note", "embargo/recipients.txt", no_verify=True).returncode == 0
    sha = hooked.git("rev-parse", "--short=12", "HEAD").stdout.strip()
    pushed = hooked.git("push", "-q", "origin", "main")
    assert pushed.returncode == 1
    assert pushed.stderr.splitlines()[0] == (
        f"advpub pre-push: embargo/recipients.txt:1: leak: mentions the CVE id of embargoed "
        f"draft {DRAFT_ID}; remove it until that advisory is released (in commit {sha}) "
        "[rule: leak]"
    )

    monkeypatch.setenv("ADVPUB_NOW", NOW)
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(hooked.key.file))
    checked = cli("check", cwd=hooked.path)
    assert checked.code == 1
    assert checked.out.splitlines() == [
        *leak_lines("embargo/README.md", 5),
        f"embargo/recipients.txt:1: leak: mentions the CVE id of embargoed draft {DRAFT_ID}; "
        "remove it until that advisory is released",
    ]
    assert CANARY_TITLE.casefold() not in hooked.all_output().casefold() + checked.out.casefold()

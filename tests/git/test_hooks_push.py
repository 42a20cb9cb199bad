"""pre-push: the commits being pushed (also those made with --no-verify) are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import advisory_text
from tests.git.hook_helpers import (
    CANARY_TITLE,
    DRAFT_CVE,
    DRAFT_ID,
    HookRepo,
    copy_hook_repo,
    hook_repo_template,
)


@pytest.fixture(scope="module")
def pushed_template(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    return hook_repo_template(tmp_path_factory, pushed=True)


@pytest.fixture
def pushed(pushed_template: HookRepo, tmp_path: Path) -> HookRepo:
    """A hooked repository whose first commit is already on origin/main."""
    return copy_hook_repo(pushed_template, tmp_path)


def remote_head(hooked: HookRepo) -> str:
    return hooked.git("rev-parse", "origin/main").stdout.strip()


def short_head(hooked: HookRepo, rev: str = "HEAD") -> str:
    return hooked.git("rev-parse", "--short=12", rev).stdout.strip()


def test_clean_commits_are_pushed(pushed: HookRepo) -> None:
    pushed.write("README.md", "Advisories of Example CC.\n")
    assert pushed.commit("Readme", "README.md").returncode == 0
    done = pushed.git("push", "-q", "origin", "main")
    assert (done.returncode, done.stderr) == (0, "")
    assert remote_head(pushed) == pushed.git("rev-parse", "HEAD").stdout.strip()


def test_plaintext_committed_with_no_verify_is_refused_even_after_deletion(
    pushed: HookRepo,
) -> None:
    before = remote_head(pushed)
    pushed.write("embargo/ADV-2026-0043.md", advisory_text("ADV-2026-0043"))
    assert pushed.commit("Draft", "embargo", no_verify=True).returncode == 0
    bad = short_head(pushed)
    assert pushed.git("rm", "-q", "embargo/ADV-2026-0043.md").returncode == 0
    assert pushed.git("commit", "-q", "-m", "Remove it").returncode == 0
    done = pushed.git("push", "-q", "origin", "main")
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        f"advpub pre-push: embargo/ADV-2026-0043.md: embargo: not age ciphertext in commit "
        f"{bad}: only encrypted drafts may live under embargo/; encrypt it with `advpub import "
        "FILE --remove` (or delete it), and never commit plaintext drafts "
        "[rule: embargo-plaintext]",
        "advpub pre-push: push refused: 1 problem(s); rewrite the commits listed (e.g. `git "
        "rebase -i`) and push again",
    ]
    assert remote_head(pushed) == before


def test_leaks_in_files_and_messages_of_pushed_commits_are_refused(pushed: HookRepo) -> None:
    pushed.write("docs/notes.md", f"Tracking {DRAFT_CVE}.\n")
    assert pushed.commit("Notes", "docs/notes.md", no_verify=True).returncode == 0
    in_file = short_head(pushed)
    pushed.write("README.md", "Readme.\n")
    assert pushed.commit(f"Work on {CANARY_TITLE}", "README.md", no_verify=True).returncode == 0
    in_message = pushed.git("rev-parse", "HEAD").stdout.strip()
    done = pushed.git("push", "-q", "origin", "main")
    assert done.returncode == 1
    assert done.stderr.splitlines()[:3] == [
        f"advpub pre-push: docs/notes.md:1: leak: mentions the CVE id of embargoed draft "
        f"{DRAFT_ID}; remove it until that advisory is released (in commit {in_file}) "
        "[rule: leak]",
        f"advpub pre-push: commit {in_message[:12]} message:1: message: mentions the title of "
        f"embargoed draft {DRAFT_ID}; remove it until that advisory is released (reword it "
        "with `git rebase -i` before pushing) [rule: leak]",
        "advpub pre-push: push refused: 2 problem(s); rewrite the commits listed (e.g. `git "
        "rebase -i`) and push again",
    ]
    assert CANARY_TITLE.casefold() not in pushed.all_output().casefold()


def test_early_advisory_on_a_new_branch_is_refused(pushed: HookRepo) -> None:
    assert pushed.git("switch", "-q", "-c", "topic").returncode == 0
    pushed.write(
        "advisories/2026/ADV-2026-0001.md", advisory_text(release_date="2026-07-01T00:00:00Z")
    )
    assert pushed.commit("Publish early", "advisories", no_verify=True).returncode == 0
    done = pushed.git("push", "-q", "origin", "topic")
    assert done.returncode == 1
    first = done.stderr.splitlines()[0]
    assert first.startswith(
        "advpub pre-push: advisories/2026/ADV-2026-0001.md: gate: not releasable yet: "
    )
    assert first.endswith(f"(in commit {short_head(pushed)}) [rule: gate]")
    assert pushed.git("ls-remote", "origin", "topic").stdout == ""


def test_an_advisory_fixed_in_a_later_commit_is_judged_by_its_last_version(
    pushed: HookRepo,
) -> None:
    path = "advisories/2026/ADV-2026-0001.md"
    pushed.write(path, advisory_text().replace("summary:", "sumary:"))
    assert pushed.commit("Publish", "advisories", no_verify=True).returncode == 0
    pushed.write(path, advisory_text())
    assert pushed.commit("Fix the front matter", "advisories").returncode == 0
    done = pushed.git("push", "-q", "origin", "main")
    assert (done.returncode, done.stderr) == (0, "")


def test_without_identity_push_checks_plaintext_and_notes_the_skip(pushed: HookRepo) -> None:
    pushed.write("docs/notes.md", f"Tracking {DRAFT_CVE}.\n")
    assert pushed.commit("Notes", "docs/notes.md", no_verify=True).returncode == 0
    done = pushed.git("push", "-q", "origin", "main", env=pushed.without_identity())
    assert done.returncode == 0
    assert done.stderr == (
        "advpub pre-push: note: no identity configured: leak checks skipped (set "
        "ADVPUB_IDENTITY_FILE or run `advpub keygen` to check public files against embargoed "
        "drafts)\n"
    )

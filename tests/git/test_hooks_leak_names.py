"""Issue #14 item 4: what a push publishes besides file contents — file paths, branch and
tag names, annotated tag messages — is matched against the embargoed terms; messages name
the draft by id and hide the term."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, Key
from tests.git.hook_helpers import (
    CANARY_TITLE,
    DRAFT_CVE,
    DRAFT_ID,
    NOW,
    HookRepo,
    make_bare_remote,
    setup_hook_repo,
)

PUSH_REFUSED = (
    "advpub pre-push: push refused: {n} problem(s); rewrite the commits listed (e.g. `git "
    "rebase -i`) and push again"
)
BRANCH_FIX = (
    "the branch name is published with the push: rename the branch (`git branch -m`) and "
    "push it under a neutral name"
)
TAG_FIX = (
    "the tag name is published with the push: delete the tag (`git tag -d`) and tag again "
    "with a neutral name"
)
CVE_OF_DRAFT = f"mentions the CVE id of embargoed draft {DRAFT_ID}"


@pytest.fixture
def pushed(tmp_path: Path, make_key: Callable[[str], Key]) -> HookRepo:
    """A hooked repository whose first commit is already on origin/main."""
    hooked = setup_hook_repo(tmp_path, make_key)
    make_bare_remote(hooked, tmp_path)
    first = hooked.git("push", "-q", "origin", "main")
    assert (first.returncode, first.stderr) == (0, "")
    return hooked


def assert_term_hidden(hooked: HookRepo) -> None:
    output = hooked.all_output().casefold()
    assert DRAFT_CVE.casefold() not in output
    assert CANARY_TITLE.casefold() not in output


def test_a_branch_named_after_an_embargoed_cve_is_not_pushed(pushed: HookRepo) -> None:
    assert pushed.git("switch", "-q", "-c", f"fix/{DRAFT_CVE}").returncode == 0
    pushed.write("README.md", "Advisories.\n")
    assert pushed.commit("Readme", "README.md").returncode == 0
    done = pushed.git("push", "-q", "origin", "HEAD")
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        f"advpub pre-push: ref refs/heads/fix/[hidden]: ref: {CVE_OF_DRAFT}; {BRANCH_FIX} "
        "[rule: leak]",
        PUSH_REFUSED.format(n=1),
    ]
    assert pushed.git("ls-remote", "origin").stdout.count("refs/heads/") == 1
    assert_term_hidden(pushed)


def test_tags_named_after_the_cve_or_with_the_title_in_their_message_are_not_pushed(
    pushed: HookRepo,
) -> None:
    # Both tags point at a commit the remote already has: only the names and messages leak.
    assert pushed.git("tag", f"{DRAFT_CVE}-fixed").returncode == 0
    done = pushed.git("push", "-q", "origin", f"{DRAFT_CVE}-fixed")
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        f"advpub pre-push: ref refs/tags/[hidden]-fixed: ref: {CVE_OF_DRAFT}; {TAG_FIX} "
        "[rule: leak]",
        PUSH_REFUSED.format(n=1),
    ]
    message = f"Release 1.1\n\nFixes the {CANARY_TITLE}.\n"
    assert pushed.git("tag", "-a", "v1.1", "-m", message).returncode == 0
    done = pushed.git("push", "-q", "origin", "v1.1")
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        f"advpub pre-push: tag v1.1 message:3: message: mentions the title of embargoed draft "
        f"{DRAFT_ID}; remove it until that advisory is released (delete the tag with `git "
        "tag -d` and tag again) [rule: leak]",
        PUSH_REFUSED.format(n=1),
    ]
    assert "refs/tags/" not in pushed.git("ls-remote", "origin").stdout
    assert_term_hidden(pushed)


def test_a_file_in_a_folder_named_after_the_cve_is_not_committed(pushed: HookRepo) -> None:
    path = f"advisories/2026/{DRAFT_CVE}/poc.txt"
    pushed.write(path, "curl http://device/cgi-bin/run?cmd=id\n")
    done = pushed.commit("Add a PoC", path)
    assert done.returncode == 1
    assert done.stderr == (
        f"advpub pre-commit: advisories/2026/[hidden]/poc.txt: path: {CVE_OF_DRAFT}; the path "
        "is published with the file: rename the file or folder [rule: leak]\n"
        "advpub pre-commit: commit refused: 1 problem(s); fix the files listed, `git add` "
        "them and commit again\n"
    )
    # Committed anyway: the push refuses it.
    assert pushed.commit("Add a PoC", path, no_verify=True).returncode == 0
    sha = pushed.git("rev-parse", "--short=12", "HEAD").stdout.strip()
    done = pushed.git("push", "-q", "origin", "main")
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        f"advpub pre-push: advisories/2026/[hidden]/poc.txt: path: {CVE_OF_DRAFT}; the path is "
        f"published with the file: rename the file or folder (in commit {sha}) [rule: leak]",
        PUSH_REFUSED.format(n=1),
    ]
    assert_term_hidden(pushed)


def test_check_reports_tracked_paths_and_local_ref_names(
    pushed: HookRepo, cli: Callable[..., CliResult], monkeypatch: Any
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(pushed.key.file))
    pushed.write("docs/cve-2026-424242.md", "Notes.\n")
    assert pushed.git("branch", f"wip-{DRAFT_CVE.lower()}").returncode == 0
    done = cli("check", cwd=pushed.path)
    assert done.code == 1
    assert done.out.splitlines() == [
        f"docs/[hidden].md: path: {CVE_OF_DRAFT}; the path is published with the file: "
        "rename the file or folder",
        f"ref refs/heads/wip-[hidden]: ref: {CVE_OF_DRAFT}; {BRANCH_FIX}",
    ]
    assert DRAFT_CVE.casefold() not in (done.out + done.err).casefold()

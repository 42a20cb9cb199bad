"""pre-commit and commit-msg hooks on real repositories with real `git commit`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.embargo.store import EmbargoStore
from tests.conftest import Key, advisory_text
from tests.git.hook_helpers import (
    CANARY_TITLE,
    DRAFT_ALIAS,
    DRAFT_CVE,
    DRAFT_ID,
    HookRepo,
    copy_hook_repo,
    draft_text,
    hook_repo_template,
)

PLAINTEXT_REFUSAL = (
    "advpub pre-commit: embargo/ADV-2026-0043.md: embargo: not age ciphertext: only "
    "encrypted drafts may live under embargo/; encrypt it with `advpub import FILE --remove` "
    "(or delete it), and never commit plaintext drafts [rule: embargo-plaintext]\n"
    "advpub pre-commit: commit refused: 1 problem(s); fix the files listed, `git add` them "
    "and commit again\n"
)


@pytest.fixture(scope="module")
def hooked_template(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    return hook_repo_template(tmp_path_factory)


@pytest.fixture
def hooked(hooked_template: HookRepo, tmp_path: Path) -> HookRepo:
    return copy_hook_repo(hooked_template, tmp_path)


def head_message(hooked: HookRepo) -> str:
    return hooked.git("log", "-1", "--format=%s").stdout.strip()


def test_plaintext_draft_under_embargo_is_refused(hooked: HookRepo) -> None:
    hooked.write("embargo/ADV-2026-0043.md", advisory_text("ADV-2026-0043"))
    done = hooked.commit("Add a draft", "embargo/ADV-2026-0043.md")
    assert done.returncode == 1
    assert done.stderr == PLAINTEXT_REFUSAL
    assert head_message(hooked) == "Start the advisory repository"


def test_the_staged_version_is_judged_not_the_work_tree(hooked: HookRepo) -> None:
    hooked.write("embargo/ADV-2026-0043.md.age", advisory_text("ADV-2026-0043"))
    assert hooked.git("add", "embargo/ADV-2026-0043.md.age").returncode == 0
    # Encrypt in the work tree only: the index still holds the plaintext.
    EmbargoStore(hooked.path / "embargo", hooked.path).write(
        "ADV-2026-0043", advisory_text("ADV-2026-0043")
    )
    done = hooked.git("commit", "-q", "-m", "Add a draft")
    assert done.returncode == 1
    assert "embargo/ADV-2026-0043.md.age: embargo: not age ciphertext" in done.stderr
    # Once the ciphertext is staged the same commit goes through.
    assert hooked.commit("Add a draft", "embargo/ADV-2026-0043.md.age").returncode == 0


def test_allowed_plain_files_and_ciphertext_are_accepted(hooked: HookRepo) -> None:
    hooked.write("embargo/README.md", "Encrypted drafts live here.\n")
    EmbargoStore(hooked.path / "embargo", hooked.path).write(
        "ADV-2026-0043",
        draft_text("ADV-2026-0043", "Another embargoed issue title", "CVE-2026-5555"),
    )
    done = hooked.commit("Add a draft", "embargo")
    assert (done.returncode, done.stderr) == (0, "")
    assert head_message(hooked) == "Add a draft"


def test_invalid_advisory_is_refused(hooked: HookRepo) -> None:
    hooked.write("advisories/2026/ADV-2026-0001.md", advisory_text().replace("summary:", "sumary:"))
    done = hooked.commit("Publish", "advisories")
    assert done.returncode == 1
    assert "advpub pre-commit: advisories/2026/ADV-2026-0001.md:" in done.stderr
    assert "[rule: missing-key]" in done.stderr
    assert "commit refused" in done.stderr


def test_advisory_before_its_release_date_is_refused(hooked: HookRepo) -> None:
    hooked.write(
        "advisories/2026/ADV-2026-0001.md",
        advisory_text(release_date="2026-06-01T09:00:01+09:00"),
    )
    done = hooked.commit("Publish early", "advisories")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith(
        "advpub pre-commit: advisories/2026/ADV-2026-0001.md: gate: not releasable yet: "
    )
    assert lines[0].endswith(
        "; keep it as an encrypted draft under embargo/ until the gate opens "
        "(see `advpub status`) [rule: gate]"
    )
    assert lines[-1] == (
        "advpub pre-commit: commit refused: 1 problem(s); fix the files listed, `git add` "
        "them and commit again"
    )


def test_advisory_at_its_release_instant_is_accepted(hooked: HookRepo) -> None:
    # NOW is 2026-06-01T00:00:00Z = 09:00:00 in Tokyo: released to the second.
    hooked.write(
        "advisories/2026/ADV-2026-0001.md", advisory_text(release_date="2026-06-01T09:00:00+09:00")
    )
    done = hooked.commit("Publish ADV-2026-0001", "advisories")
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize(
    ("mention", "kind"),
    [
        (DRAFT_ID, "id"),
        (DRAFT_CVE, "CVE id"),
        (DRAFT_ALIAS, "alias"),
        (CANARY_TITLE.upper(), "title"),
    ],
)
def test_public_file_naming_an_embargoed_term_is_refused(
    hooked: HookRepo, mention: str, kind: str
) -> None:
    hooked.write("notes/changes.md", f"# Notes\n\nWork on {mention} continues.\n")
    done = hooked.commit("Notes", "notes/changes.md")
    assert done.returncode == 1
    assert done.stderr == (
        f"advpub pre-commit: notes/changes.md:3: leak: mentions the {kind} of embargoed draft "
        f"{DRAFT_ID}; remove it until that advisory is released [rule: leak]\n"
        "advpub pre-commit: commit refused: 1 problem(s); fix the files listed, `git add` "
        "them and commit again\n"
    )
    assert CANARY_TITLE.casefold() not in hooked.all_output().casefold()


def test_a_draft_only_in_the_index_still_counts(hooked: HookRepo) -> None:
    title = "Staged-only canary b81d2 in the quux daemon"
    store = EmbargoStore(hooked.path / "embargo", hooked.path)
    store.write("ADV-2026-0044", draft_text("ADV-2026-0044", title, "CVE-2026-7777"))
    assert hooked.git("add", "embargo").returncode == 0
    store.remove("ADV-2026-0044")  # gone from the work tree, still staged
    hooked.write("README.md", f"About the {title}.\n")
    done = hooked.commit("Readme", "README.md")
    assert done.returncode == 1
    assert "README.md:1: leak: mentions the title of embargoed draft ADV-2026-0044" in done.stderr
    assert title.casefold() not in hooked.all_output().casefold()


def test_commit_message_naming_an_embargoed_cve_is_refused(hooked: HookRepo) -> None:
    hooked.write("README.md", "Advisories.\n")
    done = hooked.commit(f"Prepare the fix for {DRAFT_CVE}", "README.md")
    assert done.returncode == 1
    assert done.stderr == (
        "advpub commit-msg: commit message:1: message: mentions the CVE id of embargoed draft "
        f"{DRAFT_ID}; remove it until that advisory is released (reword the message; your "
        "text was kept in .git/COMMIT_EDITMSG) [rule: leak]\n"
        "advpub commit-msg: commit refused: 1 problem(s); reword the commit message\n"
    )


def test_commit_message_comments_are_ignored(hooked: HookRepo, tmp_path: Path) -> None:
    message = tmp_path / "msg.txt"
    message.write_text(f"Update readme\n# {CANARY_TITLE}\n", encoding="utf-8")
    hooked.write("README.md", "Advisories.\n")
    assert hooked.git("add", "README.md").returncode == 0
    done = hooked.git("commit", "-q", "--cleanup=strip", "-F", str(message))
    assert (done.returncode, done.stderr) == (0, "")


def test_without_identity_leak_checks_are_skipped_with_a_notice(hooked: HookRepo) -> None:
    hooked.write("README.md", f"Fixes {DRAFT_CVE}.\n")
    done = hooked.git("add", "README.md")
    done = hooked.git("commit", "-q", "-m", f"About {DRAFT_CVE}", env=hooked.without_identity())
    assert done.returncode == 0
    notice = (
        "note: no identity configured: leak checks skipped (set ADVPUB_IDENTITY_FILE or run "
        "`advpub keygen` to check public files against embargoed drafts)"
    )
    assert done.stderr == f"advpub pre-commit: {notice}\nadvpub commit-msg: {notice}\n"


def test_without_identity_plaintext_is_still_refused(hooked: HookRepo) -> None:
    hooked.write("embargo/ADV-2026-0043.md", advisory_text("ADV-2026-0043"))
    assert hooked.git("add", "embargo").returncode == 0
    done = hooked.git("commit", "-q", "-m", "Draft", env=hooked.without_identity())
    assert done.returncode == 1
    assert "[rule: embargo-plaintext]" in done.stderr


def test_releasing_a_draft_may_name_its_own_id(hooked: HookRepo) -> None:
    published = advisory_text(DRAFT_ID, title=CANARY_TITLE, release_date="2026-05-01")
    hooked.write(f"advisories/2026/{DRAFT_ID}.md", published)
    EmbargoStore(hooked.path / "embargo", hooked.path).remove(DRAFT_ID)
    done = hooked.commit(f"Publish {DRAFT_ID}", "advisories", "embargo")
    assert (done.returncode, done.stderr) == (0, "")


def test_commit_all_is_checked_through_git_s_temporary_index(hooked: HookRepo) -> None:
    hooked.write("README.md", "Advisories.\n")
    assert hooked.commit("Readme", "README.md").returncode == 0
    hooked.write("README.md", f"Advisories, soon {DRAFT_CVE}.\n")
    done = hooked.git("commit", "-q", "-a", "-m", "Update readme")
    assert done.returncode == 1
    assert "README.md:1: leak: mentions the CVE id of embargoed draft" in done.stderr


def test_the_first_commit_of_a_repository_is_checked(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    from tests.conftest import make_repo, run_advpub
    from tests.git.hook_helpers import hook_env

    repo = make_repo(tmp_path / "fresh")
    key = make_key("bob")
    assert run_advpub("hooks", "install", cwd=repo.path).returncode == 0
    repo.write("embargo/ADV-2026-0001.md", advisory_text())
    hooked = HookRepo(repo, key, hook_env(key))
    done = hooked.commit("Start", ".")
    assert done.returncode == 1
    assert "embargo/ADV-2026-0001.md: embargo: not age ciphertext" in done.stderr
    assert hooked.git("rev-parse", "--verify", "-q", "HEAD").returncode == 1

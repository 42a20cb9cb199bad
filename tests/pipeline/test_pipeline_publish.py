"""``advpub publish``: clean-tree refusal, the CI-safe report, push and the rebase path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.store import EmbargoStore
from tests.conftest import Key, advisory_text, isolate_environment, new_key, require_tool
from tests.pipeline.pipeline_support import (
    AFTER,
    BEFORE,
    LATER_RELEASE,
    RELEASE,
    World,
    copy_world,
    git,
    make_world,
)

CANARY = "Wombat canary 51c0de stack smash in the flux capacitor"
LATER_CANARY = "Numbat canary 9e77aa use after free in the gizmo"


@pytest.fixture(scope="module")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> World:
    """origin + alice, bob, ci; alice has pushed one due-at-RELEASE draft, bob a later one.

    Built once for the module (it dominated each test's time); tests get copies.
    """
    require_tool("git")
    root = tmp_path_factory.mktemp("world-template")
    with pytest.MonkeyPatch.context() as env:
        isolate_environment(env, root / "home")
        keys = {name: new_key(root / "keys", name) for name in ("alice", "bob", "ci")}
        made = make_world(root / "w", keys)
        made.alice.draft("ADV-2026-0001", CANARY, RELEASE)
        made.bob.draft("ADV-2026-0002", LATER_CANARY, LATER_RELEASE)
        made.ci.git("pull", "-q")
    return made


@pytest.fixture
def world(world_template: World, tmp_path: Path) -> World:
    """A private copy of the template: each test changes its clones and origin freely."""
    return copy_world(world_template, tmp_path / "w")


def test_publish_refuses_a_modified_tracked_file(world: World) -> None:
    with (world.ci.path / ".gitignore").open("a", encoding="utf-8") as handle:
        handle.write("notes/\n")
    done = world.ci.advpub("publish", now=AFTER)
    assert done.returncode == 1
    assert done.stderr == (
        "advpub: error: the work tree has changes: .gitignore (modified); publish runs on a "
        "clean checkout: commit or stash them (untracked files are refused only under "
        "advisories/ and embargo/)\n"
    )
    assert not list((world.ci.path / "advisories").rglob("ADV-2026-0001.md"))


def test_publish_refuses_untracked_files_only_where_the_site_comes_from(world: World) -> None:
    (world.ci.path / "notes.txt").write_text("local notes\n", encoding="utf-8")
    (world.ci.path / "advisories" / "stray.md").write_text("# stray\n", encoding="utf-8")
    done = world.ci.advpub("publish", now=BEFORE)
    assert done.returncode == 1
    assert "the work tree has changes: advisories/stray.md (untracked);" in done.stderr
    assert "notes.txt" not in done.stderr
    (world.ci.path / "advisories" / "stray.md").unlink()
    done = world.ci.advpub("publish", now=BEFORE)
    assert done.returncode == 0, done.stderr


def test_publish_with_nothing_due_reports_held_drafts_without_titles(world: World) -> None:
    head = world.ci.git("rev-parse", "HEAD")
    # --now (like ADVPUB_NOW) moves the job's clock; the site build judges at the same instant.
    done = world.ci.advpub("publish", "--push", "--now", BEFORE)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "advpub publish at 2026-01-14T23:59:59Z"
    assert lines[1] == "released: nothing was due"
    assert lines[2] == "held 2:"
    assert lines[3] == (
        "  ADV-2026-0001: release 2026-01-15 00:00 UTC (2026-01-15T00:00:00Z), in 1 second"
    )
    assert lines[4] == (
        "  ADV-2026-0002: release 2027-06-01 00:00 UTC (2027-06-01T00:00:00Z), in 502 days"
    )
    # The push comes last: only a site that built and passed the leak scan is pushed.
    assert lines[5].startswith("site: 0 advisories in ")
    assert lines[5].endswith("(leak scan passed)")
    assert lines[6] == "push: origin/main is up to date"
    for canary in (CANARY, LATER_CANARY):
        assert canary not in done.stdout + done.stderr
    assert world.ci.git("rev-parse", "HEAD") == head


def test_publish_pushes_the_release_commit(world: World) -> None:
    out = world.ci.path.parent / "built-site"
    done = world.ci.advpub("publish", "--push", "-d", str(out), now=AFTER)
    assert done.returncode == 0, done.stderr
    assert (out / "index.html").is_file()
    assert f"site: 1 advisories in {out} (leak scan passed)" in done.stdout
    assert "released 1:" in done.stdout
    assert f"  ADV-2026-0001: {CANARY} (commit " in done.stdout
    assert "push: 1 commit(s) pushed to origin/main" in done.stdout
    assert "site: 1 advisories in " in done.stdout
    assert LATER_CANARY not in done.stdout + done.stderr
    assert git(world.origin, "rev-parse", "main") == world.ci.git("rev-parse", "HEAD")
    # A second run finds nothing due and nothing to push.
    again = world.ci.advpub("publish", "--push", now=AFTER)
    assert again.returncode == 0, again.stderr
    assert "released: nothing was due" in again.stdout
    assert "push: origin/main is up to date" in again.stdout


def test_a_rejected_push_is_rebased_once_then_pushed(world: World) -> None:
    # Bob pushes a new draft after CI's checkout: CI's first push is rejected.
    world.bob.draft("ADV-2026-0003", "Bob's third draft", LATER_RELEASE)
    done = world.ci.advpub("publish", "--push", now=AFTER)
    assert done.returncode == 0, done.stderr
    assert (
        "push: rejected at first (new commits on origin/main); rebased and pushed 1 commit(s)"
        in done.stdout
    )
    assert git(world.origin, "rev-parse", "main") == world.ci.git("rev-parse", "HEAD")
    files = git(world.origin, "ls-tree", "-r", "--name-only", "main").split()
    assert "advisories/2026/ADV-2026-0001.md" in files
    assert "embargo/ADV-2026-0003.md.age" in files
    assert "embargo/ADV-2026-0001.md.age" not in files


def test_a_push_that_fails_after_the_rebase_is_reported_clearly(world: World) -> None:
    # A pre-receive hook in origin refuses every push from now on (not a rejection race).
    hook = world.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'closed for maintenance' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    done = world.ci.advpub("publish", "--push", now=AFTER)
    assert done.returncode == 1
    assert "advpub: error: git push to origin/main " in done.stderr
    assert "closed for maintenance" in done.stderr
    assert "the release commits are still local" in done.stderr
    assert "rejected twice" not in done.stderr
    # The remote's URL is left out (on GitLab it carries the push token).
    assert str(world.origin) not in done.stderr
    assert CANARY not in done.stderr


def test_push_needs_a_branch_with_an_upstream(world: World) -> None:
    world.ci.git("checkout", "-q", "--detach")
    done = world.ci.advpub("publish", "--push", now=AFTER)
    assert done.returncode == 1
    assert done.stderr == (
        "advpub: error: --push: HEAD is detached (no branch is checked out); check out the "
        "branch to publish, e.g. `git checkout -B main origin/main`\n"
    )
    world.ci.git("checkout", "-q", "-b", "local-only")
    done = world.ci.advpub("publish", "--push", now=AFTER)
    assert done.returncode == 1
    assert done.stderr == (
        "advpub: error: --push: branch local-only has no upstream on a remote; set it once "
        "with `git branch --set-upstream-to origin/local-only`\n"
    )
    # Nothing was released: the checks come first.
    assert not list((world.ci.path / "advisories").rglob("ADV-2026-0001.md"))


def test_a_rebase_conflict_is_aborted_and_reported(
    world: World, make_key: Callable[[str], Key]
) -> None:
    # Bob re-encrypts every draft for a new member while CI releases ADV-2026-0001:
    # modify/delete on the same draft file.
    dave = make_key("dave")
    added = world.bob.advpub("recipients", "add", dave.public, "--name", "dave")
    assert added.returncode == 0, added.stdout + added.stderr
    world.bob.git("add", "embargo")
    world.bob.git("commit", "-q", "-m", "Add dave as a recipient")
    world.bob.git("push", "-q")
    origin_main = git(world.origin, "rev-parse", "main")
    done = world.ci.advpub("publish", "--push", now=AFTER)
    assert done.returncode == 1
    assert done.stderr.startswith("advpub: error: git push to origin/main was rejected ("), (
        done.stderr
    )
    assert "and `git pull --rebase` failed: " in done.stderr
    assert "CONFLICT (modify/delete): embargo/ADV-2026-0001.md.age" in done.stderr
    assert done.stderr.endswith(
        "the release commits are still local: run `git pull --rebase`, resolve, then `git push`\n"
    )
    # (git names the release commit by its subject: the title is public by now.)
    assert LATER_CANARY not in done.stdout + done.stderr
    assert git(world.origin, "rev-parse", "main") == origin_main
    # The rebase was aborted: the release commit is intact and nothing is half-done.
    assert world.ci.git("log", "-1", "--format=%s") == f"Publish ADV-2026-0001: {CANARY}\n"
    assert world.ci.git("status", "--porcelain") == ""
    assert not (world.ci.path / ".git" / "rebase-merge").exists()


def test_a_draft_the_ci_key_cannot_read_is_held_and_the_site_not_built(world: World) -> None:
    # Alice encrypts a draft to herself only: CI sees the file but not its instant.
    store = EmbargoStore(world.alice.path / "embargo", world.alice.path)
    secret_title = "Bilby canary 0d15ea invisible to CI"
    store.write(
        "ADV-2026-0004",
        advisory_text("ADV-2026-0004", title=secret_title, release_date=RELEASE),
        recipients=[RecipientEntry(world.alice.key.public, "alice", 1)],
    )
    world.alice.git("add", "embargo")
    world.alice.git("commit", "-q", "-m", "Add a draft for alice only")
    world.alice.git("pull", "--rebase", "-q")
    # pre-push refuses a draft encrypted to fewer recipients than recipients.txt lists;
    # skipping the hook is how such a draft still reaches the remote.
    world.alice.git("push", "-q", "--no-verify")
    world.ci.git("pull", "-q")
    done = world.ci.advpub("publish", now=AFTER)
    # The due advisory is released; the site is not built (fail closed): the leak scan
    # cannot check a draft it cannot read. The CI key must be a recipient of every draft.
    assert done.returncode == 1
    assert (
        "advpub: warning: embargo/ADV-2026-0004.md.age: cannot decrypt, so only its id was "
        "scanned for" in done.stderr
    )
    assert "advpub: error: Aborted with 1 warnings in strict mode!" in done.stderr
    assert "site: " not in done.stdout
    held = [line for line in done.stdout.splitlines() if "ADV-2026-0004" in line]
    assert len(held) == 1
    assert held[0].startswith("  ADV-2026-0004: release instant unknown (cannot be read: ")
    assert secret_title not in done.stdout + done.stderr
    assert f"  ADV-2026-0001: {CANARY} (commit " in done.stdout

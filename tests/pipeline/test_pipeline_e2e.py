"""End to end: origin, two coordinators and CI, each with their own key; the scheduled
`advpub publish --push` just before and just after a release instant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from advpub.git.hooks import MARKER
from tests.conftest import Key, require_tool
from tests.pipeline.pipeline_support import (
    AFTER,
    BEFORE,
    LATER_RELEASE,
    RELEASE,
    git,
    make_world,
    origin_history,
)

IDENT = "ADV-2026-0001"
LATER_IDENT = "ADV-2026-0002"
# Unique titles (also repeated in each body): grep for them everywhere.
CANARY = "Platypus canary 3be1f0 double free in the widget parser"
LATER_CANARY = "Echidna canary a41d2c race in the sprocket scheduler"


def test_scheduled_publishing_from_drafts_to_every_clone(
    tmp_path: Path,
    make_key: Callable[[str], Key],
    grep_tree: Callable[[Path, str], list[Path]],
) -> None:
    require_tool("git")
    keys = {name: make_key(name) for name in ("alice", "bob", "ci")}
    world = make_world(tmp_path / "w", keys)
    for clone in (world.alice, world.bob):
        assert MARKER in (clone.path / ".git" / "hooks" / "pre-push").read_text(encoding="utf-8")

    # Coordinators push drafts through their hooks (real `git push`).
    world.alice.draft(IDENT, CANARY, RELEASE)
    world.bob.draft(LATER_IDENT, LATER_CANARY, LATER_RELEASE)
    world.ci.git("pull", "-q")
    origin_main = git(world.origin, "rev-parse", "main")
    for canary in (CANARY, LATER_CANARY):
        assert canary not in origin_history(world.origin)

    # One second before the release instant: nothing changes, the site holds no trace.
    before = world.ci.advpub("publish", "--push", now=BEFORE)
    assert before.returncode == 0, before.stdout + before.stderr
    assert "released: nothing was due" in before.stdout
    assert f"  {IDENT}: release 2026-01-15 00:00 UTC (2026-01-15T00:00:00Z), in 1 second" in (
        before.stdout
    )
    assert git(world.origin, "rev-parse", "main") == origin_main
    assert world.ci.git("rev-parse", "HEAD") == origin_main
    assert world.ci.git("status", "--porcelain") == ""
    site = world.ci.path / "site"
    assert (site / "index.html").is_file()
    for trace in (CANARY, LATER_CANARY, IDENT, LATER_IDENT):
        assert grep_tree(site, trace) == [], trace
        assert trace not in before.stderr
    for canary in (CANARY, LATER_CANARY):
        assert canary not in before.stdout
        assert canary not in origin_history(world.origin)

    # One second after: published, committed, pushed; the coordinators pull it.
    after = world.ci.advpub("publish", "--push", now=AFTER)
    assert after.returncode == 0, after.stdout + after.stderr
    assert f"  {IDENT}: {CANARY} (commit " in after.stdout
    assert "push: 1 commit(s) pushed to origin/main" in after.stdout
    assert LATER_CANARY not in after.stdout + after.stderr
    assert git(world.origin, "rev-parse", "main") == world.ci.git("rev-parse", "HEAD")
    assert git(world.origin, "log", "-1", "--format=%s", "main") == (f"Publish {IDENT}: {CANARY}\n")
    public = f"advisories/2026/{IDENT}.md"
    for clone in (world.alice, world.bob):
        clone.git("pull", "-q")
        assert CANARY in (clone.path / public).read_text(encoding="utf-8")
        assert not (clone.path / "embargo" / f"{IDENT}.md.age").exists()
        assert (clone.path / "embargo" / f"{LATER_IDENT}.md.age").exists()
    assert grep_tree(site, CANARY)  # the page is there now (so the grep above could fail)
    assert grep_tree(site, LATER_CANARY) == []
    assert LATER_CANARY not in origin_history(world.origin)
    # The history before the release commit still holds no plaintext of the advisory.
    before_release = git(world.origin, "log", "-p", "main~1", "--format=%H %s%n%b")
    assert CANARY not in before_release

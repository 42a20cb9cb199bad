"""`publish --push` never pushes or prints what names a still-embargoed draft (item 2).

A due advisory whose text names another draft's CVE id and title is not released; the site
is built and scanned before anything is pushed; every line printed is redacted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Key, advisory_text, require_tool
from tests.pipeline.pipeline_support import (
    AFTER,
    LATER_RELEASE,
    RELEASE,
    World,
    git,
    make_world,
    origin_history,
)

DUE = "ADV-2026-0001"
EMBARGOED = "ADV-2026-0002"
CLEAN = "ADV-2026-0003"
SECRET_CVE = "CVE-2026-55555"
SECRET_TITLE = "Quoll canary 3b1f0e race in the bootloader"
SECRETS = (SECRET_CVE, SECRET_TITLE)


@pytest.fixture
def world(tmp_path: Path, make_key: Callable[[str], Key]) -> World:
    """origin + clones; alice pushed an embargoed draft (2027) and a clean due one."""
    require_tool("git")
    keys = {name: make_key(name) for name in ("alice", "bob", "ci")}
    made = make_world(tmp_path / "w", keys)
    made.alice.draft_text(
        EMBARGOED,
        advisory_text(
            EMBARGOED,
            title=SECRET_TITLE,
            release_date=LATER_RELEASE,
            extra=f"cve:\n  - {SECRET_CVE}\n",
        ),
    )
    made.alice.draft(CLEAN, "Example Camera: path traversal in the updater", RELEASE)
    return made


def test_a_due_advisory_naming_an_embargoed_draft_is_not_released_or_pushed(
    world: World,
) -> None:
    world.alice.draft_text(
        DUE,
        advisory_text(
            DUE,
            title="Example Router: command injection in the web console",
            release_date=RELEASE,
            body=f"## Overview\n\nRelated to {SECRET_CVE} ({SECRET_TITLE}).\n",
        ),
    )
    world.ci.git("pull", "-q")
    done = world.ci.advpub("publish", "--push", now=AFTER)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert (
        f"  {DUE}: failed: not released: its text mentions embargoed draft {EMBARGOED} "
        "(CVE id, title); remove the mention or release both together\n"
    ) in done.stdout
    assert f"  {CLEAN}: Example Camera: path traversal in the updater (commit " in done.stdout
    assert "push: 1 commit(s) pushed to origin/main" in done.stdout
    for secret in SECRETS:
        assert secret not in output
    # Nothing was written or committed for the refused advisory; the other one went out.
    assert not list((world.ci.path / "advisories").rglob(f"{DUE}.md"))
    assert (world.ci.path / "embargo" / f"{DUE}.md.age").is_file()
    pushed = git(world.origin, "ls-tree", "-r", "--name-only", "main").split()
    assert f"advisories/2026/{CLEAN}.md" in pushed
    assert f"embargo/{DUE}.md.age" in pushed
    history = origin_history(world.origin)
    for secret in SECRETS:
        assert secret not in history
    assert world.ci.git("status", "--porcelain") == ""


def test_a_site_that_fails_the_leak_scan_leaves_nothing_pushed(world: World) -> None:
    # A public page naming the embargoed draft slipped in (committed without the hooks).
    world.ci.git("pull", "-q")
    page = world.ci.path / "advisories" / "2025" / "ADV-2025-0009.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        advisory_text(
            "ADV-2025-0009",
            title="Example Switch: weak default password",
            release_date="2025-06-01T09:00:00+09:00",
            body=f"## Overview\n\nSee {SECRET_CVE}.\n",
        ),
        encoding="utf-8",
    )
    world.ci.git("add", "advisories")
    world.ci.git("commit", "-q", "-m", "Add an advisory")
    origin_main = git(world.origin, "rev-parse", "main")
    done = world.ci.advpub("publish", "--push", now=AFTER)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"  {CLEAN}: Example Camera: path traversal in the updater (commit " in done.stdout
    assert (
        "  2025/ADV-2025-0009/index.html: mentions the CVE id of embargoed draft "
        f"{EMBARGOED}; remove it until that advisory is released\n"
    ) in done.stderr
    assert done.stderr.endswith(
        "nothing was pushed to origin/main: the site did not build; the release commits stay "
        "in this clone only; fix the problem and run `advpub publish --push` again\n"
    )
    assert "push:" not in done.stdout
    assert git(world.origin, "rev-parse", "main") == origin_main
    for secret in SECRETS:
        assert secret not in output


def test_every_line_publish_prints_is_redacted(world: World) -> None:
    # An error message that would carry a term (here a file name) is redacted too.
    world.ci.git("pull", "-q")
    stray = world.ci.path / "advisories" / f"{SECRET_CVE}.md"
    stray.write_text("# notes\n", encoding="utf-8")
    done = world.ci.advpub("publish", "--push", now=AFTER)
    assert done.returncode == 1
    assert done.stderr == (
        "advpub: error: the work tree has changes: advisories/[embargoed].md (untracked); "
        "publish runs on a clean checkout: commit or stash them (untracked files are refused "
        "only under advisories/ and embargo/)\n"
    )


def test_a_draft_arriving_with_the_rebase_is_guarded_before_the_push(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    keys = {name: make_key(name) for name in ("alice", "bob", "ci")}
    world = make_world(tmp_path / "w2", keys)
    other_cve = "CVE-2026-66666"
    world.alice.draft_text(
        DUE,
        advisory_text(
            DUE,
            title="Example Router: command injection in the web console",
            release_date=RELEASE,
            body=f"## Overview\n\nAlso tracked as {other_cve}.\n",
        ),
    )
    world.ci.git("pull", "-q")
    # Bob drafts the CVE after CI's checkout: CI's release never saw it.
    world.bob.git("pull", "-q")
    world.bob.draft_text(
        EMBARGOED,
        advisory_text(
            EMBARGOED,
            title=SECRET_TITLE,
            release_date=LATER_RELEASE,
            extra=f"cve:\n  - {other_cve}\n",
        ),
    )
    origin_main = git(world.origin, "rev-parse", "main")
    done = world.ci.advpub("publish", "--push", now=AFTER)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert done.stderr == (
        "advpub: error: nothing was pushed to origin/main: after `git pull --rebase`, the "
        f"commits to push mention embargoed draft(s) {EMBARGOED}, which arrived with the "
        "rebase; the release commits stay in this clone only; remove the mention or release "
        "them together, then run `advpub publish --push` again\n"
    )
    assert git(world.origin, "rev-parse", "main") == origin_main
    assert other_cve not in origin_history(world.origin)

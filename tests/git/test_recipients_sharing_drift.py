"""Issue #18: `check` and pre-push compare each draft's recipients with the team plus its
own share_with; an extra recipient, or a name recipients.txt lacks, is refused."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from advpub.embargo.recipients import parse_recipients
from advpub.embargo.store import EmbargoStore, encrypt_text
from tests.conftest import Key, run_advpub
from tests.git.hook_helpers import DRAFT_ID, HookRepo, draft_text, make_bare_remote, setup_hook_repo

STALE_ID = "ADV-2026-0060"
UNKNOWN_ID = "ADV-2026-0061"
STALE = (
    f"embargo/{STALE_ID}.md.age: recipients: encrypted to 2 recipient(s), but the team in "
    "embargo/recipients.txt plus its share_with make 1 (2 age key(s) in the file, 1 in the "
    "list); re-encrypt it to the current list: `advpub recipients rekey`"
)
UNKNOWN = (
    f"embargo/{UNKNOWN_ID}.md.age: recipients: share_with names 'vendor-c', not in "
    "embargo/recipients.txt; add them (`advpub recipients add KEY --name NAME --case-only`) "
    "or remove them from share_with (`advpub unshare ID NAME`)"
)


def advpub(hooked: HookRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return run_advpub(*args, cwd=hooked.path, env=hooked.env)


def test_a_draft_encrypted_to_a_stale_list_is_refused_by_check_and_pre_push(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    hooked = setup_hook_repo(tmp_path, make_key)
    make_bare_remote(hooked, tmp_path)
    vendor_a, vendor_b = make_key("vendor-a"), make_key("vendor-b")
    for name, key in (("vendor-a", vendor_a), ("vendor-b", vendor_b)):
        added = advpub(hooked, "recipients", "add", key.public, "--name", name, "--case-only")
        assert added.returncode == 0, added.stderr
    shared = advpub(hooked, "share", DRAFT_ID, "vendor-a")
    assert shared.returncode == 0, shared.stderr
    assert hooked.commit("Share the case with vendor A", "embargo").returncode == 0
    assert advpub(hooked, "check").returncode == 0
    assert hooked.git("push", "-q", "origin", "main").returncode == 0

    # A clone that still treats vendor B as a team member writes a draft B can read.
    store = EmbargoStore(hooked.path / "embargo", hooked.path)
    stale = parse_recipients(f"{hooked.key.public} alice\n{vendor_b.public} vendor-b\n", "x")
    store.write_ciphertext(
        STALE_ID, encrypt_text(draft_text(STALE_ID, "Stale canary 2b7e1", "CVE-2026-6060"), stale)
    )
    # A draft shared with a name the list does not have.
    unknown = draft_text(UNKNOWN_ID, "Unknown canary 5f0c3", "CVE-2026-6061").replace(
        "---\n## Overview", "share_with: [vendor-c]\n---\n## Overview"
    )
    team = parse_recipients(f"{hooked.key.public} alice\n", "x")
    store.write_ciphertext(UNKNOWN_ID, encrypt_text(unknown, team))
    assert hooked.commit("Add two drafts", "embargo").returncode == 0
    tip = hooked.git("rev-parse", "--short=12", "HEAD").stdout.strip()

    checked = advpub(hooked, "check")
    assert (checked.returncode, checked.stdout) == (1, f"{STALE}\n{UNKNOWN}\n")
    pushed = hooked.git("push", "-q", "origin", "main")
    assert pushed.returncode == 1
    assert pushed.stderr.splitlines()[:2] == [
        f"advpub pre-push: {STALE} (in commit {tip}) [rule: recipients]",
        f"advpub pre-push: {UNKNOWN} (in commit {tip}) [rule: recipients]",
    ]

    # The fix the message names: rekey after correcting share_with.
    assert advpub(hooked, "unshare", UNKNOWN_ID, "vendor-c").returncode == 0
    rekeyed = advpub(hooked, "recipients", "rekey")
    assert rekeyed.returncode == 0, rekeyed.stderr
    assert hooked.commit("Re-encrypt", "embargo").returncode == 0
    assert advpub(hooked, "check").returncode == 0
    assert hooked.git("push", "-q", "origin", "main").returncode == 0
    output = hooked.all_output() + checked.stdout + checked.stderr
    assert "canary" not in output.casefold()


def test_without_a_team_key_check_still_refuses_what_no_share_with_allows(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    hooked = setup_hook_repo(tmp_path, make_key)
    vendor_a, stranger = make_key("vendor-a"), make_key("stranger")
    added = advpub(
        hooked, "recipients", "add", vendor_a.public, "--name", "vendor-a", "--case-only"
    )
    assert added.returncode == 0, added.stderr
    store = EmbargoStore(hooked.path / "embargo", hooked.path)
    wide = parse_recipients(f"{hooked.key.public}\n{vendor_a.public}\n{stranger.public}\n", "x")
    store.write_ciphertext(STALE_ID, encrypt_text(draft_text(STALE_ID), wide))
    blind = run_advpub("check", cwd=hooked.path, env={**hooked.env, **hooked.without_identity()})
    assert blind.returncode == 1
    assert (
        f"embargo/{STALE_ID}.md.age: recipients: encrypted to 3 recipient(s), which cannot be "
        "the team in embargo/recipients.txt plus case-only recipients (3 age key(s) in the "
        "file, 2 in the list); re-encrypt it to the current list: `advpub recipients rekey`\n"
    ) in blind.stdout

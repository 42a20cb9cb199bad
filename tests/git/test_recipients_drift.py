"""Issue #14 item 8: after `recipients remove bob`, a stale clone that encrypts a new draft to
the old list is stopped by pre-push and `advpub check` until `advpub recipients rekey`."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from advpub.embargo.store import EmbargoStore
from tests.conftest import Key, Repo, run_advpub
from tests.git.hook_helpers import HookRepo, draft_text, hook_env, setup_hook_repo

STALE_ID = "ADV-2026-0050"
STALE_TITLE = "Stale clone canary 9c1e2 in the widget parser"
DRIFT = (
    f"embargo/{STALE_ID}.md.age: recipients: encrypted to 2 recipient(s), but "
    "embargo/recipients.txt lists 1 (2 age key(s) in the file, 1 in the list); re-encrypt it "
    "to the current list: `advpub recipients rekey`"
)


def advpub(hooked: HookRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return run_advpub(*args, cwd=hooked.path, env=hooked.env)


def test_a_draft_encrypted_to_a_removed_recipient_is_not_pushed_until_rekeyed(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    coordinator = setup_hook_repo(tmp_path, make_key)
    bob = make_key("bob")
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    assert coordinator.git("remote", "add", "origin", str(bare)).returncode == 0
    added = advpub(coordinator, "recipients", "add", bob.public, "--name", "bob")
    assert added.returncode == 0, added.stderr
    assert coordinator.commit("Add bob", "embargo").returncode == 0
    assert coordinator.git("push", "-q", "origin", "main").returncode == 0

    # A second coordinator clones while bob is still listed.
    subprocess.run(["git", "clone", "-q", str(bare), str(tmp_path / "stale")], check=True)
    stale = HookRepo(Repo(tmp_path / "stale"), coordinator.key, hook_env(coordinator.key))
    assert advpub(stale, "hooks", "install").returncode == 0

    removed = advpub(coordinator, "recipients", "remove", "bob")
    assert removed.returncode == 0, removed.stderr
    assert coordinator.commit("Remove bob", "embargo").returncode == 0
    assert coordinator.git("push", "-q", "origin", "main").returncode == 0

    EmbargoStore(stale.path / "embargo", stale.path).write(
        STALE_ID, draft_text(STALE_ID, STALE_TITLE, "CVE-2026-5050")
    )
    assert stale.commit("Add a draft", "embargo").returncode == 0
    merged = stale.git("pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert merged.returncode == 0, merged.stderr
    tip = stale.git("rev-parse", "--short=12", "HEAD").stdout.strip()

    done = stale.git("push", "-q", "origin", "main")
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        f"advpub pre-push: {DRIFT} (in commit {tip}) [rule: recipients]",
        "advpub pre-push: push refused: 1 problem(s); rewrite the commits listed (e.g. `git "
        "rebase -i`) and push again",
    ]
    checked = advpub(stale, "check")
    assert (checked.returncode, checked.stdout) == (1, f"{DRIFT}\n")

    rekeyed = advpub(stale, "recipients", "rekey")
    assert (rekeyed.returncode, rekeyed.stdout) == (
        0,
        "re-encrypted 2 draft(s) to 1 recipient(s)\n",
    )
    assert stale.commit("Re-encrypt to the current recipients", "embargo").returncode == 0
    assert advpub(stale, "check").returncode == 0
    pushed = stale.git("push", "-q", "origin", "main")
    assert (pushed.returncode, pushed.stderr) == (0, "")
    assert STALE_TITLE.casefold() not in stale.all_output().casefold()

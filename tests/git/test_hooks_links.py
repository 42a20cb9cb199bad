"""Issue #14 item 1: symbolic and hard links under advisories/ are refused by pre-commit,
pre-push and `advpub check` (MkDocs would publish what they point to)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, Key
from tests.git.hook_helpers import NOW, HookRepo, make_bare_remote, setup_hook_repo

LINK = "advisories/2026/env.txt"
COMMIT_REFUSED = (
    "advpub pre-commit: commit refused: 1 problem(s); fix the files listed, `git add` them "
    "and commit again\n"
)


def symlink_message(path: str, where: str = "") -> str:
    context = f" (in commit {where})" if where else ""
    return (
        f"{path}: file: a symbolic link under advisories/ publishes whatever it points to (a "
        f"key, .git/config); commit the file itself or remove it{context}"
    )


@pytest.fixture
def hooked(tmp_path: Path, make_key: Callable[[str], Key]) -> HookRepo:
    return setup_hook_repo(tmp_path, make_key)


def add_symlink(hooked: HookRepo, rel: str, target: str) -> None:
    link = hooked.path / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def test_pre_commit_refuses_a_symlink_under_advisories(hooked: HookRepo) -> None:
    add_symlink(hooked, LINK, "/proc/self/environ")
    done = hooked.commit("Add a PoC", LINK)
    assert done.returncode == 1
    assert done.stderr == f"advpub pre-commit: {symlink_message(LINK)} [rule: link]\n" + (
        COMMIT_REFUSED
    )
    # Elsewhere a symlink publishes nothing (only advisories/ is copied into the site).
    add_symlink(hooked, "tools/config", "../.git/config")
    assert hooked.git("reset", "-q").returncode == 0
    assert hooked.commit("Tools", "tools/config").returncode == 0


def test_pre_push_refuses_a_symlink_committed_with_no_verify(
    hooked: HookRepo, tmp_path: Path
) -> None:
    make_bare_remote(hooked, tmp_path)
    assert hooked.git("push", "-q", "origin", "main").returncode == 0
    before = hooked.git("rev-parse", "origin/main").stdout
    add_symlink(hooked, "advisories/2026/deep/cfg.txt", "../../../.git/config")
    assert hooked.commit("Add config", "advisories", no_verify=True).returncode == 0
    sha = hooked.git("rev-parse", "--short=12", "HEAD").stdout.strip()
    done = hooked.git("push", "-q", "origin", "main")
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        f"advpub pre-push: {symlink_message('advisories/2026/deep/cfg.txt', sha)} [rule: link]",
        "advpub pre-push: push refused: 1 problem(s); rewrite the commits listed (e.g. `git "
        "rebase -i`) and push again",
    ]
    assert hooked.git("rev-parse", "origin/main").stdout == before


def test_check_refuses_symlinks_and_hard_links_in_the_work_tree(
    hooked: HookRepo, cli: Callable[..., CliResult], monkeypatch: Any, tmp_path: Path
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    monkeypatch.setenv("ADVPUB_IDENTITY_FILE", str(hooked.key.file))
    add_symlink(hooked, LINK, "/proc/self/environ")
    add_symlink(hooked, "advisories/2026/media", str(tmp_path / "keys"))
    os.link(hooked.key.file, hooked.path / "advisories/2026/poc.txt")
    done = cli("check", cwd=hooked.path)
    assert done.code == 1
    assert done.out.splitlines() == [
        symlink_message(LINK),
        symlink_message("advisories/2026/media"),
        "advisories/2026/poc.txt: file: a hard link (2 names for one file) under advisories/ "
        "publishes a file that lives elsewhere too; commit the file itself (a copy) or remove "
        "it",
        # The hard link is a second name of the identity file: its content is refused too.
        "advisories/2026/poc.txt:2: secret: contains a private key (AGE-SECRET-KEY); remove "
        "it from the commit, and rotate the key if it was ever pushed",
    ]

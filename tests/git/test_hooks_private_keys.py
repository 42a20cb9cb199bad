"""Issue #14 item 10: private keys are refused wherever they are committed, by pre-commit,
pre-push and `advpub check`, with or without an identity; the key is never printed."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from advpub.embargo.identity import generate_identity
from tests.conftest import CliResult, Key
from tests.git.hook_helpers import NOW, HookRepo, make_bare_remote, setup_hook_repo

NO_IDENTITY_NOTE = (
    "note: no identity configured: leak checks skipped (set ADVPUB_IDENTITY_FILE or run "
    "`advpub keygen` to check public files against embargoed drafts)"
)


def key_message(label: str) -> str:
    return (
        f"contains a private key ({label}); remove it from the commit, and rotate the key if "
        "it was ever pushed"
    )


def openssh_private_key(tmp_path: Path) -> str:
    target = tmp_path / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ci", "-f", str(target)],
        check=True,
    )
    return target.read_text(encoding="utf-8")


@pytest.fixture
def hooked(tmp_path: Path, make_key: Callable[[str], Key]) -> HookRepo:
    return setup_hook_repo(tmp_path, make_key)


def test_pre_commit_refuses_private_keys_even_without_an_identity(
    hooked: HookRepo, tmp_path: Path
) -> None:
    secret, _ = generate_identity()
    ssh_key = openssh_private_key(tmp_path)
    hooked.write("deploy/ci-key.txt", f"# CI key\n{secret}\n")
    hooked.write("embargo/README.md", f"Deploy key, for the record:\n\n{ssh_key}")
    done = hooked.git("add", "deploy", "embargo")
    done = hooked.git("commit", "-q", "-m", "CI setup", env=hooked.without_identity())
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"advpub pre-commit: {NO_IDENTITY_NOTE}",
        f"advpub pre-commit: deploy/ci-key.txt:2: secret: {key_message('AGE-SECRET-KEY')} "
        "[rule: private-key]",
        "advpub pre-commit: embargo/README.md:3: secret: "
        f"{key_message('OPENSSH PRIVATE KEY')} [rule: private-key]",
        "advpub pre-commit: commit refused: 2 problem(s); fix the files listed, `git add` them "
        "and commit again",
    ]
    output = hooked.all_output()
    assert secret not in output
    assert ssh_key.splitlines()[1] not in output


def test_pre_push_refuses_a_key_committed_with_no_verify(hooked: HookRepo, tmp_path: Path) -> None:
    make_bare_remote(hooked, tmp_path)
    assert hooked.git("push", "-q", "origin", "main").returncode == 0
    block = (
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
        "Comment: signing key\n\n"
        "lQdGBGXr0aYBEADJzT1b3x9k2mVQyq8ZT0FhbqXcA1t1pDk6m9w3aS0Nq1a+7d0c\n"
        "-----END PGP PRIVATE KEY BLOCK-----\n"
    )
    hooked.write("docs/signing.asc", block)
    assert hooked.commit("Signing key", "docs", no_verify=True).returncode == 0
    sha = hooked.git("rev-parse", "--short=12", "HEAD").stdout.strip()
    done = hooked.git("push", "-q", "origin", "main", env=hooked.without_identity())
    assert done.returncode == 1
    assert done.stderr.splitlines()[:3] == [
        f"advpub pre-push: {NO_IDENTITY_NOTE}",
        f"advpub pre-push: docs/signing.asc:1: secret: {key_message('PGP PRIVATE KEY BLOCK')} "
        f"(in commit {sha}) [rule: private-key]",
        "advpub pre-push: push refused: 1 problem(s); rewrite the commits listed (e.g. `git "
        "rebase -i`) and push again",
    ]
    assert "lQdGBGXr0aYB" not in hooked.all_output()


def test_check_reports_private_keys_without_an_identity(
    hooked: HookRepo, cli: Callable[..., CliResult], monkeypatch: Any
) -> None:
    monkeypatch.setenv("ADVPUB_NOW", NOW)
    secret, _ = generate_identity()
    hooked.write("embargo/recipients.txt", f"{hooked.key.public} alice\n# {secret}\n")
    # Documentation naming the armor line, without a key, is not a key.
    hooked.write("docs/keys.md", "Never commit `-----BEGIN OPENSSH PRIVATE KEY-----` files.\n")
    done = cli("check", cwd=hooked.path)
    assert done.code == 1
    assert done.out == (f"embargo/recipients.txt:2: secret: {key_message('AGE-SECRET-KEY')}\n")
    assert secret not in done.out + done.err

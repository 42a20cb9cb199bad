"""A scaffolded repository with one embargoed draft, advpub's hooks installed, and a real
key; git runs with a PATH that has no virtualenv on it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from advpub.embargo.store import EmbargoStore
from tests.conftest import (
    Key,
    Repo,
    advisory_text,
    isolate_environment,
    make_repo,
    new_key,
    run_advpub,
)

NOW = "2026-06-01T00:00:00+00:00"
DRAFT_ID = "ADV-2026-0042"
DRAFT_CVE = "CVE-2026-424242"
DRAFT_ALIAS = "JVNVU#94242424"
# A unique title: it must never appear in any hook or check output.
CANARY_TITLE = "Quokka canary 7f3a9c heap overflow in the frobnicator"
BARE_PATH = "/usr/bin:/bin"  # no virtualenv, no advpub


def draft_text(ident: str = DRAFT_ID, title: str = CANARY_TITLE, cve: str = DRAFT_CVE) -> str:
    """An embargoed draft released in December (after NOW)."""
    return advisory_text(
        ident,
        title=title,
        release_date="2026-12-01T09:00:00+09:00",
        extra=f'cve:\n  - {cve}\naliases:\n  - "{DRAFT_ALIAS}"\n',
    )


@dataclass
class HookRepo:
    """A repository whose git commands run the installed hooks."""

    repo: Repo
    key: Key
    env: dict[str, str]
    outputs: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.repo.path

    def git(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run git with the hook environment; every output is kept for canary checks."""
        done = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        self.outputs.append(done.stdout + done.stderr)
        return done

    def commit(
        self, message: str, *paths: str, no_verify: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Stage ``paths`` and commit; hooks run unless ``no_verify``."""
        added = self.git("add", "--", *paths)
        assert added.returncode == 0, added.stderr
        extra = ["--no-verify"] if no_verify else []
        return self.git("commit", "-q", "-m", message, *extra)

    def write(self, rel: str, text: str) -> Path:
        return self.repo.write(rel, text)

    def without_identity(self) -> dict[str, str]:
        """An environment override that removes the identity."""
        return {"ADVPUB_IDENTITY_FILE": ""}

    def all_output(self) -> str:
        return "\n".join(self.outputs)


def hook_env(key: Key) -> dict[str, str]:
    """os.environ (already isolated by conftest) with no virtualenv on PATH, the key and NOW."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(PATH=BARE_PATH, ADVPUB_NOW=NOW, ADVPUB_IDENTITY_FILE=str(key.file))
    return env


def setup_hook_repo(
    tmp_path: Path, make_key: Callable[[str], Key], *, install: bool = True
) -> HookRepo:
    """The repository with one draft committed (through the hooks when installed)."""
    repo = make_repo(tmp_path / "repo")
    key = make_key("alice")
    repo.write("embargo/recipients.txt", f"{key.public} alice\n")
    EmbargoStore(repo.path / "embargo", repo.path).write(DRAFT_ID, draft_text())
    hooked = HookRepo(repo, key, hook_env(key))
    if install:
        done = run_advpub("hooks", "install", cwd=repo.path)
        assert done.returncode == 0, done.stderr
    first = hooked.commit("Start the advisory repository", ".")
    assert first.returncode == 0, first.stderr
    return hooked


def make_bare_remote(hooked: HookRepo, tmp_path: Path) -> Path:
    """A bare repository added as ``origin``."""
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    assert hooked.git("remote", "add", "origin", str(bare)).returncode == 0
    return bare


def hook_repo_template(factory: pytest.TempPathFactory, *, pushed: bool = False) -> HookRepo:
    """``setup_hook_repo`` built once, for a module's tests to copy (``copy_hook_repo``).

    Its first commit runs the hooks (seconds); a copy takes milliseconds. It is built in an
    isolated environment of its own, since no test's environment exists yet. With
    ``pushed``, the first commit is also on a bare ``origin``.
    """
    root = factory.mktemp("hooked-template")
    with pytest.MonkeyPatch.context() as env:
        isolate_environment(env, root / "home")
        hooked = setup_hook_repo(root, lambda name: new_key(root / "keys", name))
        if pushed:
            make_bare_remote(hooked, root)
            first = hooked.git("push", "-q", "origin", "main")
            assert (first.returncode, first.stderr) == (0, "")
    return hooked


def copy_hook_repo(template: HookRepo, tmp_path: Path) -> HookRepo:
    """A private copy of ``template`` (and of its bare remote) with this test's environment.

    The remote's URL is the only absolute path in the repository, so it is repointed. The
    outputs of the template's commands are kept: canary checks still see them.
    """
    repo = Repo(tmp_path / "repo")
    shutil.copytree(template.path, repo.path, symlinks=True)
    remote = template.path.parent / "remote.git"
    if remote.exists():
        shutil.copytree(remote, tmp_path / "remote.git", symlinks=True)
        repo.git("remote", "set-url", "origin", str(tmp_path / "remote.git"))
    return HookRepo(repo, template.key, hook_env(template.key), list(template.outputs))

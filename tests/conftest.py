"""Shared fixtures: isolated HOME, real git repositories, real age identities, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from advpub.cli.main import main
from advpub.embargo.identity import generate_identity
from advpub.scaffold import ScaffoldOptions, scaffold_files, write_scaffold_file

SCHEMAS = Path(__file__).resolve().parent / "schemas"
# pytester runs the skip rule on a sample suite (tests/test_strict_skips.py).
pytest_plugins = ["pytester", "tests.strict_skips"]


# Tests that draw random numbers start from this seed, so a failure reproduces; another
# seed explores other cases: ADVPUB_TEST_SEED=1234 make test (tests print the seed they used).
DEFAULT_SEED = 20260115


def random_seed() -> int:
    """The seed for a test's random draws: ADVPUB_TEST_SEED, else the fixed DEFAULT_SEED."""
    raw = os.environ.get("ADVPUB_TEST_SEED", "").strip()
    if not raw:
        return DEFAULT_SEED
    try:
        return int(raw)
    except ValueError:
        pytest.fail(f"ADVPUB_TEST_SEED={raw!r} is not an integer")


def require_tool(name: str) -> str:
    """The path of an external tool; a missing one fails the test (``make system`` installs it)."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (run `make system`)")
    return path


def require_path(path: Path) -> Path:
    """A file the tests ship (e.g. under tests/schemas); a missing one fails the test."""
    if not path.exists():
        pytest.fail(f"{path} is missing (it is part of the repository: restore it with git)")
    return path


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: Any) -> None:
    """No test sees the developer's HOME, identity or git config."""
    isolate_environment(monkeypatch, tmp_path_factory.mktemp("home"))


def isolate_environment(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """A fresh HOME with a known git identity; no advpub, editor or CI variables.

    Also for fixtures wider than one test, which build under ``pytest.MonkeyPatch.context()``.
    """
    home.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Coordinator")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "coordinator@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Coordinator")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "coordinator@example.org")
    # CI=true changes defaults (e.g. `status` hides titles); tests set it where they mean it.
    for name in (
        "ADVPUB_NOW",
        "ADVPUB_IDENTITY",
        "ADVPUB_IDENTITY_FILE",
        "ADVPUB_OPENPGP_KEY",
        "ADVPUB_CVE_API_KEY",
        "EDITOR",
        "VISUAL",
        "CI",
    ):
        monkeypatch.delenv(name, raising=False)
    (home / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[user]\n\tname = Test Coordinator\n"
        "\temail = coordinator@example.org\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )


def advisory_text(
    ident: str = "ADV-2026-0001",
    *,
    title: str = "Example Router: command injection in the web console",
    release_date: str = "2026-01-15T09:00:00+09:00",
    verified: bool = True,
    extra: str = "",
    body: str = "## Overview\n\nA command injection exists.\n",
    summary: str = "An attacker on the network can run commands on the device.",
) -> str:
    """A valid advisory; ``extra`` is appended verbatim to the front matter."""
    fix = (
        "fix:\n  verified: true\n  verified_by: Example Corp PSIRT\n"
        if verified
        else "fix:\n  verified: false\n"
    )
    front = textwrap.dedent(
        f"""\
        id: {ident}
        title: "{title}"
        summary: {summary}
        release_date: {release_date}
        """
    )
    return f"---\n{front}{fix}{extra}---\n{body}"


@dataclass
class Repo:
    """A scaffolded advisory repository under git in a temporary folder."""

    path: Path

    def write(self, rel: str, text: str) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, check=check
        )


# The publisher of every scaffolded test repository: real-looking values, since `check` and
# `build` refuse the placeholder publisher once site_url is set.
TEST_PUBLISHER = {
    "publisher_name": "Kanto Test Coordination Center",
    "publisher_namespace": "https://kanto-cc.example.net",
    "publisher_contact": "psirt@kanto-cc.example.net",
}


def make_repo(path: Path, **options: Any) -> Repo:
    """Scaffold a repository at ``path`` (git init, mkdocs.yml, folders) with the
    :data:`TEST_PUBLISHER` unless the options name another."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    for key, value in TEST_PUBLISHER.items():
        options.setdefault(key, value)
    for rel, content in scaffold_files(ScaffoldOptions(**options)).items():
        write_scaffold_file(path / rel, content)
    return Repo(path)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty scaffolded repository (UTC)."""
    return make_repo(tmp_path / "repo")


@dataclass
class Key:
    """A real age identity written to a 0600 file."""

    secret: str
    public: str
    file: Path


@pytest.fixture
def make_key(tmp_path: Path) -> Callable[[str], Key]:
    """Factory of age identities: ``make_key("alice")``."""

    def factory(name: str) -> Key:
        return new_key(tmp_path / "keys", name)

    return factory


def new_key(folder: Path, name: str) -> Key:
    """A fresh age identity in ``folder/name.txt`` (0600, in a 0700 folder)."""
    secret, public = generate_identity()
    folder.mkdir(exist_ok=True, mode=0o700)
    file = folder / f"{name}.txt"
    file.write_text(f"# {name}\n{secret}\n", encoding="utf-8")
    file.chmod(0o600)
    return Key(secret, public, file)


@dataclass
class CliResult:
    """Exit code and captured output of one in-process CLI run."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> Callable[..., CliResult]:
    """Run ``advpub`` in-process: ``cli("check", cwd=repo.path)``."""

    def run(*args: str, cwd: Path | None = None) -> CliResult:
        capsys.readouterr()
        with monkeypatch.context() as m:
            if cwd is not None:
                m.chdir(cwd)
            code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def run_advpub(
    *args: str, cwd: Path, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``advpub`` as a real subprocess (for hooks, signals and end-to-end tests)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "advpub", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        input=input,
        check=False,
        timeout=300,
    )


@pytest.fixture
def grep_tree() -> Iterator[Callable[[Path, str], list[Path]]]:
    """Files under a folder whose bytes contain a canary string."""

    def search(folder: Path, needle: str) -> list[Path]:
        data = needle.encode("utf-8")
        return [p for p in folder.rglob("*") if p.is_file() and data in p.read_bytes()]

    yield search

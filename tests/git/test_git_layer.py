"""The git layer: git runs from one place, its errors hide tokens, and the repository
layout (which file is an advisory) has one definition that every reader shares."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.checks.audit import AuditLog
from advpub.config import load_settings
from advpub.corpus import advisory_files
from advpub.layout import is_advisory_path
from tests.conftest import CliResult, Key, advisory_text
from tests.gate.gate_helpers import Site, make_site

Cli = Callable[..., CliResult]
SRC = Path(__file__).resolve().parents[2] / "src" / "advpub"
TOKEN = "glpat-Zq8sT0kenValue"
IDENT = "ADV-2020-0001"


def _imports_subprocess(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name == "subprocess" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "subprocess":
            return True
    return False


def test_only_the_git_runner_editor_signer_and_deploy_step_start_processes() -> None:
    starters = sorted(
        path.relative_to(SRC).as_posix() for path in SRC.rglob("*.py") if _imports_subprocess(path)
    )
    # git/command.py runs git; embargo/editor.py runs the person's editor,
    # exports/signing.py runs gpg or the configured signing command and
    # pipeline/deploy.py the `publish --deploy-command` (none of them runs git).
    assert starters == [
        "embargo/editor.py",
        "exports/signing.py",
        "git/command.py",
        "pipeline/deploy.py",
    ]
    for other in ("embargo/editor.py", "exports/signing.py", "pipeline/deploy.py"):
        assert '"git"' not in (SRC / other).read_text(encoding="utf-8")


@pytest.fixture
def due(tmp_path: Path, make_key: Callable[[str], Key]) -> Site:
    """A committed draft whose release date is long past."""
    site = make_site(tmp_path / "repo", make_key)
    site.draft(IDENT, release_date="2020-03-01T00:00:00Z")
    site.commit_all()
    return site


def test_a_failed_release_commit_never_prints_a_token_from_git_output(due: Site, cli: Cli) -> None:
    # Another tool's pre-commit hook failing with a remote URL that carries a token.
    hook = due.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        f"echo 'To https://oauth2:{TOKEN}@gitlab.example/sec/advisories.git' >&2\n"
        f"echo 'fatal: cannot reach https://oauth2:{TOKEN}@gitlab.example/sec/a.git' >&2\n"
        "exit 1\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    result = cli("release", "--identity", str(due.key.file), "--commit", cwd=due.path)
    assert result.code == 1
    assert TOKEN not in result.out + result.err
    assert result.out.splitlines()[0] == (
        f"{IDENT}: failed: git commit of advisories/2020/{IDENT}.md, embargo/{IDENT}.md.age "
        "failed: fatal: cannot reach https://***@gitlab.example/sec/a.git; fix the cause and "
        "run `advpub release --commit` again (it completes the publication)"
    )


def test_every_reader_agrees_on_which_files_are_advisories(due: Site) -> None:
    names = [
        "2020/ADV-2020-0002.md",
        "ADV-2020-0003.md",
        "README.md",
        "2020/index.md",
        "_drafts/ADV-2020-0004.md",
        ".hidden/ADV-2020-0005.md",
        "2020/_ADV-2020-0006.md",
        "2020/notes.txt",
        "2020/ADV-2020-0007.md.bak",
    ]
    for name in names:
        due.repo.write(f"advisories/{name}", advisory_text("ADV-2020-0099"))
    due.commit_all("pages and advisories")
    settings = load_settings(due.path)
    audit = AuditLog(due.path, settings.embargo_dir, settings.advisories_dir)
    expected = ["advisories/2020/ADV-2020-0002.md", "advisories/ADV-2020-0003.md"]
    every = sorted(f"advisories/{name}" for name in names)
    assert [p for p in every if is_advisory_path(p, settings.advisories_dir)] == expected
    assert sorted(f.relative_to(due.path).as_posix() for f in advisory_files(settings)) == expected
    assert [p for p in every if audit.public_id(p) is not None] == expected

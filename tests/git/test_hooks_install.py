"""`advpub hooks install/uninstall`: shims, foreign hooks, core.hooksPath, the diff driver."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from advpub.embargo.store import EmbargoStore
from advpub.git.hooks import HOOK_NAMES, MARKER, generic_hook_files, shim_text
from advpub.scaffold import ScaffoldOptions, scaffold_files, write_scaffold_file
from tests.conftest import Key, advisory_text, run_advpub
from tests.git.hook_helpers import (
    BARE_PATH,
    CANARY_TITLE,
    DRAFT_ID,
    HookRepo,
    copy_hook_repo,
    draft_text,
    hook_repo_template,
    setup_hook_repo,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = str(Path(sys.executable).parent)

FOREIGN_HOOK = """#!/bin/sh
echo "legacy $0 ran" >> "$(git rev-parse --git-dir)/legacy.log"
exit ${LEGACY_EXIT:-0}
"""


@pytest.fixture(scope="module")
def hooked_template(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    return hook_repo_template(tmp_path_factory)


@pytest.fixture
def hooked(hooked_template: HookRepo, tmp_path: Path) -> HookRepo:
    return copy_hook_repo(hooked_template, tmp_path)


def test_install_writes_marked_executable_shims_embedding_the_interpreter(
    hooked: HookRepo,
) -> None:
    for name in HOOK_NAMES:
        hook = hooked.path / ".git" / "hooks" / name
        text = hook.read_text(encoding="utf-8")
        assert MARKER in text
        assert f"INSTALL_PYTHON={sys.executable}\n" in text
        assert hook.stat().st_mode & stat.S_IXUSR
        assert text == shim_text(name, sys.executable)


def test_install_configures_the_diff_driver_once(hooked: HookRepo) -> None:
    again = run_advpub("hooks", "install", cwd=hooked.path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[:3] == [
        f"pre-commit: updated ({hooked.path / '.git/hooks/pre-commit'})",
        f"commit-msg: updated ({hooked.path / '.git/hooks/commit-msg'})",
        f"pre-push: updated ({hooked.path / '.git/hooks/pre-push'})",
    ]
    attributes = (hooked.path / ".gitattributes").read_text(encoding="utf-8")
    assert attributes == "embargo/*.age diff=advpub -text\n"
    textconv = hooked.git("config", "--get", "diff.advpub.textconv").stdout.strip()
    assert textconv == f"{sys.executable} -m advpub show --textconv"


def test_install_extends_an_existing_gitattributes(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    hooked = setup_hook_repo(tmp_path, make_key, install=False)
    hooked.write(".gitattributes", "*.png binary")
    done = run_advpub("hooks", "install", cwd=hooked.path)
    assert done.returncode == 0, done.stderr
    assert (hooked.path / ".gitattributes").read_text(encoding="utf-8") == (
        "*.png binary\nembargo/*.age diff=advpub -text\n"
    )


def test_git_log_shows_decrypted_drafts_to_key_holders(hooked: HookRepo) -> None:
    # Needs `advpub show --textconv FILE` (the embargo store's command).
    log = hooked.git("log", "-p", "--", "embargo/")
    assert log.returncode == 0, log.stderr
    assert f"+id: {DRAFT_ID}" in log.stdout
    assert "BEGIN AGE ENCRYPTED FILE" not in log.stdout
    without_key = hooked.git("log", "-p", "--", "embargo/", env=hooked.without_identity())
    assert without_key.returncode == 0, without_key.stderr
    assert CANARY_TITLE not in without_key.stdout


def test_a_foreign_hook_is_kept_and_runs_first(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    hooked = setup_hook_repo(tmp_path, make_key, install=False)
    foreign = hooked.path / ".git" / "hooks" / "pre-commit"
    foreign.write_text(FOREIGN_HOOK, encoding="utf-8")
    foreign.chmod(0o755)
    done = run_advpub("hooks", "install", cwd=hooked.path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        f"pre-commit: installed (the existing hook now runs first as pre-commit.legacy) ({foreign})"
    )
    legacy = foreign.with_name("pre-commit.legacy")
    assert legacy.read_text(encoding="utf-8") == FOREIGN_HOOK
    log = hooked.path / ".git" / "legacy.log"

    hooked.write("embargo/ADV-2026-0043.md", advisory_text("ADV-2026-0043"))
    refused = hooked.commit("Draft", "embargo")
    assert refused.returncode == 1
    assert "[rule: embargo-plaintext]" in refused.stderr
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1

    hooked.git("rm", "-q", "--cached", "embargo/ADV-2026-0043.md")
    hooked.write("README.md", "Advisories.\n")
    failing = hooked.git("add", "README.md")
    failing = hooked.git("commit", "-q", "-m", "Readme", env={"LEGACY_EXIT": "3"})
    assert failing.returncode == 1  # git reports any hook failure as exit 1
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2
    assert hooked.git("commit", "-q", "-m", "Readme").returncode == 0

    removed = run_advpub("hooks", "uninstall", cwd=hooked.path)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.splitlines() == [
        "pre-commit: removed (the previous hook was restored)",
        "commit-msg: removed",
        "pre-push: removed",
    ]
    assert foreign.read_text(encoding="utf-8") == FOREIGN_HOOK
    assert not legacy.exists()
    assert hooked.git("config", "--get", "diff.advpub.textconv").returncode == 1


def test_install_respects_core_hooks_path(tmp_path: Path, make_key: Callable[[str], Key]) -> None:
    hooked = setup_hook_repo(tmp_path, make_key, install=False)
    assert hooked.git("config", "core.hooksPath", "githooks").returncode == 0
    done = run_advpub("hooks", "install", cwd=hooked.path)
    assert done.returncode == 0, done.stderr
    assert MARKER in (hooked.path / "githooks" / "pre-commit").read_text(encoding="utf-8")
    assert not (hooked.path / ".git" / "hooks" / "pre-commit").exists()
    hooked.write("embargo/ADV-2026-0043.md", "plain\n")
    assert hooked.commit("Draft", "embargo").returncode == 1


def test_shim_falls_back_to_advpub_on_path(hooked: HookRepo) -> None:
    hook = hooked.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(shim_text("pre-commit", "/nonexistent/python3"), encoding="utf-8")
    hooked.write("embargo/ADV-2026-0043.md", "plain\n")
    assert hooked.git("add", "embargo").returncode == 0
    with_venv = hooked.git("commit", "-q", "-m", "x", env={"PATH": f"{VENV_BIN}:{BARE_PATH}"})
    assert with_venv.returncode == 1
    assert "[rule: embargo-plaintext]" in with_venv.stderr
    without = hooked.git("commit", "-q", "-m", "x")
    assert without.returncode == 1
    assert without.stderr == (
        "advpub: pre-commit hook: advpub is not installed (tried /nonexistent/python3 and "
        "advpub on PATH); install it, or remove the hook with `advpub hooks uninstall`\n"
    )


def test_generic_shims_in_the_repository_match_the_template() -> None:
    for name, text in generic_hook_files().items():
        shipped = REPO_ROOT / "hooks" / name
        assert shipped.read_text(encoding="utf-8") == text
        assert os.access(shipped, os.X_OK)


def test_generic_shim_runs_the_first_python_that_has_advpub(hooked: HookRepo) -> None:
    hook = hooked.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(shim_text("pre-commit", None), encoding="utf-8")
    hooked.write("embargo/ADV-2026-0043.md", "plain\n")
    assert hooked.git("add", "embargo").returncode == 0
    done = hooked.git("commit", "-q", "-m", "x", env={"PATH": f"{VENV_BIN}:{BARE_PATH}"})
    assert done.returncode == 1
    assert "[rule: embargo-plaintext]" in done.stderr


def test_install_outside_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    for rel, content in scaffold_files(ScaffoldOptions()).items():
        write_scaffold_file(folder / rel, content)
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "advpub", "hooks", "install"],
        cwd=folder,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("advpub: error: `git rev-parse` failed in ")
    assert "not a git repository" in done.stderr


def test_no_hook_output_ever_shows_the_draft_title(hooked: HookRepo) -> None:
    second = f"{CANARY_TITLE} second"
    EmbargoStore(hooked.path / "embargo", hooked.path).write(
        "ADV-2026-0043", draft_text("ADV-2026-0043", second, "CVE-2026-99999")
    )
    hooked.write("README.md", f"{second}\n")
    in_file = hooked.commit("Readme", "README.md", "embargo")
    assert in_file.returncode == 1
    assert "mentions the title of embargoed draft ADV-2026-0043" in in_file.stderr
    hooked.git("rm", "-q", "--cached", "README.md")
    in_message = hooked.git("commit", "-q", "-m", f"Fix: {second}")
    assert in_message.returncode == 1
    assert "commit message:1: message: mentions the title" in in_message.stderr
    # Every refusal above named the draft; none of them echoed its title.
    assert CANARY_TITLE.casefold() not in hooked.all_output().casefold()


def test_pre_commit_framework_entries_are_advpub_commands() -> None:
    import shlex

    import yaml

    from advpub.cli.main import build_parser

    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["advpub-pre-commit", "advpub-commit-msg", "advpub-check"]
    for hook in hooks:
        argv = shlex.split(hook["entry"])
        assert argv[0] == "advpub"
        extra = ["MSGFILE"] if hook["pass_filenames"] else []
        build_parser().parse_args([*argv[1:], *extra])


def test_install_refuses_a_global_core_hooks_path(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    hooked = setup_hook_repo(tmp_path, make_key, install=False)
    shared = tmp_path / "shared-hooks"
    config = Path(os.environ["HOME"]) / ".gitconfig"
    assert hooked.git("config", "--global", "core.hooksPath", str(shared)).returncode == 0
    done = run_advpub("hooks", "install", cwd=hooked.path)
    assert done.returncode == 1
    assert done.stderr == (
        f"advpub: error: core.hooksPath is set in your global git config (file:{config}), so "
        "hooks installed there would run in every repository; set it for this repository "
        "only (`git config core.hooksPath .githooks`) or unset it, then run `advpub hooks "
        "install` again\n"
    )
    assert not shared.exists()
    assert hooked.git("config", "core.hooksPath", "githooks").returncode == 0
    assert run_advpub("hooks", "install", cwd=hooked.path).returncode == 0
    assert MARKER in (hooked.path / "githooks" / "pre-commit").read_text(encoding="utf-8")


def test_a_broken_identity_refuses_the_commit(hooked: HookRepo, tmp_path: Path) -> None:
    hooked.write("README.md", "Readme.\n")
    assert hooked.git("add", "README.md").returncode == 0
    missing = tmp_path / "nope.txt"
    done = hooked.git("commit", "-q", "-m", "x", env={"ADVPUB_IDENTITY_FILE": str(missing)})
    assert done.returncode == 1
    assert done.stderr == (
        f"advpub: error: $ADVPUB_IDENTITY_FILE ({missing}): {missing} does not exist\n"
    )

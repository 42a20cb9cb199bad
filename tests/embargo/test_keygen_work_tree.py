"""Issue #14 item 10: `advpub keygen -o` refuses a path inside any git work tree."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult, Repo


def test_keygen_refuses_a_file_inside_a_git_work_tree(
    repo: Repo, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    other = tmp_path / "elsewhere"
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    for target in (repo.path / "keys" / "identity.txt", other / "deep" / "id.txt"):
        done = cli("keygen", "-o", str(target), cwd=repo.path)
        assert (done.code, done.out) == (1, "")
        top = repo.path if target.is_relative_to(repo.path) else other
        assert done.err == (
            f"advpub: error: {target} is inside the git work tree {top}: a private key there "
            "is one `git add` away from being committed; write it outside every repository, "
            "e.g. `advpub keygen -o ~/.config/advpub/identity.txt` (where advpub looks by "
            "default)\n"
        )
        assert not target.exists()
        assert not target.parent.exists() or target.parent == repo.path
    outside = tmp_path / "keys" / "identity.txt"
    assert cli("keygen", "-o", str(outside), cwd=repo.path).code == 0
    assert outside.is_file()

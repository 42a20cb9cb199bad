"""The repository operations ``advpub release`` and ``advpub publish`` need.

Built on GitPython's object model for what it reads well (finding the repository, HEAD,
its commit and tree); commands that change the repository, and the index (which only git
reads exactly as git does, see :mod:`advpub.git.staged`), go through the one runner
:mod:`advpub.git.command`, so their errors have its format and hide tokens.

Commits touch only the paths they are given: other staged changes stay staged and are
never swept into a publication commit (``git commit --only -- PATHS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import git
from advpub.errors import GitError
from advpub.git.command import GitResult, git_ok
from advpub.git.command import git as run


@dataclass(frozen=True)
class GitRepo:
    """A work tree and its repository."""

    root: Path
    repo: git.Repo

    @classmethod
    def open(cls, start: Path) -> GitRepo | None:
        """The repository containing ``start``, or None when it is not in one."""
        try:
            repo = git.Repo(start, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            return None
        if repo.working_tree_dir is None:
            return None
        return cls(Path(repo.working_tree_dir).resolve(), repo)

    @property
    def common_dir(self) -> Path:
        """The folder shared by every worktree of the repository (``--git-common-dir``)."""
        path = Path(self.repo.common_dir)
        return path if path.is_absolute() else (self.root / path).resolve()

    def relative(self, path: Path) -> str:
        """``path`` relative to the work tree, with ``/`` separators."""
        return path.resolve().relative_to(self.root).as_posix()

    def has_head(self) -> bool:
        """True once the repository has a first commit."""
        return bool(self.repo.head.is_valid())

    def head_files(self, folder: str) -> list[str]:
        """Paths of the files under ``folder`` (or the file ``folder``) in HEAD, sorted
        (empty without commits)."""
        if not self.has_head():
            return []
        tree = self.repo.head.commit.tree
        name = folder.strip("/")
        try:
            item = tree if name in ("", ".") else tree / name
        except KeyError:
            return []
        if isinstance(item, git.Blob):
            return [str(item.path)]
        if not isinstance(item, git.Tree):
            return []  # a submodule: not a file of this repository
        # Symbolic links are blobs too, as in `git ls-tree`; submodules are left out.
        return sorted(str(obj.path) for obj in item.traverse() if isinstance(obj, git.Blob))

    def index_files(self, folder: str) -> list[str]:
        """Paths of the files under ``folder`` in the index."""
        out = git_ok(self.root, "ls-files", "-z", "--cached", "--", folder)
        return [p for p in out.split("\0") if p]

    def unstage(self, paths: Sequence[str]) -> None:
        """Make the index match HEAD for ``paths`` (the work tree is not touched)."""
        if paths and self.has_head():
            result = run(self.root, "reset", "-q", "HEAD", "--", *paths)
            if not result.ok:
                raise GitError(f"git reset of {', '.join(paths)} failed: {result.detail()}")

    def in_head(self, rel: str) -> bool:
        """True when ``rel`` is a file in HEAD."""
        return rel in self.head_files(rel)

    def in_index(self, rel: str) -> bool:
        """True when ``rel`` is in the index (staged or committed)."""
        return bool(git_ok(self.root, "ls-files", "-z", "--cached", "--", rel))

    def head_sha(self) -> str | None:
        """The commit HEAD points at, or None before the first commit."""
        return self.repo.head.commit.hexsha if self.has_head() else None

    def commit_paths(
        self,
        message: str,
        *,
        added: Sequence[str],
        removed: Sequence[str],
        env: Mapping[str, str] | None = None,
    ) -> str | None:
        """Commit exactly ``added`` (as in the work tree) and the removal of ``removed``.

        Anything else staged stays staged and out of this commit. Returns the new commit,
        or None when those paths already match HEAD (nothing to commit).
        """
        removed_known = [p for p in removed if self.in_index(p)]
        paths = [*added, *removed_known]

        def step(*args: str, env: Mapping[str, str] | None = None) -> GitResult:
            result = run(self.root, *args, env=env)
            if not result.ok:
                raise GitError(
                    f"git commit of {', '.join(paths)} failed: {result.detail()}; fix the "
                    "cause and run `advpub release --commit` again (it completes the "
                    "publication)"
                )
            return result

        if added:
            step("add", "--", *added)
        if not paths:
            return None
        if self.has_head():
            # Compare HEAD with the work tree for those paths only (the index may hold others).
            status = step("status", "--porcelain", "-z", "--untracked-files=all", "--", *paths)
            if not status.stdout.strip("\0"):
                return None
        step("commit", "--only", "--quiet", "-m", message, "--", *paths, env=env)
        return self.repo.head.commit.hexsha

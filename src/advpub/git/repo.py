"""The repository operations ``advpub release`` needs, through GitPython.

Commits touch only the paths they are given: other staged changes stay staged and are
never swept into a publication commit (``git commit --only -- PATHS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import git
from advpub.errors import GitError


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
        """``git rev-parse --git-common-dir`` (shared by every worktree of the repository)."""
        text = self.repo.git.rev_parse("--git-common-dir")
        path = Path(text)
        return path if path.is_absolute() else (self.root / path).resolve()

    def relative(self, path: Path) -> str:
        """``path`` relative to the work tree, with ``/`` separators."""
        return path.resolve().relative_to(self.root).as_posix()

    def has_head(self) -> bool:
        """True once the repository has a first commit."""
        return bool(self.repo.head.is_valid())

    def head_files(self, folder: str) -> list[str]:
        """Paths of the files under ``folder`` in HEAD (empty without commits)."""
        if not self.has_head():
            return []
        out = self.repo.git.ls_tree("-r", "-z", "--name-only", "HEAD", "--", folder)
        return [p for p in out.split("\0") if p]

    def index_files(self, folder: str) -> list[str]:
        """Paths of the files under ``folder`` in the index."""
        out = self.repo.git.ls_files("-z", "--cached", "--", folder)
        return [p for p in out.split("\0") if p]

    def unstage(self, paths: Sequence[str]) -> None:
        """Make the index match HEAD for ``paths`` (the work tree is not touched)."""
        if paths and self.has_head():
            try:
                self.repo.git.reset("-q", "HEAD", "--", *paths)
            except git.GitCommandError as exc:
                raise GitError(f"git reset of {', '.join(paths)} failed: {_stderr(exc)}") from None

    def in_head(self, rel: str) -> bool:
        """True when ``rel`` is a file in HEAD."""
        return rel in self.head_files(rel)

    def in_index(self, rel: str) -> bool:
        """True when ``rel`` is in the index (staged or committed)."""
        return bool(self.repo.git.ls_files("-z", "--cached", "--", rel))

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
        try:
            if added:
                self.repo.git.add("--", *added)
            if not self._changed(paths):
                return None
            self.repo.git.commit(
                "--only", "--quiet", "-m", message, "--", *paths, env=dict(env or {})
            )
        except git.GitCommandError as exc:
            detail = _stderr(exc)
            raise GitError(
                f"git commit of {', '.join(paths)} failed: {detail}; fix the cause and run "
                "`advpub release --commit` again (it completes the publication)"
            ) from None
        return self.repo.head.commit.hexsha

    def _changed(self, paths: Sequence[str]) -> bool:
        if not paths:
            return False
        if not self.has_head():
            return True
        # Compare HEAD with the work tree for those paths only (the index may hold others).
        out = self.repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", *paths)
        return bool(out.strip("\0"))


def _stderr(exc: git.GitCommandError) -> str:
    text = exc.stderr if isinstance(exc.stderr, str) else str(exc.stderr or "")
    # GitPython shows stderr as "stderr: '...'": keep the text, not the decoration.
    lines = [
        line.strip().removeprefix("stderr:").strip().strip("'").strip()
        for line in text.splitlines()
    ]
    lines = [line for line in lines if line]
    # git's own verdict ("fatal: Unable to create '.../index.lock'") names the file to act
    # on: keep those lines first, then the last context lines.
    verdicts = [line for line in lines if line.startswith(("fatal:", "error:"))][:3]
    context = [line for line in lines if line not in verdicts]
    room = 3 - len(verdicts)
    kept = verdicts + (context[-room:] if room > 0 else [])
    if any("index.lock" in line for line in verdicts):
        kept.append("if no git command is running, remove that index.lock and run again")
    return " / ".join(kept) or f"exit status {exc.status}"

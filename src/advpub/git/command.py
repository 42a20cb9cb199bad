"""The few git commands the scheduled job needs beyond the rest of :mod:`advpub.git`: work-tree
cleanliness, the upstream of the current branch, push and rebase.

They need git's exit status *and* its stderr (a rejected push is not an ordinary failure),
which :func:`advpub.git.staged.run_git` does not expose, hence this small runner.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from advpub.errors import GitError

# Lines left out of error messages: hints are advice for interactive use; "could not apply
# <sha>... <subject>" repeats a commit subject; "To <url>" and "failed to push some refs to
# <url>" repeat the remote's URL, which may carry a token (GitLab's oauth2:TOKEN@host).
_NOISE = (
    "hint:",
    "could not apply",
    "error: could not apply",
    "to ",
    "error: failed to push some refs",
)


@dataclass(frozen=True)
class GitResult:
    """Exit status and decoded output of one git command."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """True when git exited 0."""
        return self.returncode == 0

    def detail(self) -> str:
        """The last meaningful lines (stderr, then stdout), for an error message."""
        lines = [
            line.strip()
            for line in (self.stderr + "\n" + self.stdout).splitlines()
            if line.strip() and not line.lower().startswith(_NOISE)
        ]
        return " / ".join(lines[-3:]) or f"exit status {self.returncode}"


def git(root: Path, *args: str, env: Mapping[str, str] | None = None) -> GitResult:
    """Run ``git args`` in ``root`` (never raises for a non-zero exit)."""
    full_env = dict(os.environ)
    # Never wait for a password or an editor in a scheduled job.
    full_env.setdefault("GIT_TERMINAL_PROMPT", "0")
    full_env["GIT_EDITOR"] = "true"
    if env:
        full_env.update(env)
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, env=full_env, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    return GitResult(
        done.returncode,
        done.stdout.decode("utf-8", errors="replace"),
        done.stderr.decode("utf-8", errors="replace"),
    )


def git_ok(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """``git args`` whose failure is an error: stdout, or GitError naming the command."""
    result = git(root, *args, env=env)
    if not result.ok:
        raise GitError(f"`git {' '.join(args[:2])}` failed in {root}: {result.detail()}")
    return result.stdout

"""The one place advpub runs the ``git`` program, and the one format of its errors.

Every git command of advpub goes through :func:`git` (exit status and output, never raises
for a non-zero exit), :func:`git_ok` (text output; a failure is a :class:`GitError`) or
:func:`git_bytes` (raw output, e.g. ``-z`` lists and blobs; a failure is a GitError).
A failure message is ``\\`git <subcommand>\\` failed in <folder>: <detail>``, where the
detail keeps git's own verdict and never a line that may carry a token (see
:meth:`GitResult.detail`).
"""

from __future__ import annotations

import os
import re
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
# Credentials written into a URL (``https://user:TOKEN@host``), wherever else git echoes one.
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
_KEPT_LINES = 3


def redact_credentials(text: str) -> str:
    """``text`` with the user and password part of every URL replaced by ``***``."""
    return _URL_CREDENTIALS.sub(r"\1***@", text)


@dataclass(frozen=True)
class GitResult:
    """Exit status and output of one git command (``raw`` is stdout as bytes)."""

    returncode: int
    raw: bytes
    raw_stderr: bytes

    @property
    def ok(self) -> bool:
        """True when git exited 0."""
        return self.returncode == 0

    @property
    def stdout(self) -> str:
        """Standard output decoded as UTF-8 (undecodable bytes replaced)."""
        return self.raw.decode("utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        """Standard error decoded as UTF-8 (undecodable bytes replaced)."""
        return self.raw_stderr.decode("utf-8", errors="replace")

    def detail(self) -> str:
        """What went wrong, for an error message: git's verdicts (``fatal:``/``error:``)
        first, then the last other lines, at most three in all; lines that may carry a
        token or a commit subject are left out and URL credentials are hidden."""
        lines = [
            redact_credentials(line.strip())
            for line in (self.stderr + "\n" + self.stdout).splitlines()
            if line.strip() and not line.strip().lower().startswith(_NOISE)
        ]
        verdicts = [line for line in lines if line.startswith(("fatal:", "error:"))]
        verdicts = verdicts[:_KEPT_LINES]
        context = [line for line in lines if line not in verdicts]
        room = _KEPT_LINES - len(verdicts)
        kept = verdicts + (context[-room:] if room > 0 else [])
        if any("index.lock" in line for line in verdicts):
            # git's verdict names the lock file; say when removing it is safe.
            kept.append("if no git command is running, remove that index.lock and run again")
        return " / ".join(kept) or f"exit status {self.returncode}"

    def failure(self, root: Path, subcommand: str) -> GitError:
        """The one error format for a git command that failed."""
        return GitError(f"`git {subcommand}` failed in {root}: {self.detail()}")


def git(
    root: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
) -> GitResult:
    """Run ``git args`` in ``root`` (never raises for a non-zero exit).

    The environment is inherited (so a hook sees git's ``GIT_INDEX_FILE``), with prompts
    and editors switched off: advpub never waits for a person inside git.
    """
    full_env = dict(os.environ)
    full_env.setdefault("GIT_TERMINAL_PROMPT", "0")
    full_env["GIT_EDITOR"] = "true"
    if env:
        full_env.update(env)
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=root,
            env=full_env,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except (FileNotFoundError, NotADirectoryError):
        if not Path(root).is_dir():
            raise GitError(f"{root}: no such folder, so git cannot run in it") from None
        raise GitError("git is not installed or not on PATH") from None
    return GitResult(done.returncode, done.stdout, done.stderr)


def git_bytes(
    root: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
) -> bytes:
    """``git args`` whose failure is an error: stdout as bytes, or GitError."""
    result = git(root, *args, env=env, stdin=stdin)
    if not result.ok:
        raise result.failure(root, args[0] if args else "")
    return result.raw


def git_ok(
    root: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
) -> str:
    """``git args`` whose failure is an error: stdout as text, or GitError."""
    return git_bytes(root, *args, env=env, stdin=stdin).decode("utf-8", errors="replace")

"""Pushing release commits to the upstream of the current branch.

A scheduled job races with coordinators pushing drafts: a rejected push is answered by
``git pull --rebase`` once, then one more push; anything else fails with a clear message
(the release commits stay local and the next run pushes them).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from advpub.errors import GitError
from advpub.git.command import git, git_ok

# What git prints when the remote has commits we lack (as opposed to hooks, auth, network).
# "[remote rejected]" (a server hook said no) is not a race: it is not in this list.
REJECTION_MARKERS = ("[rejected]", "non-fast-forward", "fetch first")


@dataclass(frozen=True)
class Upstream:
    """Where ``git push`` goes: ``remote`` and the remote ``branch`` (``refs/heads/...``)."""

    local_branch: str
    remote: str
    merge_ref: str

    @property
    def shown(self) -> str:
        """``origin/main``."""
        return f"{self.remote}/{self.merge_ref.removeprefix('refs/heads/')}"


class PushState(enum.StrEnum):
    """How the push went."""

    UP_TO_DATE = "up-to-date"
    PUSHED = "pushed"
    PUSHED_AFTER_REBASE = "pushed-after-rebase"


@dataclass(frozen=True)
class PushResult:
    """The push outcome and how many commits went out."""

    state: PushState
    upstream: Upstream
    commits: int


def current_upstream(root: Path) -> Upstream:
    """The upstream of the checked-out branch; GitError when detached or without one."""
    branch = git(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if not branch.ok:
        raise GitError(
            "--push: HEAD is detached (no branch is checked out); check out the branch to "
            "publish, e.g. `git checkout -B main origin/main`"
        )
    name = branch.stdout.strip()
    remote = git(root, "config", "--get", f"branch.{name}.remote").stdout.strip()
    merge = git(root, "config", "--get", f"branch.{name}.merge").stdout.strip()
    if not remote or not merge or remote == ".":
        raise GitError(
            f"--push: branch {name} has no upstream on a remote; set it once with "
            f"`git branch --set-upstream-to origin/{name}`"
        )
    return Upstream(name, remote, merge)


def commits_ahead(root: Path, upstream: Upstream) -> int:
    """Commits on HEAD that the remote-tracking branch lacks (0 when it does not exist)."""
    tracking = f"refs/remotes/{upstream.shown}"
    if not git(root, "rev-parse", "--verify", "--quiet", tracking).ok:
        return int(git_ok(root, "rev-list", "--count", "HEAD").strip() or "0")
    return int(git_ok(root, "rev-list", "--count", f"{tracking}..HEAD").strip() or "0")


def _push(root: Path, upstream: Upstream, env: Mapping[str, str]) -> tuple[bool, str]:
    """(True, "") when pushed; (False, why) when rejected as out of date; GitError else."""
    result = git(root, "push", upstream.remote, f"HEAD:{upstream.merge_ref}", env=env)
    if result.ok:
        return True, ""
    text = result.stdout + result.stderr
    if any(marker in text for marker in REJECTION_MARKERS):
        return False, "the remote has commits this clone lacks"
    raise GitError(
        f"git push to {upstream.shown} failed: {result.detail()}; the release commits are "
        "still local; fix the cause (credentials, hooks, network) and run `git push` or "
        "`advpub publish --push` again"
    )


def outgoing_text(root: Path, upstream: Upstream) -> str:
    """The messages and patches of the commits a push would send (for a leak guard)."""
    tracking = f"refs/remotes/{upstream.shown}"
    return git_ok(root, "log", "-p", "--no-color", "--format=%B", f"{tracking}..HEAD")


def push_to_upstream(
    root: Path,
    upstream: Upstream,
    env: Mapping[str, str],
    after_rebase: Callable[[], None] | None = None,
) -> PushResult:
    """Push HEAD to ``upstream``; on rejection rebase once and push again (see module doc).

    ``after_rebase`` runs between the rebase and the second push: new drafts may have
    arrived with the rebase, and it may refuse (raise) to push commits that name them.
    """
    ahead = commits_ahead(root, upstream)
    if ahead == 0:
        return PushResult(PushState.UP_TO_DATE, upstream, 0)
    pushed, detail = _push(root, upstream, env)
    if pushed:
        return PushResult(PushState.PUSHED, upstream, ahead)
    branch = upstream.merge_ref.removeprefix("refs/heads/")
    rebase = git(root, "pull", "--rebase", "--quiet", upstream.remote, branch, env=env)
    if not rebase.ok:
        # Leave the branch as it was (the release commits intact) rather than half-rebased.
        git(root, "rebase", "--abort")
        raise GitError(
            f"git push to {upstream.shown} was rejected ({detail}) and `git pull --rebase` "
            f"failed: {rebase.detail()}; the release commits are still local: run "
            "`git pull --rebase`, resolve, then `git push`"
        )
    ahead = commits_ahead(root, upstream)
    if after_rebase is not None:
        after_rebase()
    pushed, detail = _push(root, upstream, env)
    if not pushed:
        raise GitError(
            f"git push to {upstream.shown} was rejected twice (the last time after "
            f"`git pull --rebase`): {detail}; the release commits are still local; "
            "someone keeps pushing: run `advpub publish --push` again"
        )
    return PushResult(PushState.PUSHED_AFTER_REBASE, upstream, ahead)

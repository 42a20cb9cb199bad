"""``advpub publish --until``: releases prepared ahead of their instant, handed over at it.

A scheduled job that only releases what is due when it happens to start publishes late by
the schedule's delay. With a window, the job looks at the next release instants inside it
and, ahead of each, prepares everything that takes time:

1. :func:`prepare_release` — in a scratch git work tree at the current commit, the release
   commits judged at the instant (the scheduled instant, passed in-process, never through
   ``ADVPUB_NOW``), then the site built and leak-scanned at that instant into a staging folder
   beside the real one. Nothing leaves the machine: no push, no deploy.
2. :func:`wait_until` — sleep until the real clock (:func:`advpub.clock.real_now`, the one the
   gate uses) reaches the instant, re-reading the clock after every wake-up.
3. :func:`what_changed` — at the instant, the branch, the work tree, the remote and the
   drafts due *now* must be what the preparation saw; if anything differs, the caller redoes
   the normal path at that moment instead.
4. :func:`adopt` then :func:`place_site` — fast-forward the branch to the prepared commits and
   put the prepared site where the build writes it; the caller pushes and runs the deploy step
   (:mod:`advpub.pipeline.deploy`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from advpub.clock import real_now
from advpub.config import Settings, load_settings
from advpub.embargo.identity import Identity
from advpub.errors import ConfigError
from advpub.gate.timefmt import ceil_to_second
from advpub.git.command import git, git_ok
from advpub.pipeline.publish import Held, ReleaseSummary, build_public_site, release_due
from advpub.pipeline.release import Action, ReleaseOptions, release
from advpub.pipeline.sync import Upstream
from advpub.pipeline.worktree import describe_dirty, dirty_paths
from advpub.site.build import BuiltSite

_DURATION = re.compile(r"(\d+)([smh])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
# Outcomes of a dry run that mean "this run would make it public".
_WOULD_RELEASE = frozenset({Action.WOULD_PUBLISH, Action.WOULD_COMPLETE, Action.WOULD_COMMIT})
# Longest single sleep: a suspended machine or a changed clock is noticed within this.
_MAX_SLEEP = 30.0


def parse_duration(text: str) -> timedelta:
    """``55m``, ``90s``, ``1h``, ``1h30m`` as a duration; ConfigError otherwise."""
    value = text.strip()
    if not value or _DURATION.sub("", value) != "":
        raise ConfigError(
            f"--until: {text!r} is not a duration; use a number with s, m or h (e.g. 55m)"
        )
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION.findall(value))
    if seconds <= 0:
        raise ConfigError(f"--until: {text!r} is an empty window; use e.g. 55m")
    return timedelta(seconds=seconds)


def next_instants(held: Sequence[Held], after: datetime, until: datetime) -> list[datetime]:
    """The release instants of ``held`` drafts in ``(after, until]``, soonest first, each
    rounded up to the second like the gate's comparison."""
    found = {
        ceil_to_second(h.release_date)
        for h in held
        if h.release_date is not None and after < ceil_to_second(h.release_date) <= until
    }
    return sorted(found)


@dataclass(frozen=True)
class Prepared:
    """A release made ahead of its ``instant``: the commit it went on (``base``), the remote
    tip then (``remote_tip``, None without push), the prepared commit (``head``), what was
    released and the site built into ``site`` (a staging folder)."""

    instant: datetime
    base: str
    remote_tip: str | None
    head: str
    summary: ReleaseSummary
    site: BuiltSite

    @property
    def released_ids(self) -> frozenset[str]:
        """Ids of the advisories the prepared commits make public."""
        return frozenset(r.id for r in self.summary.released)


def remote_tip(root: Path, upstream: Upstream) -> str:
    """The commit the upstream branch points at on the remote now (asked, not cached)."""
    out = git_ok(root, "ls-remote", "--quiet", upstream.remote, upstream.merge_ref)
    return out.split("\t", 1)[0].strip()


def head_commit(root: Path) -> str:
    """The commit checked out in ``root``."""
    return git_ok(root, "rev-parse", "HEAD").strip()


@contextmanager
def scratch_worktree(settings: Settings) -> Iterator[Settings]:
    """A detached git work tree at HEAD in a temporary folder (removed afterwards); yields
    the settings of the repository inside it. Its commits stay in the object store."""
    prefix = git_ok(settings.root, "rev-parse", "--show-prefix").strip()
    folder = Path(tempfile.mkdtemp(prefix="advpub-next-"))
    checkout = folder / "tree"
    try:
        git_ok(settings.root, "worktree", "add", "--detach", "--quiet", str(checkout), "HEAD")
        yield load_settings(checkout / prefix if prefix else checkout)
    finally:
        git(settings.root, "worktree", "remove", "--force", str(checkout))
        shutil.rmtree(folder, ignore_errors=True)
        git(settings.root, "worktree", "prune")


def staging_folder(target: Path) -> Path:
    """A fresh folder beside ``target`` (same file system, so placing it is a rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.next-", dir=target.parent))


def prepare_release(
    settings: Settings,
    instant: datetime,
    identities: Sequence[Identity],
    site_target: Path,
    upstream: Upstream | None,
) -> Prepared:
    """Release and build at ``instant`` (a scheduled, future instant) without publishing
    anything: see the module docstring. The staging site is removed on failure."""
    base = head_commit(settings.root)
    tip = remote_tip(settings.root, upstream) if upstream is not None else None
    staging = staging_folder(site_target)
    try:
        with scratch_worktree(settings) as scratch:
            summary = release_due(scratch, instant, identities, scheduled=True)
            head = head_commit(scratch.root)
            built = build_public_site(scratch, instant, staging, identities)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Prepared(instant, base, tip, head, summary, built)


def discard(prepared: Prepared) -> None:
    """Remove a prepared site that will not be used."""
    shutil.rmtree(prepared.site.site_dir, ignore_errors=True)


def wait_until(
    instant: datetime,
    *,
    clock: Callable[[], datetime] = real_now,
    sleep: Callable[[float], None] = time.sleep,
) -> datetime:
    """Sleep until ``clock()`` reaches ``instant``; the clock's reading then (≥ ``instant``).
    The clock is read again after every wake-up: a sleep may end early or late."""
    while True:
        now = clock()
        left = (instant - now).total_seconds()
        if left <= 0:
            return now
        sleep(min(left, _MAX_SLEEP))


def what_changed(
    settings: Settings,
    prepared: Prepared,
    now: datetime,
    identities: Sequence[Identity],
    upstream: Upstream | None,
) -> str | None:
    """Why the prepared release must not be used at ``now`` (None when it may): the branch
    or the work tree moved, the remote moved, or the drafts due now are not the prepared ones."""
    if head_commit(settings.root) != prepared.base:
        return "the branch has new commits"
    dirty = dirty_paths(settings)
    if dirty:
        return f"the work tree has changes ({describe_dirty(dirty)})"
    if upstream is not None and remote_tip(settings.root, upstream) != prepared.remote_tip:
        return f"{upstream.shown} has new commits"
    outcomes = release(settings, now, identities, ReleaseOptions(dry_run=True, commit=True))
    due = frozenset(o.id for o in outcomes if o.action in _WOULD_RELEASE)
    if due != prepared.released_ids or any(o.is_failure for o in outcomes):
        return "the drafts due now are not the prepared ones"
    return None


def adopt(settings: Settings, prepared: Prepared) -> None:
    """Fast-forward the checked-out branch to the prepared release commits."""
    git_ok(settings.root, "merge", "--ff-only", "--quiet", prepared.head)


def place_site(prepared: Prepared, target: Path) -> Path:
    """Put the prepared site at ``target`` (replacing the one there); ``target``."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    prepared.site.site_dir.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target

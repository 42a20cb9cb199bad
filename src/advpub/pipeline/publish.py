"""``advpub publish``: the scheduled job's steps, each a plain function.

1. :func:`check_ready` — refuse a dirty work tree (and, with push, a branch without upstream);
2. :func:`release_due` — ``release --commit`` at one instant, summarised for a CI log (each
   release is guarded against the drafts still embargoed before it is committed);
3. :func:`build_public_site` — the site at the same instant, with the leak scan;
4. :func:`advpub.pipeline.sync.push_to_upstream` — with ``--push``, and only when the site
   built and its leak scan passed: a refusal leaves nothing pushed.

The summary is written for CI logs: released advisories carry their (now public) title;
held drafts only their id, release instant and the gate's reasons, never a title; the
command also redacts every printed line (:mod:`advpub.pipeline.redact`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from advpub.checks.leaks import embargoed_terms, worktree_drafts
from advpub.config import Settings
from advpub.embargo.identity import Identity
from advpub.errors import GitError
from advpub.git.repo import GitRepo
from advpub.leaks import LeakTerms
from advpub.model import parse_advisory_file
from advpub.pipeline.release import Action, ReleaseOptions, ReleaseOutcome, release
from advpub.pipeline.sync import Upstream, current_upstream, outgoing_text
from advpub.pipeline.worktree import describe_dirty, dirty_paths
from advpub.site.build import BuiltSite, build_site

# Outcomes that put an advisory in the public folder during this run.
RELEASED_ACTIONS = frozenset({Action.PUBLISHED, Action.COMPLETED, Action.COMMITTED})


@dataclass(frozen=True)
class Released:
    """An advisory this run made public (its title is public now)."""

    id: str
    title: str | None
    path: str | None
    commit: str | None


@dataclass(frozen=True)
class Held:
    """A draft still under embargo: its id, its release instant (None when the draft cannot
    be read with this identity) and the gate's reasons (free of draft content)."""

    id: str
    release_date: datetime | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ReleaseSummary:
    """What ``release --commit`` did, split for the report."""

    released: tuple[Released, ...]
    held: tuple[Held, ...]
    failed: tuple[ReleaseOutcome, ...]
    # The terms of the drafts still embargoed after the release (what must not be printed).
    embargoed: LeakTerms = field(default_factory=lambda: LeakTerms(()))

    @property
    def has_failures(self) -> bool:
        """True when some due advisory could not be published."""
        return bool(self.failed)


def check_ready(settings: Settings, *, push: bool) -> Upstream | None:
    """Refuse a work tree that is not a clean git checkout; the upstream when ``push``."""
    if GitRepo.open(settings.root) is None:
        raise GitError(
            f"{settings.root} is not a git repository; `advpub publish` commits each release "
            "(run it in a clone of the advisory repository)"
        )
    dirty = dirty_paths(settings)
    if dirty:
        raise GitError(
            f"the work tree has changes: {describe_dirty(dirty)}; publish runs on a clean "
            "checkout: commit or stash them (untracked files are refused only under "
            f"{settings.advisories_dir}/ and {settings.embargo_dir}/)"
        )
    return current_upstream(settings.root) if push else None


def release_due(
    settings: Settings,
    now: datetime,
    identities: Sequence[Identity],
    *,
    scheduled: bool = False,
) -> ReleaseSummary:
    """Release (and commit) every draft due at ``now``; the summary of what happened.
    ``scheduled``: prepared ahead of ``now`` (see :class:`ReleaseOptions`)."""
    options = ReleaseOptions(dry_run=False, commit=True, scheduled=scheduled)
    outcomes = release(settings, now, identities, options)
    released = tuple(_released(o, settings) for o in outcomes if o.action in RELEASED_ACTIONS)
    failed = tuple(o for o in outcomes if o.is_failure)
    held_ids = {o.id: o for o in outcomes if o.action is Action.HELD}
    # The drafts left in the store (held or failed): decrypted once more for their instants
    # and for the terms the report must not print.
    remaining = worktree_drafts(settings, identities)
    dates = {
        d.id: d.advisory.release_date
        for d in remaining
        if d.id in held_ids and d.advisory is not None
    }
    held = tuple(
        Held(ident, dates.get(ident), outcome.reasons) for ident, outcome in held_ids.items()
    )
    return ReleaseSummary(
        released, tuple(sorted(held, key=_held_order)), failed, embargoed_terms(remaining)
    )


def _held_order(held: Held) -> tuple[bool, datetime | None, str]:
    # Soonest first; unreadable drafts last.
    return (held.release_date is None, held.release_date, held.id)


def _released(outcome: ReleaseOutcome, settings: Settings) -> Released:
    title = None
    if outcome.path is not None:
        result = parse_advisory_file(settings.root / outcome.path, settings.model_options)
        title = result.advisory.title if result.advisory is not None else None
    return Released(outcome.id, title, outcome.path, outcome.commit)


def build_public_site(
    settings: Settings, now: datetime, site_dir: Path | None, identities: Sequence[Identity]
) -> BuiltSite:
    """Build the site judging the gate at ``now`` (the release's instant), with the leak scan
    decrypting with the same identities as the release."""
    return build_site(settings.root, site_dir=site_dir, now=now, identities=identities)


def guard_outgoing(
    settings: Settings,
    identities: Sequence[Identity],
    upstream: Upstream,
    released: Collection[str],
) -> None:
    """Refuse to push commits that name a draft still embargoed in the (rebased) work tree:
    a rebase can bring drafts the release never saw."""
    terms = embargoed_terms(worktree_drafts(settings, identities), released)
    found = terms.find(outgoing_text(settings.root, upstream))
    if found:
        named = ", ".join(sorted({t.draft_id for t in found}))
        raise GitError(
            f"nothing was pushed to {upstream.shown}: after `git pull --rebase`, the commits "
            f"to push mention embargoed draft(s) {named}, which arrived with the rebase; the "
            "release commits stay in this clone only; remove the mention or release them "
            "together, then run `advpub publish --push` again"
        )

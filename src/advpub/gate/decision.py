"""The release gate's verdicts for draft advisories and for advisories already published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from advpub.errors import GateError
from advpub.gate.options import GateOptions
from advpub.gate.rules import (
    AllOf,
    Approvals,
    DraftNotWithdrawn,
    FixVerifiedOrEarlyRelease,
    GateRefusal,
    GateRule,
    NotWebsiteScope,
    NotWithdrawnBeforeRelease,
    PublishedNotBeforeRelease,
    ReleaseDateReached,
    TlpClear,
)
from advpub.model import Advisory


@dataclass(frozen=True)
class ReleaseDecision:
    """Whether an advisory may be public at ``now``, and every reason when it may not.

    Reasons name the id, fields and dates, never the title, summary or body. ``notes`` say
    why an open gate is open when a rule held for a reason worth showing (an informational
    advisory needs no verified fix).
    """

    releasable: bool
    reasons: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @classmethod
    def allow(cls, *notes: str) -> ReleaseDecision:
        """The gate is open; ``notes``: why, where a rule held for a reason worth showing."""
        return cls(True, (), notes)

    @classmethod
    def hold(cls, *reasons: str) -> ReleaseDecision:
        """The gate is closed; at least one reason is always given."""
        return cls(False, reasons or ("held",))


def _common_rules(options: GateOptions) -> list[GateRule]:
    return [
        FixVerifiedOrEarlyRelease(options.early_release_approvals),
        ReleaseDateReached(options.timezone),
        NotWebsiteScope(),
        TlpClear(),
        Approvals(options.required_approvals),
    ]


def release_policy(options: GateOptions) -> AllOf:
    """The policy a draft must meet to leave the embargo."""
    return AllOf([*_common_rules(options), DraftNotWithdrawn()])


def published_policy(options: GateOptions) -> AllOf:
    """The policy a file already under ``advisories/`` must meet to stay public.

    The same as for drafts, except a withdrawal is allowed when dated after the release
    (withdrawn advisories stay online with a notice), and ``published`` must not precede
    the release date.
    """
    return AllOf(
        [
            *_common_rules(options),
            NotWithdrawnBeforeRelease(options.timezone),
            PublishedNotBeforeRelease(options.timezone),
        ]
    )


def require_aware(now: datetime) -> None:
    """Raise GateError for a naive ``now``: the gate compares instants, never wall times."""
    if now.tzinfo is None or now.utcoffset() is None:
        # A naive "now" would be read in whatever zone the machine is in: never guess.
        raise GateError("the gate needs a timezone-aware `now` (add an offset such as Z)")


def decide(policy: AllOf, advisory: Advisory, now: datetime) -> ReleaseDecision:
    """Run ``policy`` and turn a refusal into a held decision."""
    require_aware(now)
    try:
        notes = policy.verify(advisory, now)
    except GateRefusal as refusal:
        return ReleaseDecision.hold(*refusal.reasons)
    return ReleaseDecision.allow(*notes)


def evaluate(advisory: Advisory, now: datetime, options: GateOptions) -> ReleaseDecision:
    """May this (valid, parsed) draft advisory leave the embargo at ``now``?"""
    return decide(release_policy(options), advisory, now)


def evaluate_published(advisory: Advisory, now: datetime, options: GateOptions) -> ReleaseDecision:
    """May this advisory, already under ``advisories/``, be public at ``now``?"""
    return decide(published_policy(options), advisory, now)

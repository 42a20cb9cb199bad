"""The release gate's verdicts for drafts and for advisories already published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from advpub.config import Settings
from advpub.embargo.drafts import Draft
from advpub.errors import GateError
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

    Reasons name the id, fields and dates, never the title, summary or body.
    """

    releasable: bool
    reasons: tuple[str, ...]

    @classmethod
    def allow(cls) -> ReleaseDecision:
        """The gate is open."""
        return cls(True, ())

    @classmethod
    def hold(cls, *reasons: str) -> ReleaseDecision:
        """The gate is closed; at least one reason is always given."""
        return cls(False, reasons or ("held",))


def _common_rules(settings: Settings) -> list[GateRule]:
    return [
        FixVerifiedOrEarlyRelease(settings.early_release_approvals),
        ReleaseDateReached(settings.timezone),
        NotWebsiteScope(),
        TlpClear(),
        Approvals(settings.required_approvals),
    ]


def release_policy(settings: Settings) -> AllOf:
    """The policy a draft must meet to leave the embargo."""
    return AllOf([*_common_rules(settings), DraftNotWithdrawn()])


def published_policy(settings: Settings) -> AllOf:
    """The policy a file already under ``advisories/`` must meet to stay public.

    The same as for drafts, except a withdrawal is allowed when dated after the release
    (withdrawn advisories stay online with a notice), and ``published`` must not precede
    the release date.
    """
    return AllOf(
        [
            *_common_rules(settings),
            NotWithdrawnBeforeRelease(settings.timezone),
            PublishedNotBeforeRelease(settings.timezone),
        ]
    )


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        # A naive "now" would be read in whatever zone the machine is in: never guess.
        raise GateError("the gate needs a timezone-aware `now` (add an offset such as Z)")


def decide(policy: AllOf, advisory: Advisory, now: datetime) -> ReleaseDecision:
    """Run ``policy`` and turn a refusal into a held decision."""
    _require_aware(now)
    try:
        policy.verify(advisory, now)
    except GateRefusal as refusal:
        return ReleaseDecision.hold(*refusal.reasons)
    return ReleaseDecision.allow()


def evaluate(advisory: Advisory, now: datetime, settings: Settings) -> ReleaseDecision:
    """May this (valid, parsed) draft advisory leave the embargo at ``now``?"""
    return decide(release_policy(settings), advisory, now)


def evaluate_draft(draft: Draft, now: datetime, settings: Settings) -> ReleaseDecision:
    """The verdict for a loaded draft; unreadable or invalid drafts are held.

    Validation problems are reported redacted (``Violation.redacted()``): their details
    could echo embargoed text.
    """
    _require_aware(now)
    if draft.error is not None:
        return ReleaseDecision.hold(f"cannot be read: {draft.error}")
    if draft.advisory is None:
        reasons = [f"invalid: {v.redacted()}" for v in draft.violations]
        return ReleaseDecision.hold(*(reasons or [f"{draft.shown}: invalid draft"]))
    return evaluate(draft.advisory, now, settings)


def evaluate_published(advisory: Advisory, now: datetime, settings: Settings) -> ReleaseDecision:
    """May this advisory, already under ``advisories/``, be public at ``now``?"""
    return decide(published_policy(settings), advisory, now)

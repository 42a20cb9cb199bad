"""The gate's verdict on each loaded draft, and what ``advpub status`` shows for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from advpub.config import Settings
from advpub.embargo.drafts import Draft
from advpub.gate import ReleaseDecision, evaluate, require_aware
from advpub.model import Advisory


def evaluate_draft(
    draft: Draft, now: datetime, settings: Settings, *, details: bool = False
) -> ReleaseDecision:
    """The gate's verdict for a loaded draft; unreadable or invalid drafts are held.

    Validation problems are reported redacted (``Violation.redacted()``): their details
    could echo embargoed text. ``details``: in full, for a recipient at a terminal.
    """
    require_aware(now)
    if draft.error is not None:
        return ReleaseDecision.hold(f"cannot be read: {draft.error}")
    if draft.advisory is None:
        reasons = [f"invalid: {v if details else v.redacted()}" for v in draft.violations]
        return ReleaseDecision.hold(*(reasons or [f"{draft.shown}: invalid draft"]))
    return evaluate(draft.advisory, now, settings.gate_options)


@dataclass(frozen=True)
class DraftStatus:
    """One draft as ``status`` reports it; ``title`` and ``release_date`` are None when the
    draft could not be read or is invalid."""

    id: str
    shown: str
    title: str | None
    release_date: datetime | None
    fix_state: str
    decision: ReleaseDecision
    is_readable: bool


def fix_state(advisory: Advisory) -> str:
    """``verified``, ``not verified`` or ``not verified, waived by early_release (basis, N
    approvals)``, or ``not required (informational: …)``: the waiver lifts the fix
    verification only, never the release date."""
    if advisory.is_informational:
        return f"not required (informational: {advisory.informational})"
    if advisory.fix.verified:
        return "verified"
    early = advisory.early_release
    if early is None:
        return "not verified"
    count = len(early.approved_by)
    return (
        f"not verified, waived by early_release ({early.basis}, "
        f"{count} approval{'' if count == 1 else 's'})"
    )


def draft_status(
    draft: Draft, now: datetime, settings: Settings, *, details: bool = False
) -> DraftStatus:
    """The status of one loaded draft at ``now`` (``details``: see :func:`evaluate_draft`)."""
    decision = evaluate_draft(draft, now, settings, details=details)
    advisory = draft.advisory
    if advisory is None:
        state = "unreadable" if draft.error is not None else "invalid"
        return DraftStatus(draft.id, draft.shown, None, None, state, decision, False)
    return DraftStatus(
        draft.id,
        draft.shown,
        advisory.title,
        advisory.release_date,
        fix_state(advisory),
        decision,
        True,
    )


def draft_statuses(
    drafts: Sequence[Draft], now: datetime, settings: Settings, *, details: bool = False
) -> list[DraftStatus]:
    """Every draft's status, in the order given (sorted by file name by the store)."""
    return [draft_status(d, now, settings, details=details) for d in drafts]


def not_shared_notice(count: int) -> str:
    """What a case-only recipient learns of the drafts not shared with them: a count."""
    return f"{count} draft{'' if count == 1 else 's'} not shared with you"


def visible_to_case_only(drafts: Sequence[Draft]) -> tuple[list[Draft], int]:
    """The drafts a case-only recipient is shown (those they could decrypt) and how many
    others exist: their ids are not listed, as the recipient has no need to know them."""
    shown = [d for d in drafts if d.is_readable]
    return shown, len(drafts) - len(shown)

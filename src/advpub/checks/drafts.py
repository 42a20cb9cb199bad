"""Rule: every embargoed draft the identity can decrypt is valid.

An invalid draft is held by the gate forever without anyone noticing, so ``advpub check``
fails on it. Its details can echo the draft's text (a value quoted in a message, a pasted
sentence as an unknown key), so they are shown only to a recipient at a terminal
(:attr:`CheckContext.draft_details`); otherwise each problem is reported redacted
(:meth:`advpub.model.Violation.redacted`), naming the draft by its id only.
"""

from __future__ import annotations

from collections.abc import Iterable

from advpub.checks.base import CheckContext
from advpub.checks.leaks import check_drafts
from advpub.model import Violation

RULE = "draft"


class DraftValidationRule:
    """``advpub check``: no invalid draft under ``embargo/`` (needs an identity)."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Every validation problem of every readable draft, redacted unless
        ``ctx.draft_details``; nothing without an identity (the leak rule notes that)."""
        drafts = check_drafts(ctx)
        if drafts is None:
            return []
        found: list[Violation] = []
        for draft in drafts:
            if not draft.is_readable:
                continue
            for violation in draft.violations:
                found.append(violation if ctx.draft_details else violation.redacted())
        return found

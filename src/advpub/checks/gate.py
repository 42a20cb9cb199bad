"""Rule: every advisory under ``advisories/`` passes the release gate at ``now``.

An advisory committed before its release instant (or without a verified fix) is public
too early; the hook refuses it when staged and ``advpub check`` refuses it in CI.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import PurePosixPath

from advpub.checks.advisories import corpus_of
from advpub.checks.base import CheckContext
from advpub.config import Settings
from advpub.gate import evaluate_published
from advpub.model import Advisory, ParseResult, Violation, parse_advisory

RULE = "gate"


def gate_violations(
    advisory: Advisory, now: datetime, settings: Settings, shown: str
) -> list[Violation]:
    """One violation per reason the gate holds ``advisory`` back at ``now`` (none when open)."""
    decision = evaluate_published(advisory, now, settings.gate_options)
    if decision.releasable:
        return []
    reasons = [str(reason) for reason in decision.reasons] or ["the release gate refused it"]
    return [
        Violation(
            shown,
            None,
            "gate",
            RULE,
            f"not releasable yet: {reason}; keep it as an encrypted draft under "
            f"{settings.embargo_dir}/ until the gate opens (see `advpub status`)",
        )
        for reason in reasons
    ]


def parse_published(data: bytes, path: str, settings: Settings) -> ParseResult:
    """Parse an advisory file's bytes exactly as the corpus would (id from the file name)."""
    return parse_advisory(
        data, path=path, options=settings.model_options, expected_id=PurePosixPath(path).stem
    )


def published_violations(
    data: bytes, path: str, settings: Settings, now: datetime
) -> list[Violation]:
    """Validation problems of an advisory file, else the gate's reasons to hold it."""
    result = parse_published(data, path, settings)
    if result.advisory is None or result.violations:
        return list(result.violations)
    return gate_violations(result.advisory, now, settings, path)


class GateRule:
    """``advpub check``: every valid published advisory is releasable at ``now``."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield the gate's reasons for each advisory it would hold back."""
        found: list[Violation] = []
        for advisory in corpus_of(ctx).advisories:
            shown = advisory.path or f"{ctx.settings.advisories_dir}/{advisory.id}.md"
            found.extend(gate_violations(advisory, ctx.now, ctx.settings, shown))
        return found

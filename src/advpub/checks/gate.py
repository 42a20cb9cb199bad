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
from advpub.layout import split_stem
from advpub.model import (
    Advisory,
    ParseResult,
    Violation,
    localized,
    parse_advisory,
    parse_translation,
)
from advpub.model.parse import unreadable
from advpub.model.translation import missing_primary

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
    """Parse an advisory file's bytes exactly as the corpus would (id from the file name).

    A linked translation (``<ID>.<lang>.md``) is checked against the primary beside it in
    the work tree, and stands for its localized view (the gate judges the primary's facts).
    """
    ident, lang = split_stem(PurePosixPath(path).stem)
    options = settings.model_options
    if lang is None:
        return parse_advisory(data, path=path, options=options, expected_id=ident)
    primary_rel = PurePosixPath(path).with_name(f"{ident}.md").as_posix()
    primary_file = settings.root / primary_rel
    if not primary_file.is_file():
        return ParseResult(None, (missing_primary(path, ident),))
    try:
        primary_data = primary_file.read_bytes()
    except OSError as exc:
        return ParseResult(None, (unreadable(primary_rel, exc),))
    primary = parse_advisory(primary_data, path=primary_rel, options=options, expected_id=ident)
    if primary.advisory is None:
        # The primary's own problems are reported for the primary's file.
        return ParseResult(None, primary.violations)
    translation, problems = parse_translation(
        data, path=path, options=options, primary=primary.advisory, expected_lang=lang
    )
    if translation is None:
        return ParseResult(None, problems)
    return ParseResult(localized(primary.advisory, translation), ())


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
        corpus = corpus_of(ctx)
        views = [t for group in corpus.translations.values() for t in group]
        for advisory in (*corpus.advisories, *views):
            shown = advisory.path or f"{ctx.settings.advisories_dir}/{advisory.id}.md"
            found.extend(gate_violations(advisory, ctx.now, ctx.settings, shown))
        return found

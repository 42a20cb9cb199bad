"""Rule: every published advisory parses and validates; ids are unique."""

from __future__ import annotations

from collections.abc import Iterable

from advpub.checks.base import CheckContext
from advpub.corpus import Corpus, load_corpus
from advpub.model import Violation


def corpus_of(ctx: CheckContext) -> Corpus:
    """The parsed ``advisories/`` folder, loaded once per check run."""
    corpus = ctx.cache.get("corpus")
    if not isinstance(corpus, Corpus):
        corpus = load_corpus(ctx.settings)
        ctx.cache["corpus"] = corpus
    return corpus


class AdvisoryValidationRule:
    """All foundation validation rules over ``advisories/``."""

    name = "advisories"

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield every validation problem of every published advisory."""
        return corpus_of(ctx).violations

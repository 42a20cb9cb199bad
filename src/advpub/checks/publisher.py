"""Rule: a site that publishes feeds and CSAF (``site_url`` set) names a real publisher.

Without ``publisher:`` every feed, JVNRSS channel and CSAF document would name the
placeholder "Example Coordination Center" at ``https://example.org``; the build refuses
that too (:func:`advpub.config.require_publisher`), this rule says so before a build.
"""

from __future__ import annotations

from collections.abc import Iterable

from advpub.checks.base import CheckContext
from advpub.config import CONFIG_FILE, publisher_problems
from advpub.model import Violation

RULE = "publisher"


class PublisherRule:
    """``advpub check``: no placeholder or missing publisher when feeds and CSAF are built."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """One violation per missing or placeholder publisher field."""
        found: list[Violation] = []
        for problem in publisher_problems(ctx.settings):
            # "mkdocs.yml: plugins.advpub.publisher.name: message" -> field and message.
            _, field, message = problem.split(": ", 2)
            found.append(Violation(CONFIG_FILE, None, field, RULE, message))
        return found

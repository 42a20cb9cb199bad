"""Rule: the docs folder keeps the sentinel page that makes a build without the advpub
plugin fail (see :mod:`advpub.site.sources`)."""

from __future__ import annotations

from collections.abc import Iterable

from advpub.checks.base import CheckContext
from advpub.model import Violation
from advpub.site.sources import SENTINEL_NAME, sentinel_problem

RULE = "site-sentinel"


class SiteSentinelRule:
    """``advpub check``: the sentinel page is present and not readable as text."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """One violation when the sentinel is missing or no longer stops a plugin-less build."""
        problem = sentinel_problem(ctx.settings.advisories_path)
        if problem is None:
            return []
        shown = f"{ctx.settings.advisories_dir}/{SENTINEL_NAME}"
        return [Violation(shown, None, "file", RULE, problem)]

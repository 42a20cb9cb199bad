"""A SiteContext over given advisories, as the site plugin builds it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from advpub.config import Settings
from advpub.model import Advisory
from advpub.outputs import SiteContext

BUILD_TIME = datetime(2026, 11, 1, tzinfo=UTC)


def site_context(settings: Settings, advisories: Sequence[Advisory]) -> SiteContext:
    """Advisories newest first; pages at ``<YYYY>/<ID>/``."""
    ordered = sorted(advisories, key=lambda a: (a.published_at, a.id), reverse=True)

    def absolute(rel: str) -> str:
        assert settings.site_url, "absolute_url needs site_url"
        return settings.site_url + rel

    return SiteContext(
        settings=settings,
        advisories=tuple(ordered),
        page_url=lambda ident: f"{ident.split('-')[1]}/{ident}/",
        absolute_url=absolute,
        build_time=BUILD_TIME,
    )

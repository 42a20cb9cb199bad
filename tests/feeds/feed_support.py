"""Helpers for the feed tests: settings, advisories and a SiteContext built directly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from advpub.config import Settings, settings_from_options
from advpub.model import Advisory, parse_advisory
from advpub.outputs import SiteContext
from advpub.site.feeds import feed_outputs
from tests.conftest import advisory_text

SITE_URL = "https://advisories.example.org/"
BUILD_TIME = datetime.fromisoformat("2026-12-01T00:00:00+00:00")


def make_settings(
    *,
    timezone: str = "UTC",
    site_url: str | None = SITE_URL,
    language: str = "en",
    feed_size: int = 50,
    site_name: str = "Example advisories",
) -> Settings:
    """Settings as the plugin would build them (no mkdocs.yml needed)."""
    options: dict[str, Any] = {
        "timezone": timezone,
        "advisories_dir": "advisories",
        "embargo_dir": "embargo",
        "feed_size": feed_size,
        # Feeds refuse the placeholder publisher (advpub.config.publisher_problems).
        "publisher": {
            "name": "Sample Coordination Center",
            "namespace": "https://sample-cc.example.net",
        },
    }
    return settings_from_options(
        Path("/nonexistent"),
        options,
        site_name=site_name,
        site_url=site_url,
        language=language,
    )


def make_advisory(
    ident: str = "ADV-2026-0001",
    *,
    settings: Settings | None = None,
    title: str = "Example Router: command injection in the web console",
    published: str = "2026-01-15T09:00:00+09:00",
    extra: str = "",
    body: str = "## Overview\n\nA command injection exists.\n",
) -> Advisory:
    """A parsed, valid advisory published at ``published``."""
    options = (settings or make_settings()).model_options
    text = advisory_text(ident, title=title, release_date=published, extra=extra, body=body)
    result = parse_advisory(text, path=f"advisories/{ident}.md", options=options)
    assert result.advisory is not None, [str(v) for v in result.violations]
    return result.advisory


def page_url(ident: str) -> str:
    """The site-relative page URL the site uses: ``<year>/<id>/``."""
    return f"{ident.split('-')[1]}/{ident}/"


def make_context(
    settings: Settings, advisories: Sequence[Advisory], build_time: datetime = BUILD_TIME
) -> SiteContext:
    """A SiteContext as the plugin builds it (advisories newest first)."""
    site_url = settings.site_url or ""
    return SiteContext(
        settings=settings,
        advisories=sorted(advisories, key=lambda a: a.published_at, reverse=True),
        page_url=page_url,
        absolute_url=lambda rel: site_url + rel,
        build_time=build_time,
    )


def build(
    settings: Settings, advisories: Sequence[Advisory], build_time: datetime = BUILD_TIME
) -> dict[str, bytes]:
    """Every feed file of one build, by site-relative path."""
    return {o.path: o.content for o in feed_outputs(make_context(settings, advisories, build_time))}


CVSS_CRITICAL = "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
CVSS_MEDIUM = "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\n"

"""What an advisory page puts in its ``<head>``: the ``<title>`` and the link-preview tags
(OpenGraph and Twitter card), so a pasted link shows the id, title, summary and severity.

Values are plain text here; the theme template escapes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from advpub.config import Settings
from advpub.model import Advisory
from advpub.model.timeutil import format_iso_utc
from advpub.site.i18n import labels_for
from advpub.site.listings import severity_level

# OpenGraph locales of the advisory languages advpub labels.
OG_LOCALES = {"en": "en_US", "ja": "ja_JP"}


@dataclass(frozen=True)
class PageHead:
    """The head of one advisory page: ``title`` for ``<title>``, ``meta`` as
    ``(attribute, name, content)`` triples (``property`` for OpenGraph, ``name`` for
    Twitter), in output order; ``lang`` for ``<html lang>`` (the advisory's own language,
    whatever the site's: see ``templates/theme/partials/language.html``)."""

    title: str
    meta: tuple[tuple[str, str, str], ...]
    lang: str = "en"


def severity_text(adv: Advisory) -> str:
    """``Critical 9.8`` / ``緊急 9.8`` in the advisory's language (``Not scored`` without CVSS)."""
    labels = labels_for(adv.lang)
    level = severity_level(adv)
    if level is None:
        return labels("severity.unscored")
    score = f" {adv.base_score:.1f}" if adv.base_score is not None else ""
    return f"{labels(f'severity.{level}')}{score}"


def advisory_head(adv: Advisory, settings: Settings, page_url: str) -> PageHead:
    """The ``<title>`` (``ADV-2026-0003: Title – Site``) and preview tags of an advisory page;
    ``page_url`` is the page's site-relative URL (``og:url`` needs ``site_url``)."""
    labels = labels_for(adv.lang)
    heading = f"{adv.id}: {adv.title}"
    summary = " ".join(adv.summary.split())
    severity = severity_text(adv)
    meta: list[tuple[str, str, str]] = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", settings.site_name),
        ("property", "og:title", heading),
        ("property", "og:description", summary),
        ("property", "og:locale", OG_LOCALES.get(adv.lang, adv.lang)),
    ]
    if settings.site_url:
        meta.append(("property", "og:url", settings.site_url.rstrip("/") + "/" + page_url))
    meta.append(("property", "article:published_time", format_iso_utc(adv.published_at)))
    meta.append(("property", "article:modified_time", format_iso_utc(adv.modified_at)))
    meta.append(("property", "article:tag", severity))
    meta.extend(("property", "article:tag", cve) for cve in adv.cve)
    meta.extend(
        [
            ("name", "twitter:card", "summary"),
            ("name", "twitter:title", heading),
            ("name", "twitter:description", summary),
            ("name", "twitter:label1", labels("adv.severity")),
            ("name", "twitter:data1", severity),
        ]
    )
    return PageHead(f"{heading} – {settings.site_name}", tuple(meta), adv.lang)

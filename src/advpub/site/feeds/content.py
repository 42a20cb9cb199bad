"""The body of a feed entry: what a subscriber needs to act without opening the page.

Severity (the site's localised level names, as JVN uses 緊急/重要/警告/注意) with every
CVSS score, CVEs, each affected product with its affected and fixed versions, the first
public instant, the last change, and the link; after the notices and the summary. Labels
follow the advisory's own language (its entry says ``xml:lang`` of that language), so an
English advisory on a Japanese site reads in English throughout.

One model, two renderings: HTML for Atom ``content``, RSS ``content:encoded`` and JSON Feed
``content_html``; plain text for JSON Feed ``content_text``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from advpub.model import Advisory
from advpub.site.i18n import Labels, labels_for, show_instant


@dataclass(frozen=True)
class EntryContent:
    """An entry body as HTML and as plain text (the same facts in the same order)."""

    html: str
    text: str


def severity_name(level: str | None, labels: Labels) -> str:
    """The localised level (``Critical``/``緊急``), or "not scored" without a CVSS score."""
    return labels(f"severity.{level.lower()}" if level else "severity.unscored")


def _scores(advisory: Advisory, t: Labels) -> str:
    if not advisory.cvss:
        return severity_name(None, t)
    return "; ".join(
        f"{severity_name(score.severity, t)} {score.base_score:.1f} (CVSS {score.version})"
        for score in advisory.cvss
    )


def _affected(advisory: Advisory, t: Labels) -> list[str]:
    rows: list[str] = []
    for item in advisory.affected:
        details = [
            f"{t('feed.content.versions')}: {item.versions}" if item.versions else "",
            f"{t('feed.content.fixed')}: {item.fixed}" if item.fixed else "",
        ]
        shown = "; ".join(d for d in details if d)
        rows.append(f"{item.label} ({shown})" if shown else item.label)
    return rows


def _facts(advisory: Advisory, zone: ZoneInfo, t: Labels) -> list[tuple[str, list[str]]]:
    """(label, values) in the order shown; a fact without values is left out."""
    published = show_instant(advisory.published_at, zone).local
    facts: list[tuple[str, list[str]]] = [
        (t("feed.content.severity"), [_scores(advisory, t)]),
        ("CVE", list(advisory.cve)),
        (t("feed.content.affected"), _affected(advisory, t)),
        (t("feed.content.published"), [published]),
    ]
    if advisory.modified_at > advisory.published_at:
        updated = show_instant(advisory.modified_at, zone).local
        facts.append((t("feed.content.updated"), [updated]))
    return [(label, values) for label, values in facts if values]


def entry_content(advisory: Advisory, summary: str, url: str, zone: ZoneInfo) -> EntryContent:
    """The body of ``advisory``'s entry: ``summary`` (with its notices), the facts, ``url``."""
    t = labels_for(advisory.lang)
    facts = _facts(advisory, zone, t)
    link = t("feed.content.link")
    items = "".join(
        f"<li>{html.escape(label)}: {html.escape(', '.join(values))}</li>"
        if len(values) == 1 or label == "CVE"
        else f"<li>{html.escape(label)}:<ul>"
        + "".join(f"<li>{html.escape(v)}</li>" for v in values)
        + "</ul></li>"
        for label, values in facts
    )
    body = (
        f"<p>{html.escape(summary)}</p><ul>{items}</ul>"
        f'<p>{html.escape(link)}: <a href="{html.escape(url)}">{html.escape(url)}</a></p>'
    )
    lines = [summary, ""]
    for label, values in facts:
        if len(values) == 1 or label == "CVE":
            lines.append(f"{label}: {', '.join(values)}")
        else:
            lines.append(f"{label}:")
            lines.extend(f"- {v}" for v in values)
    lines.extend(["", f"{link}: {url}"])
    return EntryContent(html=body, text="\n".join(lines))

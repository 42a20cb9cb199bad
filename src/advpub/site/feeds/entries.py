"""Format-neutral feed entries: which advisories a feed carries and what each entry says.

Every renderer (Atom, RSS 2.0, JSON Feed, JVNRSS) draws from the same :class:`Feed`, so the
formats cannot disagree on ids, dates, titles or the update notice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from advpub.model import Advisory
from advpub.site.feeds.content import EntryContent, entry_content, severity_name
from advpub.site.feeds.vendors import vendor_summary
from advpub.site.i18n import labels_for

RECENT = timedelta(days=7)


@dataclass(frozen=True)
class Category:
    """One category: a value and the absolute URL of the listing family it belongs to."""

    term: str
    scheme: str


@dataclass(frozen=True)
class FeedEntry:
    """One advisory as a feed entry; instants are in the site time zone.

    ``published`` is the first public instant (``published:``, written by the release;
    the release date only for imported history without it); ``updated`` the newest of
    that, revisions and the withdrawal. ``language`` is the advisory's own.
    """

    id: str
    title: str
    url: str
    summary: str
    content: EntryContent
    published: datetime
    updated: datetime
    categories: tuple[Category, ...]
    language: str
    advisory: Advisory


@dataclass(frozen=True)
class Feed:
    """One feed in any format: channel metadata plus its entries, newest first."""

    title: str
    description: str
    language: str
    feed_url: str
    home_url: str
    updated: datetime
    author_name: str
    author_url: str
    entries: tuple[FeedEntry, ...]


def tag_uri(site_url: str, advisory: Advisory) -> str:
    """The entry id: ``tag:<host>,<year published>:<id>`` (``<id>.<lang>`` for a linked
    translation: another entry than the primary's); never changes once published."""
    host = urlsplit(site_url).hostname or "localhost"
    return f"tag:{host},{advisory.published_at.year:04d}:{advisory.page_key}"


def ordered(advisories: Sequence[Advisory]) -> list[Advisory]:
    """Newest first by published instant; the id breaks ties so the order is reproducible."""
    return sorted(advisories, key=lambda a: (a.published_at, a.id), reverse=True)


def select(advisories: Sequence[Advisory], size: int, now: datetime) -> list[Advisory]:
    """The newest ``size`` advisories plus every one published or changed in the last 7 days.

    Changed (revised or withdrawn) ones are kept too, so an update to an old advisory still
    reaches subscribers.
    """
    newest = ordered(advisories)
    since = now - RECENT
    return [
        a
        for index, a in enumerate(newest)
        if index < size or a.published_at >= since or a.modified_at >= since
    ]


def notice_summary(advisory: Advisory, zone: ZoneInfo) -> str:
    """The summary, prefixed by the withdrawal and the newest revision and followed by the
    vendor status summary (in the advisory's language, like the reason and the revision
    text the notices quote)."""
    # Notices added to the summary, so a subscriber sees why the entry changed.
    t = labels_for(advisory.lang)
    parts: list[str] = []
    if advisory.withdrawn is not None:
        day = advisory.withdrawn.date.astimezone(zone).date().isoformat()
        parts.append(f"[{t('feed.withdrawn')} {day}: {advisory.withdrawn.reason.strip()}]")
    newest = max(advisory.revisions, key=lambda r: r.date, default=None)
    # After a withdrawal only a later revision is news; older ones would bury the notice.
    if newest is not None and (advisory.withdrawn is None or newest.date > advisory.withdrawn.date):
        day = newest.date.astimezone(zone).date().isoformat()
        parts.append(f"[{t('feed.updated')} {day}: {newest.summary.strip()}]")
    parts.append(advisory.summary.strip())
    if vendors := vendor_summary(advisory, t):
        parts.append(f"[{vendors}]")
    return " ".join(parts)


def categories(
    advisory: Advisory, absolute_url: Callable[[str], str], language: str
) -> tuple[Category, ...]:
    """Severity (named in the site ``language``: the same term on every entry of the site,
    as its listings name it), CWE ids and affected products, each with its listing family
    as scheme."""
    found: list[Category] = []
    if advisory.severity is not None:
        level = severity_name(advisory.severity, labels_for(language))
        found.append(Category(level, absolute_url("severity/")))
    found.extend(Category(cwe, absolute_url("cwe/")) for cwe in advisory.cwe)
    labels = dict.fromkeys(item.label for item in advisory.affected)
    found.extend(Category(label, absolute_url("products/")) for label in labels)
    return tuple(found)


def make_entry(
    advisory: Advisory,
    *,
    site_url: str,
    page_url: str,
    absolute_url: Callable[[str], str],
    zone: ZoneInfo,
    language: str,
) -> FeedEntry:
    """The entry of one advisory (``page_url`` is absolute; ``language`` is the site's)."""
    summary = notice_summary(advisory, zone)
    return FeedEntry(
        id=tag_uri(site_url, advisory),
        title=f"{advisory.id}: {advisory.title}",
        url=page_url,
        summary=summary,
        content=entry_content(advisory, summary, page_url, zone),
        published=advisory.published_at.astimezone(zone),
        updated=advisory.modified_at.astimezone(zone),
        categories=categories(advisory, absolute_url, language),
        language=advisory.lang,
        advisory=advisory,
    )


def rfc3339(instant: datetime) -> str:
    """``2026-01-15T09:00:00+09:00`` (seconds precision, explicit offset)."""
    return instant.isoformat(timespec="seconds")

"""Which feeds exist, where they live, and how pages advertise them (the listings they
belong to are those of :mod:`advpub.site.listings`).

Paths follow the contract in :mod:`advpub.site.slugs`: site-wide ``feed.xml``, ``rss.xml``,
``feed.json`` and ``jvnrss.rdf``; per listing ``feeds/products/<slug>.xml|.json`` and
``feeds/severity/<level>.xml|.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

from advpub.config import Settings
from advpub.site.i18n import labels_for
from advpub.site.listings import SEVERITY_LEVELS, SitePage, feed_listing

ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"
JSON_TYPE = "application/feed+json"
RDF_TYPE = "application/rdf+xml"

SITE_ATOM = "feed.xml"
SITE_RSS = "rss.xml"
SITE_JSON = "feed.json"
SITE_JVNRSS = "jvnrss.rdf"

LISTING_KINDS = ("products", "severity")
# The short names readers see on the visible feed links.
FORMAT_NAMES = {ATOM_TYPE: "Atom", RSS_TYPE: "RSS", JSON_TYPE: "JSON Feed", RDF_TYPE: "JVNRSS"}


@dataclass(frozen=True)
class FeedLink:
    """One ``<link rel="alternate">`` for a page head; ``href`` is site-relative."""

    type: str
    href: str
    title: str

    @property
    def media_type(self) -> str:
        """The same as ``type`` (the name the site templates use)."""
        return self.type

    @property
    def format_name(self) -> str:
        """``Atom``, ``RSS``, ``JSON Feed`` or ``JVNRSS``: the link text on pages."""
        return FORMAT_NAMES.get(self.type, self.type)


def listing_feed_path(listing: str, extension: str) -> str:
    """``feeds/<listing>.<extension>`` after checking ``listing`` names a feed listing."""
    kind, _, slug = listing.partition("/")
    if kind not in LISTING_KINDS or not slug or "/" in slug:
        raise ValueError(
            f"not a feed listing: {listing!r} (use products/<slug> or severity/<level>)"
        )
    if kind == "severity" and slug not in SEVERITY_LEVELS:
        raise ValueError(
            f"unknown severity level {slug!r}; use one of {', '.join(SEVERITY_LEVELS)}"
        )
    return f"feeds/{listing}.{extension}"


def severity_label(level: str, language: str) -> str:
    """``severity High`` / ``深刻度 重要`` for feed titles (the level in the site's words)."""
    t = labels_for(language)
    return t("feed.severity", level=t(f"severity.{level.lower()}"))


def listing_title(settings: Settings, listing: str, label: str | None) -> str:
    """The title of a listing's feeds: the site name plus the product or severity label."""
    kind, _, slug = listing.partition("/")
    if kind == "severity":
        return f"{settings.site_name}: {severity_label(slug, settings.language)}"
    return f"{settings.site_name}: {label or slug}"


def site_description(settings: Settings) -> str:
    """The feed description in the site language."""
    return labels_for(settings.language)("feed.description", site=settings.site_name)


def feeds_enabled(settings: Settings) -> bool:
    """Feeds need absolute links, so they exist only when ``site_url`` is configured."""
    return bool(settings.site_url)


def feed_links(
    settings: Settings, listing: str | None = None, label: str | None = None
) -> list[FeedLink]:
    """The feeds a page should advertise in its head, most specific first.

    ``listing`` is ``products/<slug>`` or ``severity/<level>`` on a listing page (its Atom
    and JSON feeds come first), else None. ``label`` names the product for the link title.
    Without ``site_url`` no feed is built, so no link is returned.
    """
    if not feeds_enabled(settings):
        return []
    links: list[FeedLink] = []
    if listing is not None:
        title = listing_title(settings, listing, label)
        links.append(FeedLink(ATOM_TYPE, listing_feed_path(listing, "xml"), f"{title} (Atom)"))
        links.append(
            FeedLink(JSON_TYPE, listing_feed_path(listing, "json"), f"{title} (JSON Feed)")
        )
    name = settings.site_name
    links.append(FeedLink(ATOM_TYPE, SITE_ATOM, f"{name} (Atom)"))
    links.append(FeedLink(RSS_TYPE, SITE_RSS, f"{name} (RSS)"))
    links.append(FeedLink(JSON_TYPE, SITE_JSON, f"{name} (JSON Feed)"))
    links.append(FeedLink(RDF_TYPE, SITE_JVNRSS, f"{name} (JVNRSS)"))
    return links


def site_feed_links(links: list[FeedLink]) -> list[FeedLink]:
    """The site-wide feeds among ``links`` (those of :func:`feed_links`)."""
    return [link for link in links if not link.href.startswith("feeds/")]


def page_feed_links(settings: Settings, page: SitePage | None) -> list[FeedLink]:
    """The feeds a generated page advertises: its listing's own first (product and
    severity listings), then the site's."""
    group = page.group if page is not None else None
    listing = feed_listing(group) if group is not None else None
    label = group.title if listing is not None and group is not None else None
    return feed_links(settings, listing, label)

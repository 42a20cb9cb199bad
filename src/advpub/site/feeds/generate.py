"""The feed generator: every feed file of one build, from the published advisories."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from advpub.model import Advisory
from advpub.site.feeds.atom import render_atom
from advpub.site.feeds.entries import Feed, make_entry, ordered, select
from advpub.site.feeds.jsonfeed import render_json_feed
from advpub.site.feeds.jvnrss import render_jvnrss
from advpub.site.feeds.listings import (
    ATOM_TYPE,
    JSON_TYPE,
    RDF_TYPE,
    RSS_TYPE,
    SITE_ATOM,
    SITE_JSON,
    SITE_JVNRSS,
    SITE_RSS,
    feeds_enabled,
    listing_feed_path,
    listing_title,
    site_description,
)
from advpub.site.feeds.rss import render_rss
from advpub.site.outputs import Output, SiteContext
from advpub.site.slugs import product_slug


@dataclass(frozen=True)
class _Listing:
    key: str  # "products/<slug>" or "severity/<level>"
    label: str
    advisories: tuple[Advisory, ...]


def product_listings(advisories: Sequence[Advisory]) -> list[_Listing]:
    """One listing per vendor/product slug; the label is the newest advisory's spelling."""
    labels: dict[str, str] = {}
    members: dict[str, dict[str, Advisory]] = {}
    for advisory in ordered(advisories):
        for affected in advisory.affected:
            slug = product_slug(affected.vendor, affected.product)
            labels.setdefault(slug, affected.label)
            members.setdefault(slug, {})[advisory.id] = advisory
    return [
        _Listing(f"products/{slug}", labels[slug], tuple(members[slug].values()))
        for slug in sorted(members)
    ]


def severity_listings(advisories: Sequence[Advisory]) -> list[_Listing]:
    """One feed listing per severity level present (highest CVSS level; unscored: no feed)."""
    members: dict[str, list[Advisory]] = {}
    for advisory in advisories:
        if advisory.severity is not None:
            members.setdefault(advisory.severity, []).append(advisory)
    return [
        _Listing(f"severity/{level.lower()}", level, tuple(found))
        for level, found in sorted(members.items())
    ]


def _feed(
    ctx: SiteContext,
    advisories: Sequence[Advisory],
    *,
    title: str,
    feed_path: str,
    home_path: str,
) -> Feed:
    settings = ctx.settings
    site_url = settings.site_url or ""
    zone = settings.timezone
    url: Callable[[str], str] = ctx.absolute_url
    chosen = select(advisories, settings.feed_size, ctx.build_time)
    entries = tuple(
        make_entry(
            a,
            site_url=site_url,
            page_url=url(ctx.page_url(a.id)),
            absolute_url=url,
            zone=zone,
            language=settings.language,
        )
        for a in chosen
    )
    # The newest change, not the clock, so a rebuild of the same input is byte-identical.
    updated = max((e.updated for e in entries), default=ctx.build_time.astimezone(zone))
    return Feed(
        title=title,
        description=site_description(settings),
        language=settings.language,
        feed_url=url(feed_path),
        home_url=url(home_path),
        updated=updated,
        author_name=settings.publisher.name,
        author_url=settings.publisher.namespace,
        entries=entries,
    )


def feed_outputs(ctx: SiteContext) -> Iterable[Output]:
    """Every feed file: site-wide Atom, RSS 2.0, JSON Feed and JVNRSS, then per listing
    Atom and JSON Feed. Without ``site_url`` there are no absolute links, so no feeds."""
    settings = ctx.settings
    if not feeds_enabled(settings):
        return []
    outputs: list[Output] = []
    site_formats = (
        (SITE_ATOM, ATOM_TYPE, render_atom),
        (SITE_RSS, RSS_TYPE, render_rss),
        (SITE_JSON, JSON_TYPE, render_json_feed),
        (SITE_JVNRSS, RDF_TYPE, render_jvnrss),
    )
    for path, media_type, render in site_formats:
        feed = _feed(ctx, ctx.advisories, title=settings.site_name, feed_path=path, home_path="")
        outputs.append(Output(path, render(feed), media_type))
    advisories = ctx.advisories
    for listing in (*product_listings(advisories), *severity_listings(advisories)):
        title = listing_title(settings, listing.key, listing.label)
        for extension, media_type, render in (
            ("xml", ATOM_TYPE, render_atom),
            ("json", JSON_TYPE, render_json_feed),
        ):
            path = listing_feed_path(listing.key, extension)
            feed = _feed(
                ctx, listing.advisories, title=title, feed_path=path, home_path=f"{listing.key}/"
            )
            outputs.append(Output(path, render(feed), media_type))
    return outputs

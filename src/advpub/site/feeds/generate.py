"""The feed generator: every feed file of one build, from the published advisories."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from advpub.config import require_publisher
from advpub.model import Advisory
from advpub.outputs import Output, SiteContext
from advpub.site.feeds.atom import render_atom
from advpub.site.feeds.entries import Feed, make_entry, ordered, select
from advpub.site.feeds.jsonfeed import render_json_feed
from advpub.site.feeds.jvnrss import render_jvnrss
from advpub.site.feeds.links import (
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
from advpub.site.languages import in_language
from advpub.site.listings import feed_listing, group_by_product, group_by_severity


def site_feed(
    ctx: SiteContext,
    advisories: Sequence[Advisory],
    *,
    title: str,
    feed_path: str,
    home_path: str,
    language: str | None = None,
) -> Feed:
    """The feed of ``advisories`` at ``feed_path``, in ``language`` (default: the site's)."""
    settings = ctx.settings
    language = language or settings.language
    site_url = settings.site_url or ""
    zone = settings.timezone
    url: Callable[[str], str] = ctx.absolute_url
    chosen = select(advisories, settings.feed_size, ctx.build_time)
    entries = tuple(
        make_entry(
            a,
            site_url=site_url,
            page_url=url(ctx.page_url(a.page_key)),
            absolute_url=url,
            zone=zone,
            language=language,
        )
        for a in chosen
    )
    # The newest change, not the clock, so a rebuild of the same input is byte-identical.
    updated = max((e.updated for e in entries), default=ctx.build_time.astimezone(zone))
    return Feed(
        title=title,
        description=site_description(settings),
        language=language,
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
    require_publisher(settings)
    outputs: list[Output] = []
    site_formats = (
        (SITE_ATOM, ATOM_TYPE, render_atom),
        (SITE_RSS, RSS_TYPE, render_rss),
        (SITE_JSON, JSON_TYPE, render_json_feed),
        (SITE_JVNRSS, RDF_TYPE, render_jvnrss),
    )
    # Each advisory once, in the site language when it has a translation into it.
    shown = in_language(ctx.advisories, ctx.translations, settings.language)
    for path, media_type, render in site_formats:
        feed = site_feed(ctx, shown, title=settings.site_name, feed_path=path, home_path="")
        outputs.append(Output(path, render(feed), media_type))
    # The listing pages' own grouping; newest first (as the feeds order their entries), so a
    # product's label is the newest advisory's spelling.
    newest = ordered(shown)
    for group in (*group_by_product(newest), *group_by_severity(newest)):
        key = feed_listing(group)
        if key is None:
            continue  # unscored advisories have a listing page but no feed
        title = listing_title(settings, key, group.title)
        for extension, media_type, render in (
            ("xml", ATOM_TYPE, render_atom),
            ("json", JSON_TYPE, render_json_feed),
        ):
            path = listing_feed_path(key, extension)
            feed = site_feed(
                ctx, group.advisories, title=title, feed_path=path, home_path=group.base
            )
            outputs.append(Output(path, render(feed), media_type))
    return outputs

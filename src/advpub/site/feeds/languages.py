"""Per-language feeds: ``feed.<lang>.xml`` (Atom) carries every advisory readable in that
language (written in it or translated into it); the site-wide ``feed.xml`` stays the site
language's (each advisory once, translated into the site language when it can be)."""

from __future__ import annotations

from collections.abc import Iterable

from advpub.config import Settings
from advpub.outputs import Output, SiteContext
from advpub.site.feeds.atom import render_atom
from advpub.site.feeds.generate import site_feed
from advpub.site.feeds.links import ATOM_TYPE, FeedLink, feeds_enabled
from advpub.site.languages import feed_languages, language_name, readable_in


def language_feed_path(lang: str) -> str:
    """``feed.<lang>.xml``: the Atom feed of the advisories readable in ``lang``."""
    return f"feed.{lang}.xml"


def language_feed_links(settings: Settings, languages: Iterable[str]) -> list[FeedLink]:
    """Head links to the per-language feeds (none without ``site_url``)."""
    if not feeds_enabled(settings):
        return []
    return [
        FeedLink(
            ATOM_TYPE,
            language_feed_path(lang),
            f"{settings.site_name} ({language_name(lang)}, Atom)",
        )
        for lang in languages
    ]


def language_feed_outputs(ctx: SiteContext) -> Iterable[Output]:
    """One Atom feed per language with a page on the site (generator)."""
    settings = ctx.settings
    if not feeds_enabled(settings):
        return []
    outputs: list[Output] = []
    for lang in feed_languages(ctx.advisories, ctx.translations):
        path = language_feed_path(lang)
        chosen = readable_in(ctx.advisories, ctx.translations, lang)
        title = f"{settings.site_name} ({language_name(lang)})"
        feed = site_feed(ctx, chosen, title=title, feed_path=path, home_path="", language=lang)
        outputs.append(Output(path, render_atom(feed), ATOM_TYPE))
    return outputs

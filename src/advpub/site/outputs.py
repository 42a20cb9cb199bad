"""Extra build outputs (feeds, exports): plain functions over the published advisories.

The plugin builds a :class:`SiteContext` once, calls every generator of ``default_generators()`` and
writes what they return into the site folder. Generators never read ``embargo/`` and only
ever see advisories that passed the release gate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from advpub.config import Settings
from advpub.model import Advisory

Memo = Callable[[str, Advisory, Callable[[], bytes]], bytes]


@dataclass(frozen=True)
class SiteContext:
    """What a generator may use.

    ``advisories`` are the published ones, newest first (by published instant).
    ``page_url(id)`` is the site-relative URL of an advisory's page (e.g.
    ``2026/ADV-2026-0001/``); ``absolute_url(rel)`` joins a site-relative URL with
    ``site_url`` (generators that need absolute links require ``site_url``).
    ``build_time`` is the instant of the build (used for feed ``updated`` when empty).
    ``memo(kind, adv, compute)`` returns ``compute()``, or the bytes an earlier build
    computed for the same ``kind`` and the same advisory file, URL, code and settings (the
    plugin keeps them in its cache); ``compute`` must depend on nothing else.
    """

    settings: Settings
    advisories: Sequence[Advisory]
    page_url: Callable[[str], str]
    absolute_url: Callable[[str], str]
    build_time: datetime
    memo: Memo = field(default=lambda _kind, _adv, compute: compute())


@dataclass(frozen=True)
class Output:
    """One file to write: site-relative path with forward slashes, and its bytes."""

    path: str
    content: bytes
    media_type: str = "application/octet-stream"


Generator = Callable[[SiteContext], Iterable[Output]]


def default_generators() -> list[Generator]:
    """The generators every build runs (imported lazily to keep the import graph acyclic)."""
    generators: list[Generator] = []
    # Feeds and exports add one line each here, e.g.:
    #   from advpub.site.feeds import feed_outputs; generators.append(feed_outputs)
    from advpub.exports.site import export_outputs
    from advpub.site.feeds import feed_outputs

    generators.append(feed_outputs)
    generators.append(export_outputs)
    return generators


def generate_all(ctx: SiteContext, generators: Sequence[Generator] | None = None) -> list[Output]:
    """Every output of every generator."""
    outputs: list[Output] = []
    for generator in default_generators() if generators is None else generators:
        outputs.extend(generator(ctx))
    return outputs

"""What build outputs are, independent of who makes or writes them.

A generator is a plain function from a :class:`SiteContext` (the published advisories and
how to link to them) to :class:`Output` files. The site's plugin builds the context once,
runs the generators it registers (feeds in :mod:`advpub.site.feeds`, exports in
:mod:`advpub.exports.site`) and writes what they return into the site folder. This module
imports neither side, so the exports never import the site and the site never needs to be
imported by an export. Generators never read ``embargo/`` and only ever see advisories that
passed the release gate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from advpub.config import Settings
from advpub.model import Advisory

Memo = Callable[[str, Advisory, Callable[[], bytes]], bytes]


def compute_now(_kind: str, _adv: Advisory, compute: Callable[[], bytes]) -> bytes:
    """The memo of a build that keeps nothing: always ``compute()``."""
    return compute()


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
    plugin keeps them in its build store); ``compute`` must depend on nothing else.
    """

    settings: Settings
    advisories: Sequence[Advisory]
    page_url: Callable[[str], str]
    absolute_url: Callable[[str], str]
    build_time: datetime
    memo: Memo = field(default=compute_now)
    # Linked translations by advisory id (each a localized view; never in ``advisories``).
    translations: Mapping[str, tuple[Advisory, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Output:
    """One file to write: site-relative path with forward slashes, and its bytes."""

    path: str
    content: bytes
    media_type: str = "application/octet-stream"


Generator = Callable[[SiteContext], Iterable[Output]]


def generate_all(ctx: SiteContext, generators: Sequence[Generator]) -> list[Output]:
    """Every output of every generator, in the order of ``generators``."""
    outputs: list[Output] = []
    for generator in generators:
        outputs.extend(generator(ctx))
    return outputs

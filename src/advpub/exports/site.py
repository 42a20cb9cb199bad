"""The exports written into the built site: OSV files and the CSAF provider distribution.

A generator over :class:`advpub.outputs.SiteContext` (the site's plugin registers
:func:`export_outputs`; nothing here imports the site). Only ever sees
``ctx.advisories`` (published, gate-approved); it never reads ``embargo/``.

Layout::

    osv/<ID>.json, osv/all.zip
    .well-known/csaf/provider-metadata.json
    .well-known/csaf/white/<YYYY>/<tracking-id file>.json (+ .sha256, .sha512)
    .well-known/csaf/white/index.txt, changes.csv, csaf-feed-tlp-white.json (ROLIE)

CSAF needs absolute URLs (``canonical_url``, ROLIE links), so without ``site_url`` the CSAF
distribution is skipped (OSV is still written): the build does not fail, and
:func:`csaf_skipped_reason` says why for the plugin or ``advpub build`` to show.
Only TLP:CLEAR advisories go into the ``white/`` distribution (CSAF's public folder).
Everything is deterministic: same advisories, same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from advpub.errors import ExportError
from advpub.exports.common import iso_utc, json_bytes
from advpub.exports.csaf import (
    CSAF_SCHEMA_URL,
    csaf_document,
    publisher,
    revision_history,
    tracking_file_name,
)
from advpub.exports.osv import osv_bytes, osv_document, osv_zip
from advpub.model import Advisory
from advpub.outputs import Output, SiteContext

OSV_DIR = "osv"
CSAF_DIR = ".well-known/csaf"
WHITE_DIR = f"{CSAF_DIR}/white"
ROLIE_FEED = "csaf-feed-tlp-white.json"


def page_url(ctx: SiteContext, adv: Advisory) -> str | None:
    """The absolute URL of an advisory's page, or None when ``site_url`` is not set."""
    if not ctx.settings.site_url:
        return None
    return ctx.absolute_url(ctx.page_url(adv.id))


def _osv(ctx: SiteContext, adv: Advisory) -> bytes:
    return osv_bytes(osv_document(adv, ctx.settings, page_url(ctx, adv)))


def _csaf(ctx: SiteContext, adv: Advisory) -> bytes:
    return json_bytes(csaf_document(adv, ctx.settings, page_url(ctx, adv)))


def osv_outputs(ctx: SiteContext) -> list[Output]:
    """``osv/<ID>.json`` per advisory and ``osv/all.zip`` with all of them."""
    files = [
        (f"{adv.id}.json", ctx.memo("osv", adv, partial(_osv, ctx, adv))) for adv in ctx.advisories
    ]
    outputs = [
        Output(f"{OSV_DIR}/{name}", content, "application/json") for name, content in sorted(files)
    ]
    outputs.append(Output(f"{OSV_DIR}/all.zip", osv_zip(files), "application/zip"))
    return outputs


@dataclass(frozen=True)
class CsafFile:
    """One CSAF document in the distribution."""

    adv: Advisory
    path: str  # relative to white/: ``<YYYY>/<file>.json``
    content: bytes
    initial: str  # ``tracking.initial_release_date``
    current: str  # ``tracking.current_release_date``


def csaf_skipped_reason(ctx: SiteContext) -> str | None:
    """Why the CSAF distribution is not written, or None when it is."""
    if not ctx.settings.site_url:
        return (
            "mkdocs.yml: site_url: not set, so no CSAF provider metadata or ROLIE feed was "
            "written (they need absolute URLs); set site_url to publish CSAF"
        )
    return None


def csaf_files(ctx: SiteContext) -> list[CsafFile]:
    """The TLP:CLEAR documents, sorted by path."""
    files = []
    for adv in ctx.advisories:
        if adv.tlp != "CLEAR":
            continue
        history = revision_history(adv)
        # As in the document's tracking (csaf_document), without building the document.
        initial, current = iso_utc(history[0].date), iso_utc(history[-1].date)
        path = f"{initial[:4]}/{tracking_file_name(adv.id)}"
        content = ctx.memo("csaf", adv, partial(_csaf, ctx, adv))
        files.append(CsafFile(adv, path, content, initial, current))
    owners: dict[str, str] = {}
    for f in files:
        other = owners.setdefault(f.path, f.adv.id)
        if other != f.adv.id:
            raise ExportError(
                f"{f.adv.path or f.adv.id}: id: {f.adv.id} and {other} give the same CSAF file "
                f"name {f.path} (CSAF lower-cases ids and replaces other characters by _); "
                "rename one of them"
            )
    return sorted(files, key=lambda f: f.path)


def hash_line(content: bytes, file_name: str, algorithm: str) -> bytes:
    """A ``sha256sum``/``sha512sum`` line: ``<hex>  <file name>``."""
    digest = hashlib.new(algorithm, content).hexdigest()
    return f"{digest}  {file_name}\n".encode()


def _newest_first(files: Sequence[CsafFile]) -> list[CsafFile]:
    return sorted(files, key=lambda f: (f.current, f.path), reverse=True)


def csaf_outputs(ctx: SiteContext) -> list[Output]:
    """Provider metadata, documents with hashes, index.txt, changes.csv and the ROLIE feed."""
    if csaf_skipped_reason(ctx) is not None:
        return []
    files = csaf_files(ctx)
    base = ctx.absolute_url(f"{WHITE_DIR}/")
    outputs: list[Output] = []
    for f in files:
        name = f.path.rsplit("/", 1)[1]
        outputs.append(Output(f"{WHITE_DIR}/{f.path}", f.content, "application/json"))
        for algorithm in ("sha256", "sha512"):
            outputs.append(
                Output(
                    f"{WHITE_DIR}/{f.path}.{algorithm}",
                    hash_line(f.content, name, algorithm),
                    "text/plain",
                )
            )
    index = "".join(f"{f.path}\n" for f in files)
    outputs.append(Output(f"{WHITE_DIR}/index.txt", index.encode(), "text/plain"))
    changes = "".join(f'"{f.path}","{f.current}"\n' for f in _newest_first(files))
    outputs.append(Output(f"{WHITE_DIR}/changes.csv", changes.encode(), "text/csv"))
    updated = max((f.current for f in files), default=iso_utc(ctx.build_time))
    outputs.append(
        Output(
            f"{WHITE_DIR}/{ROLIE_FEED}",
            json_bytes(rolie_feed(ctx, files, base, updated)),
            "application/json",
        )
    )
    outputs.append(
        Output(
            f"{CSAF_DIR}/provider-metadata.json",
            json_bytes(provider_metadata(ctx, base, updated)),
            "application/json",
        )
    )
    return outputs


def provider_metadata(ctx: SiteContext, white_url: str, updated: str) -> dict[str, Any]:
    """``provider-metadata.json``: publisher, directory and ROLIE distributions."""
    return {
        "canonical_url": ctx.absolute_url(f"{CSAF_DIR}/provider-metadata.json"),
        "distributions": [
            {"directory_url": white_url},
            {
                "rolie": {
                    "feeds": [
                        {
                            "summary": "TLP:WHITE advisories",
                            "tlp_label": "WHITE",
                            "url": white_url + ROLIE_FEED,
                        }
                    ]
                }
            },
        ],
        "last_updated": updated,
        "list_on_CSAF_aggregators": True,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": True,
        "publisher": publisher(ctx.settings),
        "role": "csaf_provider",
    }


def rolie_feed(
    ctx: SiteContext, files: Sequence[CsafFile], white_url: str, updated: str
) -> dict[str, Any]:
    """The ROLIE feed (JSON) of the TLP:WHITE documents, newest first."""
    entries = []
    for f in _newest_first(files):
        url = white_url + f.path
        entries.append(
            {
                "id": f.adv.id,
                "title": f.adv.title,
                "link": [
                    {"rel": "self", "href": url},
                    {"rel": "hash", "href": url + ".sha256"},
                    {"rel": "hash", "href": url + ".sha512"},
                ],
                "published": f.initial,
                "updated": f.current,
                "summary": {"content": f.adv.summary.strip()},
                "content": {"type": "application/json", "src": url},
                "format": {"schema": CSAF_SCHEMA_URL, "version": "2.0"},
            }
        )
    return {
        "feed": {
            "id": ROLIE_FEED.removesuffix(".json"),
            "title": f"{ctx.settings.publisher.name} CSAF feed (TLP:WHITE)",
            "link": [{"rel": "self", "href": white_url + ROLIE_FEED}],
            "category": [
                {"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}
            ],
            "updated": updated,
            "entry": entries,
        }
    }


def export_outputs(ctx: SiteContext) -> Iterable[Output]:
    """Every export file of the site (the generator registered with the plugin)."""
    yield from osv_outputs(ctx)
    yield from csaf_outputs(ctx)

"""The exports written into the built site: OSV files and the CSAF provider distribution.

Registered in :func:`advpub.site.outputs.default_generators`. Only ever sees
``ctx.advisories`` (published, gate-approved); it never reads ``embargo/``.
"""

from __future__ import annotations

from collections.abc import Iterable

from advpub.exports.osv import osv_bytes, osv_document, osv_zip
from advpub.model import Advisory
from advpub.site.outputs import Output, SiteContext

OSV_DIR = "osv"


def page_url(ctx: SiteContext, adv: Advisory) -> str | None:
    """The absolute URL of an advisory's page, or None when ``site_url`` is not set."""
    if not ctx.settings.site_url:
        return None
    return ctx.absolute_url(ctx.page_url(adv.id))


def osv_outputs(ctx: SiteContext) -> list[Output]:
    """``osv/<ID>.json`` per advisory and ``osv/all.zip`` with all of them."""
    files = [
        (f"{adv.id}.json", osv_bytes(osv_document(adv, ctx.settings, page_url(ctx, adv))))
        for adv in ctx.advisories
    ]
    outputs = [
        Output(f"{OSV_DIR}/{name}", content, "application/json") for name, content in sorted(files)
    ]
    outputs.append(Output(f"{OSV_DIR}/all.zip", osv_zip(files), "application/zip"))
    return outputs


def export_outputs(ctx: SiteContext) -> Iterable[Output]:
    """Every export file of the site (the generator registered with the plugin)."""
    yield from osv_outputs(ctx)

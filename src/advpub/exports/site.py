"""The exports written into the built site: OSV files and the CSAF provider distribution.

A generator over :class:`advpub.outputs.SiteContext` (the site's plugin registers
:func:`export_outputs`; nothing here imports the site). Only ever sees
``ctx.advisories`` (published, gate-approved); it never reads ``embargo/``.

Layout::

    osv/<ID>.json, osv/all.zip
    .well-known/security.txt                      (RFC 9116; clearsigned when signing)
    .well-known/csaf/provider-metadata.json, service.json (ROLIE service document)
    .well-known/csaf/openpgp/<FINGERPRINT>.asc    (when signing)
    .well-known/csaf/white/<YYYY>/<tracking-id file>.json (+ .sha256, .sha512, .asc)
    .well-known/csaf/white/index.txt, changes.csv, csaf-feed-tlp-white.json (ROLIE),
        category-white.json (ROLIE category document)
    index.html listings in .well-known/csaf/, white/ and white/<YYYY>/ (+ <YYYY>/index.txt)

CSAF needs absolute URLs (``canonical_url``, ROLIE links), so without ``site_url`` (or with
the ``http://127.0.0.1`` address of a local preview) the CSAF distribution is skipped (OSV is
still written): the build does not fail, and :func:`csaf_skipped_reason` says why. Any other
non-https ``site_url`` is refused (CSAF requirement 3). Signing: :mod:`advpub.exports.signing`.
Only TLP:CLEAR advisories go into the ``white/`` distribution (CSAF's public folder).
Everything is deterministic: same advisories, same bytes.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from advpub.config import Settings, is_loopback_url, require_publisher
from advpub.errors import ExportError
from advpub.exports.common import iso_utc, json_bytes
from advpub.exports.csaf import (
    WHITE_DIR,
    csaf_document,
    csaf_document_path,
    publisher,
    revision_history,
)
from advpub.exports.csaf_listings import listing_outputs
from advpub.exports.osv import osv_bytes, osv_document, osv_zip
from advpub.exports.rolie import (
    CATEGORY_FILE,
    SERVICE_FILE,
    category_document,
    rolie_feed,
    service_document,
)
from advpub.exports.security_txt import PATH as SECURITY_TXT
from advpub.exports.security_txt import security_txt
from advpub.exports.signing import PublicKey, Signer, open_signer
from advpub.model import Advisory
from advpub.outputs import Output, SiteContext

log = logging.getLogger("advpub.exports")

OSV_DIR = "osv"
CSAF_DIR = ".well-known/csaf"
ROLIE_FEED = "csaf-feed-tlp-white.json"


def page_url(ctx: SiteContext, adv: Advisory) -> str | None:
    """The absolute URL of an advisory's page, or None when ``site_url`` is not set."""
    if not ctx.settings.site_url:
        return None
    return ctx.absolute_url(ctx.page_url(adv.page_key))


# The exports made per advisory: the memo kinds of advisory_document.
ADVISORY_EXPORTS = ("osv", "csaf")


def advisory_document(kind: str, settings: Settings, adv: Advisory, url: str | None) -> bytes:
    """The bytes of one advisory's ``kind`` export (see :data:`ADVISORY_EXPORTS`) for its
    page at the absolute ``url``: a function of its arguments only, so a worker process can
    compute it (:mod:`advpub.site.export_prefetch`)."""
    if kind == "osv":
        return osv_bytes(osv_document(adv, settings, url))
    if kind == "csaf":
        return json_bytes(csaf_document(adv, settings, url))
    raise ValueError(f"advpub: no advisory export {kind!r}")


def advisory_exports_wanted(ctx: SiteContext, adv: Advisory) -> tuple[str, ...]:
    """The kinds of :func:`advisory_document` the exports of ``ctx`` ask for ``adv``."""
    if adv.tlp == "CLEAR" and csaf_skipped_reason(ctx) is None:
        return ADVISORY_EXPORTS
    return ("osv",)


def _osv(ctx: SiteContext, adv: Advisory) -> bytes:
    return advisory_document("osv", ctx.settings, adv, page_url(ctx, adv))


def _csaf(ctx: SiteContext, adv: Advisory) -> bytes:
    return advisory_document("csaf", ctx.settings, adv, page_url(ctx, adv))


def osv_path(adv: Advisory) -> str:
    """The site-relative path of an advisory's OSV document (written in every build)."""
    return f"{OSV_DIR}/{adv.id}.json"


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

    @property
    def ident(self) -> str:
        """The tracking id (our advisory id)."""
        return self.adv.id

    @property
    def title(self) -> str:
        """The advisory title."""
        return self.adv.title

    @property
    def summary(self) -> str:
        """The advisory summary, trimmed."""
        return self.adv.summary.strip()


def csaf_skipped_reason(ctx: SiteContext) -> str | None:
    """Why the CSAF distribution is not written, or None when it is."""
    return csaf_skipped_for(ctx.settings)


def csaf_skipped_for(settings: Settings) -> str | None:
    """Why a site with ``settings`` has no CSAF distribution, or None when it has one."""
    if not settings.site_url:
        return (
            "mkdocs.yml: site_url: not set, so no CSAF provider metadata or ROLIE feed was "
            "written (they need absolute URLs); set site_url to publish CSAF"
        )
    if _is_loopback_preview(settings.site_url):
        return (
            f"site_url: {settings.site_url} is a local preview address, so no CSAF "
            "distribution was written (CSAF needs https)"
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
        path = csaf_document_path(adv)
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


def csaf_path(settings: Settings, adv: Advisory) -> str | None:
    """The site-relative path of an advisory's CSAF document, or None when the site has
    none for it (no CSAF distribution, or not TLP:CLEAR)."""
    if adv.tlp != "CLEAR" or csaf_skipped_for(settings) is not None:
        return None
    return f"{WHITE_DIR}/{csaf_document_path(adv)}"


def hash_line(content: bytes, file_name: str, algorithm: str) -> bytes:
    """A ``sha256sum``/``sha512sum`` line: ``<hex>  <file name>``."""
    digest = hashlib.new(algorithm, content).hexdigest()
    return f"{digest}  {file_name}\n".encode()


def _newest_first(files: Sequence[CsafFile]) -> list[CsafFile]:
    return sorted(files, key=lambda f: (f.current, f.path), reverse=True)


def check_site_url(site_url: str) -> None:
    """Refuse a non-https ``site_url`` (CSAF requirement 3); warn when it has a path (the
    well-known URL of requirement 9 must be at the domain root)."""
    parts = urlsplit(site_url)
    if parts.scheme != "https":
        raise ExportError(
            f"mkdocs.yml: site_url: {site_url} is not an https:// URL; CSAF documents must "
            "be served over TLS (CSAF requirement 3): use an https:// site_url, or remove "
            "site_url to build without the CSAF distribution"
        )
    if parts.path.strip("/"):
        log.warning(
            f"advpub: mkdocs.yml: site_url: {site_url} has a path, so the provider metadata "
            f"is at {site_url}{CSAF_DIR}/provider-metadata.json, not at the domain's "
            "/.well-known/ (CSAF requirement 9); serve the site at the domain root, use the "
            "DNS name csaf.data.security.<domain> (requirement 10), or point a security.txt "
            "at the domain root to it (requirement 8); see README, CSAF provider"
        )


def _is_loopback_preview(site_url: str) -> bool:
    # `mkdocs serve` / `advpub serve` set site_url to http://127.0.0.1:PORT/.
    return is_loopback_url(site_url)


def csaf_outputs(ctx: SiteContext) -> list[Output]:
    """Provider metadata, documents with hashes and signatures, index.txt, changes.csv,
    listings, the ROLIE documents, the public key and security.txt."""
    if csaf_skipped_reason(ctx) is not None:
        return []
    site_url = ctx.absolute_url("")
    check_site_url(site_url)
    require_publisher(ctx.settings)
    files = csaf_files(ctx)
    with open_signer(ctx.settings) as signer:
        outputs = _distribution(ctx, files, signer)
        security = _security_txt(ctx, files, signer)
        if security is not None:
            outputs.append(security)
    return outputs


def _distribution(
    ctx: SiteContext, files: Sequence[CsafFile], signer: Signer | None
) -> list[Output]:
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
        if signer is not None:
            signature = signer.sign(f.content, f"{WHITE_DIR}/{f.path}")
            outputs.append(
                Output(f"{WHITE_DIR}/{f.path}.asc", signature, "application/pgp-signature")
            )
    index = "".join(f"{f.path}\n" for f in files)
    outputs.append(Output(f"{WHITE_DIR}/index.txt", index.encode(), "text/plain"))
    changes = "".join(f'"{f.path}","{f.current}"\n' for f in _newest_first(files))
    outputs.append(Output(f"{WHITE_DIR}/changes.csv", changes.encode(), "text/csv"))
    updated = max((f.current for f in files), default=iso_utc(ctx.build_time))
    feed_title = f"{ctx.settings.publisher.name} CSAF feed (TLP:WHITE)"
    feed = rolie_feed(
        feed_id=ROLIE_FEED.removesuffix(".json"),
        title=feed_title,
        files=files,
        white_url=base,
        feed_url=base + ROLIE_FEED,
        updated=updated,
        signed=signer is not None,
    )
    outputs.append(Output(f"{WHITE_DIR}/{ROLIE_FEED}", json_bytes(feed), "application/json"))
    terms = [item.label for f in files for item in f.adv.affected]
    outputs.append(
        Output(
            f"{WHITE_DIR}/{CATEGORY_FILE}", json_bytes(category_document(terms)), "application/json"
        )
    )
    service = service_document(
        title=f"{ctx.settings.publisher.name} CSAF advisories",
        feed_title=feed_title,
        feed_url=base + ROLIE_FEED,
    )
    outputs.append(Output(f"{CSAF_DIR}/{SERVICE_FILE}", json_bytes(service), "application/json"))
    key = signer.public_key if signer is not None else None
    if key is not None:
        outputs.append(Output(key_path(key.fingerprint), key.armored, "application/pgp-keys"))
    metadata = provider_metadata(ctx, base, updated, key)
    outputs.append(
        Output(f"{CSAF_DIR}/provider-metadata.json", json_bytes(metadata), "application/json")
    )
    documents = [f.path for f in files]
    outputs.extend(listing_outputs(CSAF_DIR, WHITE_DIR, [o.path for o in outputs], documents))
    return outputs


def key_path(fingerprint: str) -> str:
    """Where the public key is published (next to the provider metadata, as CSAF suggests)."""
    return f"{CSAF_DIR}/openpgp/{fingerprint}.asc"


def _security_txt(
    ctx: SiteContext, files: Sequence[CsafFile], signer: Signer | None
) -> Output | None:
    text = security_txt(
        ctx.settings,
        build_time=ctx.build_time,
        site_url=ctx.absolute_url(""),
        provider_metadata_url=ctx.absolute_url(f"{CSAF_DIR}/provider-metadata.json"),
        languages=sorted({f.adv.lang for f in files}),
    )
    if text is None:
        return None
    if signer is not None:
        text = signer.clearsign(text, SECURITY_TXT) or text
    return Output(SECURITY_TXT, text, "text/plain")


def provider_metadata(
    ctx: SiteContext, white_url: str, updated: str, key: PublicKey | None = None
) -> dict[str, Any]:
    """``provider-metadata.json``: publisher, directory and ROLIE distributions, the public
    key; the role is ``csaf_trusted_provider`` when the documents are signed."""
    metadata: dict[str, Any] = {
        "canonical_url": ctx.absolute_url(f"{CSAF_DIR}/provider-metadata.json"),
        "distributions": [
            {"directory_url": white_url},
            {
                "rolie": {
                    "categories": [white_url + CATEGORY_FILE],
                    "feeds": [
                        {
                            "summary": "TLP:WHITE advisories",
                            "tlp_label": "WHITE",
                            "url": white_url + ROLIE_FEED,
                        }
                    ],
                    "services": [ctx.absolute_url(f"{CSAF_DIR}/{SERVICE_FILE}")],
                }
            },
        ],
        "last_updated": updated,
        "list_on_CSAF_aggregators": True,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": True,
    }
    if key is not None:
        metadata["public_openpgp_keys"] = [
            {"fingerprint": key.fingerprint, "url": ctx.absolute_url(key_path(key.fingerprint))}
        ]
    metadata["publisher"] = publisher(ctx.settings)
    metadata["role"] = "csaf_trusted_provider" if key is not None else "csaf_provider"
    return metadata


def export_outputs(ctx: SiteContext) -> Iterable[Output]:
    """Every export file of the site (the generator registered with the plugin)."""
    yield from osv_outputs(ctx)
    yield from csaf_outputs(ctx)

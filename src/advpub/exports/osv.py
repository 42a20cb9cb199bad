"""OSV export (https://ossf.github.io/osv-schema/): one JSON document per advisory.

Mapping decisions:

- ``id`` is ``x_`` + our id (e.g. ``x_ADV-2026-0001``). OSV ids start with the prefix of a
  registered home database; ``x_`` is the prefix the schema reserves for local, unregistered
  databases such as ours (accepted by the schema's ``main`` version). Our own id is also
  kept in ``database_specific.id``.
- ``summary`` is the one-line title; ``details`` is the summary paragraph followed by the
  Markdown body.
- ``aliases`` are the CVE ids followed by the other aliases (JVN, GHSA ...).
- ``published`` / ``modified`` / ``withdrawn`` are UTC with ``Z``.
- ``affected`` entries need a ``package`` with a known OSV ecosystem and a name: taken from
  ``ecosystem`` + ``package`` or, failing that, derived from the ``purl``. Ranges are
  written as given (type, ``repo``, events in order); the ``introduced``/``fixed`` shorthand
  is one ``ECOSYSTEM`` range starting at ``"0"`` when ``introduced`` is missing. The type is
  never guessed from how the versions look. Enumerated versions become ``versions``,
  ``ecosystem_specific`` is copied. Products without usable package data (firmware,
  appliances, ecosystems OSV does not know) cannot be expressed in OSV and are listed in
  ``database_specific.affected_products`` instead, so nothing is lost.
- ``severity``: ``CVSS_V3`` for 3.0/3.1 vectors, ``CVSS_V4`` for 4.0 vectors. OSV forbids
  a top-level ``severity`` beside per-package ones, so when any product has its own CVSS
  every ``affected`` entry carries its severity (its own vectors, else the advisory's) and
  the top-level one is left out.
- ``related`` and ``upstream`` are copied; ``aliases`` hold the CVEs and the aliases (an
  imported record's own id is one of its aliases).
- ``references``: the advisory page first (type ``ADVISORY``, when the page URL is known),
  then the reference URLs with their kind mapped to OSV's types. ``credits`` map 1:1.
- ``database_specific``: our id, the page URL, CWE ids, the highest severity and base
  score, and the withdrawal reason.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote

from advpub.config import Settings
from advpub.exports.common import iso_utc, json_bytes
from advpub.model import Advisory, Affected, CvssScore
from advpub.model.fields import CREDIT_TYPES as CREDIT_KINDS
from advpub.model.fields import REFERENCE_TYPES as REFERENCE_KINDS

OSV_SCHEMA_VERSION = "1.7.5"
ID_PREFIX = "x_"

# The ecosystems the OSV schema accepts (``$defs.ecosystemName``); matched ignoring case.
OSV_ECOSYSTEMS: tuple[str, ...] = (
    "AlmaLinux", "Alpaquita", "Alpine", "Android", "Azure Linux",
    "BellSoft Hardened Containers", "Bioconductor", "Bitnami", "Chainguard", "CleanStart",
    "ConanCenter", "CRAN", "crates.io", "Debian", "Docker Hardened Images", "Echo",
    "FreeBSD", "GHC", "GitHub Actions", "Go", "Hackage", "Hex", "Julia", "Kubernetes",
    "Linux", "Mageia", "Maven", "MinimOS", "npm", "NuGet", "opam", "openEuler", "openSUSE",
    "OSS-Fuzz", "Packagist", "Photon OS", "Pub", "PyPI", "Red Hat", "Rocky Linux", "Root",
    "RubyGems", "SUSE", "SwiftURL", "TuxCare", "Ubuntu", "VSCode", "Wolfi",
)  # fmt: skip
_ECOSYSTEM_BY_LOWER = {name.lower(): name for name in OSV_ECOSYSTEMS}

# purl type -> OSV ecosystem, for the types whose purl name is the OSV package name.
_PURL_ECOSYSTEMS = {
    "npm": "npm",
    "pypi": "PyPI",
    "gem": "RubyGems",
    "cargo": "crates.io",
    "golang": "Go",
    "nuget": "NuGet",
    "composer": "Packagist",
    "hex": "Hex",
    "pub": "Pub",
    "maven": "Maven",
    "hackage": "Hackage",
    "cran": "CRAN",
}

# Our reference and credit types are OSV's, in lower case.
REFERENCE_TYPES = {kind: kind.upper() for kind in REFERENCE_KINDS}
CREDIT_TYPES = {kind: kind.upper() for kind in CREDIT_KINDS}


def osv_id(advisory_id: str) -> str:
    """The OSV id of one of our advisories (``x_`` + our id)."""
    return ID_PREFIX + advisory_id


def osv_ecosystem(name: str) -> str | None:
    """The OSV spelling of an ecosystem (``pypi`` -> ``PyPI``; ``Debian:12`` kept), or None."""
    base, sep, suffix = name.partition(":")
    known = _ECOSYSTEM_BY_LOWER.get(base.strip().lower())
    if known is None or (sep and not suffix):
        return None
    return f"{known}{sep}{suffix}"


def osv_package(item: Affected) -> dict[str, str] | None:
    """``{"ecosystem", "name"[, "purl"]}`` for an affected entry, or None without usable data."""
    ecosystem = osv_ecosystem(item.ecosystem) if item.ecosystem else None
    name = item.package
    if (ecosystem is None or not name) and item.purl:
        ecosystem, name = _from_purl(item.purl)
    if ecosystem is None or not name:
        return None
    package = {"ecosystem": ecosystem, "name": name}
    if item.purl:
        package["purl"] = item.purl
    return package


def _from_purl(purl: str) -> tuple[str | None, str | None]:
    """Ecosystem and package name from ``pkg:type/namespace/name@version``."""
    body = purl[len("pkg:") :].split("?", 1)[0].split("#", 1)[0].split("@", 1)[0]
    kind, _, path = body.partition("/")
    ecosystem = _PURL_ECOSYSTEMS.get(kind.lower())
    if ecosystem is None or not path:
        return None, None
    parts = [unquote(p) for p in path.split("/") if p]
    if ecosystem == "Maven" and len(parts) == 2:
        return ecosystem, f"{parts[0]}:{parts[1]}"
    return ecosystem, "/".join(parts)


def osv_ranges(item: Affected) -> list[dict[str, Any]]:
    """The entry's ranges as written: type, ``repo`` for GIT, events in order."""
    ranges: list[dict[str, Any]] = []
    for version_range in item.ranges:
        data: dict[str, Any] = {"type": version_range.type}
        if version_range.repo:
            data["repo"] = version_range.repo
        data["events"] = [{event.kind: event.version} for event in version_range.events]
        ranges.append(data)
    return ranges


def _severity(scores: Sequence[CvssScore]) -> list[dict[str, str]]:
    return [
        {"type": "CVSS_V4" if c.version == "4.0" else "CVSS_V3", "score": c.vector} for c in scores
    ]


def _affected_entry(
    item: Affected, package: dict[str, str], severity: list[dict[str, str]] | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"package": package}
    if severity:
        entry["severity"] = severity
    ranges = osv_ranges(item)
    if ranges:
        entry["ranges"] = ranges
    if item.enumerated:
        entry["versions"] = list(item.enumerated)
    if item.ecosystem_specific is not None:
        entry["ecosystem_specific"] = dict(item.ecosystem_specific)
    specific = _product_record(item)
    if specific:
        entry["database_specific"] = specific
    return entry


def _product_record(item: Affected) -> dict[str, Any]:
    """What OSV has no field for: vendor, product, free-text versions, CPEs."""
    record: dict[str, Any] = {
        "vendor": item.vendor,
        "product": item.product,
        "versions": item.versions,
        "cpe": item.cpe,
        "cpes": list(item.cpes) if len(item.cpes) > 1 else None,
    }
    return {k: v for k, v in record.items() if v}


def osv_document(adv: Advisory, settings: Settings, page_url: str | None) -> dict[str, Any]:
    """The OSV document of ``adv``; ``page_url`` is the absolute URL of its page, if known."""
    del settings  # the mapping needs nothing from the site configuration today
    doc: dict[str, Any] = {
        "schema_version": OSV_SCHEMA_VERSION,
        "id": osv_id(adv.id),
        "modified": iso_utc(adv.modified_at),
        "published": iso_utc(adv.published_at),
    }
    if adv.withdrawn is not None:
        doc["withdrawn"] = iso_utc(adv.withdrawn.date)
    aliases = list(dict.fromkeys((*adv.cve, *adv.aliases)))
    if aliases:
        doc["aliases"] = aliases
    doc["summary"] = adv.title
    doc["details"] = f"{adv.summary.strip()}\n\n{adv.body.strip()}".strip() + "\n"
    if adv.related:
        doc["related"] = list(adv.related)
    if adv.upstream:
        doc["upstream"] = list(adv.upstream)
    # OSV allows a top-level severity or per-package ones, not both.
    per_package = any(item.cvss for item in adv.affected if osv_package(item) is not None)
    if adv.cvss and not per_package:
        doc["severity"] = _severity(adv.cvss)
    affected: list[dict[str, Any]] = []
    without_package: list[dict[str, Any]] = []
    for item in adv.affected:
        package = osv_package(item)
        if package is None:
            without_package.append(_product_without_package(item))
        else:
            severity = _severity(item.cvss or adv.cvss) if per_package else None
            affected.append(_affected_entry(item, package, severity))
    if affected:
        doc["affected"] = affected
    references = _references(adv, page_url)
    if references:
        doc["references"] = references
    if adv.credits:
        doc["credits"] = [_credit(c.name, c.type, c.contact) for c in adv.credits]
    doc["database_specific"] = _database_specific(adv, page_url, without_package)
    return doc


def _credit(name: str, kind: str, contact: Sequence[str]) -> dict[str, Any]:
    credit: dict[str, Any] = {"name": name, "type": CREDIT_TYPES.get(kind, "OTHER")}
    if contact:
        credit["contact"] = list(contact)
    return credit


def _product_without_package(item: Affected) -> dict[str, Any]:
    """Everything known of a product OSV cannot name, in OSV's shapes where they exist."""
    record: dict[str, Any] = _product_record(item)
    for key in ("ecosystem", "package", "purl"):
        value = getattr(item, key)
        if value:
            record[key] = value
    ranges = osv_ranges(item)
    if ranges:
        record["ranges"] = ranges
    if item.enumerated:
        record["affected_versions"] = list(item.enumerated)
    if item.cvss:
        record["severity"] = _severity(item.cvss)
    if item.ecosystem_specific is not None:
        record["ecosystem_specific"] = dict(item.ecosystem_specific)
    return record


def _references(adv: Advisory, page_url: str | None) -> list[dict[str, str]]:
    refs: list[dict[str, str]] = []
    seen: set[str] = set()
    if page_url:
        refs.append({"type": "ADVISORY", "url": page_url})
        seen.add(page_url)
    for ref in adv.references:
        if ref.url in seen:
            continue
        seen.add(ref.url)
        refs.append({"type": REFERENCE_TYPES.get(ref.type, "WEB"), "url": ref.url})
    return refs


def _database_specific(
    adv: Advisory, page_url: str | None, without_package: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    specific: dict[str, Any] = {"id": adv.id}
    if page_url:
        specific["url"] = page_url
    if adv.cwe:
        specific["cwe_ids"] = list(adv.cwe)
    if adv.severity is not None:
        specific["severity"] = adv.severity
        specific["base_score"] = adv.base_score
    if without_package:
        specific["affected_products"] = list(without_package)
    if adv.withdrawn is not None:
        specific["withdrawn_reason"] = adv.withdrawn.reason
    return specific


def osv_bytes(doc: dict[str, Any]) -> bytes:
    """The file content of one OSV document."""
    return json_bytes(doc)


# Fixed zip member time, so rebuilding the same advisories gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def osv_zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A deterministic zip archive of ``(name, content)`` members, sorted by name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, content)
    return buffer.getvalue()

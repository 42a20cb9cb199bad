"""CSAF 2.0 export: one ``csaf_security_advisory`` document per advisory.

Mapping decisions:

- ``document.tracking.id`` is our id; the file name follows CSAF §5.1 (lower case, every run
  of characters outside ``[+\\-a-z0-9]`` replaced by ``_``, plus ``.json``):
  ``ADV-2026-0001`` -> ``adv-2026-0001.json``. Status is ``final``.
- ``revision_history``: the first publication, every revision and the withdrawal, sorted by
  date whatever order the file lists them in (publication first on a tie), numbered 1, 2,
  3...; ``tracking.version`` is the last number and ``current_release_date`` its date, as
  mandatory tests 6.1.14, 6.1.16 and 6.1.21 require. All dates are UTC.
- TLP CLEAR is written as CSAF 2.0's ``WHITE`` (CSAF 2.0 predates TLP 2.0).
- ``product_tree``: vendor -> product_name -> one ``product_version_range`` per range, named
  by its ``vers`` string (``vers:pypi/>=2.0|<2.3.2``; ``introduced: "0"`` has no lower
  bound, ``last_affected`` is ``<=``, an open end has none, ``vers:pypi/*`` is every
  version); the scheme is the ecosystem's purl type (``pypi``, ``npm``, ``maven``, ``gem``,
  ``deb``, ``rpm`` ...), ``semver`` for SEMVER ranges, ``git`` for GIT ranges (commit ids),
  else ``generic``. ``vers:all/*`` stands for a product known only by free text. One
  ``product_version`` per enumerated version (known affected) and per fixed version (fixed).
  Each product of an entry carries its purl and first CPE in
  ``product_identification_helper`` (both checked by their grammars when parsing; CSAF 2.0
  holds one CPE, the others are listed in a note). A product without a vendor sits at the
  top. Product ids are ``CSAFPID-0001``... in order.
- ``vulnerabilities``: one per CVE (CSAF allows one ``cve`` per vulnerability), or one
  without ``cve`` when there is none. CSAF 2.0 holds ONE ``cwe`` per vulnerability: the first
  CWE (named from the CWE catalogue) is used and the others are listed in a note; a CWE
  missing from the catalogue goes to that note too (a ``cwe`` needs its catalogue name).
- ``scores``: a product's own first 3.x vector for its products, the advisory's first 3.x
  vector for the others (two v3 scores for the same product would break mandatory test
  6.1.7); other vectors, and every CVSS 4.0 vector (CSAF 2.0 has no field for it), are
  listed in notes.
- ``references``: ``self`` is this CSAF document's own URL (``.well-known/csaf/white/
  <YYYY>/<file>.json``, optional test 6.2.11) when ``site_url`` is set and the advisory is
  TLP:CLEAR; the HTML page is an ``external`` reference. ``related`` and ``upstream`` ids
  with a known record URL (:func:`~advpub.model.id_urls.advisory_id_url`) are ``external``
  references summarised ``related: <id>`` / ``upstream: <id>``; ids without one are listed
  in a document note titled ``Related advisories``. Not ``vulnerabilities[].ids``: those
  are the vulnerability's own tracking ids, and a related id names another one (an upstream
  id cannot be attributed to one of several vulnerabilities of the document either).
- ``product_status``: ``known_affected`` (the affected ranges) and ``fixed`` (the fixed
  versions); ``remediations``: a ``vendor_fix`` per fixed version for the affected range.
- Without any affected product the document cannot meet the security-advisory profile
  (it needs a product tree and product status), so it is written as ``csaf_base``.
- Withdrawn advisories keep their document, with a ``Withdrawn`` note and revision.
- Vendor statuses, remediations and informational advisories: see
  :mod:`advpub.exports.csaf_coordination`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

import advpub
from advpub.config import Settings
from advpub.exports.common import iso_utc
from advpub.exports.csaf_coordination import apply_coordination
from advpub.exports.cwe_names import cwe_name
from advpub.exports.osv import osv_package
from advpub.model import Advisory, Affected, CvssScore
from advpub.model.advisory import RangeInterval, VersionRange
from advpub.model.id_urls import linked_ids

CSAF_SCHEMA_URL = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"
TLP_URL = "https://www.first.org/tlp/"
WHITE_DIR = ".well-known/csaf/white"
_FILE_UNSAFE = re.compile(r"[^+\-a-z0-9]+")

ACKNOWLEDGMENT_SUMMARIES = {
    "finder": "finding the vulnerability",
    "reporter": "reporting the vulnerability",
    "coordinator": "coordinating the disclosure",
    "analyst": "analysing the vulnerability",
    "remediation_developer": "developing the fix",
    "remediation_reviewer": "reviewing the fix",
    "remediation_verifier": "verifying the fix",
    "tool": "the tool that found the vulnerability",
    "sponsor": "sponsoring the work",
    "other": "contributing",
}
# vers scheme (a purl type) of an OSV ecosystem, lower case without suffix.
VERS_SCHEMES = {
    "pypi": "pypi",
    "npm": "npm",
    "maven": "maven",
    "rubygems": "gem",
    "crates.io": "cargo",
    "go": "golang",
    "nuget": "nuget",
    "packagist": "composer",
    "hex": "hex",
    "pub": "pub",
    "hackage": "hackage",
    "cran": "cran",
    "debian": "deb",
    "ubuntu": "deb",
    "alpine": "apk",
    **dict.fromkeys(
        ("red hat", "almalinux", "rocky linux", "suse", "opensuse", "mageia", "openeuler"),
        "rpm",
    ),
}


def tracking_file_name(tracking_id: str) -> str:
    """The CSAF §5.1 file name of a document: ``ADV-2026-0001`` -> ``adv-2026-0001.json``."""
    return _FILE_UNSAFE.sub("_", tracking_id.lower()) + ".json"


def tlp_label(adv: Advisory) -> str:
    """The CSAF 2.0 TLP label (TLP 1.0 names: CLEAR is WHITE)."""
    return "WHITE" if adv.tlp == "CLEAR" else adv.tlp.split("+", 1)[0]


def publisher(settings: Settings) -> dict[str, str]:
    """``document.publisher`` from the configured publisher."""
    pub = settings.publisher
    data = {"category": pub.category, "name": pub.name, "namespace": pub.namespace}
    if pub.contact.strip():
        data["contact_details"] = pub.contact.strip()
    return data


@dataclass(frozen=True)
class Revision:
    """One entry of ``revision_history`` (dates in UTC)."""

    number: int
    date: datetime
    summary: str


def revision_history(adv: Advisory) -> list[Revision]:
    """Publication, revisions and withdrawal sorted by date (stable), numbered 1, 2, 3..."""
    entries: list[tuple[datetime, str]] = [(adv.published_at, "Initial public release.")]
    entries += [(r.date, r.summary) for r in adv.revisions]
    if adv.withdrawn is not None:
        entries.append((adv.withdrawn.date, f"Withdrawn: {adv.withdrawn.reason}"))
    entries.sort(key=lambda e: e[0])
    return [Revision(n, date, text) for n, (date, text) in enumerate(entries, start=1)]


def csaf_document_path(adv: Advisory) -> str:
    """``<YYYY>/<file>.json`` below ``white/``: the year of the initial release (UTC)."""
    return f"{iso_utc(revision_history(adv)[0].date)[:4]}/{tracking_file_name(adv.id)}"


def csaf_document_url(adv: Advisory, settings: Settings) -> str | None:
    """Where the site publishes the document, or None (no site_url, or not TLP:CLEAR)."""
    if not settings.site_url or adv.tlp != "CLEAR":
        return None
    return f"{settings.site_url}{WHITE_DIR}/{csaf_document_path(adv)}"


def vers_scheme(item: Affected, version_range: VersionRange) -> str:
    """The ``vers`` scheme of a range (see the module docstring)."""
    if version_range.type == "GIT":
        return "git"
    if version_range.type == "SEMVER":
        return "semver"
    package = osv_package(item)
    if package is None:
        return "generic"
    return VERS_SCHEMES.get(package["ecosystem"].split(":", 1)[0].lower(), "generic")


def vers(item: Affected, version_range: VersionRange) -> str:
    """The ``vers`` string of one range: its intervals' constraints in order."""
    constraints: list[str] = []
    for interval in version_range.intervals:
        constraints += _constraints(interval)
    return f"vers:{vers_scheme(item, version_range)}/" + ("|".join(constraints) or "*")


def _constraints(interval: RangeInterval) -> list[str]:
    out = [">=" + _vers_quote(interval.start)] if interval.start is not None else []
    if interval.end is not None:
        out.append(("<=" if interval.is_end_inclusive else "<") + _vers_quote(interval.end))
    return out


def _vers_quote(version: str) -> str:
    return quote(version, safe=".-_~+")


@dataclass
class _ProductTree:
    """Branches built from the affected entries; equal branches share one product id."""

    ids: dict[tuple[str | None, str, str, str], str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    helpers: dict[str, dict[str, str]] = field(default_factory=dict)

    def product(
        self, item: Affected, category: str, name: str, label: str, helper: dict[str, str]
    ) -> str:
        key = (item.vendor, item.product, category, name)
        if key not in self.ids:
            pid = f"CSAFPID-{len(self.ids) + 1:04d}"
            self.ids[key] = pid
            self.names[pid] = label
            if helper:
                self.helpers[pid] = helper
        return self.ids[key]

    def branches(self) -> list[dict[str, Any]]:
        by_vendor: dict[str | None, dict[str, list[dict[str, Any]]]] = {}
        for (vendor, product, category, name), pid in self.ids.items():
            full: dict[str, Any] = {"name": self.names[pid], "product_id": pid}
            if pid in self.helpers:
                full["product_identification_helper"] = self.helpers[pid]
            leaf = {"category": category, "name": name, "product": full}
            by_vendor.setdefault(vendor, {}).setdefault(product, []).append(leaf)
        tree: list[dict[str, Any]] = []
        for vendor, products in by_vendor.items():
            product_branches = [
                {"category": "product_name", "name": product, "branches": leaves}
                for product, leaves in products.items()
            ]
            if vendor is None:
                tree.extend(product_branches)
            else:
                tree.append({"category": "vendor", "name": vendor, "branches": product_branches})
        return tree


def _helper(item: Affected) -> dict[str, str]:
    """purl and the first CPE (both checked by their grammars when the file was parsed)."""
    helper: dict[str, str] = {}
    if item.cpes:
        helper["cpe"] = item.cpes[0]
    if item.purl:
        helper["purl"] = item.purl
    return helper


@dataclass(frozen=True)
class _Statuses:
    known_affected: list[str]
    fixed: list[str]
    remediations: list[dict[str, Any]]
    # Product ids per affected entry (in order), for per-product scores.
    by_entry: list[list[str]]


def _build_products(adv: Advisory, tree: _ProductTree) -> _Statuses:
    affected: list[str] = []
    fixed: list[str] = []
    remediations: list[dict[str, Any]] = []
    by_entry: list[list[str]] = []
    for item in adv.affected:
        helper = _helper(item)
        own: list[str] = []
        for version_range in item.ranges:
            # The author's own words when they describe the one range, else the bounds.
            single = item.versions if len(item.ranges) == 1 else None
            shown = single or version_range.text or "all versions"
            own.append(
                tree.product(
                    item, "product_version_range", vers(item, version_range),
                    f"{item.label} {shown}", helper,
                )
            )  # fmt: skip
        for version in item.enumerated:
            own.append(
                tree.product(item, "product_version", version, f"{item.label} {version}", helper)
            )
        if not own:
            shown = item.versions or "all versions"
            own.append(
                tree.product(
                    item, "product_version_range", "vers:all/*", f"{item.label} {shown}", helper
                )
            )
        affected += [pid for pid in own if pid not in affected]
        by_entry.append(own)
        for version in item.fixed_versions:
            fixed_id = tree.product(
                item, "product_version", version, f"{item.label} {version}", helper
            )
            if fixed_id not in fixed:
                fixed.append(fixed_id)
            details = f"Update {item.label} to version {version} or later."
            if adv.fix.note:
                details += f" {adv.fix.note}"
            remediations.append({"category": "vendor_fix", "details": details, "product_ids": own})
    return _Statuses(affected, fixed, remediations, by_entry)


def _document_notes(adv: Advisory) -> list[dict[str, str]]:
    notes = [{"category": "summary", "title": "Summary", "text": adv.summary.strip()}]
    if adv.body.strip():
        notes.append({"category": "details", "title": "Details", "text": adv.body.strip()})
    if adv.withdrawn is not None:
        notes.append(
            {
                "category": "general",
                "title": "Withdrawn",
                "text": f"This advisory was withdrawn on {iso_utc(adv.withdrawn.date)}: "
                f"{adv.withdrawn.reason}",
            }
        )
    unlinked = [linked.label for linked in linked_ids(adv) if linked.url is None]
    if unlinked:  # no URL to reference them by: named in a note, never dropped
        notes.append(
            {"category": "other", "title": "Related advisories", "text": "\n".join(unlinked)}
        )
    return notes


def _vulnerability_notes(adv: Advisory) -> tuple[dict[str, str] | None, list[dict[str, str]]]:
    """The ``cwe`` object (first catalogued CWE) and the notes for what has no field."""
    notes = [{"category": "description", "title": "Description", "text": adv.summary.strip()}]
    for item in adv.affected:
        if len(item.cpes) > 1:  # CSAF 2.0's identification helper holds one CPE
            notes.append(
                {
                    "category": "other",
                    "title": f"CPE names of {item.label}",
                    "text": "\n".join(item.cpes),
                }
            )
    cwe: dict[str, str] | None = None
    others: list[str] = []
    for cwe_id in adv.cwe:
        name = cwe_name(cwe_id)
        if cwe is None and name is not None:
            cwe = {"id": cwe_id, "name": name}
        else:
            others.append(f"{cwe_id} ({name})" if name else cwe_id)
    if others:
        notes.append(
            {"category": "other", "title": "Additional CWE ids", "text": ", ".join(others)}
        )
    return cwe, notes


def _scores(
    adv: Advisory, statuses: _Statuses
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """One ``cvss_v3`` per product: its entry's own first 3.x vector, else the advisory's."""
    scores: list[dict[str, Any]] = []
    notes: list[dict[str, str]] = []
    scored: set[str] = set()
    for item, ids in zip(adv.affected, statuses.by_entry, strict=True):
        if item.cvss:
            _add_score(item.cvss, [p for p in ids if p not in scored], scores, notes, item.label)
            scored.update(ids)
    rest = [p for p in statuses.known_affected if p not in scored]
    _add_score(adv.cvss, rest, scores, notes, None)
    return scores, notes


def _add_score(
    vectors: tuple[CvssScore, ...],
    product_ids: list[str],
    scores: list[dict[str, Any]],
    notes: list[dict[str, str]],
    label: str | None,
) -> None:
    used = False
    for score in vectors:
        if score.version != "4.0" and not used and product_ids:
            used = True
            scores.append(
                {
                    "products": list(product_ids),
                    "cvss_v3": {
                        "version": score.version,
                        "vectorString": score.vector,
                        "baseScore": score.base_score,
                        "baseSeverity": score.severity.upper(),
                    },
                }
            )
            continue
        title = f"CVSS v{score.version}" + (f" ({label})" if label else "")
        notes.append(
            {
                "category": "other",
                "title": title,
                "text": f"{score.vector} (base score {score.base_score}, {score.severity})",
            }
        )


def _references(adv: Advisory, settings: Settings, page_url: str | None) -> list[dict[str, str]]:
    refs: list[dict[str, str]] = []
    own = csaf_document_url(adv, settings)
    if own:
        refs.append({"category": "self", "summary": f"{adv.id} (CSAF)", "url": own})
    if page_url:
        refs.append({"category": "external", "summary": f"{adv.id} (HTML)", "url": page_url})
    seen = {page_url, own}
    for ref in adv.references:
        if ref.url not in seen:
            seen.add(ref.url)
            refs.append({"category": "external", "summary": ref.type, "url": ref.url})
    for linked in linked_ids(adv):
        if linked.url is not None and linked.url not in seen:
            seen.add(linked.url)
            refs.append({"category": "external", "summary": linked.label, "url": linked.url})
    return refs


def csaf_document(adv: Advisory, settings: Settings, page_url: str | None = None) -> dict[str, Any]:
    """The CSAF 2.0 document of ``adv``; ``page_url`` (absolute) is referenced as the HTML page."""
    history = revision_history(adv)
    tree = _ProductTree()
    statuses = _build_products(adv, tree)
    document: dict[str, Any] = {
        "category": "csaf_security_advisory" if statuses.known_affected else "csaf_base",
        "csaf_version": "2.0",
        "distribution": {"tlp": {"label": tlp_label(adv), "url": TLP_URL}},
        "lang": adv.lang,
        "notes": _document_notes(adv),
        "publisher": publisher(settings),
        "title": adv.title,
        "tracking": {
            "current_release_date": iso_utc(history[-1].date),
            "generator": {"engine": {"name": "advpub", "version": advpub.__version__}},
            "id": adv.id,
            "initial_release_date": iso_utc(history[0].date),
            "revision_history": [
                {"date": iso_utc(r.date), "number": str(r.number), "summary": r.summary}
                for r in history
            ],
            "status": "final",
            "version": str(history[-1].number),
        },
    }
    references = _references(adv, settings, page_url)
    if references:
        document["references"] = references
    if adv.credits:
        document["acknowledgments"] = [
            {"names": [c.name], "summary": ACKNOWLEDGMENT_SUMMARIES.get(c.type, "contributing")}
            for c in adv.credits
        ]
    doc: dict[str, Any] = {"document": document}
    branches = tree.branches()
    if branches:
        doc["product_tree"] = {"branches": branches}
    doc["vulnerabilities"] = [_vulnerability(adv, cve, statuses) for cve in (adv.cve or (None,))]
    apply_coordination(doc, adv)
    return doc


def _vulnerability(adv: Advisory, cve: str | None, statuses: _Statuses) -> dict[str, Any]:
    vuln: dict[str, Any] = {}
    if cve is not None:
        vuln["cve"] = cve
    cwe, notes = _vulnerability_notes(adv)
    if cwe is not None:
        vuln["cwe"] = cwe
    scores, score_notes = _scores(adv, statuses)
    vuln["notes"] = notes + score_notes
    status: dict[str, list[str]] = {}
    if statuses.fixed:
        status["fixed"] = list(statuses.fixed)
    if statuses.known_affected:
        status["known_affected"] = list(statuses.known_affected)
    if status:
        vuln["product_status"] = status
    if statuses.remediations:
        vuln["remediations"] = [dict(r) for r in statuses.remediations]
    if scores:
        vuln["scores"] = scores
    vuln["title"] = adv.title
    return vuln

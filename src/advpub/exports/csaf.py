"""CSAF 2.0 export: one ``csaf_security_advisory`` document per advisory.

Mapping decisions:

- ``document.tracking.id`` is our id; the file name follows CSAF §5.1 (lower case, every run
  of characters outside ``[+\\-a-z0-9]`` replaced by ``_``, plus ``.json``):
  ``ADV-2026-0001`` -> ``adv-2026-0001.json``. Status is ``final``.
- ``revision_history``: ``"1"`` for the first publication, then one entry per revision in
  date order, then the withdrawal if any; ``tracking.version`` is the last number (so
  ``1 + revisions (+ 1 when withdrawn)``), as mandatory tests 6.1.16 and 6.1.21 require.
  All dates are UTC.
- TLP CLEAR is written as CSAF 2.0's ``WHITE`` (CSAF 2.0 predates TLP 2.0).
- ``product_tree``: vendor -> product_name -> ``product_version_range`` for the affected
  versions (``vers:semver/...`` when the bounds are SemVer, else ``vers:generic/...``;
  ``vers:all/*`` when nothing is known) and ``product_version`` for the fixed version; a
  product without a vendor sits at the top. Product ids are ``CSAFPID-0001``... in order.
- ``vulnerabilities``: one per CVE (CSAF allows one ``cve`` per vulnerability), or one
  without ``cve`` when there is none. CSAF 2.0 holds ONE ``cwe`` per vulnerability: the first
  CWE (named from the CWE catalogue) is used and the others are listed in a note; a CWE
  missing from the catalogue goes to that note too (a ``cwe`` needs its catalogue name).
- ``scores``: one ``cvss_v3`` from the first 3.x vector (two v3 scores for the same
  product would break mandatory test 6.1.7); other vectors, and every CVSS 4.0 vector
  (CSAF 2.0 has no field for it), are listed in notes.
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
from advpub.exports.common import is_semver, iso_utc
from advpub.exports.csaf_coordination import apply_coordination
from advpub.exports.cwe_names import cwe_name
from advpub.model import Advisory, Affected

CSAF_SCHEMA_URL = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"
TLP_URL = "https://www.first.org/tlp/"
_FILE_UNSAFE = re.compile(r"[^+\-a-z0-9]+")

ACKNOWLEDGMENT_SUMMARIES = {
    "finder": "finding the vulnerability",
    "reporter": "reporting the vulnerability",
    "coordinator": "coordinating the disclosure",
    "analyst": "analysing the vulnerability",
    "remediation_developer": "developing the fix",
    "other": "contributing",
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
    """Publication, revisions in date order, withdrawal; numbered 1, 2, 3..."""
    entries: list[tuple[datetime, str]] = [(adv.published_at, "Initial public release.")]
    entries += sorted(((r.date, r.summary) for r in adv.revisions), key=lambda e: e[0])
    if adv.withdrawn is not None:
        entries.append((adv.withdrawn.date, f"Withdrawn: {adv.withdrawn.reason}"))
    return [Revision(n, date, text) for n, (date, text) in enumerate(entries, start=1)]


def _vers(item: Affected) -> str:
    """A ``vers`` range (the notation CSAF recommends) for the affected versions."""
    if item.introduced is None and item.fixed is None:
        return "vers:all/*"
    bounds = [v for v in (item.introduced, item.fixed) if v and v != "0"]
    scheme = "semver" if all(is_semver(v) for v in bounds) else "generic"
    parts = []
    if item.introduced and item.introduced != "0":
        parts.append(">=" + quote(item.introduced, safe=".-_~+"))
    if item.fixed:
        parts.append("<" + quote(item.fixed, safe=".-_~+"))
    if not parts:
        return "vers:all/*"
    return f"vers:{scheme}/" + "|".join(parts)


def _versions_text(item: Affected) -> str:
    """``>= 1.0.0, < 1.2.3`` for people (product names), ``all versions`` without bounds."""
    parts = []
    if item.introduced and item.introduced != "0":
        parts.append(f">= {item.introduced}")
    if item.fixed:
        parts.append(f"< {item.fixed}")
    return ", ".join(parts) or "all versions"


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


# The CPE pattern of the CSAF 2.0 schema is long; only plausible CPEs are passed on.
_CPE = re.compile(r"^(cpe:2\.3:[aho*\-](:[^:\s]+){10}|[cC][pP][eE]:/[AHOaho]?(:[^:\s]*){0,6})$")


def _helper(item: Affected) -> dict[str, str]:
    helper: dict[str, str] = {}
    if item.purl:
        helper["purl"] = item.purl
    if item.cpe and _CPE.match(item.cpe):
        helper["cpe"] = item.cpe
    return helper


@dataclass(frozen=True)
class _Statuses:
    known_affected: list[str]
    fixed: list[str]
    remediations: list[dict[str, Any]]


def _build_products(adv: Advisory, tree: _ProductTree) -> _Statuses:
    affected: list[str] = []
    fixed: list[str] = []
    remediations: list[dict[str, Any]] = []
    for item in adv.affected:
        vers = _vers(item)
        shown = item.versions or _versions_text(item)
        pid = tree.product(
            item, "product_version_range", vers, f"{item.label} {shown}", _helper(item)
        )
        if pid not in affected:
            affected.append(pid)
        if item.fixed:
            fixed_id = tree.product(
                item, "product_version", item.fixed, f"{item.label} {item.fixed}", {}
            )
            if fixed_id not in fixed:
                fixed.append(fixed_id)
            details = f"Update {item.label} to version {item.fixed} or later."
            if adv.fix.note:
                details += f" {adv.fix.note}"
            remediations.append(
                {"category": "vendor_fix", "details": details, "product_ids": [pid]}
            )
    return _Statuses(affected, fixed, remediations)


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
    return notes


def _vulnerability_notes(adv: Advisory) -> tuple[dict[str, str] | None, list[dict[str, str]]]:
    """The ``cwe`` object (first catalogued CWE) and the notes for what has no field."""
    notes = [{"category": "description", "title": "Description", "text": adv.summary.strip()}]
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
    adv: Advisory, product_ids: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    scores: list[dict[str, Any]] = []
    notes: list[dict[str, str]] = []
    for score in adv.cvss:
        if score.version != "4.0" and not scores and product_ids:
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
        notes.append(
            {
                "category": "other",
                "title": f"CVSS v{score.version}",
                "text": f"{score.vector} (base score {score.base_score}, {score.severity})",
            }
        )
    return scores, notes


def _references(adv: Advisory, page_url: str | None) -> list[dict[str, str]]:
    refs: list[dict[str, str]] = []
    if page_url:
        refs.append({"category": "self", "summary": f"{adv.id} (HTML)", "url": page_url})
    seen = {page_url}
    for ref in adv.references:
        if ref.url not in seen:
            seen.add(ref.url)
            refs.append({"category": "external", "summary": ref.type, "url": ref.url})
    return refs


def csaf_document(adv: Advisory, settings: Settings, page_url: str | None = None) -> dict[str, Any]:
    """The CSAF 2.0 document of ``adv``; ``page_url`` (absolute) adds a ``self`` reference."""
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
    references = _references(adv, page_url)
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
    scores, score_notes = _scores(adv, statuses.known_affected)
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

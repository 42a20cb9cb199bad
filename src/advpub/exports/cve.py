"""CVE JSON 5 export: the CNA container that CVE Services' publish call takes, per CVE.

``cve_containers(adv, settings)`` returns one ``cnaPublishedContainer`` (CVE Record Format
5.1.1) per CVE of the advisory, in the advisory's order. Decisions:

- ``providerMetadata.orgId`` is the CNA's organisation UUID. advpub has no setting for it:
  pass ``--org-id`` or set ``ADVPUB_CVE_ORG_ID``; without either the placeholder
  ``00000000-0000-4000-8000-000000000000`` is written (schema-valid, refused by CVE
  Services) so a missing id is obvious.
- ``descriptions``: the summary in the advisory's language. CVE records need an English
  description; for a non-English advisory an English one is generated from the structured
  data (weakness, products, fixed versions, advisory id) and listed first.
- ``affected``: one entry per vendor/product (entries of the same product are merged):
  ``introduced``/``fixed`` become ``{"version": introduced or "0", "status": "affected",
  "lessThan": fixed}`` (``versionType`` ``semver`` or ``custom``) with ``defaultStatus``
  ``unaffected``; free-text ``versions`` become a single ``affected`` version with
  ``defaultStatus`` ``unknown``; no version data at all means ``defaultStatus: affected``.
- ``problemTypes`` from the CWE ids (named from the CWE catalogue), ``metrics`` with
  ``cvssV3_0``/``cvssV3_1``/``cvssV4_0`` (scores computed from the vectors), ``references``
  (the advisory page first, when ``site_url`` is set), ``credits``, ``datePublic`` (the
  first publication, UTC), ``title``, ``source.advisory`` (our id).
- Refused with an :class:`~advpub.errors.ExportError`: an advisory without CVE ids, without
  affected products, without any reference URL, or withdrawn (reject the CVE instead).

Submitting with cvelib (``pip install cvelib``; it reads ``CVE_USER``, ``CVE_ORG`` (your
CNA's short name) and ``CVE_API_KEY``; ``-e test`` targets CVE Services' test instance,
``-i`` asks before every change)::

    export ADVPUB_CVE_ORG_ID=<your CNA's UUID, the "UUID" of `cve org --raw`>
    advpub export cve ADV-2026-0003 --short-name "$CVE_ORG" -o out/
    cve -e test publish CVE-2026-20013 -f out/CVE-2026-20013.json   # try it first
    cve publish CVE-2026-20013 -f out/CVE-2026-20013.json           # then for real

``cve publish`` sends the file as the CNA container of a RESERVED id; run it again after
a revision to update the PUBLISHED record. For a withdrawn advisory use ``cve reject``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from advpub.config import Settings
from advpub.errors import ExportError
from advpub.exports.common import is_semver, iso_utc
from advpub.exports.cwe_names import cwe_name
from advpub.model import Advisory, Affected

PLACEHOLDER_ORG_ID = "00000000-0000-4000-8000-000000000000"
ORG_ID_ENV = "ADVPUB_CVE_ORG_ID"
_UUID4 = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-4[0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$"
)
_LANG = re.compile(r"^[A-Za-z]{2,4}([_-][A-Za-z]{4})?([_-]([A-Za-z]{2}|[0-9]{3}))?$")
_ENGLISH = re.compile(r"^en([_-][A-Za-z]{4})?([_-]([A-Za-z]{2}|[0-9]{3}))?$")
MAX_TEXT = 4096

REFERENCE_TAGS = {
    "advisory": ["vendor-advisory"],
    "fix": ["patch"],
    "report": ["issue-tracking"],
    "article": ["technical-description"],
    "package": ["product"],
    "web": [],
}
CREDIT_TYPES = {
    "finder": "finder",
    "reporter": "reporter",
    "coordinator": "coordinator",
    "analyst": "analyst",
    "remediation_developer": "remediation developer",
    "other": "other",
}
METRIC_KEYS = {"3.0": "cvssV3_0", "3.1": "cvssV3_1", "4.0": "cvssV4_0"}


def check_org_id(value: str, source: str) -> str:
    """``value`` when it is a version 4 UUID (what CVE Services issues), else ExportError."""
    text = value.strip()
    if not _UUID4.match(text):
        raise ExportError(
            f"{source}: {value!r} is not a CNA organisation UUID (a version 4 UUID like "
            "b3476cb9-2e3d-41a6-98d0-0f47421a65b6); `cve org --raw` (cvelib) shows yours"
        )
    return text


def _text(value: str) -> str:
    value = value.strip()
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"


def english_description(adv: Advisory) -> str:
    """An English description from structured data (for advisories in other languages)."""
    weakness = "A vulnerability"
    if adv.cwe:
        name = cwe_name(adv.cwe[0])
        weakness = f"{name} ({adv.cwe[0]})" if name else adv.cwe[0]
    products = []
    for item in adv.affected:
        text = item.label
        if item.fixed:
            text += f" before {item.fixed}"
        elif item.versions:
            text += f" {item.versions}"
        products.append(text)
    where = f" in {'; '.join(products)}" if products else ""
    return _text(f"{weakness}{where}. See advisory {adv.id} for details.")


def _descriptions(adv: Advisory) -> list[dict[str, str]]:
    lang = adv.lang if _LANG.match(adv.lang) else "en"
    own = {"lang": lang, "value": _text(adv.summary)}
    if _ENGLISH.match(lang):
        return [own]
    return [{"lang": "en", "value": english_description(adv)}, own]


def _affected(adv: Advisory) -> list[dict[str, Any]]:
    groups: dict[tuple[str | None, str, str | None], list[Affected]] = {}
    for item in adv.affected:
        groups.setdefault((item.vendor, item.product, item.package), []).append(item)
    products = []
    for (vendor, product, package), items in groups.items():
        entry: dict[str, Any] = {"vendor": vendor or "n/a", "product": product}
        if package:
            entry["packageName"] = package
        versions = [_version(item) for item in items]
        known = [v for v in versions if v is not None]
        if known:
            entry["versions"] = known
        if not known:
            entry["defaultStatus"] = "affected"
        elif all(item.fixed for item in items):
            entry["defaultStatus"] = "unaffected"
        else:
            entry["defaultStatus"] = "unknown"
        products.append(entry)
    return products


def _version(item: Affected) -> dict[str, str] | None:
    if item.fixed:
        bounds = [v for v in (item.introduced, item.fixed) if v and v != "0"]
        return {
            "version": item.introduced or "0",
            "status": "affected",
            "lessThan": item.fixed,
            "versionType": "semver" if all(is_semver(v) for v in bounds) else "custom",
        }
    text = item.versions or item.introduced
    return {"version": text[:1024], "status": "affected"} if text else None


def _problem_types(adv: Advisory) -> list[dict[str, Any]]:
    types = []
    for cwe_id in adv.cwe:
        name = cwe_name(cwe_id)
        description = f"{cwe_id} {name}" if name else cwe_id
        types.append(
            {
                "descriptions": [
                    {"lang": "en", "cweId": cwe_id, "description": description, "type": "CWE"}
                ]
            }
        )
    return types


def _metrics(adv: Advisory) -> list[dict[str, Any]]:
    return [
        {
            METRIC_KEYS[score.version]: {
                "version": score.version,
                "vectorString": score.vector,
                "baseScore": score.base_score,
                "baseSeverity": score.severity.upper(),
            }
        }
        for score in adv.cvss
        if score.version in METRIC_KEYS
    ]


def _references(adv: Advisory, settings: Settings, page_url: str | None) -> list[dict[str, Any]]:
    refs: list[dict[str, Any]] = []
    seen: set[str] = set()
    if page_url:
        own = (
            "vendor-advisory" if settings.publisher.category == "vendor" else "third-party-advisory"
        )
        refs.append({"url": page_url, "name": adv.id, "tags": [own]})
        seen.add(page_url)
    for ref in adv.references:
        if ref.url in seen:
            continue
        seen.add(ref.url)
        entry: dict[str, Any] = {"url": ref.url}
        tags = REFERENCE_TAGS.get(ref.type, [])
        if tags:
            entry["tags"] = list(tags)
        refs.append(entry)
    return refs


def _refusals(adv: Advisory, references: Sequence[object]) -> list[str]:
    where = adv.path or adv.id
    problems = []
    if not adv.cve:
        problems.append(f"{where}: cve: no CVE id; add `cve: [CVE-YYYY-NNNN]` to export CVE JSON")
    if not adv.affected:
        problems.append(
            f"{where}: affected: CVE records need affected products; add an `affected:` entry"
        )
    if not references:
        problems.append(
            f"{where}: references: CVE records need a reference URL; add one under "
            "`references:` or set site_url in mkdocs.yml so the advisory page is used"
        )
    if adv.withdrawn is not None:
        problems.append(
            f"{where}: withdrawn: the advisory is withdrawn; reject its CVE ids with "
            "`cve reject` (cvelib) instead of publishing them"
        )
    return problems


def cve_containers(
    adv: Advisory,
    settings: Settings,
    *,
    org_id: str = PLACEHOLDER_ORG_ID,
    short_name: str | None = None,
    page_url: str | None = None,
) -> list[dict[str, Any]]:
    """One CNA published container per CVE id of ``adv`` (same order as ``adv.cve``).

    Raises ExportError listing every reason when no valid container can be made.
    """
    references = _references(adv, settings, page_url)
    problems = _refusals(adv, references)
    if problems:
        raise ExportError("\n".join(problems))
    provider: dict[str, str] = {"orgId": check_org_id(org_id, "orgId")}
    if short_name:
        provider["shortName"] = short_name
    container: dict[str, Any] = {
        "providerMetadata": provider,
        "title": adv.title[:256],
        "datePublic": iso_utc(adv.published_at),
        "descriptions": _descriptions(adv),
        "affected": _affected(adv),
    }
    problem_types = _problem_types(adv)
    if problem_types:
        container["problemTypes"] = problem_types
    metrics = _metrics(adv)
    if metrics:
        container["metrics"] = metrics
    container["references"] = references
    if adv.credits:
        lang = adv.lang if _LANG.match(adv.lang) else "en"
        container["credits"] = [
            {"lang": lang, "value": c.name, "type": CREDIT_TYPES.get(c.type, "other")}
            for c in adv.credits
        ]
    container["source"] = {"advisory": adv.id, "discovery": "UNKNOWN"}
    # Every CVE of the advisory shares the same facts; copies keep callers from aliasing.
    return [copy.deepcopy(container) for _ in adv.cve]

"""CVE JSON 5 export: the CNA container that CVE Services' publish call takes, per CVE.

``cve_containers(adv, settings)`` returns one ``cnaPublishedContainer`` (CVE Record Format
5.1.1) per CVE of the advisory, in the advisory's order. Decisions:

- ``providerMetadata.orgId`` is the CNA's organisation UUID. advpub has no setting for it:
  pass ``--org-id`` or set ``ADVPUB_CVE_ORG_ID``; without either the placeholder
  ``00000000-0000-4000-8000-000000000000`` is written (schema-valid, refused by CVE
  Services) so a missing id is obvious.
- ``descriptions``: the summary in the advisory's language, and one per released linked
  translation (``translations``: the corpus's views, each with its own ``lang``). CVE
  records need an English description, listed first: the English version's summary (the
  primary's, else the first English translation's; another English version is left out, so
  there is exactly one), and when no version is in English one generated from the structured
  data (weakness, products, fixed versions, advisory id). ``title`` is the English version's
  when there is one, else the primary's.
- ``affected``: one entry per vendor/product (entries of the same product are merged).
  Each stretch of a range becomes ``{"version": start, "status": "affected", "versionType":
  ..., "lessThan": fixed}`` (``lessThanOrEqual`` for ``last_affected``, ``lessThan`` for a
  ``limit``); ``introduced: "0"`` is ``version: "0"``; an open-ended stretch is ``lessThan:
  "*"`` (a bare ``version`` would mean "only this version"). Enumerated versions are one
  entry each. With ranges or enumerated versions ``defaultStatus`` is ``unaffected`` (OSV's
  meaning: what is not listed is not affected). Free-text ``versions`` are for people and
  never a CVE ``version``: a product with only free text is ``{"version": "unspecified",
  "status": "affected"}`` with ``defaultStatus: unknown``; no version data at all means
  ``defaultStatus: affected``. Every CPE goes into ``cpes``.
- ``versionType`` (free text in CVE 5, "custom" to be avoided): ``git`` for GIT ranges,
  ``semver`` for SEMVER ones; for ECOSYSTEM ranges the ecosystem's ordering: ``python``
  (PyPI), ``maven``, ``semver`` (npm, crates.io), ``rpm`` (RPM-based distributions), else
  the OSV ecosystem's name in lower case (``go``, ``rubygems``, ``debian``), and ``custom``
  for a product without an ecosystem (given or read from its purl) or with one OSV does not
  define (no known ordering).
- Reference tags by meaning: ``advisory`` is ``vdb-entry`` on a vulnerability database
  (NVD, cve.org, OSV, JVN iPedia, GitHub's advisory database), the publisher's own tag on
  this site's host, else ``third-party-advisory``; ``fix`` ``patch``; ``report``
  ``issue-tracking``; ``article`` ``technical-description``; ``package`` ``product``;
  ``detection`` ``signature``; ``discussion`` ``media-coverage``; ``evidence`` ``exploit``;
  ``introduced`` and ``git`` ``related``; ``web`` no tag (``vdb-entry`` on a database).
- ``related`` and ``upstream`` ids become references tagged ``related`` and named
  ``related: <id>`` / ``upstream: <id>`` when the id's database has a fixed record URL
  (:func:`~advpub.model.id_urls.advisory_id_url`: cve.org, GitHub advisories, JVN, osv.dev);
  CVE 5 has no field for a bare id, so an id without a URL is not exported (the OSV export
  and the page carry it).
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
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from advpub.config import Settings
from advpub.corpus import Corpus
from advpub.errors import ExportError
from advpub.exports.common import iso_utc
from advpub.exports.cwe_names import cwe_name
from advpub.exports.osv import osv_package
from advpub.gate import GateOptions, evaluate_published
from advpub.model import Advisory, Affected
from advpub.model.advisory import RangeInterval, VersionRange
from advpub.model.fields import CREDIT_TYPES as CREDIT_KINDS
from advpub.model.id_urls import linked_ids

PLACEHOLDER_ORG_ID = "00000000-0000-4000-8000-000000000000"
ORG_ID_ENV = "ADVPUB_CVE_ORG_ID"
_UUID4 = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-4[0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$"
)
_LANG = re.compile(r"^[A-Za-z]{2,4}([_-][A-Za-z]{4})?([_-]([A-Za-z]{2}|[0-9]{3}))?$")
_ENGLISH = re.compile(r"^en([_-][A-Za-z]{4})?([_-]([A-Za-z]{2}|[0-9]{3}))?$")
MAX_TEXT = 4096

REFERENCE_TAGS = {
    "advisory": ["third-party-advisory"],
    "fix": ["patch"],
    "report": ["issue-tracking"],
    "article": ["technical-description"],
    "package": ["product"],
    "detection": ["signature"],
    "discussion": ["media-coverage"],
    "evidence": ["exploit"],
    "introduced": ["related"],
    "git": ["related"],
    "web": [],
}
# Vulnerability databases (host, path prefix): an entry there is a `vdb-entry`, whoever
# published it.
VDB_LOCATIONS = (
    ("nvd.nist.gov", "/"),
    ("www.cve.org", "/"),
    ("cve.org", "/"),
    ("cve.mitre.org", "/"),
    ("osv.dev", "/"),
    ("jvndb.jvn.jp", "/"),
    ("github.com", "/advisories/"),
)
CREDIT_TYPES = {kind: kind.replace("_", " ") for kind in CREDIT_KINDS}
# CVE versionType of an ECOSYSTEM range, by OSV ecosystem (lower case, without suffix).
ECOSYSTEM_VERSION_TYPES = {
    "pypi": "python",
    "maven": "maven",
    "npm": "semver",
    "crates.io": "semver",
    **dict.fromkeys(
        ("red hat", "almalinux", "rocky linux", "suse", "opensuse", "mageia", "openeuler"),
        "rpm",
    ),
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
        shown = ", ".join(_english(i) for r in item.ranges for i in r.intervals)
        if shown:
            text += f" {shown}"
        elif item.enumerated:
            text += f" {', '.join(item.enumerated)}"
        elif item.versions:
            text += f" {item.versions}"
        products.append(text)
    where = f" in {'; '.join(products)}" if products else ""
    return _text(f"{weakness}{where}. See advisory {adv.id} for details.")


def _english(interval: RangeInterval) -> str:
    """``from 2.0 before 2.3.2``, ``through 2.3.1``, ``all versions``."""
    parts = [f"from {interval.start}"] if interval.start is not None else []
    if interval.end is not None:
        parts.append(f"{'through' if interval.is_end_inclusive else 'before'} {interval.end}")
    return " ".join(parts) or "all versions"


def released_translations(
    corpus: Corpus, adv: Advisory, now: datetime, options: GateOptions
) -> tuple[Advisory, ...]:
    """``adv``'s linked translations in ``corpus`` that the release gate lets out at ``now``
    (what the site shows; the ``translations`` of :func:`cve_containers`)."""
    return tuple(
        t
        for t in corpus.translations.get(adv.id, ())
        if evaluate_published(t, now, options).releasable
    )


def _english_version(adv: Advisory, translations: Sequence[Advisory]) -> Advisory | None:
    """The version in English: the primary (a tag CVE does not accept counts as English,
    as it always has), else the first English translation; None when there is none."""
    if not _LANG.match(adv.lang) or _ENGLISH.match(adv.lang):
        return adv
    return next((t for t in translations if _ENGLISH.match(t.lang)), None)


def _descriptions(adv: Advisory, translations: Sequence[Advisory]) -> list[dict[str, str]]:
    """One description per language, the English one first (see the module docstring)."""
    english = _english_version(adv, translations)
    if english is None:
        listed = [{"lang": "en", "value": english_description(adv)}]
    else:
        listed = [{"lang": _lang(english), "value": _text(english.summary)}]
    for version in (adv, *translations):
        if version is english or _ENGLISH.match(version.lang):
            continue  # exactly one English description
        if not _LANG.match(version.lang):
            continue  # only a translation gets here: a tag the CVE format cannot carry
        listed.append({"lang": version.lang, "value": _text(version.summary)})
    return listed


def _lang(adv: Advisory) -> str:
    """The advisory's language tag for CVE (``en`` when CVE's pattern refuses it)."""
    return adv.lang if _LANG.match(adv.lang) else "en"


def _affected(adv: Advisory) -> list[dict[str, Any]]:
    groups: dict[tuple[str | None, str, str | None], list[Affected]] = {}
    for item in adv.affected:
        groups.setdefault((item.vendor, item.product, item.package), []).append(item)
    products = []
    for (vendor, product, package), items in groups.items():
        entry: dict[str, Any] = {"vendor": vendor or "n/a", "product": product}
        if package:
            entry["packageName"] = package
        cpes = list(dict.fromkeys(cpe for item in items for cpe in item.cpes))
        if cpes:
            entry["cpes"] = cpes
        versions = [v for item in items for v in cve_versions(item)]
        if versions:
            entry["versions"] = list({repr(v): v for v in versions}.values())
        entry["defaultStatus"] = _default_status(items)
        products.append(entry)
    return products


def _default_status(items: Sequence[Affected]) -> str:
    """affected: no version data says every version; unknown: only free text."""
    if any(not (i.ranges or i.enumerated or i.versions) for i in items):
        return "affected"
    if any(not (i.ranges or i.enumerated) for i in items):
        return "unknown"
    return "unaffected"


def version_type(item: Affected, version_range: VersionRange) -> str:
    """The CVE ``versionType`` of a range (see the module docstring)."""
    if version_range.type == "GIT":
        return "git"
    if version_range.type == "SEMVER":
        return "semver"
    package = osv_package(item)  # the ecosystem, or the one the purl names
    if package is None:  # none, or one without a defined version ordering
        return "custom"
    base = package["ecosystem"].split(":", 1)[0].lower()
    return ECOSYSTEM_VERSION_TYPES.get(base, base)


def cve_versions(item: Affected) -> list[dict[str, str]]:
    """The CVE ``versions`` entries of one affected entry."""
    out = [
        _interval(interval, version_type(item, r)) for r in item.ranges for interval in r.intervals
    ]
    listed_type = version_type(item, VersionRange("ECOSYSTEM", ()))
    out += [
        {"version": version[:1024], "status": "affected", "versionType": listed_type}
        for version in item.enumerated
    ]
    if not out and item.versions:
        out.append({"version": "unspecified", "status": "affected"})
    return out


def _interval(interval: RangeInterval, kind: str) -> dict[str, str]:
    entry = {"version": interval.start or "0", "status": "affected", "versionType": kind}
    if interval.end is None:
        entry["lessThan"] = "*"
    elif interval.is_end_inclusive:
        entry["lessThanOrEqual"] = interval.end
    else:
        entry["lessThan"] = interval.end
    return entry


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
    # The advisory's scores, then each product's own (a CVE has no per-product metric).
    scores = {c.vector: c for c in (*adv.cvss, *(c for i in adv.affected for c in i.cvss))}
    return [
        {
            METRIC_KEYS[score.version]: {
                "version": score.version,
                "vectorString": score.vector,
                "baseScore": score.base_score,
                "baseSeverity": score.severity.upper(),
            }
        }
        for score in scores.values()
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
    own_host = urlsplit(page_url).hostname if page_url else None
    for ref in adv.references:
        if ref.url in seen:
            continue
        seen.add(ref.url)
        entry: dict[str, Any] = {"url": ref.url}
        tags = reference_tags(ref.type, ref.url, own_host, settings.publisher.category)
        if tags:
            entry["tags"] = list(tags)
        refs.append(entry)
    for linked in linked_ids(adv):
        if linked.url is not None and linked.url not in seen:
            seen.add(linked.url)
            refs.append({"url": linked.url, "name": linked.label, "tags": ["related"]})
    return refs


def reference_tags(kind: str, url: str, own_host: str | None, category: str) -> list[str]:
    """The CVE tags of a reference of type ``kind`` (see the module docstring)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    if kind in ("advisory", "web") and any(
        host == h and path.startswith(prefix) for h, prefix in VDB_LOCATIONS
    ):
        return ["vdb-entry"]
    if kind == "advisory" and own_host is not None and host == own_host.lower():
        return ["vendor-advisory" if category == "vendor" else "third-party-advisory"]
    return list(REFERENCE_TAGS.get(kind, []))


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
    translations: Sequence[Advisory] = (),
) -> list[dict[str, Any]]:
    """One CNA published container per CVE id of ``adv`` (same order as ``adv.cve``);
    ``translations`` are its released linked translations (descriptions per language).

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
        "title": (_english_version(adv, translations) or adv).title[:256],
        "datePublic": iso_utc(adv.published_at),
        "descriptions": _descriptions(adv, translations),
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
        container["credits"] = [
            {"lang": _lang(adv), "value": c.name, "type": CREDIT_TYPES.get(c.type, "other")}
            for c in adv.credits
        ]
    container["source"] = {"advisory": adv.id, "discovery": "UNKNOWN"}
    # Every CVE of the advisory shares the same facts; copies keep callers from aliasing.
    return [copy.deepcopy(container) for _ in adv.cve]

"""Frozen data classes for one advisory. Knows nothing of the site, the store or git."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

SEVERITY_ORDER = ("None", "Low", "Medium", "High", "Critical")


@dataclass(frozen=True)
class Fix:
    """Whether the fix was verified, by whom and when."""

    verified: bool
    verified_by: str | None = None
    verified_on: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class CvssScore:
    """A CVSS vector with the base score and severity computed from it."""

    vector: str
    version: str  # "3.0", "3.1" or "4.0"
    base_score: float
    severity: str  # None, Low, Medium, High, Critical


@dataclass(frozen=True)
class RangeEvent:
    """One OSV range event: ``kind`` is introduced, fixed, last_affected or limit."""

    kind: str
    version: str


@dataclass(frozen=True)
class RangeInterval:
    """One stretch of affected versions read from a range's events.

    ``start`` None means from the first version (OSV ``introduced: "0"``); ``end`` None means
    no known end; ``end_kind`` says how ``end`` bounds it: ``fixed`` and ``limit`` exclude it,
    ``last_affected`` includes it.
    """

    start: str | None
    end: str | None = None
    end_kind: str | None = None

    @property
    def is_end_inclusive(self) -> bool:
        """True when ``end`` itself is affected (``last_affected``)."""
        return self.end_kind == "last_affected"

    @property
    def text(self) -> str:
        """``≥ 2.0, < 2.3.2``, ``< 1.4.2``, ``≤ 2.3.1``; empty for all versions."""
        parts = [f"≥ {_short(self.start)}"] if self.start is not None else []
        if self.end is not None:
            parts.append(f"{'≤' if self.is_end_inclusive else '<'} {_short(self.end)}")
        return ", ".join(parts)


def _short(version: str) -> str:
    """A commit hash cut to 12 digits for people; other versions unchanged."""
    is_commit = len(version) in (40, 64) and all(c in "0123456789abcdef" for c in version)
    return version[:12] if is_commit else version


@dataclass(frozen=True)
class VersionRange:
    """An OSV range: its type (ECOSYSTEM, SEMVER, GIT) kept as written, and its events."""

    type: str
    events: tuple[RangeEvent, ...]
    repo: str | None = None

    @property
    def intervals(self) -> tuple[RangeInterval, ...]:
        """The affected stretches, in the order written (the parser checked that order).

        A ``limit`` caps the open stretch before it; an open stretch without one stays open.
        """
        out: list[RangeInterval] = []
        start: str | None = None
        is_open = False
        for event in self.events:
            if event.kind == "introduced":
                if is_open:
                    out.append(RangeInterval(start))
                start, is_open = (None if event.version == "0" else event.version), True
            elif is_open:
                out.append(RangeInterval(start, event.version, event.kind))
                is_open = False
        if is_open:
            out.append(RangeInterval(start))
        return tuple(out)

    @property
    def text(self) -> str:
        """The intervals for people (``≥ 1.0, < 1.4.2; ≥ 2.0``); empty for all versions."""
        return "; ".join(i.text for i in self.intervals if i.text)


def shorthand_range(
    introduced: str | None, fixed: str | None, last_affected: str | None
) -> VersionRange | None:
    """The one ECOSYSTEM range the ``introduced``/``fixed``/``last_affected`` keys stand for.

    The type is ECOSYSTEM (the product's own version ordering): never guessed from how the
    bounds look, so a PyPI or Maven version that happens to look like SemVer stays ECOSYSTEM.
    """
    if introduced is None and fixed is None and last_affected is None:
        return None
    events = [RangeEvent("introduced", introduced or "0")]
    if fixed is not None:
        events.append(RangeEvent("fixed", fixed))
    elif last_affected is not None:
        events.append(RangeEvent("last_affected", last_affected))
    return VersionRange("ECOSYSTEM", tuple(events))


@dataclass(frozen=True)
class Affected:
    """One affected product (and, for packages, its ecosystem and name).

    ``versions`` is free text for people (never exported as a version); ``enumerated`` the
    listed affected versions; ``ranges`` the OSV ranges (the ``introduced``/``fixed``/
    ``last_affected`` shorthand becomes one range here); ``cpes`` every CPE (``cpe`` is the
    first); ``cvss`` the product's own scores.
    """

    product: str
    vendor: str | None = None
    versions: str | None = None
    introduced: str | None = None
    fixed: str | None = None
    ecosystem: str | None = None
    package: str | None = None
    purl: str | None = None
    cpe: str | None = None
    last_affected: str | None = None
    ranges: tuple[VersionRange, ...] = ()
    enumerated: tuple[str, ...] = ()
    cpes: tuple[str, ...] = ()
    cvss: tuple[CvssScore, ...] = ()
    ecosystem_specific: Mapping[str, Any] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        # Whoever builds an entry from the shorthand gets the same range the parser makes,
        # so exports read `ranges` only and cannot disagree with `introduced`/`fixed`.
        if not self.ranges:
            derived = shorthand_range(self.introduced, self.fixed, self.last_affected)
            if derived is not None:
                object.__setattr__(self, "ranges", (derived,))
        if self.cpe is not None and not self.cpes:
            object.__setattr__(self, "cpes", (self.cpe,))
        elif self.cpes and self.cpe is None:
            object.__setattr__(self, "cpe", self.cpes[0])

    @property
    def label(self) -> str:
        """``Vendor Product`` for people."""
        return f"{self.vendor} {self.product}" if self.vendor else self.product

    @property
    def fixed_versions(self) -> tuple[str, ...]:
        """Every ``fixed`` version of every range, in order, without repeats."""
        found = (e.version for r in self.ranges for e in r.events if e.kind == "fixed")
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Credit:
    """A credited person or organisation (named only with consent)."""

    name: str
    type: str = "finder"
    contact: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """An http(s) reference and its kind."""

    url: str
    type: str = "web"


@dataclass(frozen=True)
class EarlyRelease:
    """A recorded, approved exception to "fix verified"."""

    basis: str
    approved_by: tuple[str, ...]
    reference: str | None = None


@dataclass(frozen=True)
class Revision:
    """An update after publication."""

    date: datetime
    summary: str


@dataclass(frozen=True)
class Withdrawn:
    """The advisory was withdrawn; it stays online with this notice."""

    date: datetime
    reason: str


@dataclass(frozen=True)
class VendorStatus:
    """One vendor's answer to the coordinator (JVN ベンダ情報, a VINCE vendor statement)."""

    vendor: str
    status: str  # affected, not_affected, under_investigation or unknown (no response)
    statement: str | None = None
    updated: date | None = None
    url: str | None = None


@dataclass(frozen=True)
class Remediation:
    """What users can do; ``products`` name affected entries (empty: all of them)."""

    category: str  # vendor_fix, workaround, mitigation, no_fix_planned or none_available
    details: str
    url: str | None = None
    products: tuple[str, ...] = ()


@dataclass(frozen=True)
class Advisory:
    """One advisory: validated front matter plus the Markdown body.

    All instants are timezone-aware and in UTC; date-only and naive values were resolved in
    the site time zone when parsing.
    """

    id: str
    title: str
    summary: str
    release_date: datetime
    fix: Fix
    body: str
    cve: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    cvss: tuple[CvssScore, ...] = ()
    affected: tuple[Affected, ...] = ()
    credits: tuple[Credit, ...] = ()
    references: tuple[Reference, ...] = ()
    early_release: EarlyRelease | None = None
    scope: str = "product"
    tlp: str = "CLEAR"
    lang: str = "en"
    published: datetime | None = None
    revisions: tuple[Revision, ...] = ()
    withdrawn: Withdrawn | None = None
    approvals: tuple[str, ...] = ()
    # Who besides the team may read the draft (recipient names); never published.
    share_with: tuple[str, ...] = ()
    # Issue 19: ids of related (not identical) advisories, and of the upstream ones this
    # advisory derives from (OSV `related`, `upstream`).
    related: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()
    kind: str = "vulnerability"
    # unmaintained, unsound or notice; set only when kind is informational.
    informational: str | None = None
    vendor_status: tuple[VendorStatus, ...] = ()
    remediations: tuple[Remediation, ...] = ()
    path: str | None = None
    # Set on a linked translation's view (model.translation.localized): the primary's lang.
    source_lang: str | None = None
    front_matter: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def published_at(self) -> datetime:
        """The first public instant: ``published``, else the release instant."""
        return self.published or self.release_date

    @property
    def modified_at(self) -> datetime:
        """The newest of published, revision dates and withdrawal."""
        instants = [self.published_at, *(r.date for r in self.revisions)]
        if self.withdrawn is not None:
            instants.append(self.withdrawn.date)
        return max(instants)

    @property
    def page_key(self) -> str:
        """What names this advisory's page and file among all pages: the id, or
        ``<ID>.<lang>`` for a linked translation (the stem of its file)."""
        return f"{self.id}.{self.lang}" if self.source_lang is not None else self.id

    @property
    def is_translation(self) -> bool:
        """True for a linked translation's view of its primary advisory."""
        return self.source_lang is not None

    @property
    def is_withdrawn(self) -> bool:
        """True when a withdrawal notice is recorded."""
        return self.withdrawn is not None

    @property
    def is_informational(self) -> bool:
        """True for an informational advisory (unmaintained, unsound, a notice)."""
        return self.kind == "informational"

    @property
    def severity(self) -> str | None:
        """The highest severity among the CVSS scores, or None without any."""
        if not self.cvss:
            return None
        return max((c.severity for c in self.cvss), key=SEVERITY_ORDER.index)

    @property
    def base_score(self) -> float | None:
        """The highest base score among the CVSS scores."""
        return max((c.base_score for c in self.cvss), default=None)

    @property
    def identifiers(self) -> tuple[str, ...]:
        """Every identifier naming this advisory: id, CVEs and aliases."""
        return (self.id, *self.cve, *self.aliases)

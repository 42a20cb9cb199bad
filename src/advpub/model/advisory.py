"""Frozen data classes for one advisory. Knows nothing of the site, the store or git."""

from __future__ import annotations

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
class Affected:
    """One affected product (and, for packages, its ecosystem and name)."""

    product: str
    vendor: str | None = None
    versions: str | None = None
    introduced: str | None = None
    fixed: str | None = None
    ecosystem: str | None = None
    package: str | None = None
    purl: str | None = None
    cpe: str | None = None

    @property
    def label(self) -> str:
        """``Vendor Product`` for people."""
        return f"{self.vendor} {self.product}" if self.vendor else self.product


@dataclass(frozen=True)
class Credit:
    """A credited person or organisation (named only with consent)."""

    name: str
    type: str = "finder"


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

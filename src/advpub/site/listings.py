"""Which pages the site has: listings grouped by year, product, severity and CWE, paginated.

Plain functions over the published advisories (newest first). Paths follow the URL
contract of :mod:`advpub.site.slugs`; every listing page holds at most ``page_size``
advisories, so no page grows with the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Literal

from advpub.model import Advisory, Affected
from advpub.model.advisory import SEVERITY_ORDER
from advpub.site.slugs import assign_product_slugs, product_identity, product_slug

GroupKind = Literal["year", "product", "severity", "cwe"]
PageKind = Literal["home", "overview", "listing"]

# Overview pages, in navigation order: (group kind, folder).
OVERVIEWS: tuple[tuple[GroupKind, str], ...] = (
    ("year", "archive"),
    ("product", "products"),
    ("severity", "severity"),
    ("cwe", "cwe"),
)
# The severity listings (and their feeds), most severe first.
SEVERITY_LEVELS = tuple(level.lower() for level in reversed(SEVERITY_ORDER))
# The severity listing of advisories without a CVSS score (it has no feed).
UNSCORED = "unscored"
HOME_SRC_URI = "index.md"
_CWE_NUMBER = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class Group:
    """One listing: e.g. the advisories of a product; ``base`` is its folder (``products/x/``)."""

    kind: GroupKind
    key: str
    title: str
    base: str
    advisories: tuple[Advisory, ...]
    # Product listings: the vendor and product names, shown apart ("Vendor — Product").
    vendor: str | None = None
    product: str | None = None
    # A vendor that a vendor_status names affected without naming its products: a row of
    # the products overview linking the advisories themselves (it has no listing page).
    unspecified: bool = False

    @property
    def display(self) -> str:
        """The group's name for a page title: ``Vendor — Product`` for products."""
        if self.kind == "product" and self.product is not None:
            return f"{self.vendor} — {self.product}" if self.vendor else self.product
        return self.title


@dataclass(frozen=True)
class SitePage:
    """A generated page: the home page, an overview of groups, or one page of a listing."""

    src_uri: str
    kind: PageKind
    group_kind: GroupKind | None = None
    group: Group | None = None
    groups: tuple[Group, ...] = ()
    advisories: tuple[Advisory, ...] = ()
    number: int = 1
    siblings: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        """How many pages the listing has (1 for unpaginated pages)."""
        return max(1, len(self.siblings))


def year_of(advisory: Advisory, zone: tzinfo) -> str:
    """The year an advisory was first public, in the site time zone."""
    return f"{advisory.published_at.astimezone(zone).year:04d}"


def advisory_dir(advisory: Advisory, zone: tzinfo) -> str:
    """The site-relative folder of an advisory's page: ``<YYYY>/<ID>/``."""
    return f"{year_of(advisory, zone)}/{advisory.id}/"


def severity_level(advisory: Advisory) -> str | None:
    """The severity listing an advisory belongs to (``critical`` ... ``none``); unscored: None."""
    severity = advisory.severity
    return severity.lower() if severity else None


def cwe_slug(cwe: str) -> str:
    """``CWE-79`` -> ``cwe-79`` (the folder of its listing)."""
    return cwe.strip().lower()


def _cwe_order(cwe: str) -> tuple[int, str]:
    match = _CWE_NUMBER.search(cwe)
    return (int(match.group(1)) if match else 1 << 30, cwe)


def _collect(
    advisories: Iterable[Advisory],
    keys: Callable[[Advisory], Iterable[tuple[str, str]]],
) -> dict[str, tuple[str, list[Advisory]]]:
    found: dict[str, tuple[str, list[Advisory]]] = {}
    for adv in advisories:
        seen: set[str] = set()
        for key, title in keys(adv):
            if key in seen:
                continue
            seen.add(key)
            found.setdefault(key, (title, []))[1].append(adv)
    return found


def group_by_year(advisories: Sequence[Advisory], zone: tzinfo) -> list[Group]:
    """One group per publication year, newest year first."""
    found = _collect(advisories, lambda a: [(year_of(a, zone), year_of(a, zone))])
    return [
        Group("year", key, title, f"{key}/", tuple(items))
        for key, (title, items) in sorted(found.items(), reverse=True)
    ]


def group_by_product(advisories: Sequence[Advisory]) -> list[Group]:
    """One group per product (vendor and product name, ignoring case, width and spacing),
    sorted by vendor, then product; the names shown are those of the first advisory given
    (newest first: the latest spelling)."""
    found: dict[tuple[str, str], tuple[Affected, list[Advisory]]] = {}
    for adv in advisories:
        for item in adv.affected:
            identity = product_identity(item.vendor, item.product)
            entry = found.setdefault(identity, (item, []))
            if not entry[1] or entry[1][-1] is not adv:
                entry[1].append(adv)
    # The oldest product keeps a shared slug (stable when newer products are added).
    oldest_first = sorted(
        found.items(), key=lambda kv: (min((a.published_at, a.id) for a in kv[1][1]), kv[0])
    )
    slugs = assign_product_slugs(
        (identity, product_slug(item.vendor, item.product)) for identity, (item, _) in oldest_first
    )
    groups = [
        Group(
            "product",
            slugs[identity],
            item.label,
            f"products/{slugs[identity]}/",
            tuple(items),
            vendor=item.vendor,
            product=item.product,
        )
        for identity, (item, items) in found.items()
    ]
    return sorted(groups, key=_vendor_order)


def _vendor_order(group: Group) -> tuple[bool, str, bool, str, str]:
    # Products without a vendor come last; a vendor's unspecified products after its named ones.
    vendor = (group.vendor or "").casefold()
    return (not vendor, vendor, group.unspecified, (group.product or "").casefold(), group.key)


def unspecified_vendors(advisories: Sequence[Advisory], named: Sequence[Group]) -> list[Group]:
    """One group per vendor that an advisory's ``vendor_status`` says is ``affected`` while
    none of its ``affected`` entries is that vendor's (products not specified), with those
    advisories. Vendors not affected, under investigation or unknown are not products of
    the advisory and are not listed. A vendor is written as its product groups write it, so
    its rows stay together (names compared as products are: :func:`product_identity`)."""
    spelled = {product_identity(None, g.vendor)[1]: g.vendor for g in named if g.vendor}
    found: dict[str, tuple[str, list[Advisory]]] = {}
    for adv in advisories:
        own = {product_identity(None, a.vendor or "")[1] for a in adv.affected}
        for status in adv.vendor_status:
            identity = product_identity(None, status.vendor)[1]
            if status.status != "affected" or identity in own:
                continue
            entry = found.setdefault(identity, (spelled.get(identity, status.vendor), []))
            if not entry[1] or entry[1][-1] is not adv:
                entry[1].append(adv)
    return [
        Group(
            "product",
            f"unspecified:{identity}",
            vendor,
            "",
            tuple(items),
            vendor=vendor,
            unspecified=True,
        )
        for identity, (vendor, items) in found.items()
    ]


def group_by_severity(advisories: Sequence[Advisory]) -> list[Group]:
    """One group per severity level present, most severe first, then advisories without a
    CVSS score (``unscored``), so browsing by severity shows every advisory."""

    def keys(adv: Advisory) -> list[tuple[str, str]]:
        level = severity_level(adv) or UNSCORED
        return [(level, level)]

    found = _collect(advisories, keys)
    return [
        Group("severity", level, level, f"severity/{level}/", tuple(found[level][1]))
        for level in (*SEVERITY_LEVELS, UNSCORED)
        if level in found
    ]


def group_by_cwe(advisories: Sequence[Advisory]) -> list[Group]:
    """One group per CWE id, by number."""
    found = _collect(advisories, lambda a: [(cwe_slug(c), c.strip().upper()) for c in a.cwe])
    return [
        Group("cwe", key, title, f"cwe/{key}/", tuple(items))
        for key, (title, items) in sorted(found.items(), key=lambda kv: _cwe_order(kv[1][0]))
    ]


def feed_listing(group: Group) -> str | None:
    """The feed listing of a group (``products/<slug>``, ``severity/<level>``), or None when
    the group has no feeds (years, CWEs and unscored advisories)."""
    if group.kind == "product" or (group.kind == "severity" and group.key != UNSCORED):
        return group.base.rstrip("/")
    return None


def groups_of(kind: GroupKind, advisories: Sequence[Advisory], zone: tzinfo) -> list[Group]:
    """The groups of one kind."""
    if kind == "year":
        return group_by_year(advisories, zone)
    if kind == "product":
        named = group_by_product(advisories)
        return sorted([*named, *unspecified_vendors(advisories, named)], key=_vendor_order)
    if kind == "severity":
        return group_by_severity(advisories)
    return group_by_cwe(advisories)


def page_src_uri(base: str, number: int) -> str:
    """The virtual Markdown path of page ``number`` of the listing in folder ``base``."""
    return f"{base}index.md" if number == 1 else f"{base}page/{number}/index.md"


def paginate(group: Group, page_size: int) -> list[SitePage]:
    """The pages of one listing, ``page_size`` advisories each (at least one page)."""
    size = max(1, page_size)
    chunks = [group.advisories[i : i + size] for i in range(0, len(group.advisories), size)]
    chunks = chunks or [()]
    siblings = tuple(page_src_uri(group.base, n) for n in range(1, len(chunks) + 1))
    return [
        SitePage(
            src_uri=siblings[n - 1],
            kind="listing",
            group_kind=group.kind,
            group=group,
            advisories=tuple(chunk),
            number=n,
            siblings=siblings,
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


def overview_src_uri(kind: GroupKind) -> str:
    """The virtual Markdown path of the overview page of one group kind."""
    return next(f"{folder}/index.md" for k, folder in OVERVIEWS if k == kind)


def paginate_overview(kind: GroupKind, groups: Sequence[Group], page_size: int) -> list[SitePage]:
    """The pages of an overview (e.g. every product), ``page_size`` groups each."""
    size = max(1, page_size)
    chunks = [tuple(groups[i : i + size]) for i in range(0, len(groups), size)] or [()]
    base = overview_src_uri(kind).removesuffix("index.md")
    siblings = tuple(page_src_uri(base, n) for n in range(1, len(chunks) + 1))
    return [
        SitePage(
            src_uri=siblings[n - 1],
            kind="overview",
            group_kind=kind,
            groups=chunk,
            number=n,
            siblings=siblings,
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


def plan_site(advisories: Sequence[Advisory], zone: tzinfo, page_size: int) -> list[SitePage]:
    """Every generated page: home, the overview pages of each group kind, every listing page."""
    latest = tuple(advisories[: max(1, page_size)])
    severities = tuple(group_by_severity(advisories))
    pages = [SitePage(HOME_SRC_URI, "home", "severity", groups=severities, advisories=latest)]
    for kind, _folder in OVERVIEWS:
        groups = groups_of(kind, advisories, zone)
        pages.extend(paginate_overview(kind, groups, page_size))
        for group in groups:
            if not group.unspecified:  # no listing page: its row links the advisories
                pages.extend(paginate(group, page_size))
    return pages

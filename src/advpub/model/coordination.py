"""Parse the coordination keys (issue 19): ``kind``/``informational``, ``vendor_status`` and
``remediations``, with the rules that tie them to ``affected``.

Called by :mod:`advpub.model.parse`; reports through its checker, so every problem is
collected with the others and named by its exact field path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from advpub.model import fields as F
from advpub.model.advisory import Fix, Remediation, VendorStatus
from advpub.model.affected import FieldChecks

T = TypeVar("T")


class _Checker(FieldChecks, Protocol):
    """The parser checker's value checks these keys use (structural: no import of parse)."""

    def strings(
        self,
        value: object,
        field: str,
        item_check: Callable[[str, str], str | None] | None = None,
    ) -> tuple[str, ...]:
        """A list of one-line strings (each optionally checked)."""

    def records(
        self,
        value: object,
        field: str,
        build: Callable[[dict[str, Any], str], T | None],
        known: Sequence[str],
        required: Sequence[str],
    ) -> tuple[T, ...]:
        """A list of mappings, each built by ``build``."""

    def choice(self, value: object, field: str, allowed: Sequence[str], default: str) -> str:
        """One of ``allowed`` (``default`` when absent)."""

    def day(self, value: object, field: str) -> date | None:
        """A calendar date."""

    def url(self, value: object, where: str) -> str | None:
        """An http(s) URL."""


@dataclass(frozen=True)
class Coordination:
    """The parsed coordination keys, as :class:`~advpub.model.Advisory` fields."""

    kind: str
    informational: str | None
    vendor_status: tuple[VendorStatus, ...]
    remediations: tuple[Remediation, ...]

    @property
    def is_informational(self) -> bool:
        """True for ``kind: informational``."""
        return self.kind == "informational"

    def fields(self) -> dict[str, Any]:
        """Keyword arguments for :class:`~advpub.model.Advisory`."""
        return {
            "kind": self.kind,
            "informational": self.informational,
            "vendor_status": self.vendor_status,
            "remediations": self.remediations,
        }


def required_keys(data: Mapping[Any, Any]) -> tuple[str, ...]:
    """The required top-level keys: an informational advisory needs no ``fix``."""
    if data.get("kind") == "informational":
        return F.INFORMATIONAL_REQUIRED_KEYS
    return F.REQUIRED_KEYS


def default_fix(coordination: Coordination, fix: Fix | None, given: bool) -> Fix | None:
    """``fix`` as parsed; an informational advisory without the key has no verified fix
    (the gate does not ask for one)."""
    if fix is None and not given and coordination.is_informational:
        return Fix(verified=False)
    return fix


def parse_coordination(checker: _Checker, m: Mapping[str, Any]) -> Coordination:
    """Validate ``kind``, ``informational``, ``vendor_status`` and ``remediations``."""
    kind = checker.choice(m.get("kind"), "kind", F.KINDS, "vulnerability")
    informational: str | None = None
    if kind == "informational":
        informational = checker.choice(
            m.get("informational"), "informational", F.INFORMATIONAL_TYPES, "notice"
        )
    elif m.get("informational") is not None:
        checker.add(
            "informational",
            "consistency",
            "only allowed with `kind: informational`; add `kind: informational` or remove it",
        )
    statuses = checker.records(
        m.get("vendor_status"),
        "vendor_status",
        lambda item, where: _vendor_status(checker, item, where),
        F.VENDOR_STATUS_KEYS,
        ("vendor", "status"),
    )
    raw_affected = m.get("affected")
    affected: list[Any] = raw_affected if isinstance(raw_affected, list) else []
    _check_vendors(checker, m.get("vendor_status"), statuses, affected)
    remediations = checker.records(
        m.get("remediations"),
        "remediations",
        lambda item, where: _remediation(checker, item, where, _product_names(affected)),
        F.REMEDIATION_KEYS,
        ("category", "details"),
    )
    return Coordination(kind, informational, statuses, remediations)


def _vendor_status(checker: _Checker, m: dict[str, Any], where: str) -> VendorStatus | None:
    vendor = checker.string(m.get("vendor"), f"{where}.vendor", one_line=True)
    status = checker.choice(m.get("status"), f"{where}.status", F.VENDOR_STATUSES, "")
    statement = checker.string(m.get("statement"), f"{where}.statement")
    updated = checker.day(m.get("updated"), f"{where}.updated")
    url = checker.url(m.get("url"), f"{where}.url") if m.get("url") is not None else None
    if vendor is None or not status:
        return None
    return VendorStatus(vendor, status, statement, updated, url)


def _same(name: str) -> str:
    # "Example  Corp" and "example corp" are one vendor.
    return " ".join(name.split()).casefold()


def _check_vendors(
    checker: _Checker,
    raw: object,
    statuses: tuple[VendorStatus, ...],
    affected: list[Any],
) -> None:
    """Each vendor once; a vendor ``not_affected`` may not have affected entries."""
    if not isinstance(raw, list):
        return
    vendors_affected = {
        _same(str(item["vendor"]))
        for item in affected
        if isinstance(item, dict) and isinstance(item.get("vendor"), str)
    }
    seen: set[str] = set()
    positions = [i for i, item in enumerate(raw) if isinstance(item, dict)]
    by_vendor = {_same(s.vendor): s for s in statuses}
    for index in positions:
        vendor = raw[index].get("vendor")
        if not isinstance(vendor, str) or _same(vendor) not in by_vendor:
            continue
        key = _same(vendor)
        if key in seen:
            checker.add(
                f"vendor_status[{index}].vendor",
                "duplicate",
                f"{vendor.strip()!r} is listed twice; keep one entry per vendor",
            )
            continue
        seen.add(key)
        if raw[index].get("status") == "not_affected" and key in vendors_affected:
            checker.add(
                f"vendor_status[{index}].status",
                "consistency",
                f"`not_affected` contradicts the affected entries of {vendor.strip()!r}; "
                "correct the status or remove those entries",
            )


def _product_names(affected: list[Any]) -> list[str]:
    names: list[str] = []
    for item in affected:
        if isinstance(item, dict):
            for key in ("product", "package"):
                value = item.get(key)
                if isinstance(value, str) and value.strip() and value.strip() not in names:
                    names.append(value.strip())
    return names


def _remediation(
    checker: _Checker, m: dict[str, Any], where: str, known: list[str]
) -> Remediation | None:
    category = checker.choice(m.get("category"), f"{where}.category", F.REMEDIATION_CATEGORIES, "")
    details = checker.string(m.get("details"), f"{where}.details")
    url = checker.url(m.get("url"), f"{where}.url") if m.get("url") is not None else None
    products = checker.strings(
        m.get("products"),
        f"{where}.products",
        lambda text, at: _affected_product(checker, text, at, known),
    )
    if not category or details is None:
        return None
    return Remediation(category, details, url, products)


def _affected_product(checker: _Checker, text: str, where: str, known: list[str]) -> str | None:
    if text in known:
        return text
    if not known:
        hint = "add the product under `affected:` or remove `products`"
    else:
        hint = f"use one of: {', '.join(known)}"
    checker.add(where, "remediation-product", f"{text!r} is not an affected product; {hint}")
    return None

"""CSAF 2.0: the coordination keys of issue 19 added to a built document.

Works on the finished document (its ``product_tree`` and ``vulnerabilities``), so it does
not depend on how the product tree was built. Mapping decisions:

- ``vendor_status``: ``affected`` -> ``known_affected``, ``not_affected`` ->
  ``known_not_affected`` (with an ``impact`` threat carrying the statement, as VEX readers
  expect), ``under_investigation`` -> ``under_investigation``, ``unknown`` (no response) ->
  no product status (CSAF has none), only the note. The statuses apply to the vendor's
  products in the tree (the vendor branch); a vendor without any gets one product named
  ``<vendor> products`` so the status can be said at all (never for ``unknown``: an unused
  product would only draw optional test 6.2.1). A vendor's products already listed as
  affected or fixed keep that status (the versions are the more precise fact).
- Every vendor's status, update date, statement and link is one vulnerability note of
  category ``other`` titled ``Vendor status: <vendor>`` (a vendor statement is neither the
  description nor our details; CSAF 2.0 has no vendor-statement category).
- ``remediations`` -> ``vulnerabilities[].remediations`` (categories are CSAF's) with the
  ids of the named products' affected versions, or of every affected / under-investigation
  product when none is named; the generated "update to the fixed version" entries are kept
  for products no explicit ``vendor_fix`` covers. So every affected product has a
  remediation (optional test 6.2.2). A remediation without any product to point at (no
  product at all) becomes a vulnerability note instead (mandatory test 6.1.29 forbids one
  without products).
- ``kind: informational``: ``csaf_informational_advisory``, which may not have
  ``vulnerabilities`` (mandatory test 6.1.27.3): vendor statuses and remediations become
  document notes; the product tree stays (it names what the notice is about). The profile
  needs an ``external`` reference (6.1.27.2); without one the document is ``csaf_base``.
- A ``csaf_base`` document (no affected product) whose vendor statuses now give product
  statuses becomes a ``csaf_security_advisory``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from advpub.model import Advisory, Remediation, VendorStatus

STATUS_LABELS = {
    "affected": "Affected",
    "not_affected": "Not affected",
    "under_investigation": "Under investigation",
    "unknown": "No response",
}
_PRODUCT_STATUS = {
    "affected": "known_affected",
    "not_affected": "known_not_affected",
    "under_investigation": "under_investigation",
}


def _same(name: str) -> str:
    return " ".join(name.split()).casefold()


def _products(branch: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(product_name branch name or "", full product) for every product under ``branch``."""
    stack: list[tuple[str, dict[str, Any]]] = [("", branch)]
    while stack:
        product_name, node = stack.pop()
        if node.get("category") == "product_name":
            product_name = str(node.get("name", ""))
        if isinstance(node.get("product"), dict):
            yield product_name, node["product"]
        for child in reversed(node.get("branches", [])):
            stack.append((product_name, child))


def _all_ids(doc: dict[str, Any]) -> set[str]:
    tree = doc.get("product_tree", {})
    ids = {p["product_id"] for b in tree.get("branches", []) for _, p in _products(b)}
    ids |= {p["product_id"] for p in tree.get("full_product_names", [])}
    return ids


class _Tree:
    """The document's product tree, read by vendor and product name."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.used = _all_ids(doc)

    def vendor_branch(self, vendor: str) -> dict[str, Any] | None:
        for branch in self.doc.get("product_tree", {}).get("branches", []):
            if branch.get("category") == "vendor" and _same(str(branch["name"])) == _same(vendor):
                found: dict[str, Any] = branch
                return found
        return None

    def vendor_ids(self, vendor: str) -> list[str]:
        branch = self.vendor_branch(vendor)
        return [p["product_id"] for _, p in _products(branch)] if branch else []

    def product_ids(self, vendor: str | None, product: str) -> list[str]:
        branches = self.doc.get("product_tree", {}).get("branches", [])
        if vendor is not None:
            found = self.vendor_branch(vendor)
            branches = [found] if found else []
        return [p["product_id"] for b in branches for name, p in _products(b) if name == product]

    def add_vendor_product(self, vendor: str) -> str:
        number = len(self.used) + 1
        while f"CSAFPID-{number:04d}" in self.used:
            number += 1
        pid = f"CSAFPID-{number:04d}"
        self.used.add(pid)
        tree = self.doc.setdefault("product_tree", {})
        tree.setdefault("branches", []).append(
            {
                "category": "vendor",
                "name": vendor,
                "product": {"name": f"{vendor} products", "product_id": pid},
            }
        )
        return pid


def vendor_status_text(status: VendorStatus) -> str:
    """``Affected. Updated 2020-10-01. <statement> <url>`` for a note."""
    parts = [f"{STATUS_LABELS[status.status]}."]
    if status.updated is not None:
        parts.append(f"Updated {status.updated.isoformat()}.")
    if status.statement:
        parts.append(status.statement.strip())
    if status.url:
        parts.append(status.url)
    return " ".join(parts)


def _vendor_note(status: VendorStatus) -> dict[str, str]:
    return {
        "category": "other",
        "title": f"Vendor status: {status.vendor}",
        "text": vendor_status_text(status),
    }


def _remediation_note(item: Remediation) -> dict[str, str]:
    text = item.details.strip()
    if item.products:
        text += f" (Products: {', '.join(item.products)})"
    if item.url:
        text += f" {item.url}"
    return {"category": "other", "title": f"Remediation: {item.category}", "text": text}


def apply_coordination(doc: dict[str, Any], adv: Advisory) -> None:
    """Add vendor statuses, remediations and the informational category to ``doc``."""
    if adv.is_informational:
        _informational(doc, adv)
        return
    if not adv.vendor_status and not adv.remediations:
        return
    tree = _Tree(doc)
    for vuln in doc.get("vulnerabilities", []):
        _vendor_statuses(vuln, adv, tree)
        _remediations(vuln, adv, tree)
    has_status = any(v.get("product_status") for v in doc.get("vulnerabilities", []))
    if doc["document"]["category"] == "csaf_base" and has_status:
        doc["document"]["category"] = "csaf_security_advisory"
    # A product tree added here goes before the vulnerabilities, as in every other document.
    if "vulnerabilities" in doc:
        doc["vulnerabilities"] = doc.pop("vulnerabilities")


def _informational(doc: dict[str, Any], adv: Advisory) -> None:
    document = doc["document"]
    external = any(r.get("category") == "external" for r in document.get("references", []))
    document["category"] = "csaf_informational_advisory" if external else "csaf_base"
    document["notes"].append(
        {
            "category": "general",
            "title": "Informational advisory",
            "text": f"This is an informational advisory ({adv.informational}), not a "
            "vulnerability report.",
        }
    )
    document["notes"].extend(_vendor_note(s) for s in adv.vendor_status)
    document["notes"].extend(_remediation_note(r) for r in adv.remediations)
    doc.pop("vulnerabilities", None)


def _vendor_statuses(vuln: dict[str, Any], adv: Advisory, tree: _Tree) -> None:
    status = vuln.setdefault("product_status", {})
    listed = {pid for ids in status.values() for pid in ids}
    for entry in adv.vendor_status:
        vuln.setdefault("notes", []).append(_vendor_note(entry))
        key = _PRODUCT_STATUS.get(entry.status)
        if key is None:
            continue
        ids = [pid for pid in tree.vendor_ids(entry.vendor) if pid not in listed]
        if not tree.vendor_ids(entry.vendor):
            ids = [tree.add_vendor_product(entry.vendor)]
        if not ids:
            continue
        status.setdefault(key, []).extend(ids)
        listed.update(ids)
        if entry.status == "not_affected":
            details = entry.statement or f"{entry.vendor} reports no affected products."
            vuln.setdefault("threats", []).append(
                {"category": "impact", "details": details.strip(), "product_ids": ids}
            )
    if not status:
        vuln.pop("product_status")


def _remediations(vuln: dict[str, Any], adv: Advisory, tree: _Tree) -> None:
    status = vuln.get("product_status", {})
    open_ids = [*status.get("known_affected", []), *status.get("under_investigation", [])]
    explicit: list[dict[str, Any]] = []
    for item in adv.remediations:
        ids = _remediation_ids(item, adv, tree, open_ids) if item.products else list(open_ids)
        if not ids:
            vuln.setdefault("notes", []).append(_remediation_note(item))
            continue
        entry: dict[str, Any] = {"category": item.category, "details": item.details.strip()}
        entry["product_ids"] = ids
        if item.url:
            entry["url"] = item.url
        explicit.append(entry)
    fixed_by_vendor = {
        pid for e in explicit if e["category"] == "vendor_fix" for pid in e["product_ids"]
    }
    generated = [
        r for r in vuln.get("remediations", []) if not set(r["product_ids"]) <= fixed_by_vendor
    ]
    if generated or explicit:
        vuln["remediations"] = generated + explicit


def _remediation_ids(
    item: Remediation, adv: Advisory, tree: _Tree, open_ids: list[str]
) -> list[str]:
    ids: list[str] = []
    for affected in adv.affected:
        if affected.product in item.products or (affected.package or "") in item.products:
            for pid in tree.product_ids(affected.vendor, affected.product):
                if pid in open_ids and pid not in ids:
                    ids.append(pid)
    return ids

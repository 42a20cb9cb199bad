"""OSV: the coordination keys of issue 19, in ``database_specific`` (OSV has no field for
them).

- ``kind: informational``: ``database_specific.kind`` = ``"informational"`` and
  ``database_specific.informational`` (``unmaintained`` / ``unsound`` / ``notice``), the
  way RustSec marks its informational advisories. Vulnerabilities add nothing (the default).
- ``vendor_status``: ``database_specific.vendor_status``, one object per vendor with the
  front matter's keys (``updated`` as ``YYYY-MM-DD``).
- ``remediations``: ``database_specific.remediations`` at the top level, not per
  ``affected`` entry: a remediation may name several products, some of which (firmware,
  appliances) have no OSV ``affected`` entry at all.
"""

from __future__ import annotations

from typing import Any

from advpub.model import Advisory


def coordination_specific(adv: Advisory) -> dict[str, Any]:
    """The ``database_specific`` keys for kind, vendor status and remediations."""
    specific: dict[str, Any] = {}
    if adv.is_informational:
        specific["kind"] = adv.kind
        specific["informational"] = adv.informational
    if adv.vendor_status:
        specific["vendor_status"] = [
            _present(
                vendor=s.vendor,
                status=s.status,
                statement=s.statement,
                updated=s.updated.isoformat() if s.updated else None,
                url=s.url,
            )
            for s in adv.vendor_status
        ]
    if adv.remediations:
        specific["remediations"] = [
            _present(
                category=r.category,
                details=r.details,
                url=r.url,
                products=list(r.products) or None,
            )
            for r in adv.remediations
        ]
    return specific


def _present(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}

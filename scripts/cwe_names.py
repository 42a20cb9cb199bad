#!/usr/bin/env python3
"""Write ``src/advpub/exports/cwe_names.json`` from the installed ``cwe2`` catalogue.

Run after upgrading ``cwe2``: ``python scripts/cwe_names.py``. Until then the exports read
the catalogue's CSV files (correct, only slower), and ``tests/exports/test_cwe_names.py``
fails to remind you.
"""

from __future__ import annotations

from advpub.exports.cwe_names import (
    SHIPPED,
    catalogue_names,
    catalogue_version,
    shipped_document,
)


def main() -> int:
    """Regenerate the shipped table."""
    SHIPPED.write_text(shipped_document(catalogue_names(), catalogue_version()), encoding="utf-8")
    print(f"wrote {SHIPPED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""URL slugs shared by listing pages and per-listing feeds (one definition, many users).

Contract (site, feeds and exports rely on it):
- vendor/product listing: ``products/<slug>/``, feeds ``feeds/products/<slug>.xml`` / ``.json``
- severity listing: ``severity/<level>/`` (``critical``, ``high``, ``medium``, ``low``, ``none``),
  feeds ``feeds/severity/<level>.xml`` / ``.json``
- CWE listing: ``cwe/<cwe-id lower>/``; year archive: ``<YYYY>/``
- site-wide feeds: ``feed.xml`` (Atom), ``rss.xml`` (RSS 2.0), ``feed.json``, ``jvnrss.rdf``
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_UNSAFE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A stable ASCII slug; text with no ASCII letters (e.g. Japanese) gets a short hash."""
    normal = unicodedata.normalize("NFKC", text).lower()
    ascii_part = _UNSAFE.sub("-", normal.encode("ascii", "ignore").decode()).strip("-")
    if ascii_part and normal.isascii():
        return ascii_part
    digest = hashlib.sha256(normal.encode("utf-8")).hexdigest()[:8]
    return f"{ascii_part}-{digest}" if ascii_part else digest


def product_slug(vendor: str | None, product: str) -> str:
    """Slug of a vendor/product pair."""
    return slugify(f"{vendor} {product}" if vendor else product)

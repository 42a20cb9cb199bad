"""URL slugs shared by listing pages and per-listing feeds (one definition, many users).

Contract (site, feeds and exports rely on it):
- vendor/product listing: ``products/<slug>/``, feeds ``feeds/products/<slug>.xml`` / ``.json``
- severity listing: ``severity/<level>/`` (``critical``, ``high``, ``medium``, ``low``, ``none``),
  feeds ``feeds/severity/<level>.xml`` / ``.json``
- CWE listing: ``cwe/<cwe-id lower>/``; year archive: ``<YYYY>/``
- site-wide feeds: ``feed.xml`` (Atom), ``rss.xml`` (RSS 2.0), ``feed.json``, ``jvnrss.rdf``

A product slug keeps the letters and digits of every script (``株式会社サンプル-さくらビューア``;
browsers show it as written and percent-encode it on the wire), so readers can tell a product
from its URL. It depends only on the names, so it is the same in every build; two different
products whose names give the same slug are told apart by :func:`assign_product_slugs`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# Everything but letters and digits (of any script) separates words; "_" too.
_SEPARATORS = re.compile(r"[\W_]+")
# Long names are cut (file names are limited to 255 bytes; a kanji takes 3 in UTF-8) and
# given a digest of the whole name, so two long names sharing a beginning stay apart.
MAX_READABLE = 60


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def slugify(text: str) -> str:
    """A stable, readable slug: lower case, words joined by ``-``, any script kept."""
    normal = unicodedata.normalize("NFKC", text).lower()
    readable = _SEPARATORS.sub("-", normal).strip("-")
    if not readable:
        return _digest(normal)
    if len(readable) > MAX_READABLE:
        return f"{readable[:MAX_READABLE].rstrip('-')}-{_digest(normal)}"
    return readable


def product_identity(vendor: str | None, product: str) -> tuple[str, str]:
    """What makes two affected entries the same product: the vendor and product names
    without differences of case, width or spacing."""

    def normal(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().split())

    return (normal(vendor or ""), normal(product))


def product_slug(vendor: str | None, product: str) -> str:
    """Slug of a vendor/product pair (before telling colliding products apart)."""
    return slugify(f"{vendor} {product}" if vendor else product)


def assign_product_slugs(
    products: Iterable[tuple[tuple[str, str], str]],
) -> dict[tuple[str, str], str]:
    """The slug of each product identity, from ``(identity, plain slug)`` pairs given oldest
    product first.

    When different products share a plain slug (``Example Corp`` + ``Router`` and
    ``Example`` + ``Corp Router``), the oldest keeps it and the others get a digest of their
    identity appended: adding a product never changes the URL of an existing one, and two
    products never share a listing.
    """
    slugs: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for identity, plain in products:
        if identity in slugs:
            continue
        slug = plain
        if slug in taken:
            slug = f"{plain}-{_digest(chr(0).join(identity))}"
        slugs[identity] = slug
        taken.add(slug)
    return slugs

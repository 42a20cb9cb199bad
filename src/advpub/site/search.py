"""The search index entries of advisory pages: ids, CVEs, aliases, title, summary and
products (not bodies, so the index the browser downloads and builds on every visit stays
small).

Material's search plugin is told to skip advisory pages (it would index every section of
every body); after it wrote ``search/search_index.json``, :func:`merge_entries` appends
these entries, one per advisory. Ids, CVEs and aliases are tags, which Material's search
boosts far above titles and text, so an exact id or CVE finds its advisory first.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from advpub.jsonio import dumps
from advpub.model import Advisory

# The browser builds the index on every visit and its time grows with the indexed text. At
# 5,000 advisories in headless Chromium (median of 5) the first result took 1.9-2.0 s with
# the first 100 characters of the body added to the text, 1.5-1.6 s without them, and
# 0.95 s with no text at all. Bodies are therefore not indexed.
INDEX_FILE = ("search", "search_index.json")
_WORD = re.compile(r"\w+")


def product_words(adv: Advisory) -> str:
    """The words of the vendor and product names that neither the title nor the summary has
    already (every extra character costs the reader's browser time)."""
    known = set(_WORD.findall(f"{adv.title} {adv.summary}".casefold()))
    words: list[str] = []
    for affected in adv.affected:
        for word in affected.label.split():
            parts = _WORD.findall(word.casefold())
            if parts and all(p in known for p in parts):
                continue
            words.append(word)
            known.update(parts)
    return " ".join(words)


def search_entry(adv: Advisory, location: str) -> dict[str, Any]:
    """One search index entry for an advisory page at ``location`` (site-relative URL).

    Material shows ``title``, ``text`` and ``tags`` as HTML, so all three are escaped here
    (an alias is front matter text like any other field).
    """
    # Ids, CVEs and aliases are tags (indexed and boosted): not repeated in the text.
    parts = [adv.summary.strip(), product_words(adv)]
    return {
        "location": location,
        "title": html.escape(adv.title),
        "text": html.escape(" ".join(p for p in parts if p)),
        "tags": [html.escape(ident) for ident in adv.identifiers],
    }


def merge_entries(site_dir: Path, entries: Sequence[dict[str, Any]]) -> bool:
    """Append ``entries`` to the search index in ``site_dir``; False when there is none
    (search disabled, or an index format this does not know)."""
    path = site_dir.joinpath(*INDEX_FILE)
    if not path.is_file():
        return False
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("docs"), list):
        return False
    data["docs"].extend(entries)
    # UTF-8 instead of \u escapes: Japanese text takes half the bytes.
    path.write_bytes(dumps(data, indent=False))
    return True

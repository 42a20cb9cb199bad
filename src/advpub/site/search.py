"""The search index entries of advisory pages: ids, CVEs, aliases, title, products, summary
and the lead of the body (not whole bodies, so the index the browser downloads and builds
on every visit stays small).

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

from advpub.model import Advisory

# Of the body's text, after the summary. The browser builds the index on every visit and its
# time grows with the text: 240 characters took 2.0-2.5 s to the first result at 5,000
# advisories in headless Chromium, one word 1.3-1.6 s.
LEAD_CHARS = 100
INDEX_FILE = ("search", "search_index.json")
_TAG = re.compile(r"<[^>]*>")


def body_lead(body_html: str, limit: int = LEAD_CHARS) -> str:
    """The first ``limit`` characters of the text of ``body_html`` (tags removed)."""
    text = " ".join(html.unescape(_TAG.sub(" ", body_html)).split())
    return text[:limit]


def search_entry(adv: Advisory, location: str, body_html: str) -> dict[str, Any]:
    """One search index entry for an advisory page at ``location`` (site-relative URL).

    Material shows ``title`` and ``text`` as HTML, so both are escaped here.
    """
    products = " ".join(dict.fromkeys(a.label for a in adv.affected))
    # Ids, CVEs and aliases are tags (indexed and boosted): not repeated in the text.
    parts = [adv.summary, products, body_lead(body_html)]
    return {
        "location": location,
        "title": html.escape(adv.title),
        "text": html.escape(" ".join(p for p in parts if p)),
        "tags": list(adv.identifiers),
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
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    return True

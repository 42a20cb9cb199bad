"""The search index entries of advisory pages: ids, CVEs, aliases, title, summary and
products (not bodies, so the index the browser downloads and builds on every visit stays
small).

Material's search plugin is told to skip advisory pages (it would index every section of
every body); after it wrote ``search/search_index.json``, :func:`merge_entries` appends
these entries, one per advisory. Ids, CVEs and aliases are tags, which Material's search
boosts far above titles and text. ``text`` is the summary alone (it is the result
snippet); product words the title and summary lack go into a field of their own,
``keywords``, which is indexed but never shown.

Exact identifiers and Japanese text are answered in the reader's browser by
``assets/javascripts/workers/advpub-search-worker.js`` (in front of Material's worker, which
it runs as a worker of its own): an identifier finds the advisories carrying it and nothing
else; Japanese words are matched as substrings of the normalised title, summary, products
and identifiers. Until lunr has built its index (most of the time to the first result), a
word query is answered there too, by the words lunr's query would match; lunr's answer
then replaces it. Lunr therefore needs
no Japanese tokens: :func:`merge_entries` drops the ``ja`` language (whose segmenter was most
of the index's build time in the browser and split product names such as さくらビューア
into parts no typed query matched) and makes Japanese characters separators. Measured
against a segmenter and character bigrams in benchmarks/RESULTS.md ("Japanese search").

Every language version of an advisory (a linked translation is a page of its own) has an
entry, so a Japanese reader finds the English page by its English title and an English
reader the Japanese text. The versions share their identifiers: :func:`index_entries` marks
every version but the one listings show (the site's language, else the primary) with
``"alternate": true``, and the worker answers an exact identifier with that one alone.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from advpub.jsonio import dumps
from advpub.model import Advisory
from advpub.site.languages import in_language

# The browser builds the index on every visit and its time grows with the indexed text. At
# 5,000 advisories in headless Chromium (median of 5) the first result took 1.9-2.0 s with
# the first 100 characters of the body added to the text, 1.5-1.6 s without them, and
# 0.95 s with no text at all. Bodies are therefore not indexed.
INDEX_FILE = ("search", "search_index.json")
_WORD = re.compile(r"\w+")
# Han, kana, CJK punctuation and full-width forms, as advpub-search-worker.js and
# advpub.model.folding see them: separators for lunr, matched by the worker itself.
WIDE_CHARACTERS = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
KEYWORDS_FIELD = "keywords"
# Below the title (1e3), above the summary (1): a product name is a strong hint.
KEYWORDS_BOOST = 10.0
# Marks an entry of a language version listings do not show (advpub-search-worker.js).
ALTERNATE_KEY = "alternate"


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
    # Ids, CVEs and aliases are tags (indexed and boosted): not repeated in the text. The
    # text is the snippet readers see: the summary only.
    entry: dict[str, Any] = {
        "location": location,
        "title": html.escape(adv.title),
        "text": html.escape(adv.summary.strip()),
        "tags": [html.escape(ident) for ident in adv.identifiers],
    }
    keywords = product_words(adv)
    if keywords:
        entry[KEYWORDS_FIELD] = html.escape(keywords)
    return entry


def index_entries(
    advisories: Sequence[Advisory],
    translations: Mapping[str, Sequence[Advisory]],
    lang: str,
    entries: Mapping[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The entries (``entries`` by :attr:`Advisory.page_key`) of every language version, in
    the order of ``advisories``: each advisory's version in ``lang`` (else the primary)
    first, its other versions after it marked as alternates (see the module). The mark is
    added here, not stored with the page's entry: it changes when a translation is added."""
    ordered: list[dict[str, Any]] = []
    for adv in advisories:
        versions = (adv, *translations.get(adv.id, ()))
        shown = in_language([adv], translations, lang)[0].page_key
        for version in sorted(versions, key=lambda v: v.page_key != shown):
            entry = entries.get(version.page_key)
            if entry is not None:
                ordered.append(
                    entry if version.page_key == shown else {**entry, ALTERNATE_KEY: True}
                )
    return ordered


def index_config(config: dict[str, Any]) -> dict[str, Any]:
    """Material's index configuration as advpub's search needs it (see the module)."""
    shaped = dict(config)
    languages = [lang for lang in config.get("lang", []) if lang != "ja"]
    shaped["lang"] = languages or ["en"]
    separator = str(config.get("separator") or r"[\s\-]+")
    shaped["separator"] = f"(?:{separator})|[{WIDE_CHARACTERS}]+"
    # Tokens are Latin only now, so lunr's trimmer (which strips every non-ASCII
    # character) is safe, and "(CVE" or "device." index as words. No stemmer: Material
    # appends a wildcard to every typed word and lunr does not stem wildcard terms, so
    # "scripting*" would miss the stem "script" (Material's own English default has none;
    # the Japanese "stemmer" it replaces did nothing).
    pipeline = [fn for fn in config.get("pipeline") or [] if fn != "stemmer"]
    shaped["pipeline"] = pipeline if "trimmer" in pipeline else ["trimmer", *pipeline]
    fields = dict(config.get("fields") or {})
    fields[KEYWORDS_FIELD] = {"boost": KEYWORDS_BOOST}
    shaped["fields"] = fields
    return shaped


def merge_entries(site_dir: Path, entries: Sequence[dict[str, Any]]) -> bool:
    """Append ``entries`` to the search index in ``site_dir``; False when there is none
    (search disabled, or an index format this does not know)."""
    path = site_dir.joinpath(*INDEX_FILE)
    if not path.is_file():
        return False
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("docs"), list):
        return False
    if isinstance(data.get("config"), dict):
        data["config"] = index_config(data["config"])
    data["docs"].extend(entries)
    # UTF-8 instead of \u escapes: Japanese text takes half the bytes.
    path.write_bytes(dumps(data, indent=False))
    return True

"""The leak guard's prefilter finds exactly what the plain exact matcher finds."""

from __future__ import annotations

import random
import re
import unicodedata

from advpub.leaks import LeakTerm, LeakTerms, _skeleton, _term_regex, decoded_views

TERMS = [
    LeakTerm("id", "ADV-2026-0001", "ADV-2026-0001"),
    LeakTerm("id", "ADV-2026-00012", "ADV-2026-00012"),
    LeakTerm("cve", "ADV-2026-0001", "CVE-2026-1234"),
    LeakTerm("cve", "ADV-2026-00012", "CVE-2026-12345"),
    LeakTerm("alias", "ADV-2026-0001", "JVN#12345678"),
    LeakTerm("title", "ADV-2026-0001", "Heap overflow in the Frobnicator daemon"),
    LeakTerm("title", "ADV-2026-00012", "さくらビューアにおけるクロスサイトスクリプティング"),
    LeakTerm("title", "ADV-2026-00013", "overflow in the Frobnicator"),
]
PIECES = [
    "ADV-2026-0001",
    "ADV-2026-00012",
    "adv-2026-000123",
    "CVE-2026-1234",
    "cve-2026-12345",
    "JVN#12345678",
    "heap  OVERFLOW in\nthe frobnicator DAEMON",
    "Heap overflow in the Frobnicator",
    "さくらビューアにおけるクロスサイトスクリプティング",
    "これはさくらビューアにおけるクロスサイトスクリプティングです",
    "&amp;",
    "%20",
    "<b>",
    "x",
    "-",
    " ",
    "\n",
    "Ä",
    "9",
]


def reference(terms: list[LeakTerm], text: str) -> set[str]:
    """The guard without its prefilter: every term's exact matcher over every view."""
    found: set[str] = set()
    for term in terms:
        key = _skeleton(unicodedata.normalize("NFKC", term.text))
        regex = re.compile(_term_regex(key), re.IGNORECASE)
        if any(regex.search(view) for view in decoded_views(text)):
            found.add(key)
    return found


def test_prefilter_agrees_with_the_exact_matcher_on_random_texts() -> None:
    rng = random.Random(7)
    terms = LeakTerms(TERMS)
    hits = 0
    for _ in range(400):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        expected = reference(TERMS, text)
        found = {_skeleton(unicodedata.normalize("NFKC", t.text)) for t in terms.find(text)}
        assert found == expected, text
        hits += bool(expected)
    assert hits > 100  # the random texts do exercise matches


def test_overlapping_and_prefix_terms_are_all_found() -> None:
    terms = LeakTerms(TERMS)
    text = "Heap overflow in the Frobnicator daemon; ADV-2026-0001 and ADV-2026-00012."
    kinds = sorted((t.draft_id, t.kind) for t in terms.find(text))
    assert kinds == [
        ("ADV-2026-0001", "id"),
        ("ADV-2026-0001", "title"),
        ("ADV-2026-00012", "id"),
        ("ADV-2026-00013", "title"),
    ]
    assert [t.draft_id for t in terms.find("overflow in the frobnicator")] == ["ADV-2026-00013"]


def test_no_terms_and_clean_text_find_nothing() -> None:
    assert LeakTerms([]).find("ADV-2026-0001") == []
    assert LeakTerms(TERMS).find_bytes(b"ADV-2026-00011 CVE-2026-123456 <html>") == []

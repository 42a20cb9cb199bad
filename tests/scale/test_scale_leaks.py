"""The leak scanner's prefilter finds exactly what the plain exact matcher finds."""

from __future__ import annotations

import random
import re

from advpub.leaks import LeakTerm, LeakTerms, _alternative, _normalize

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
    "x",
    "-",
    " ",
    "\n",
    "Ä",
    "9",
]


def reference(terms: list[LeakTerm], text: str) -> list[tuple[LeakTerm, int]]:
    """The scanner before the prefilter: one exact alternation over the raw text."""
    by_text: dict[str, LeakTerm] = {}
    for term in terms:
        by_text.setdefault(_normalize(term.text), term)
    pattern = "|".join(_alternative(t) for t in sorted(by_text, key=len, reverse=True))
    found: dict[str, tuple[LeakTerm, int]] = {}
    for match in re.finditer(pattern, text, re.IGNORECASE):
        key = _normalize(match.group(0))
        if key in by_text and key not in found:
            found[key] = (by_text[key], text.count("\n", 0, match.start()) + 1)
    return list(found.values())


def test_prefilter_agrees_with_the_exact_matcher_on_random_texts() -> None:
    rng = random.Random(7)
    terms = LeakTerms(TERMS)
    hits = 0
    for _ in range(400):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        expected = reference(TERMS, text)
        assert terms.locate(text) == expected, text
        assert terms.find(text) == [term for term, _line in expected], text
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
    ]
    # A term inside another's match is found wherever it stands alone.
    assert [t.draft_id for t in terms.find("overflow in the frobnicator")] == ["ADV-2026-00013"]


def test_no_terms_and_clean_text_find_nothing() -> None:
    assert LeakTerms([]).find("ADV-2026-0001") == []
    assert LeakTerms(TERMS).find_bytes(b"ADV-2026-00011 CVE-2026-123456 <html>") == []

"""The leak scanner's matching rules (advpub.leaks), on plain strings."""

from __future__ import annotations

from advpub.leaks import LeakHit, LeakTerm, LeakTerms

ID = LeakTerm("id", "ADV-2026-0042", "ADV-2026-0042")
CVE = LeakTerm("cve", "ADV-2026-0042", "CVE-2026-424242")
TITLE_EN = LeakTerm("title", "ADV-2026-0042", "Heap overflow in the frobnicator daemon")
TITLE_JA = LeakTerm("title", "ADV-2026-0043", "フロブニケータにおけるヒープオーバーフローの脆弱性")
TERMS = LeakTerms([ID, CVE, TITLE_EN, TITLE_JA])


def test_ids_match_whole_words_only() -> None:
    assert TERMS.find("see ADV-2026-0042.") == [ID]
    assert TERMS.find("see ADV-2026-00421 and XADV-2026-0042 and ADV-2026-00420") == []
    # A suffix after a separator still names the draft (a tag `ADV-2026-0042-fixed` leaks).
    assert TERMS.find("ADV-2026-0042-b") == [ID]
    assert TERMS.find("のADV-2026-0042について") == [ID]


def test_titles_match_across_case_and_line_breaks() -> None:
    assert TERMS.locate("x\nA HEAP overflow in the\n  Frobnicator daemon!") == [(TITLE_EN, 2)]


def test_japanese_titles_match_inside_japanese_sentences() -> None:
    text = "本日、フロブニケータにおけるヒープオーバーフローの脆弱性が修正されました。"
    assert TERMS.find(text) == [TITLE_JA]


def test_each_term_is_reported_once_at_its_first_line() -> None:
    assert TERMS.locate("CVE-2026-424242\nCVE-2026-424242\n") == [(CVE, 1)]


def test_hit_messages_never_contain_the_term() -> None:
    hit = LeakHit("README.md", TITLE_EN)
    assert str(hit) == (
        "README.md: mentions the title of embargoed draft ADV-2026-0042; remove it until "
        "that advisory is released"
    )
    assert hit.message == str(hit).removeprefix("README.md: ")


def test_no_terms_find_nothing() -> None:
    empty = LeakTerms([])
    assert not empty
    assert empty.find("ADV-2026-0042") == []
    assert empty.locate("ADV-2026-0042") == []

"""`LeakTerms.redact`: what `publish` prints never carries an embargoed term."""

from __future__ import annotations

from advpub.leaks import LeakTerm, LeakTerms
from advpub.logguard import without_ids


def redact_line(line: str, terms: LeakTerms) -> str:
    return terms.redact(line)


TERMS = LeakTerms(
    [
        LeakTerm("id", "ADV-2026-0002", "ADV-2026-0002"),
        LeakTerm("cve", "ADV-2026-0002", "CVE-2026-55555"),
        LeakTerm("title", "ADV-2026-0002", "Quoll canary race in the bootloader"),
    ]
)


def test_terms_are_replaced_in_any_case_and_spacing() -> None:
    line = "see cve-2026-55555 and QUOLL canary  race in\tthe bootloader, ok"
    assert redact_line(line, TERMS) == "see [embargoed] and [embargoed], ok"


def test_a_line_without_terms_is_unchanged() -> None:
    assert redact_line("released 1: ADV-2026-0001", TERMS) == "released 1: ADV-2026-0001"


def test_ids_stay_when_the_report_names_drafts_by_id() -> None:
    line = "ADV-2026-0002: held (CVE-2026-55555)"
    assert redact_line(line, without_ids(TERMS)) == "ADV-2026-0002: held ([embargoed])"
    assert redact_line(line, TERMS) == "[embargoed]: held ([embargoed])"

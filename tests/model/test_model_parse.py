"""Every validation rule of the advisory format, with the exact message users see."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from advpub.model import DEFAULT_ID_PATTERN, ModelOptions, parse_advisory
from tests.conftest import advisory_text

PATH = "advisories/ADV-2026-0001.md"
OPTIONS = ModelOptions(timezone=ZoneInfo("Asia/Tokyo"))


def problems(text: str | bytes, expected_id: str | None = "ADV-2026-0001") -> list[str]:
    result = parse_advisory(text, path=PATH, options=OPTIONS, expected_id=expected_id)
    return [str(v) for v in result.violations]


def rules(text: str | bytes) -> list[tuple[str, str]]:
    result = parse_advisory(text, path=PATH, options=OPTIONS, expected_id="ADV-2026-0001")
    return [(v.field, v.rule) for v in result.violations]


def test_valid_advisory_parses_with_computed_scores() -> None:
    text = advisory_text(
        extra=(
            "cve: [CVE-2026-1234]\ncwe: [CWE-78]\naliases: ['JVN#12345678']\n"
            "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
            "  - vector: CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\n"
            "affected:\n  - vendor: Example\n    product: Router\n    fixed: 1.2.3\n"
            "references:\n  - url: https://example.org/a\n    type: advisory\n"
        )
    )
    result = parse_advisory(text, path=PATH, options=OPTIONS, expected_id="ADV-2026-0001")
    assert result.violations == ()
    adv = result.advisory
    assert adv is not None
    assert [(c.version, c.base_score, c.severity) for c in adv.cvss] == [
        ("3.1", 9.8, "Critical"),
        ("4.0", 9.3, "Critical"),
    ]
    assert adv.severity == "Critical"
    assert adv.release_date == datetime(2026, 1, 15, 0, 0, tzinfo=UTC)
    assert adv.identifiers == ("ADV-2026-0001", "CVE-2026-1234", "JVN#12345678")
    assert adv.body.startswith("## Overview")


def test_yaml_syntax_error_reports_line() -> None:
    text = "---\nid: ADV-2026-0001\ntitle: [unclosed\nsummary: x\n---\n"
    assert problems(text) == [
        f"{PATH}:4: front matter: YAML syntax error: expected ',' or ']', but got ':' (column 8)"
    ]


def test_duplicate_keys_are_refused_with_both_lines() -> None:
    text = advisory_text(extra="title: second title\n")
    assert f"{PATH}:9: title: duplicate key (first on line 3); keep only one" in problems(text)


def test_unknown_key_suggests_the_intended_one() -> None:
    text = advisory_text(extra="fix_verifed: true\ncwes: [CWE-79]\n")
    assert problems(text) == [
        f"{PATH}:9: fix_verifed: unknown key; did you mean `fix`?",
        f"{PATH}:10: cwes: unknown key; did you mean `cwe`?",
    ]


def test_unknown_nested_key_suggests() -> None:
    text = advisory_text(verified=False).replace("  verified: false\n", "  verifed: false\n")
    assert problems(text) == [
        f"{PATH}:6: fix.verified: required key is missing; add `verified: true` or "
        "`verified: false`",
        f"{PATH}:7: fix.verifed: unknown key; did you mean `verified`?",
    ]


def test_missing_required_keys_are_all_reported() -> None:
    text = "---\nid: ADV-2026-0001\n---\nbody\n"
    assert problems(text) == [
        f"{PATH}:2: fix: required key is missing; add `fix:` with `verified: true` or "
        "`verified: false`",
        f"{PATH}:2: release_date: required key is missing; add `release_date:` (YYYY-MM-DD "
        "or an ISO 8601 date-time)",
        f"{PATH}:2: summary: required key is missing; add a one-paragraph `summary:`",
        f"{PATH}:2: title: required key is missing; add a one-line `title:`",
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("cve: CVE-2026-1234\n", "cve: must be a list, not a string (write `- item` lines)"),
        ("cvss: {vector: x}\n", "cvss: must be a list of mappings, not a mapping"),
        ("scope: [product]\n", "scope: must be a string, not a list"),
        ("approvals: [{a: b}]\n", "approvals[0]: must be a string, not a mapping"),
    ],
)
def test_wrong_types(extra: str, expected: str) -> None:
    assert problems(advisory_text(extra=extra)) == [f"{PATH}:9: {expected}"]


def test_verified_must_be_boolean_and_verified_by_required() -> None:
    text = advisory_text(verified=False).replace("verified: false", "verified: 'soon'")
    assert problems(text) == [f"{PATH}:7: fix.verified: must be true or false, not a string"]
    text = advisory_text().replace("  verified_by: Example Corp PSIRT\n", "")
    assert problems(text) == [
        f"{PATH}:6: fix.verified_by: required when `verified: true`; name who verified the fix"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "2026-02-30 is not a real date; check month and day"),
        (
            "2026-13-01T09:00:00+09:00",
            "2026-13-01T09:00:00+09:00 is not a real date-time; check the date, hour and offset",
        ),
        (
            "'next week'",
            "'next week' is not a date or date-time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+09:00",
        ),
        (
            "20260101",
            "a number is not a date or date-time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+09:00",
        ),
    ],
)
def test_impossible_dates(value: str, message: str) -> None:
    text = advisory_text(release_date=value)
    assert problems(text) == [f"{PATH}:5: release_date: {message}"]


def test_id_pattern_filename_and_path_like() -> None:
    assert problems(advisory_text(ident="adv-1")) == [
        f"{PATH}:2: id: 'adv-1' does not match the id pattern {DEFAULT_ID_PATTERN}"
    ]
    assert problems(advisory_text(ident="ADV-2026-0002")) == [
        f"{PATH}:2: id: 'ADV-2026-0002' differs from the file name 'ADV-2026-0001'; rename "
        "the file to ADV-2026-0002.md or correct the id"
    ]
    assert problems(advisory_text(ident="../x")) == [
        f"{PATH}:2: id: '../x' looks like a path; use an id like ADV-2026-0001"
    ]


def test_configurable_id_pattern() -> None:
    options = ModelOptions(id_pattern=re.compile(r"^JVNDB-\d{4}-\d{6}$"))
    result = parse_advisory(advisory_text(ident="JVNDB-2026-000123"), path="x.md", options=options)
    assert result.violations == ()


def test_malformed_cve_cwe_cvss_and_urls() -> None:
    text = advisory_text(
        extra=(
            "cve: [CVE-26-1]\ncwe: [CWE-0, XSS]\n"
            "cvss:\n  - vector: CVSS:3.1/AV:X/AC:L\n  - vector: AV:N/AC:L\n"
            "references:\n  - url: javascript:alert(1)\n  - url: /relative\n"
        )
    )
    assert problems(text) == [
        f"{PATH}:9: cve[0]: 'CVE-26-1' is not a CVE id; use CVE-YYYY-NNNN",
        f"{PATH}:10: cwe[0]: 'CWE-0' is not a CWE id; use CWE-N (e.g. CWE-79)",
        f"{PATH}:10: cwe[1]: 'XSS' is not a CWE id; use CWE-N (e.g. CWE-79)",
        f'{PATH}:12: cvss[0].vector: invalid CVSS vector: Unknown value "X" in field "AV:X"',
        f"{PATH}:13: cvss[1].vector: must start with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/",
        f"{PATH}:15: references[0].url: only absolute http:// and https:// URLs are allowed "
        "(got javascript:)",
        f"{PATH}:16: references[1].url: only absolute http:// and https:// URLs are allowed "
        "(got no scheme)",
    ]


def test_typed_cvss_score_must_match_vector() -> None:
    text = advisory_text(
        extra="cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n    score: 7.5\n"
    )
    assert problems(text) == [
        f"{PATH}:11: cvss[0].score: 7.5 does not match the vector's base score 9.8; remove "
        "`score` or correct it"
    ]


def test_enums() -> None:
    text = advisory_text(extra="tlp: WHITE\nscope: site\ncredits:\n  - name: A\n    type: hacker\n")
    assert rules(text) == [("tlp", "enum"), ("scope", "enum"), ("credits[0].type", "enum")]
    assert (
        f"{PATH}:9: tlp: 'WHITE' is not allowed; use one of: CLEAR, GREEN, AMBER, "
        "AMBER+STRICT, RED" in problems(text)
    )


def test_not_utf8() -> None:
    data = advisory_text().encode("utf-8").replace(b"Example Router", b"Example \xff")
    assert problems(data) == [
        f"{PATH}:3: file: not valid UTF-8 (byte 0xff at offset 38); save the file as UTF-8"
    ]


def test_no_front_matter_and_non_mapping() -> None:
    assert problems("# Just Markdown\n") == [
        f"{PATH}:1: front matter: no YAML front matter; start the file with a line `---`, "
        "the keys, then a closing `---`"
    ]
    assert problems("---\n- a\n- b\n---\n") == [
        f"{PATH}:2: front matter: front matter must be a mapping of keys to values, not a list"
    ]
    assert problems("---\n---\nbody\n") == [
        f"{PATH}:2: front matter: front matter must be a mapping of keys to values, not empty"
    ]


def test_yaml_is_loaded_safely() -> None:
    text = advisory_text(extra="aliases: !!python/object/apply:os.system ['true']\n")
    assert rules(text) == [("front matter", "yaml-syntax")]


def test_aliases_and_anchors_refused() -> None:
    text = advisory_text(extra="aliases: &a [X]\napprovals: *a\n")
    assert rules(text) == [("approvals", "yaml-alias")]


def test_huge_front_matter_refused_quickly() -> None:
    text = "---\n" + "a: " + "x" * 1_000_000 + "\n---\n"
    assert rules(text) == [("front matter", "size")]


def test_every_problem_reported_at_once() -> None:
    text = (
        "---\nid: ../../etc\ntitle: |\n  a\n  b\nsummary: ''\nrelease_date: 2026-02-31\n"
        "fix: {verified: true}\ncve: [bad]\nbogus: 1\n---\n"
    )
    assert rules(text) == [
        ("id", "id-path"),
        ("title", "one-line"),
        ("summary", "empty"),
        ("release_date", "date"),
        ("fix.verified_by", "missing-key"),
        ("cve[0]", "cve-format"),
        ("bogus", "unknown-key"),
    ]


def test_timezone_resolution_of_date_only_and_naive_values() -> None:
    tokyo = ModelOptions(timezone=ZoneInfo("Asia/Tokyo"))
    new_york = ModelOptions(timezone=ZoneInfo("America/New_York"))
    cases = [
        (tokyo, "2026-12-01", datetime(2026, 11, 30, 15, 0, tzinfo=UTC)),
        (tokyo, "2026-12-01T09:30:00", datetime(2026, 12, 1, 0, 30, tzinfo=UTC)),
        (tokyo, "2026-12-01T09:30:00Z", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
        (tokyo, "2026-12-01 09:30:00 -05:00", datetime(2026, 12, 1, 14, 30, tzinfo=UTC)),
        (new_york, "2026-07-01", datetime(2026, 7, 1, 4, 0, tzinfo=UTC)),
        (new_york, "2026-12-01", datetime(2026, 12, 1, 5, 0, tzinfo=UTC)),
        # 02:30 does not exist on 2026-03-08 in New York: never earlier than 03:30 EDT.
        (new_york, "2026-03-08T02:30:00", datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        # 01:30 happens twice on 2026-11-01: the later one, so the embargo is not shortened.
        (new_york, "2026-11-01T01:30:00", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    ]
    for options, value, expected in cases:
        result = parse_advisory(advisory_text(release_date=value), path=PATH, options=options)
        assert result.advisory is not None, (value, result.violations)
        assert result.advisory.release_date == expected, value


def test_violation_redaction_hides_values() -> None:
    text = advisory_text(extra="cve: [CVE-SECRET-CANARY]\n")
    result = parse_advisory(text, path=PATH, options=OPTIONS)
    (violation,) = result.violations
    assert "CANARY" in violation.message
    assert "CANARY" not in str(violation.redacted())
    assert str(violation.redacted()) == (
        f"{PATH}:9: cve[0]: a CVE id is malformed (details hidden for an embargoed draft)"
    )


def test_withdrawn_revisions_and_modified() -> None:
    text = advisory_text(
        extra=(
            "published: 2026-01-15T09:00:00+09:00\n"
            "revisions:\n  - date: 2026-02-01\n    summary: second\n"
            "  - date: 2026-01-20\n    summary: first\n"
            "withdrawn:\n  date: 2026-03-01T00:00:00Z\n  reason: duplicate\n"
        )
    )
    result = parse_advisory(text, path=PATH, options=OPTIONS)
    adv = result.advisory
    assert adv is not None
    assert [r.summary for r in adv.revisions] == ["first", "second"]
    assert adv.is_withdrawn
    assert adv.modified_at == datetime(2026, 3, 1, tzinfo=UTC)


def test_control_characters_are_named() -> None:
    text = advisory_text(extra="note: a\x1fb\n")
    assert problems(text) == [
        f"{PATH}:9: front matter: character U+001F is not allowed in YAML; remove it"
    ]

"""The editor schema (`advpub schema`) and the parser give the same verdicts: both are built
from advpub.model.fields and advpub.model.aliases (issue 15: they had drifted apart on
fractions of seconds and a lowercase `z`)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from advpub.model import ModelOptions, parse_advisory
from advpub.model.schema import front_matter_schema

BASE: dict[str, Any] = {
    "id": "ADV-2026-0001",
    "title": "Example Router: command injection",
    "summary": "An attacker can run commands.",
    "release_date": "2026-01-15",
    "fix": {"verified": True, "verified_by": "Example PSIRT"},
}

CASES: list[tuple[str, Any, bool]] = [
    ("release_date", "2026-01-15", True),
    ("release_date", "2026-01-15T09:00:00+09:00", True),
    ("release_date", "2026-01-15T09:00:00.123456Z", True),
    ("release_date", "2026-01-15T09:00:00.5z", True),
    ("release_date", "2026-01-15 09:00", True),
    ("release_date", "2026-01-15T09:00:00+0900", True),
    ("release_date", "2026-01-15T09:00:00.1234567Z", False),
    ("release_date", "9999-12-31T23:59:59", False),
    ("release_date", "0001-01-01", False),
    ("release_date", "2026-13-01", False),
    ("release_date", "2026-01-15T24:00:00Z", False),
    ("release_date", "2026/01/15", False),
    ("release_date", "2026-1-5", False),
    ("published", "2026-01-16T00:00:00z", True),
    ("fix", {"verified": True, "verified_by": "X", "verified_on": "2026-01-01"}, True),
    ("fix", {"verified": True, "verified_by": "X", "verified_on": "2026-01-01T00:00:00Z"}, False),
    ("fix", {"verified": "yes"}, False),
    ("cve", ["CVE-2026-1234"], True),
    ("cve", ["CVE-2026-123"], False),
    ("cve", ["cve-2026-1234"], False),
    ("cwe", ["CWE-79"], True),
    ("cwe", ["CWE-0"], False),
    ("aliases", ["JVN#12345678", "JVNVU#98765432", "JVNDB-2026-000123"], True),
    ("aliases", ["GHSA-abcd-efgh-ijkl", "ghsa-2c8m-w4hq-9fqx"], True),
    ("aliases", ["PYSEC-2006-1", "VU#123456", "Synology-SA-26:01"], True),
    ("aliases", ["JVNVU#1<img src=x onerror=alert(1)>"], False),
    ("aliases", ["jvn#12345678"], False),
    ("aliases", ["JVN#1234"], False),
    ("aliases", ["two words"], False),
    ("lang", "ja", True),
    ("lang", "en-US", True),
    ("lang", "japanese1", False),
    ("references", [{"url": "https://example.org/a", "type": "advisory"}], True),
    ("references", [{"url": "HTTPS://EXAMPLE.ORG"}], True),
    ("references", [{"url": "ftp://example.org/a"}], False),
    ("references", [{"url": "https://example.org", "type": "blog"}], False),
    ("tlp", "CLEAR", True),
    ("tlp", "WHITE", False),
    ("scope", "website", True),
    ("affected", [{"product": "Router", "purl": "pkg:npm/left-pad@1.0.0"}], True),
    ("affected", [{"product": "Router", "purl": "npm/left-pad"}], False),
    ("affected", [{"vendor": "Example"}], False),
    # Issue 19: precise affected data.
    ("affected", [{"product": "A", "cpe": ["cpe:2.3:a:joomla:joomla\\!:*:*:*:*:*:*:*:*"]}], True),
    ("affected", [{"product": "A", "cpe": "cpe:2.3:a:joomla:joomla!:*:*:*:*:*:*:*:*"}], False),
    ("affected", [{"product": "A", "versions": ["1.0", "1.1"]}], True),
    ("affected", [{"product": "A", "versions": []}], False),
    (
        "affected",
        [{"product": "A", "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}],
        True,
    ),
    (
        "affected",
        [{"product": "A", "ranges": [{"type": "semver", "events": [{"introduced": "0"}]}]}],
        False,
    ),
    (
        "affected",
        [{"product": "A", "ranges": [{"type": "GIT", "events": [{"introduced": "0"}]}]}],
        False,
    ),
    (
        "affected",
        [
            {
                "product": "A",
                "ranges": [
                    {"type": "GIT", "repo": "https://g.example/r", "events": [{"fixed": "abc"}]}
                ],
            }
        ],
        False,
    ),
    (
        "affected",
        [
            {
                "product": "A",
                "fixed": "1.0",
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
            }
        ],
        False,
    ),
    ("affected", [{"product": "A", "fixed": "1.0", "last_affected": "0.9"}], False),
    ("affected", [{"product": "A", "ecosystem_specific": {"x": [1]}}], True),
    (
        "affected",
        [{"product": "A", "cvss": ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]}],
        True,
    ),
    ("related", ["GHSA-2c8m-w4hq-9fqx"], True),
    ("upstream", ["two words"], False),
    ("credits", [{"name": "A", "type": "sponsor", "contact": ["mailto:a@example.org"]}], True),
    ("references", [{"url": "https://example.org/a", "type": "evidence"}], True),
    ("title", "Line one\nline two", False),
    ("unknown_key", "x", False),
]


def _parser_accepts(data: dict[str, Any]) -> bool:
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\nBody\n"
    result = parse_advisory(text, path="ADV-2026-0001.md", options=ModelOptions())
    return result.advisory is not None and not result.violations


def _schema_accepts(data: dict[str, Any]) -> bool:
    validator = jsonschema.Draft202012Validator(front_matter_schema())
    return not list(validator.iter_errors(json.loads(json.dumps(data))))


@pytest.mark.parametrize(("key", "value", "valid"), CASES, ids=[f"{k}={v!r}" for k, v, _ in CASES])
def test_parser_and_schema_agree(key: str, value: Any, valid: bool) -> None:
    data = {**BASE, key: value}
    assert _parser_accepts(data) is valid
    assert _schema_accepts(data) is valid


def test_a_missing_required_key_is_refused_by_both() -> None:
    data = {k: v for k, v in BASE.items() if k != "summary"}
    assert not _parser_accepts(data)
    assert not _schema_accepts(data)


def test_the_schema_itself_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(front_matter_schema())


WAIVER = {"basis": "already-public", "approved_by": ["Alice", "Bob"]}


def test_waive_fix_verification_is_early_release_under_a_clearer_name() -> None:
    unverified = {**BASE, "fix": {"verified": False}}
    for key in ("early_release", "waive_fix_verification"):
        data = {**unverified, key: WAIVER}
        assert _parser_accepts(data)
        assert _schema_accepts(data)
        text = "---\n" + yaml.safe_dump(data, sort_keys=False) + "---\nBody\n"
        advisory = parse_advisory(text, path="ADV-2026-0001.md", options=ModelOptions()).advisory
        assert advisory is not None and advisory.early_release is not None
        assert advisory.early_release.approved_by == ("Alice", "Bob")
    both = {
        **unverified,
        "early_release": WAIVER,
        "waive_fix_verification": {"basis": "exploited", "approved_by": ["Carol", "Dan"]},
    }
    assert not _schema_accepts(both)
    text = "---\n" + yaml.safe_dump(both, sort_keys=False) + "---\nBody\n"
    result = parse_advisory(text, path="ADV-2026-0001.md", options=ModelOptions())
    assert [str(v) for v in result.violations] == [
        "ADV-2026-0001.md:13: waive_fix_verification: early_release and waive_fix_verification "
        "are the same key (a waiver of the fix verification); keep one"
    ]


def test_the_schema_says_the_waiver_is_of_the_fix_verification_only() -> None:
    props = front_matter_schema()["properties"]
    expected = (
        "Waives the fix verification only: the advisory may be released without a verified "
        "fix (fix.verified: false), and never before its release_date. Needs a basis and the "
        "approvals the site requires (plugins.advpub.early_release_approvals). "
        "`waive_fix_verification` and `early_release` are the same key; use one."
    )
    assert props["early_release"]["description"] == expected
    assert props["waive_fix_verification"]["description"] == expected

"""Aliases are plain identifiers of a documented shape, never markup (issue 14, item 3)."""

from __future__ import annotations

import json

import pytest

from advpub.model import ModelOptions, parse_advisory
from tests.conftest import advisory_text


def _aliases(*aliases: str) -> tuple[list[tuple[str, str, str]], tuple[str, ...]]:
    items = "".join(f"  - {json.dumps(a)}\n" for a in aliases)
    text = advisory_text("ADV-2026-0001", extra=f"aliases:\n{items}")
    result = parse_advisory(text, path="a.md", options=ModelOptions())
    problems = [(v.field, v.rule, v.message) for v in result.violations]
    kept = result.advisory.aliases if result.advisory is not None else ()
    return problems, kept


@pytest.mark.parametrize(
    "alias",
    [
        "JVN#12345678",
        "JVNVU#98765432",
        "JVNTA#12345678",
        "JVNDB-2026-000123",
        "GHSA-2c8m-w4hq-9fqx",
        "ghsa-2c8m-w4hq-9fqx",
        "PYSEC-2006-1",
        "RUSTSEC-2026-0001",
        "GO-2026-1234",
        "VU#123456",
        "cisco-sa-20260101-smi2",
        "Synology-SA-26:01",
    ],
)
def test_known_schemes_and_vendor_ids_are_accepted(alias: str) -> None:
    assert _aliases(alias) == ([], (alias,))


@pytest.mark.parametrize(
    ("alias", "reason"),
    [
        (
            "JVNVU#1<img src=x onerror=alert(1)>",
            "'JVNVU#1<img src=x onerror=alert(1)>' is not a valid alias: it does not match "
            "the JVNVU pattern JVNVU#12345678",
        ),
        (
            "JVN#1234",
            "'JVN#1234' is not a valid alias: it does not match the JVN pattern JVN#12345678",
        ),
        (
            "vendor <b>id</b>",
            "'vendor <b>id</b>' is not a valid alias: it contains markup characters; use a known "
            "scheme (JVN#12345678, JVNVU#12345678, JVNDB-2026-000123, GHSA-xxxx-xxxx-xxxx) or a "
            "vendor/OSV id of letters, digits and . _ : # / + - (e.g. PYSEC-2026-1, VU#123456)",
        ),
        (
            "two words",
            "'two words' is not a valid alias: it is not one identifier; use a known scheme "
            "(JVN#12345678, JVNVU#12345678, JVNDB-2026-000123, GHSA-xxxx-xxxx-xxxx) or a "
            "vendor/OSV id of letters, digits and . _ : # / + - (e.g. PYSEC-2026-1, VU#123456)",
        ),
    ],
)
def test_markup_and_malformed_aliases_are_refused(alias: str, reason: str) -> None:
    problems, kept = _aliases(alias)
    assert problems == [("aliases[0]", "alias-format", reason)]
    assert alias not in kept

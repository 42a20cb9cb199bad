"""Out-of-range dates are a violation of their field, never a crash (issue #14, item 14)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from advpub.model import ModelOptions, parse_advisory
from tests.conftest import advisory_text

PATH = "embargo/ADV-2026-0001.md"
NEW_YORK = ModelOptions(timezone=ZoneInfo("America/New_York"))
RANGE = "is out of range; use a year between 1970 and 2999"


def problems(text: str) -> list[str]:
    result = parse_advisory(text, path=PATH, options=NEW_YORK, expected_id="ADV-2026-0001")
    assert result.advisory is None
    return [str(v) for v in result.violations]


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59",  # naive, read in New York: 10000-01-01 in UTC overflowed
        "9999-12-31T23:59:59-05:00",
        "9999-12-31",
        "3000-01-01",
        "0001-01-01T00:00:00+09:00",  # a placeholder: its UTC instant is before year 1
        "0001-01-01",
        "1969-12-31T23:59:59Z",
    ],
)
def test_release_date_out_of_range_is_a_violation(value: str) -> None:
    assert problems(advisory_text(release_date=value)) == [
        f"{PATH}:5: release_date: {value} {RANGE}"
    ]


@pytest.mark.parametrize(
    ("extra", "line", "field", "value"),
    [
        ("published: 9999-12-31T23:59:59\n", 9, "published", "9999-12-31T23:59:59"),
        (
            "revisions:\n  - date: 9999-12-31T23:59:59\n    summary: later\n",
            10,
            "revisions[0].date",
            "9999-12-31T23:59:59",
        ),
        (
            "withdrawn:\n  date: 0001-01-01\n  reason: duplicate\n",
            10,
            "withdrawn.date",
            "0001-01-01",
        ),
    ],
)
def test_every_date_field_is_range_checked(extra: str, line: int, field: str, value: str) -> None:
    assert problems(advisory_text(extra=extra)) == [f"{PATH}:{line}: {field}: {value} {RANGE}"]


def test_fix_verified_on_is_range_checked() -> None:
    text = advisory_text(verified=False).replace(
        "fix:\n  verified: false\n", "fix:\n  verified: false\n  verified_on: 9999-12-31\n"
    )
    assert problems(text) == [f"{PATH}:8: fix.verified_on: 9999-12-31 {RANGE}"]


def test_the_ends_of_the_range_are_accepted() -> None:
    for value in ("1970-01-01T00:00:00", "2999-12-31T23:59:59"):
        result = parse_advisory(
            advisory_text(release_date=value), path=PATH, options=NEW_YORK, expected_id=None
        )
        assert result.violations == ()

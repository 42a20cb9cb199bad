"""Reading dates and instants from front matter values, time-zone exact."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo

from advpub.model.fields import DATE_SHAPE, TIME_SHAPE

_DATE_ONLY = re.compile(f"^{DATE_SHAPE}$")
_DATE_TIME = re.compile(f"^{DATE_SHAPE}{TIME_SHAPE}$")


# Dates outside these years are typing mistakes or placeholders (0001-01-01, 9999-12-31),
# never a real release; near the ends of `datetime`'s range a time-zone conversion overflows,
# so they are refused here, as a violation of the field, before any arithmetic.
MIN_YEAR = 1970
MAX_YEAR = 2999


class DateValueError(ValueError):
    """The value is not a usable date or instant; the message says why."""


def _in_range(value: date, shown: str) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DateValueError(
            f"{shown} is out of range; use a year between {MIN_YEAR} and {MAX_YEAR}"
        )


def parse_date(value: object) -> date:
    """A calendar date from ``YYYY-MM-DD`` (a string, or a date PyYAML already built)."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif not isinstance(value, str) or not _DATE_ONLY.match(value.strip()):
        raise DateValueError(f"{_show(value)} is not a date; use YYYY-MM-DD")
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise DateValueError(
                f"{value.strip()} is not a real date; check month and day"
            ) from None
    _in_range(day, value.strip() if isinstance(value, str) else day.isoformat())
    return day


def parse_instant(value: object, zone: tzinfo) -> datetime:
    """An aware instant (in UTC) from a date or date-time value.

    With an offset it is that instant; without one (date-only or naive date-time) it is
    read in ``zone``, date-only meaning 00:00 there.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time(0, 0))
    elif isinstance(value, str) and _DATE_ONLY.match(value.strip()):
        parsed = datetime.combine(parse_date(value), time(0, 0))
    elif isinstance(value, str) and _DATE_TIME.match(value.strip()):
        text = value.strip().replace(" ", "T", 1).replace(" ", "")
        if text.endswith("z"):
            text = text[:-1] + "Z"  # RFC 3339 allows a lowercase z; Python reads only Z
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise DateValueError(
                f"{value.strip()} is not a real date-time; check the date, hour and offset"
            ) from None
    else:
        raise DateValueError(
            f"{_show(value)} is not a date or date-time; use YYYY-MM-DD or "
            "YYYY-MM-DDTHH:MM:SS+09:00"
        )
    # Checked on the wall time, before any conversion can overflow.
    _in_range(parsed, value.strip() if isinstance(value, str) else parsed.isoformat())
    if parsed.tzinfo is None:
        parsed = _localize(parsed, zone)
    # Normalised to UTC: comparing aware datetimes across zones is unsafe around DST folds
    # (PEP 495), and every instant is compared in UTC anyway. Show it in the site zone.
    return parsed.astimezone(UTC)


def _localize(naive: datetime, zone: tzinfo) -> datetime:
    """Attach ``zone``; a wall time skipped by a DST jump moves forward, never back."""
    # An ambiguous (fall back) or nonexistent (spring forward) wall time has two readings;
    # take the later instant so an embargo is never shortened.
    latest = max(naive.replace(tzinfo=zone, fold=fold).timestamp() for fold in (0, 1))
    return datetime.fromtimestamp(latest, zone)


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


def format_iso_utc(instant: datetime) -> str:
    """ISO 8601 in UTC with ``Z``, to the second."""
    # Not strftime: glibc's %Y writes year 1 as "1", not "0001" (issue 19: OSV
    # `published: "1-01-01T00:00:00Z"`). The parser refuses such years; this stays exact.
    u = instant.astimezone(UTC)
    return f"{u.year:04d}-{u:%m-%dT%H:%M:%S}Z"

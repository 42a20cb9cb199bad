"""How the gate shows instants to people: site zone, UTC, and "in 3 days"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from advpub.model.timeutil import format_iso_utc

_UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))


def to_second(instant: datetime) -> datetime:
    """``instant`` in UTC with the fraction of a second dropped (the gate's resolution)."""
    return instant.astimezone(UTC).replace(microsecond=0)


def ceil_to_second(instant: datetime) -> datetime:
    """``instant`` in UTC rounded UP to the second, so a release is never early."""
    whole = to_second(instant)
    return whole + timedelta(seconds=1) if instant.microsecond else whole


def format_local(instant: datetime, zone: tzinfo) -> str:
    """``2026-12-01 09:00 JST`` (seconds shown only when not zero)."""
    local = instant.astimezone(zone)
    pattern = "%Y-%m-%d %H:%M:%S %Z" if local.second else "%Y-%m-%d %H:%M %Z"
    return local.strftime(pattern)


def format_both(instant: datetime, zone: tzinfo) -> str:
    """``2026-12-01 09:00 JST (2026-12-01T00:00:00Z)``."""
    return f"{format_local(instant, zone)} ({format_iso_utc(instant)})"


def format_iso_local(instant: datetime, zone: tzinfo) -> str:
    """ISO 8601 in ``zone`` with its offset, to the second (``2026-12-01T09:00:00+09:00``)."""
    return instant.astimezone(zone).replace(microsecond=0).isoformat()


def relative(instant: datetime, now: datetime) -> str:
    """``in 3 days``, ``2 hours ago`` or ``now``: the largest whole unit, rounded down."""
    seconds = int((to_second(instant) - to_second(now)).total_seconds())
    if seconds == 0:
        return "now"
    size = abs(seconds)
    for unit_seconds, name in _UNITS:
        if size >= unit_seconds:
            count = size // unit_seconds
            text = f"{count} {name}{'' if count == 1 else 's'}"
            return f"in {text}" if seconds > 0 else f"{text} ago"
    return "now"  # pragma: no cover - size >= 1 always matches seconds

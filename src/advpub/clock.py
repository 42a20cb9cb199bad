"""The one clock: the real time, or an override (``--now``, ``ADVPUB_NOW``) that looks back.

An override later than the real clock would let a command judge the gate in the future:
``ADVPUB_NOW=2030-... advpub publish --push`` would release and push every draft due before
2030. So an override may move the clock back for anything that commits, pushes, builds or
checks, and forward only for read-only looks ahead (``status``, ``release --dry-run``, the
``mkdocs serve`` preview), which ask for it with ``look_ahead=True``. Every command and the
MkDocs plugin take their instant from :func:`resolve_now`; nothing else reads the override.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from advpub.errors import ConfigError

NOW_ENV = "ADVPUB_NOW"


class ClockError(ConfigError):
    """An override of the clock is malformed or looks ahead where that is not allowed."""


def _real_clock() -> datetime:
    return datetime.now(UTC)


def real_now() -> datetime:
    """The real clock, never an override: what ``publish --until`` waits for."""
    return _real_clock()


def parse_override(text: str, source: str) -> datetime:
    """An aware instant from an override; ``source`` (``--now`` or ``ADVPUB_NOW``) names it."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(
            f"{source}: {text!r} is not an ISO 8601 instant; use e.g. 2026-12-01T09:00:00+09:00"
        ) from None
    if value.tzinfo is None:
        raise ClockError(
            f"{source}: {text!r} has no UTC offset; add one (e.g. +09:00 or Z) so the instant "
            "is exact"
        )
    return value


def resolve_now(
    override: str | None = None,
    *,
    look_ahead: bool,
    environ: Mapping[str, str] | None = None,
    clock: Callable[[], datetime] = _real_clock,
) -> datetime:
    """The instant to judge the gate at: ``override`` (``--now``), else ``ADVPUB_NOW``, else the
    real clock; always timezone-aware.

    Without ``look_ahead`` an override later than the real clock is refused (see the module
    docstring): only read-only looks ahead may pass ``look_ahead=True``.
    """
    env = os.environ if environ is None else environ
    if override:
        text, source = override, "--now"
    else:
        text, source = env.get(NOW_ENV, "").strip(), NOW_ENV
    real = clock()
    if not text:
        return real
    value = parse_override(text, source)
    if not look_ahead and value > real:
        raise ClockError(
            f"{source} {text.strip()}: later than the real clock ({real:%Y-%m-%dT%H:%M:%SZ}); "
            "overrides may only look back for commands that commit, push, build or check; "
            "use `advpub status` or `release --dry-run` to look ahead"
        )
    return value

"""Helpers shared by the command modules: settings, the clock, output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime

from advpub.config import Settings, load_settings
from advpub.errors import AdvpubError, NotAvailableError

NOW_ENV = "ADVPUB_NOW"


def add_now_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--now`` (an ISO 8601 instant replacing the clock)."""
    parser.add_argument(
        "--now",
        metavar="INSTANT",
        default=None,
        help=f"pretend the time is INSTANT (ISO 8601 with offset); default ${NOW_ENV} or the clock",
    )


def parse_now(text: str, source: str) -> datetime:
    """An aware instant from ``--now`` or ``ADVPUB_NOW``; naive values are refused."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AdvpubError(
            f"{source}: {text!r} is not an ISO 8601 instant; use e.g. 2026-12-01T09:00:00+09:00"
        ) from None
    if value.tzinfo is None:
        raise AdvpubError(
            f"{source}: {text!r} has no UTC offset; add one (e.g. +09:00 or Z) so the instant "
            "is exact"
        )
    return value


def resolve_now(args: argparse.Namespace | None = None) -> datetime:
    """``--now``, else ``ADVPUB_NOW``, else the clock; always timezone-aware."""
    given = getattr(args, "now", None) if args is not None else None
    if given:
        return parse_now(given, "--now")
    env = os.environ.get(NOW_ENV)
    if env:
        return parse_now(env, NOW_ENV)
    return datetime.now(UTC)


def settings() -> Settings:
    """Settings of the repository at or above the current folder."""
    return load_settings()


def print_json(data: object) -> None:
    """Print ``data`` as indented JSON (UTF-8, not ASCII-escaped)."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def not_available(command: str, issue: str) -> int:
    """Refuse a command that is part of the family but not implemented yet."""
    raise NotAvailableError(f"`advpub {command}` is not available yet ({issue})")

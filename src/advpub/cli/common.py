"""Helpers shared by the command modules: settings, the clock, output."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TextIO

from advpub import clock
from advpub.clock import NOW_ENV
from advpub.config import Settings, load_settings
from advpub.errors import NotAvailableError


def add_now_argument(parser: argparse.ArgumentParser, *, look_ahead: bool = False) -> None:
    """Add ``--now`` (an ISO 8601 instant replacing the clock; see :mod:`advpub.clock`)."""
    direction = "" if look_ahead else " (not later than the real clock)"
    parser.add_argument(
        "--now",
        metavar="INSTANT",
        default=None,
        help=f"pretend the time is INSTANT (ISO 8601 with offset){direction}; "
        f"default ${NOW_ENV} or the clock",
    )


def resolve_now(args: argparse.Namespace | None = None, *, look_ahead: bool = False) -> datetime:
    """``--now``, else ``ADVPUB_NOW``, else the clock; always timezone-aware. An override
    later than the real clock is refused unless the command only looks (``look_ahead``)."""
    given = getattr(args, "now", None) if args is not None else None
    return clock.resolve_now(given, look_ahead=look_ahead)


def is_ci() -> bool:
    """True under CI: any non-empty ``CI`` (GitHub sets ``true``, others ``1`` or ``yes``)."""
    from advpub.logguard import in_ci

    return in_ci()


def shows_draft_details(stream: TextIO) -> bool:
    """May problems of an embargoed draft be shown in full on ``stream``? Only to a person
    at a terminal (who decrypted the draft, so is a recipient), never under CI, whose
    logs may be public, nor into a pipe or file that could end up anywhere."""
    return not is_ci() and stream.isatty()


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

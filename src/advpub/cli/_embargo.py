"""Options and helpers shared by the commands that read or write encrypted drafts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from advpub.cli.common import settings, shows_draft_details
from advpub.config import Settings
from advpub.embargo.identity import Identity, load_identities
from advpub.embargo.store import EmbargoStore
from advpub.model import Violation


def add_identity_argument(parser: argparse.ArgumentParser) -> None:
    """``--identity FILE``: the private key that decrypts drafts."""
    parser.add_argument(
        "--identity",
        "-i",
        metavar="FILE",
        default=None,
        help="age identity or unencrypted SSH private key (default: $ADVPUB_IDENTITY, "
        "$ADVPUB_IDENTITY_FILE, then ~/.config/advpub/identity.txt)",
    )


def identities(args: argparse.Namespace) -> tuple[Identity, ...]:
    """The identities from ``--identity`` or the usual places (an error names them all)."""
    return load_identities(getattr(args, "identity", None)).identities


def open_store() -> tuple[Settings, EmbargoStore]:
    """The repository's settings and its embargo store."""
    config = settings()
    return config, EmbargoStore(config.embargo_path, config.root)


def note(message: str) -> None:
    """One ``advpub:`` line on stderr."""
    print(f"advpub: {message}", file=sys.stderr)


def print_redacted(violations: Sequence[Violation]) -> None:
    """Problems of an embargoed draft on stderr: in full for a recipient at a terminal,
    else with details that could echo the draft hidden (see :func:`shows_draft_details`)."""
    full = shows_draft_details(sys.stderr)
    for violation in violations:
        print(violation if full else violation.redacted(), file=sys.stderr)

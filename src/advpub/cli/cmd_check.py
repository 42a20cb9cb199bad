"""``advpub check``: every rule over the whole repository, every problem at once."""

from __future__ import annotations

import argparse
import sys

from advpub.checks import CheckContext, run_checks
from advpub.cli.common import (
    add_now_argument,
    print_json,
    resolve_now,
    settings,
    shows_draft_details,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--json``, ``--history`` and ``--now``."""
    parser.add_argument("--json", action="store_true", help="print violations as JSON")
    parser.add_argument(
        "--history",
        action="store_true",
        help="also scan every commit reachable from HEAD for plaintext under embargo/",
    )
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Exit 0 with a summary when all is well, else list every violation and exit 1."""
    ctx = CheckContext(
        settings=settings(),
        now=resolve_now(args),
        history=args.history,
        draft_details=not args.json and shows_draft_details(sys.stdout),
    )
    violations = run_checks(ctx)
    for notice in ctx.notices:
        print(f"advpub: note: {notice}", file=sys.stderr)
    if args.json:
        print_json({"violations": [v.to_json() for v in violations]})
        return 1 if violations else 0
    for violation in violations:
        print(violation)
    if violations:
        files = len({v.path for v in violations})
        print(
            f"advpub check: {len(violations)} problem(s) in {files} file(s)",
            file=sys.stderr,
        )
        return 1
    corpus = ctx.cache.get("corpus")
    count = len(corpus.advisories) if corpus is not None else 0
    print(f"advpub check: OK ({count} published advisories)")
    return 0

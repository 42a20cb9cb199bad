"""``advpub build``: the MkDocs build of this repository, gated, plus the leak scan."""

from __future__ import annotations

import argparse
from pathlib import Path

from advpub.cli.common import add_now_argument, resolve_now
from advpub.site.build import build_site


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``-d/--site-dir``, ``--strict``, ``--clean`` and ``--now``."""
    parser.add_argument(
        "-d", "--site-dir", type=Path, default=None, help="output folder (default: site/)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="fail on MkDocs warnings (as `mkdocs build --strict`)"
    )
    parser.add_argument(
        "--clean",
        action="store_true",
        help="write every file again instead of keeping unchanged ones from the last build",
    )
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Build; exit 0 with a summary, or 1 with every problem (the output is then deleted)."""
    # Refuse a bad or future override here, before MkDocs starts; the plugin judges at it.
    now = resolve_now(args)
    # The identity for the leak scan is found as `mkdocs build` finds it, and only when the
    # scan runs (a build with `leak_scan: false` needs none).
    built = build_site(site_dir=args.site_dir, strict=args.strict, clean=args.clean, now=now)
    scan = {
        "passed": "leak scan passed",
        "no-identity": "leak scan skipped: no identity configured",
        "disabled": "leak scan disabled (leak_scan: false)",
    }.get(built.leak_scan, built.leak_scan)
    print(f"advpub build: {built.advisories} advisories in {built.site_dir} ({scan})")
    return 0

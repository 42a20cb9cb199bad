"""``advpub serve``: live preview on 127.0.0.1 (every rebuild passes the release gate)."""

from __future__ import annotations

import argparse

from advpub.site.build import serve_site


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--dev-addr``."""
    parser.add_argument(
        "-a",
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="HOST:PORT",
        help="address to serve on (default 127.0.0.1:8000)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    serve_site(dev_addr=args.dev_addr)
    return 0

"""``advpub preview [ID…]``: embargoed drafts in the site as readers will see them after
release, on 127.0.0.1 only, reloaded when a draft changes (see :mod:`advpub.site.preview`)."""

from __future__ import annotations

import argparse
import signal

from advpub.cli._embargo import add_identity_argument, identities, note, open_store
from advpub.cli.common import add_now_argument, resolve_now
from advpub.embargo.editor import Interrupted
from advpub.pipeline.preview import DraftPreview
from advpub.site.preview import serve_preview


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """IDs, ``--identity``, ``--now`` and ``-a/--dev-addr``."""
    parser.add_argument(
        "ids", metavar="ID", nargs="*", help="the drafts to preview (default: every draft)"
    )
    add_identity_argument(parser)
    add_now_argument(parser, look_ahead=True)
    parser.add_argument(
        "-a",
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="127.0.0.1:PORT",
        help="where to serve the preview (default 127.0.0.1:8000; only 127.0.0.1 is allowed)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve the preview until interrupted (Ctrl-C); the preview is removed on exit."""
    # A read-only look that is never deployed: the clock may look ahead.
    now = resolve_now(args, look_ahead=True)
    config, store = open_store()
    preview = DraftPreview(config, store, identities(args), tuple(args.ids), now)
    preview.load()  # refuse unknown, unreadable or invalid drafts before serving
    try:
        serve_preview(preview.load, root=config.root, dev_addr=args.dev_addr, watch=[store.folder])
    except Interrupted as exc:
        # Ctrl-C is how a preview ends; other signals keep their exit status.
        note("preview stopped; its temporary folder was removed")
        return 0 if exc.signum == signal.SIGINT else exc.exit_code
    return 0

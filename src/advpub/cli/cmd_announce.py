"""``advpub announce ID``: the mailing-list announcement of a released advisory.

Reads only the published advisories under ``advisories/``; the release gate decides as for
``advpub export`` (a draft or an advisory the gate holds is refused), and the leak guard
sees the bytes before they are printed or written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from advpub.cli.cmd_export import find_advisory, guard_exports, page_url
from advpub.cli.common import add_now_argument, resolve_now, settings
from advpub.config import CONFIG_FILE, Settings
from advpub.embargo.store import EmbargoStore
from advpub.errors import ExportError
from advpub.fsutil import atomic_write_bytes
from advpub.model import Advisory
from advpub.site.announce import (
    Envelope,
    announcement_message,
    announcement_text,
    default_sender,
    message_as_read,
)
from advpub.site.i18n import SUPPORTED_LANGUAGES, language_code


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``ID``, ``--lang``, ``--format``, ``--from``, ``--to``, ``-o FILE``, ``--now``."""
    parser.add_argument("id", metavar="ID", help="id of a released advisory")
    parser.add_argument(
        "--lang",
        choices=SUPPORTED_LANGUAGES,
        default=None,
        help="language of the labels (default: the site's theme language)",
    )
    parser.add_argument(
        "--format",
        choices=("eml", "text"),
        default="eml",
        help="eml: an RFC 5322 message (default); text: the plain-text body only",
    )
    parser.add_argument(
        "--from",
        dest="sender",
        metavar="ADDRESS",
        default=None,
        help="From: (default plugins.advpub.announce.sender, else the publisher's contact)",
    )
    parser.add_argument(
        "--to",
        metavar="ADDRESS",
        action="append",
        default=None,
        help="To: (repeatable; default plugins.advpub.announce.to)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", type=Path, default=None, help="write to FILE"
    )
    add_now_argument(parser)


def _advisory(config: Settings, ident: str, args: argparse.Namespace) -> Advisory:
    store = EmbargoStore(config.embargo_path, config.root)
    if store.exists(ident):
        # Only the id is named: it is already public as the draft's file name.
        raise ExportError(
            f"{ident}: an embargoed draft ({store.shown(store.draft_path(ident))}); "
            "announce it once `advpub release` has published it"
        )
    return find_advisory(config, ident, resolve_now(args))


def _envelope(config: Settings, args: argparse.Namespace) -> Envelope:
    sender = args.sender or config.announce.sender or default_sender(config)
    to = tuple(args.to or config.announce.to)
    missing = []
    if not sender:
        missing.append(
            f"{CONFIG_FILE}: plugins.advpub.announce.sender: no From address; set it (or "
            "publisher.contact to an e-mail address), or pass --from ADDRESS"
        )
    if not to:
        missing.append(
            f"{CONFIG_FILE}: plugins.advpub.announce.to: no To address; set the mailing "
            "list there, or pass --to ADDRESS"
        )
    if missing or sender is None:
        raise ExportError("\n".join(missing))
    return Envelope(sender, to)


def run(args: argparse.Namespace) -> int:
    """Print or write the announcement; exit 0."""
    config = settings()
    adv = _advisory(config, args.id, args)
    language = args.lang or language_code(config.language)
    url = page_url(config, adv)
    if args.format == "text":
        data = announcement_text(adv, config, url, language).encode("utf-8")
        name, read = f"{adv.id}.txt", data
    else:
        message = announcement_message(
            adv, config, url, language, _envelope(config, args), resolve_now(args)
        )
        data = message.as_bytes()
        # The body may be base64 and the subject RFC 2047 words: the guard reads the
        # message decoded, as its readers will.
        name, read = f"{adv.id}.eml", message_as_read(message).encode("utf-8")
    guard_exports(config, adv.id, [(name, read)])
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        atomic_write_bytes(args.output, data)
    except OSError as exc:
        raise ExportError(f"{args.output}: cannot write: {exc.strerror}; check -o FILE") from None
    print(args.output)
    return 0

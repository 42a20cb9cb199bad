"""``advpub import FILE... [--remove] [--replace]``: encrypt plaintext advisories as drafts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from advpub.cli._embargo import add_identity_argument, note, open_store
from advpub.corpus import advisory_files
from advpub.embargo.identity import try_load_identities
from advpub.embargo.importer import import_drafts, plan_import
from advpub.errors import ValidationError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE..., ``--remove``, ``--replace`` and ``--identity``."""
    parser.add_argument("files", metavar="FILE", nargs="+", help="plaintext advisory files")
    parser.add_argument(
        "--remove",
        action="store_true",
        help="delete the plaintext sources once every draft is written and decrypts",
    )
    parser.add_argument(
        "--replace", action="store_true", help="overwrite existing drafts of the same id"
    )
    add_identity_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Validate all, encrypt all, verify, then delete sources when asked."""
    config, store = open_store()
    published = frozenset(path.stem for path in advisory_files(config))
    try:
        items = plan_import(
            store,
            [Path(name) for name in args.files],
            config.model_options,
            replace=args.replace,
            published_ids=published,
        )
    except ValidationError as exc:
        # These are the user's own plaintext files on their terminal: show every detail.
        for violation in exc.violations:
            print(violation, file=sys.stderr)
        note(f"import refused: {len(exc.violations)} problem(s); nothing was encrypted or deleted")
        return 1
    recipients = store.recipients()
    loaded = try_load_identities(args.identity)
    result = import_drafts(
        store,
        items,
        recipients,
        loaded.identities if loaded else None,
        remove_sources=args.remove,
    )
    for item in result.items:
        verb = "replaced" if item.replaces else "imported"
        print(f"{verb} {item.source} -> {store.shown(store.draft_path(item.ident))}")
    if not result.verified_by_decryption:
        note(
            "verified by re-reading the encrypted files (no identity that is a recipient was "
            "available to decrypt them)"
        )
    for source in result.removed:
        print(f"removed {source}")
    return 0

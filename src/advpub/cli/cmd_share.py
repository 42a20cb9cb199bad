"""``advpub share ID NAME…``: let case-only recipients read one draft (re-encrypts it)."""

from __future__ import annotations

import argparse

from advpub.cli._embargo import add_identity_argument, identities, note, open_store
from advpub.embargo.rekey import ShareResult, change_sharing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """ID, one or more NAMEs and ``--identity``."""
    parser.add_argument("id", metavar="ID", help="the draft")
    parser.add_argument(
        "names", metavar="NAME", nargs="+", help="case-only recipients (from recipients.txt)"
    )
    add_identity_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Add the names to the draft's ``share_with`` and re-encrypt it."""
    _, store = open_store()
    result = change_sharing(store, args.id, args.names, identities(args), share=True)
    report(result, "shared", store.shown(store.draft_path(args.id)))
    return 0


def report(result: ShareResult, verb: str, shown: str) -> None:
    """One line per change, then who the draft is encrypted to now."""
    if not result.changed:
        note(f"{shown}: nothing to change; it is shared with {_names(result.shared_with)}")
        return
    print(f"{verb} {result.ident} with {_names(result.changed)}")
    print(
        f"re-encrypted {shown} to {result.recipient_count} recipient(s): the team and "
        f"{_names(result.shared_with) if result.shared_with else 'nobody else'}"
    )


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "nobody"

"""``advpub unshare ID NAME…``: stop sharing one draft (re-encrypts it without them)."""

from __future__ import annotations

import argparse

from advpub.cli._embargo import identities, note, open_store
from advpub.cli.cmd_share import add_arguments as share_arguments
from advpub.cli.cmd_share import report
from advpub.embargo.rekey import change_sharing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """ID, one or more NAMEs and ``--identity``."""
    share_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Remove the names from ``share_with``, re-encrypt, and say what cannot be undone."""
    _, store = open_store()
    result = change_sharing(store, args.id, args.names, identities(args), share=False)
    report(result, "unshared", store.shown(store.draft_path(args.id)))
    for name in result.changed:
        note(
            f"warning: {name} can still read every version they already decrypted or fetched "
            f"(git history keeps the old ciphertext); unsharing protects only what is written "
            "from now on"
        )
    return 0

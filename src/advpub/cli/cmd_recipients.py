"""``advpub recipients list | add KEY [--name NAME] [--case-only] | remove KEY_OR_NAME |
rekey``."""

from __future__ import annotations

import argparse
from pathlib import Path

from advpub.cli._embargo import add_identity_argument, identities, note, open_store
from advpub.embargo.identity import Identity, try_load_identities
from advpub.embargo.rekey import (
    RekeyResult,
    add_recipient,
    current_recipients,
    rekey_drafts,
    remove_recipient,
    shared_drafts,
)
from advpub.embargo.sharing import is_team_member
from advpub.embargo.store import EmbargoStore
from advpub.errors import EmbargoError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The four actions; add, remove and rekey take ``--identity`` to re-encrypt."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help="print every recipient with its kind; for a team member, also the drafts each "
        "case-only recipient can read (ids only)",
    )
    add_identity_argument(listing)
    add = actions.add_parser("add", help="add a public key and re-encrypt every draft")
    add.add_argument("key", metavar="KEY", help="age1… key, SSH public key, or a .pub file")
    add.add_argument("--name", default=None, help="who holds the key (e.g. alice, ci)")
    add.add_argument(
        "--case-only",
        action="store_true",
        help="reads only the drafts shared with NAME (`advpub share ID NAME`), not every draft",
    )
    add_identity_argument(add)
    remove = actions.add_parser("remove", help="remove a key and re-encrypt every draft")
    remove.add_argument("key_or_name", metavar="KEY_OR_NAME")
    add_identity_argument(remove)
    rekey = actions.add_parser(
        "rekey",
        help="re-encrypt every draft to the current list (after a pull changed it)",
    )
    add_identity_argument(rekey)


def key_argument(value: str) -> str:
    """KEY itself, or the first key line of the file it names (e.g. ``id_ed25519.pub``)."""
    if value.startswith(("age1", "ssh-")):
        return value
    path = Path(value).expanduser()
    if not path.is_file():
        if _looks_like_a_file(value):
            raise EmbargoError(
                f"{value}: file not found; give the path of a public key file (.pub) or the "
                "key itself (age1... or ssh-ed25519 ...)"
            )
        return value
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise EmbargoError(f"{path}: cannot read a public key from it") from None
    if "PRIVATE KEY" in text or "AGE-SECRET-KEY" in text:
        raise EmbargoError(f"{path} holds a private key; give the public key (.pub) instead")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    raise EmbargoError(f"{path}: holds no public key")


def _looks_like_a_file(value: str) -> bool:
    """A path rather than a mistyped key: a folder part, ``~`` or a file extension."""
    return "/" in value or value.startswith(("~", ".")) or Path(value).suffix != ""


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action."""
    _, store = open_store()

    def loader() -> tuple[Identity, ...]:
        return identities(args)

    if args.action == "list":
        return _list(store, args)
    if args.action == "add":
        result = add_recipient(
            store, key_argument(args.key), args.name, loader, case_only=args.case_only
        )
        _report("added", result)
        return 0
    if args.action == "rekey":
        _report("", rekey_drafts(store, loader))
        return 0
    result = remove_recipient(store, args.key_or_name, loader)
    _report("removed", result)
    for entry in result.changed:
        who = entry.name or entry.key
        note(
            f"warning: {who} can still read every earlier version in git history and any copy "
            "already fetched; re-encrypting protects only what is written from now on"
        )
    return 0


def _list(store: EmbargoStore, args: argparse.Namespace) -> int:
    """Each line as written, then ``# team`` or ``# case-only`` (a comment, so the line can
    be pasted back). A team member also sees which drafts each case-only recipient can
    read: ids only (public file names), never titles, so it is safe in CI logs too."""
    entries = current_recipients(store)
    if not entries:
        note(f"{store.shown(store.recipients_file)} lists no recipient yet")
        return 0
    loaded = try_load_identities(args.identity)
    keys = loaded.identities if loaded is not None else ()
    readable: dict[str, list[str]] | None = None
    if any(e.case_only for e in entries) and is_team_member(keys, entries):
        readable = shared_drafts(store, keys)
    for entry in entries:
        if not entry.case_only:
            print(f"{entry.render()} # team")
            continue
        if readable is None:
            print(f"{entry.render()} # case-only")
            continue
        ids = readable.get(entry.name or "", [])
        print(f"{entry.render()} # case-only; reads {', '.join(ids) if ids else 'no draft'}")
    return 0


def _report(verb: str, result: RekeyResult) -> None:
    for entry in result.changed:
        print(f"{verb} {entry.render()}")
    print(f"re-encrypted {len(result.drafts)} draft(s) to {len(result.recipients)} recipient(s)")

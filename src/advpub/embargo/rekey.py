"""Changing who can read the drafts: edit recipients.txt and re-encrypt every draft.

Every draft is decrypted and re-encrypted in memory before anything is written, so an
unreadable draft (or any other problem) leaves the folder exactly as it was. Drafts are
written first and recipients.txt last: an interrupted run leaves every draft readable by
the old members and can simply be repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from advpub.embargo.identity import Identity
from advpub.embargo.recipients import (
    CASE_ONLY_MARKER,
    SSH_TYPES,
    RecipientEntry,
    parse_recipient_line,
)
from advpub.embargo.recipients import parse_recipients as _parse
from advpub.embargo.sharing import (
    is_team_member,
    set_share_names,
    share_names,
    shared_recipients,
    unknown_names_message,
)
from advpub.embargo.store import EmbargoStore, encrypt_text
from advpub.errors import EmbargoError
from advpub.fsutil import atomic_write_text
from advpub.layout import DRAFT_SUFFIX

IdentityLoader = Callable[[], Sequence[Identity]]


@dataclass(frozen=True)
class RekeyResult:
    """What changed: the entries added or removed, the new set, the re-encrypted drafts."""

    changed: tuple[RecipientEntry, ...]
    recipients: tuple[RecipientEntry, ...]
    drafts: tuple[str, ...]


def read_recipients_text(store: EmbargoStore) -> str:
    """The text of recipients.txt ("" when it does not exist yet)."""
    try:
        return store.recipients_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError):
        raise EmbargoError(
            f"{store.shown(store.recipients_file)}: cannot read as UTF-8 text"
        ) from None


def current_recipients(store: EmbargoStore) -> list[RecipientEntry]:
    """Every entry of recipients.txt (possibly none); invalid lines are one error."""
    return _parse(read_recipients_text(store), store.shown(store.recipients_file))


def normalize_key(key: str) -> str:
    """The key part of ``key`` as it is compared: ``type data`` for SSH keys."""
    parts = key.split()
    if parts and parts[0] in SSH_TYPES and len(parts) >= 2:
        return f"{parts[0]} {parts[1]}"
    return parts[0] if parts else ""


def looks_secret(value: str) -> bool:
    """True when ``value`` looks like private key material (never echo it back)."""
    upper = value.upper()
    return "AGE-SECRET-KEY-" in upper or "PRIVATE KEY" in upper


def check_name(name: str) -> str:
    """A recipient name: one line, no ``#``, not a key."""
    cleaned = name.strip()
    if (
        not cleaned
        or "#" in cleaned
        or any(ch in cleaned for ch in "\r\n")
        or cleaned.startswith(("age1", *SSH_TYPES))
        or CASE_ONLY_MARKER in cleaned
    ):
        raise EmbargoError(
            f"--name {name!r}: use a short name without `#` or line breaks (e.g. alice)"
        )
    return cleaned


def add_recipient(
    store: EmbargoStore,
    key: str,
    name: str | None,
    load_identities: IdentityLoader,
    *,
    case_only: bool = False,
) -> RekeyResult:
    """Add ``key`` (named ``name``; a case-only recipient when ``case_only``) and re-encrypt
    every draft to the new set."""
    text = read_recipients_text(store)
    entries = _parse(text, store.shown(store.recipients_file))
    line = key.strip()
    if case_only and name is None:
        raise EmbargoError(
            "--case-only needs --name NAME: drafts are shared with a case-only recipient by "
            "name (`advpub share ID NAME`)"
        )
    if name is not None:
        line = f"{normalize_key(line)} {check_name(name)}"
        if case_only:
            line += f" {CASE_ONLY_MARKER}"
    if looks_secret(line):
        raise EmbargoError(
            "KEY is a private key: keep it secret (and consider it exposed if it was shared); "
            "give its public key (age1… or the .pub file)"
        )
    try:
        entry = parse_recipient_line(line, len(text.splitlines()) + 1, "KEY")
    except EmbargoError:
        entry = None
    if entry is None:
        raise EmbargoError(
            "KEY: not a valid age (age1…) or SSH (ssh-ed25519/ssh-rsa) public key, nor a .pub file"
        )
    for other in entries:
        if other.key == entry.key:
            raise EmbargoError(
                f"{store.shown(store.recipients_file)}:{other.line}: this key is already a "
                f"recipient{_named(other)}"
            )
        if entry.name and other.name == entry.name:
            raise EmbargoError(
                f"{store.shown(store.recipients_file)}:{other.line}: the name {entry.name!r} "
                "is already used; choose another with --name"
            )
    new_entries = [*entries, entry]
    drafts = _reencrypt_all(store, new_entries, load_identities)
    new_text = text if not text or text.endswith("\n") else text + "\n"
    _write_recipients(store, new_text + entry.render() + "\n")
    return RekeyResult((entry,), tuple(new_entries), drafts)


def remove_recipient(
    store: EmbargoStore, key_or_name: str, load_identities: IdentityLoader
) -> RekeyResult:
    """Remove the recipient whose key or name is ``key_or_name``; re-encrypt every draft."""
    text = read_recipients_text(store)
    shown = store.shown(store.recipients_file)
    entries = _parse(text, shown)
    wanted = key_or_name.strip()
    matches = [e for e in entries if e.key == normalize_key(wanted) or e.name == wanted]
    if not matches:
        echo = "the given private key" if looks_secret(wanted) else repr(wanted)
        raise EmbargoError(
            f"{shown}: no recipient has the key or name {echo}; see `advpub recipients list`"
        )
    if len(matches) > 1:
        lines = ", ".join(str(m.line) for m in matches)
        raise EmbargoError(f"{shown}: {wanted!r} matches lines {lines}; remove it by its key")
    remaining = [e for e in entries if e not in matches]
    if not remaining:
        raise EmbargoError(
            f"{shown}: refusing to remove the last recipient (nobody could read the drafts); "
            "add the new one first"
        )
    if not any(not e.case_only for e in remaining):
        raise EmbargoError(
            f"{shown}: refusing to remove the last team member (only case-only recipients "
            "would be left, and drafts not shared with them would be unreadable); add the "
            "new team member first"
        )
    dropped = [m.name for m in matches if m.name]
    drafts = _reencrypt_all(store, remaining, load_identities, dropped)
    gone = {m.line for m in matches}
    kept = [
        line for number, line in enumerate(text.splitlines(keepends=True), 1) if number not in gone
    ]
    _write_recipients(store, "".join(kept))
    return RekeyResult(tuple(matches), tuple(remaining), drafts)


def rekey_drafts(store: EmbargoStore, load_identities: IdentityLoader) -> RekeyResult:
    """Re-encrypt every draft to the current recipients.txt, unchanged.

    After a pull brings a changed list, drafts written in the meantime by a clone that
    still had the old list are encrypted to the wrong people; this is the repair.
    """
    entries = store.recipients()
    drafts = _reencrypt_all(store, entries, load_identities)
    return RekeyResult((), tuple(entries), drafts)


def _reencrypt_all(
    store: EmbargoStore,
    recipients: Sequence[RecipientEntry],
    load_identities: IdentityLoader,
    drop_names: Sequence[str] = (),
) -> tuple[str, ...]:
    """Re-encrypt every draft to the team of ``recipients`` plus its own ``share_with``,
    first removing ``drop_names`` from it (a removed recipient is unshared everywhere)."""
    files = store.draft_files()
    if not files:
        return ()
    identities = load_identities()
    plain: list[tuple[Path, str]] = []
    problems: list[str] = []
    for path in files:
        try:
            plain.append((path, store.read_file(path, identities)))
        except EmbargoError as exc:
            problems.append(str(exc))
    if problems:
        raise EmbargoError(
            "nothing was changed: every draft must be readable to re-encrypt it\n"
            + "\n".join(problems)
        )
    sealed: list[tuple[Path, bytes]] = []
    for path, text in plain:
        shown = store.shown(path)
        if drop_names:
            names = share_names(text, shown)
            kept = [n for n in names if n not in drop_names]
            if len(kept) != len(names):
                text = set_share_names(text, kept, shown)
        try:
            chosen = store.recipients_of(path, text, recipients)
        except EmbargoError as exc:
            problems.append(str(exc))
            continue
        sealed.append((path, encrypt_text(text, chosen)))
    if problems:
        raise EmbargoError("nothing was changed:\n" + "\n".join(problems))
    done: list[str] = []
    for path, data in sealed:
        ident = path.name[: -len(DRAFT_SUFFIX)]
        store.write_ciphertext(ident, data)
        done.append(ident)
    return tuple(done)


def _named(entry: RecipientEntry) -> str:
    return f" ({entry.name})" if entry.name else ""


def _write_recipients(store: EmbargoStore, text: str) -> None:
    try:
        atomic_write_text(store.recipients_file, text)
    except OSError as exc:
        raise EmbargoError(
            f"{store.shown(store.recipients_file)}: cannot write ({exc.strerror}); the drafts "
            "were re-encrypted but the list was not changed; free space and run the same "
            "command again"
        ) from None


@dataclass(frozen=True)
class ShareResult:
    """What ``share``/``unshare`` did: the names changed, who the draft is now shared
    with, and how many recipients it is now encrypted to."""

    ident: str
    changed: tuple[str, ...]
    shared_with: tuple[str, ...]
    recipient_count: int


def change_sharing(
    store: EmbargoStore,
    ident: str,
    names: Sequence[str],
    identities: Sequence[Identity],
    *,
    share: bool,
) -> ShareResult:
    """Add ``names`` to (``share``) or remove them from draft ``ident``'s ``share_with`` and
    re-encrypt it to the team plus the new list. Only a team member may do it: a case-only
    recipient must not widen who reads a case."""
    entries = store.recipients()
    shown_list = store.shown(store.recipients_file)
    path = store.draft_path(ident)
    shown = store.shown(path)
    if not is_team_member(identities, entries):
        raise EmbargoError(
            f"{shown}: only a team member (a line of {shown_list} without "
            f"{CASE_ONLY_MARKER}) may change who a draft is shared with"
        )
    plaintext = store.read(ident, identities)
    current = share_names(plaintext, shown)
    wanted = tuple(dict.fromkeys(n.strip() for n in names))
    by_name = {e.name: e for e in entries if e.name}
    if share:
        unknown = [n for n in wanted if n not in by_name]
        if unknown:
            raise EmbargoError(unknown_names_message(shown, unknown, shown_list))
        members = [n for n in wanted if not by_name[n].case_only]
        if members:
            listed = ", ".join(repr(n) for n in members)
            raise EmbargoError(
                f"{listed}: team member(s) in {shown_list}; they already read every draft "
                "(share with case-only recipients only)"
            )
        changed = tuple(n for n in wanted if n not in current)
        result = (*current, *changed)
    else:
        absent = [n for n in wanted if n not in current]
        if absent:
            listed = ", ".join(repr(n) for n in absent)
            raise EmbargoError(f"{shown}: not shared with {listed}; see `advpub recipients list`")
        changed = wanted
        result = tuple(n for n in current if n not in wanted)
    if changed:
        store.write(ident, set_share_names(plaintext, result, shown), entries)
    return ShareResult(ident, changed, result, len(shared_recipients(result, entries)))


def shared_drafts(store: EmbargoStore, identities: Sequence[Identity]) -> dict[str, list[str]]:
    """For each name in some draft's ``share_with``: the ids of those drafts (drafts these
    identities cannot read are left out)."""
    found: dict[str, list[str]] = {}
    for path in store.draft_files():
        try:
            text = store.read_file(path, identities)
            names = share_names(text, store.shown(path))
        except EmbargoError:
            continue
        for name in names:
            found.setdefault(name, []).append(path.name[: -len(DRAFT_SUFFIX)])
    return found

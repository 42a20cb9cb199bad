"""Who may read one draft: the team plus the case-only recipients its (encrypted) front
matter names in ``share_with``. The one place that turns a draft's plaintext into its
recipient set, used when a draft is written, re-encrypted, shared and checked."""

from __future__ import annotations

from collections.abc import Sequence

import pyrage

from advpub.embargo.identity import Identity
from advpub.embargo.recipients import CASE_ONLY_MARKER, RecipientEntry, team
from advpub.errors import EmbargoError
from advpub.model import Violation
from advpub.model.frontmatter import load_front_matter
from advpub.model.frontmatter_text import flow_list, set_key, without_key

SHARE_KEY = "share_with"


def share_names(plaintext: str, shown: str) -> tuple[str, ...]:
    """The names in the draft's ``share_with`` (empty when absent). A value that is not a
    list of names is an error naming the file and the field (never the value)."""
    loaded = load_front_matter(plaintext)
    data = loaded.data if isinstance(loaded.data, dict) else {}
    value = data.get(SHARE_KEY)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise EmbargoError(
            f"{shown}: {SHARE_KEY} must be a list of recipient names "
            "(e.g. `share_with: [vendor-a]`)"
        )
    return tuple(dict.fromkeys(v.strip() for v in value))


def unknown_names(names: Sequence[str], entries: Sequence[RecipientEntry]) -> list[str]:
    """The names no line of recipients.txt carries."""
    known = {e.name for e in entries if e.name}
    return [n for n in names if n not in known]


def unknown_names_message(shown: str, unknown: Sequence[str], recipients_shown: str) -> str:
    """The refusal of a draft shared with names recipients.txt does not list."""
    listed = ", ".join(repr(n) for n in unknown)
    return (
        f"{shown}: {SHARE_KEY} names {listed}, not in {recipients_shown}; add them "
        f"(`advpub recipients add KEY --name NAME --case-only`) or remove them from "
        f"{SHARE_KEY} (`advpub unshare ID NAME`)"
    )


def share_violations(
    plaintext: str, entries: Sequence[RecipientEntry], shown: str, recipients_shown: str
) -> tuple[Violation, ...]:
    """The editor's check of ``share_with``: names recipients.txt does not list."""
    try:
        names = share_names(plaintext, shown)
    except EmbargoError:
        return ()  # the shape is the parser's violation
    unknown = unknown_names(names, entries)
    if not unknown:
        return ()
    return (
        Violation(
            shown,
            None,
            SHARE_KEY,
            "unknown-recipient",
            f"names {', '.join(repr(n) for n in unknown)}, not in {recipients_shown}; add "
            "them (`advpub recipients add KEY --name NAME --case-only`) or remove them",
        ),
    )


def shared_recipients(
    names: Sequence[str], entries: Sequence[RecipientEntry]
) -> list[RecipientEntry]:
    """The team plus the entries named in ``names``, in recipients.txt order (unknown names
    are ignored here; callers refuse them first)."""
    wanted = set(names)
    members = set(team(entries))
    return [e for e in entries if e in members or (e.name is not None and e.name in wanted)]


def recipients_for(
    plaintext: str,
    entries: Sequence[RecipientEntry],
    shown: str,
    recipients_shown: str,
    *,
    ignore_unknown: bool = False,
) -> list[RecipientEntry]:
    """Who the draft with ``plaintext`` must be encrypted to; unknown names are an error,
    unless ``ignore_unknown`` (saving a draft the user keeps invalid: it goes to the team and
    the known names only, never to more, and `check` reports the rest)."""
    names = share_names(plaintext, shown)
    unknown = unknown_names(names, entries)
    if unknown and not ignore_unknown:
        raise EmbargoError(unknown_names_message(shown, unknown, recipients_shown))
    chosen = shared_recipients(names, entries)
    if not team(chosen):
        raise EmbargoError(
            f"{recipients_shown}: lists no team member (every line ends in "
            f"{CASE_ONLY_MARKER}); add one so the drafts stay readable to the team"
        )
    return chosen


def _holds_key_of(identities: Sequence[Identity], entries: Sequence[RecipientEntry]) -> bool:
    if not identities or not entries:
        return False
    # Asked by trying: a probe encrypted to ``entries`` decrypts only for their holders
    # (alike for age and SSH keys, whose public halves pyrage cannot always derive).
    probe = pyrage.encrypt(b"advpub recipient probe", [e.to_recipient() for e in entries])
    try:
        pyrage.decrypt(probe, list(identities))
    except Exception:  # no matching key, or an identity type the probe cannot use
        return False
    return True


def is_team_member(identities: Sequence[Identity], entries: Sequence[RecipientEntry]) -> bool:
    """True when one of ``identities`` holds the private key of a team entry."""
    return _holds_key_of(identities, team(entries))


def is_case_only_member(identities: Sequence[Identity], entries: Sequence[RecipientEntry]) -> bool:
    """True when ``identities`` hold a case-only recipient's key and no team member's."""
    case_only = [e for e in entries if e.case_only]
    return _holds_key_of(identities, case_only) and not is_team_member(identities, entries)


def set_share_names(plaintext: str, names: Sequence[str], shown: str) -> str:
    """``plaintext`` with ``share_with`` set to ``names`` (the key removed when empty),
    editing the text so comments and order survive."""
    if not names:
        return without_key(plaintext, SHARE_KEY)
    changed = set_key(plaintext, SHARE_KEY, flow_list(names))
    if changed is None:
        raise EmbargoError(f"{shown}: the draft has no closed front matter; fix it first")
    return changed

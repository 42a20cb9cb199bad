"""Rule: every draft is encrypted to the team of the current ``recipients.txt`` plus the
case-only recipients its ``share_with`` names (as far as its header shows), in the work tree
(``advpub check``) and in the newest tree of a push (pre-push).

``share_with`` is inside the encrypted front matter: with an identity that decrypts the
draft (a team member: CI, the coordinators) the comparison is exact; otherwise it checks
only what any list of case-only recipients allows (the team is there, nobody else is).

Drafts and the list are judged together, from one tree: a merge that brings a shorter list
and a draft encrypted to the longer one is caught whichever side came last.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from advpub.checks.base import CheckContext
from advpub.embargo.identity import Identity, try_load_identities
from advpub.embargo.recipients import RecipientEntry, parse_recipients
from advpub.embargo.sharing import share_names, unknown_names, unknown_names_message
from advpub.embargo.stanzas import (
    HeaderRecipients,
    bounds_message,
    drift_message,
    expected_recipients,
    header_recipients,
)
from advpub.embargo.store import decrypt_bytes
from advpub.errors import EmbargoError
from advpub.layout import DRAFT_SUFFIX, RECIPIENTS_FILE
from advpub.model import Violation

RULE = "recipients"


def draft_id_of(path: str) -> str:
    """The id of the draft file at ``path`` (its name without ``.md.age``)."""
    return PurePosixPath(path).name[: -len(DRAFT_SUFFIX)]


def drift_violations(
    drafts: Sequence[tuple[str, bytes]],
    recipients_text: str | None,
    recipients_shown: str,
    where: str = "",
    identities: Sequence[Identity] = (),
) -> list[Violation]:
    """One violation per draft (shown path, ciphertext) whose header does not match the
    team of ``recipients_text`` (None: the file is missing) plus its ``share_with``, or that
    is shared with a name the list lacks. ``where``: a commit, if any. ``identities``
    decrypt drafts to read ``share_with``; drafts they cannot read get the bounds check."""
    if not drafts:
        return []
    context = f" (in commit {where})" if where else ""
    if recipients_text is None:
        return [
            Violation(
                recipients_shown,
                None,
                "recipients",
                RULE,
                f"missing, but {len(drafts)} draft(s) exist; restore it (`git checkout -- "
                f"{recipients_shown}`) or add the recipients again{context}",
            )
        ]
    try:
        entries = parse_recipients(recipients_text, recipients_shown)
    except EmbargoError as exc:
        # One line per invalid entry, each already naming the file and line.
        problems: list[Violation] = []
        for line in str(exc).splitlines():
            head, _, rest = line.partition(": ")
            number = head.rpartition(":")[2]
            problems.append(
                Violation(
                    recipients_shown,
                    int(number) if number.isdigit() else None,
                    "recipients",
                    RULE,
                    (rest or line) + context,
                )
            )
        return problems
    found: list[Violation] = []
    for shown, data in drafts:
        header = header_recipients(data)
        if header is None:
            continue  # not age ciphertext: the plaintext rule reports it
        message = _draft_message(shown, data, header, entries, recipients_shown, identities)
        if message is not None:
            found.append(Violation(shown, None, "recipients", RULE, message + context))
    return found


def _draft_message(
    shown: str,
    data: bytes,
    header: HeaderRecipients,
    entries: Sequence[RecipientEntry],
    recipients_shown: str,
    identities: Sequence[Identity],
) -> str | None:
    names: tuple[str, ...] | None = None
    if identities:
        try:
            names = share_names(decrypt_bytes(data, identities, shown), shown)
        except EmbargoError:
            names = None
    if names is None:
        return bounds_message(header, entries, recipients_shown)
    unknown = unknown_names(names, entries)
    if unknown:
        return unknown_names_message(shown, unknown, recipients_shown).removeprefix(f"{shown}: ")
    expected = expected_recipients(draft_id_of(shown), entries, names)
    has_case_only = any(e.case_only for e in entries)
    return drift_message(header, expected, recipients_shown, has_case_only=has_case_only)


class RecipientsRule:
    """``advpub check``: the work tree's drafts match its recipients.txt."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield one violation per draft encrypted to another list."""
        settings = ctx.settings
        folder = settings.embargo_path
        if not folder.is_dir():
            return []
        drafts: list[tuple[str, bytes]] = []
        for file in sorted(folder.rglob(f"*{DRAFT_SUFFIX}")):
            if file.is_symlink() or not file.is_file():
                continue
            try:
                drafts.append((file.relative_to(settings.root).as_posix(), file.read_bytes()))
            except OSError:
                continue
        listed = folder / RECIPIENTS_FILE
        shown = listed.relative_to(settings.root).as_posix()
        try:
            text: str | None = listed.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = None
        except (OSError, UnicodeDecodeError):
            return [Violation(shown, None, "recipients", RULE, "cannot read as UTF-8 text")]
        try:
            loaded = try_load_identities()
        except EmbargoError:
            loaded = None  # the leak rule reports a broken identity
        keys = loaded.identities if loaded is not None else ()
        return drift_violations(drafts, text, shown, identities=keys)

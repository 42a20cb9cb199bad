"""``advpub edit ID``: edit an encrypted draft in $EDITOR through a private temporary copy."""

from __future__ import annotations

import argparse

from advpub.cli._embargo import add_identity_argument, identities, note, open_store, print_redacted
from advpub.cli._translation import draft_validator, find_primary, translation_of
from advpub.embargo.editor import EditStatus, edit_until_valid
from advpub.embargo.sharing import is_team_member, share_names
from advpub.errors import EmbargoError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """ID and ``--identity``."""
    parser.add_argument("id", metavar="ID", help="the draft to edit")
    add_identity_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Decrypt in memory, edit, validate, re-encrypt; unchanged text leaves the file as is."""
    config, store = open_store()
    ident: str = args.id
    keys = identities(args)
    original = store.read(ident, keys)
    recipients = store.recipients()

    # A translation draft (ID.<lang>) is checked as a translation of its primary.
    target = None
    if translation_of(ident) is not None:
        target = find_primary(config, store, ident, keys, required=False)
        if target.primary is None:
            note(
                f"{ident}: the primary draft cannot be decrypted with your identity; only "
                "the translation's own keys are checked"
            )

    validate = draft_validator(store, config, ident, target, recipients)

    outcome = edit_until_valid(
        original,
        name=f"{ident}.md",
        validate=validate,
        on_retry=lambda problems: note(
            f"{ident}: {len(problems)} problem(s); reopening the editor"
        ),
    )
    shown = store.shown(store.draft_path(ident))
    if outcome.status is EditStatus.UNCHANGED:
        note(f"no changes; {shown} was left untouched")
        return 0
    if outcome.status is EditStatus.EMPTY:
        note(
            f"aborted: the text was deleted; {shown} was left untouched (to drop a draft, "
            "`git rm` it)"
        )
        return 1
    if outcome.status is EditStatus.INVALID and any(
        v.rule in ("id-filename", "id-pattern", "id-path") or v.field == "id"
        for v in outcome.violations
    ):
        note(
            f"not saved: the id in the front matter must stay {ident} (the file's id); "
            f"{shown} was left untouched"
        )
        return 1
    text = outcome.text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if _changes_sharing(original, text, shown) and not is_team_member(keys, recipients):
        note(
            f"not saved: only a team member may change share_with (who can read the draft); "
            f"{shown} was left untouched"
        )
        return 1
    store.write(ident, text, recipients, ignore_unknown=outcome.status is EditStatus.INVALID)
    if outcome.status is EditStatus.INVALID:
        print_redacted(outcome.violations)
        note(
            f"saved {shown} with {len(outcome.violations)} problem(s); it will not be released "
            f"until fixed: `advpub edit {ident}`"
        )
        return 1
    print(f"updated {shown}")
    return 0


def _changes_sharing(before: str, after: str, shown: str) -> bool:
    try:
        return share_names(before, shown) != share_names(after, shown)
    except EmbargoError:
        return True  # an unreadable share_with is a change the team must make

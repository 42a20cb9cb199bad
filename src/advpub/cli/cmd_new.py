"""``advpub new [ID]``: draft a new advisory in $EDITOR; it is stored only encrypted."""

from __future__ import annotations

import argparse

from advpub.cli._embargo import (
    add_identity_argument,
    identities,
    note,
    open_store,
    print_redacted,
)
from advpub.cli._translation import (
    draft_validator,
    find_primary,
    translation_of,
    translation_template,
)
from advpub.cli.common import add_now_argument, resolve_now
from advpub.config import Settings
from advpub.corpus import advisory_files
from advpub.embargo.editor import EditStatus, edit_until_valid
from advpub.embargo.template import default_body, draft_template, next_free_id, template_files
from advpub.errors import EmbargoError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Optional ID (``ID.<lang>``: a translation), ``--now`` (which year the next id belongs
    to) and ``--identity`` (to read an embargoed primary)."""
    parser.add_argument(
        "id",
        metavar="ID",
        nargs="?",
        default=None,
        help="default: next free id; ID.<lang> (e.g. ADV-2026-0001.en) drafts a translation "
        "of ID into <lang>",
    )
    add_now_argument(parser, look_ahead=True)
    add_identity_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Open the template, loop until valid, encrypt; an untouched template keeps nothing."""
    config, store = open_store()
    published = {path.stem for path in advisory_files(config)}
    # Only picks the year of the next id (the draft is encrypted): it may look ahead.
    now = resolve_now(args, look_ahead=True).astimezone(config.timezone)
    ident: str = args.id or next_free_id(config.id_prefix, now.year, published | set(store.ids()))
    target = None
    if translation_of(ident) is not None:
        target = find_primary(config, store, ident, lambda: identities(args), required=True)
    if not config.id_pattern.match(target.primary_id if target else ident):
        raise EmbargoError(
            f"{ident!r} does not match the id pattern {config.id_pattern.pattern} "
            "(plugins.advpub.id_pattern in mkdocs.yml); give an ID that does"
        )
    if store.exists(ident):
        raise EmbargoError(
            f"{store.shown(store.draft_path(ident))} already exists; use `advpub edit {ident}`"
        )
    if ident in published:
        raise EmbargoError(f"{ident} is already published under {config.advisories_dir}/")
    recipients = store.recipients()  # fail before the user types anything

    validate = draft_validator(store, config, ident, target, recipients)

    template = (
        translation_template(target)
        if target is not None
        else draft_template(ident, now, _body(config))
    )
    outcome = edit_until_valid(
        template,
        name=f"{ident}.md",
        validate=validate,
        header=[
            f"new draft {ident}; it is stored only encrypted. Lines starting with",
            "`# advpub:` are removed. Leave it unchanged or delete everything to abort.",
        ],
        on_retry=lambda problems: note(
            f"{ident}: {len(problems)} problem(s); reopening the editor"
        ),
    )
    if outcome.status in (EditStatus.UNCHANGED, EditStatus.EMPTY):
        note(f"aborted: the template was left {outcome.status.value}; nothing was saved")
        return 1
    if store.exists(ident):
        raise EmbargoError(
            f"{store.shown(store.draft_path(ident))} appeared meanwhile; nothing was saved"
        )
    path = store.write(
        ident,
        _utf8(outcome.text),
        recipients,
        ignore_unknown=outcome.status is EditStatus.INVALID,
    )
    if outcome.status is EditStatus.INVALID:
        print_redacted(outcome.violations)
        note(
            f"saved {store.shown(path)} with {len(outcome.violations)} problem(s); it will not "
            f"be released until fixed: `advpub edit {ident}`"
        )
        return 1
    print(f"created {store.shown(path)}")
    return 0


def _body(config: Settings) -> str:
    """The repository's body template (``.advpub/template.<lang>.md``, then
    ``.advpub/template.md``), else the sections in the site language."""
    for rel in template_files(config.language):
        path = config.root / rel
        if path.is_file():
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
                raise EmbargoError(f"{rel}: cannot read the draft template ({reason})") from None
    return default_body(config.language)


def _utf8(text: str) -> str:
    # Undecodable bytes typed in the editor survive as surrogates; store them as U+FFFD.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")

"""Drafts of linked translations (``<ID>.<lang>.md.age``) for ``advpub new`` and ``edit``.

A translation draft is named by its file stem, ``ADV-2026-0001.en``, like every draft. It
holds only what is said in another language (``id``, ``lang``, ``title``, ``summary`` and
the body): it is validated as a translation of its primary (a draft, else the released
advisory of that id), or by its own keys alone when the primary is an embargoed draft this
user cannot decrypt (the release gate and ``advpub check`` compare it where it can be read).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import yaml

from advpub.config import Settings
from advpub.corpus import advisory_files
from advpub.embargo.drafts import load_draft
from advpub.embargo.identity import Identity
from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.sharing import share_violations
from advpub.embargo.store import EmbargoStore
from advpub.embargo.template import default_body
from advpub.errors import EmbargoError
from advpub.layout import split_stem
from advpub.model import Advisory, Violation, parse_advisory
from advpub.model.translation import parse_translation

Validate = Callable[[str], tuple[Violation, ...]]


@dataclass(frozen=True)
class TranslationTarget:
    """A translation draft's id, its primary's id and language, and the primary when
    readable (None: an embargoed primary this user cannot decrypt)."""

    ident: str
    primary_id: str
    lang: str
    primary: Advisory | None


def translation_of(ident: str) -> tuple[str, str] | None:
    """``(primary id, lang)`` when ``ident`` names a translation draft (``ID.en``)."""
    primary_id, lang = split_stem(ident)
    return None if lang is None else (primary_id, lang)


def find_primary(
    config: Settings,
    store: EmbargoStore,
    ident: str,
    keys: Sequence[Identity] | Callable[[], Sequence[Identity]],
    *,
    required: bool,
) -> TranslationTarget:
    """The target of the translation draft ``ident``; its primary is a draft (decrypted
    with ``keys``, called only then when a function) or else a released advisory. With
    ``required``, an unreadable or missing primary is an error (a new translation copies
    its title and summary)."""
    found = translation_of(ident)
    if found is None:
        raise EmbargoError(f"{ident!r} names no translation (expected <ID>.<lang>)")
    primary_id, lang = found
    if store.exists(primary_id):
        shown = store.shown(store.draft_path(primary_id))
        identities = keys() if callable(keys) else keys
        draft = load_draft(store, store.draft_path(primary_id), identities, config.model_options)
        if draft.advisory is not None:
            return TranslationTarget(ident, primary_id, lang, draft.advisory)
        if required or draft.is_readable:
            why = (
                "cannot be decrypted with your identity"
                if not draft.is_readable
                else (f"is not valid (`advpub edit {primary_id}` first)")
            )
            raise EmbargoError(
                f"{ident}: the primary draft {shown} {why}; a translation is written from "
                "and checked against it"
            )
        return TranslationTarget(ident, primary_id, lang, None)
    for path in advisory_files(config):
        if path.stem == primary_id:
            text = path.read_text(encoding="utf-8")
            result = parse_advisory(
                text, path=str(path), options=config.model_options, expected_id=primary_id
            )
            if result.advisory is None:
                raise EmbargoError(
                    f"{ident}: the released advisory {primary_id} is not valid "
                    "(`advpub check` names the problems); fix it first"
                )
            return TranslationTarget(ident, primary_id, lang, result.advisory)
    raise EmbargoError(
        f"{ident}: there is no draft or released advisory {primary_id} to translate; "
        f"create it first (`advpub new {primary_id}`)"
    )


def translation_template(target: TranslationTarget) -> str:
    """A new translation draft: the allowed keys only, the primary's title and summary to
    translate, and the body's sections in the translation's language."""
    primary = target.primary
    if primary is None:
        raise EmbargoError(f"{target.ident}: the primary advisory is not readable")
    front = yaml.safe_dump(
        {
            "id": target.primary_id,
            "lang": target.lang,
            "title": primary.title,
            "summary": primary.summary,
        },
        allow_unicode=True,
        sort_keys=False,
        width=1 << 16,
    )
    return f"---\n{front}---\n{default_body(target.lang)}"


def translation_validator(
    store: EmbargoStore, config: Settings, target: TranslationTarget
) -> Validate:
    """The editor's check of a translation draft (see the module)."""
    shown = store.shown(store.draft_path(target.ident))

    def validate(text: str) -> tuple[Violation, ...]:
        _translation, problems = parse_translation(
            text,
            path=shown,
            options=config.model_options,
            primary=target.primary,
            expected_lang=target.lang,
            expected_id=target.primary_id,
        )
        return problems

    return validate


def draft_validator(
    store: EmbargoStore,
    config: Settings,
    ident: str,
    target: TranslationTarget | None,
    recipients: Sequence[RecipientEntry],
) -> Validate:
    """The editor's check of draft ``ident`` (``new`` and ``edit``): a translation against
    its primary, any other draft as an advisory; ``share_with`` against recipients.txt."""
    check_translation = translation_validator(store, config, target) if target else None
    recipients_shown = store.shown(store.recipients_file)

    def validate(text: str) -> tuple[Violation, ...]:
        found = (
            check_translation(text)
            if check_translation is not None
            else parse_advisory(
                text, path=ident, options=config.model_options, expected_id=ident
            ).violations
        )
        return found + share_violations(text, recipients, ident, recipients_shown)

    return validate

"""Decrypting and parsing every draft once, for status, the gate, checks and leak scans."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from advpub.embargo.identity import Identity
from advpub.embargo.store import EmbargoStore
from advpub.errors import EmbargoError
from advpub.layout import DRAFT_SUFFIX, split_stem
from advpub.model import Advisory, ModelOptions, Violation, localized, parse_advisory
from advpub.model.translation import parse_translation


@dataclass(frozen=True)
class Draft:
    """One draft: its id (from the file name), and either the parsed advisory, the
    violations, or the reason it could not be decrypted. ``plaintext`` stays in memory.

    A linked translation's draft (``<ID>.<lang>.md.age``) has the id ``<ID>.<lang>`` (its
    file stem, unique among drafts) and, once linked to its primary (:func:`load_drafts`),
    the localized advisory: the primary's facts, so the gate judges both alike.
    """

    id: str
    path: Path
    shown: str
    advisory: Advisory | None = None
    violations: tuple[Violation, ...] = ()
    error: str | None = None
    plaintext: str | None = field(default=None, repr=False)
    # SHA-256 of the file's ciphertext (committed anyway): what a leak scan's record keys on.
    ciphertext_sha256: str = ""

    @property
    def is_readable(self) -> bool:
        """True when it decrypted."""
        return self.error is None

    @property
    def primary_id(self) -> str:
        """The id of the advisory this draft is (or translates)."""
        return split_stem(self.id)[0]

    @property
    def translation_lang(self) -> str | None:
        """The language of a linked translation's draft; None for a primary draft."""
        return split_stem(self.id)[1]


def load_draft(
    store: EmbargoStore, path: Path, identities: Sequence[Identity], options: ModelOptions
) -> Draft:
    """Decrypt and parse one draft; problems are recorded, not raised."""
    ident = path.name[: -len(DRAFT_SUFFIX)]
    shown = store.shown(path)
    digest = ""
    try:
        data = store.read_ciphertext(path)
        digest = hashlib.sha256(data).hexdigest()
        text = store.decrypt(path, data, identities)
    except EmbargoError as exc:
        return Draft(ident, path, shown, error=str(exc), ciphertext_sha256=digest)
    if split_stem(ident)[1] is not None:
        # Validated against its primary by link_translations, once every draft is loaded.
        return Draft(ident, path, shown, plaintext=text, ciphertext_sha256=digest)
    result = parse_advisory(text, path=shown, options=options, expected_id=ident)
    return Draft(
        ident,
        path,
        shown,
        advisory=result.advisory,
        violations=result.violations,
        plaintext=text,
        ciphertext_sha256=digest,
    )


def load_drafts(
    store: EmbargoStore,
    identities: Sequence[Identity],
    options: ModelOptions,
    published: Mapping[str, Advisory] | None = None,
) -> list[Draft]:
    """Every draft, each decrypted once; unreadable ones are listed with their error.
    Translation drafts are linked to their primary: a draft, else the released advisory
    of that id in ``published`` (by id)."""
    drafts = [load_draft(store, path, identities, options) for path in store.draft_files()]
    return link_translations(drafts, options, published or {})


def link_translations(
    drafts: Sequence[Draft], options: ModelOptions, published: Mapping[str, Advisory]
) -> list[Draft]:
    """``drafts`` with each readable translation draft validated against its primary (a
    draft of the same id first, else ``published``) and given the localized advisory."""
    primaries = {d.id: d for d in drafts if d.translation_lang is None}
    return [_linked(d, primaries, options, published) for d in drafts]


def _linked(
    draft: Draft,
    primaries: Mapping[str, Draft],
    options: ModelOptions,
    published: Mapping[str, Advisory],
) -> Draft:
    lang = draft.translation_lang
    if lang is None or draft.plaintext is None or draft.advisory is not None:
        return draft
    ident = draft.primary_id
    primary_draft = primaries.get(ident)
    if primary_draft is not None:
        primary = primary_draft.advisory
        problem = (
            f"the primary draft {primary_draft.shown} is not valid or cannot be read; "
            "fix it first (a translation is checked against it)"
        )
    else:
        primary = published.get(ident)
        problem = (
            f"translates {ident}, but there is no draft or released advisory {ident}; "
            f"add the primary advisory or remove the translation"
        )
    if primary is None:
        missing = Violation(draft.shown, None, "id", "translation-primary", problem)
        return dataclasses.replace(draft, violations=(missing,))
    translation, problems = parse_translation(
        draft.plaintext, path=draft.shown, options=options, primary=primary, expected_lang=lang
    )
    if translation is None:
        return dataclasses.replace(draft, violations=problems)
    return dataclasses.replace(draft, advisory=localized(primary, translation))

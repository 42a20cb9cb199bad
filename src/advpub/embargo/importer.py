"""``advpub import``: validate plaintext advisories, encrypt them, verify, then (maybe) delete.

All or nothing up to the writes: every source is read and validated, and every target
checked, before the first draft is written. Sources are deleted only after every draft is
written and verified, so a source that was not encrypted is never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from advpub.embargo.identity import Identity
from advpub.embargo.recipients import RecipientEntry
from advpub.embargo.store import EmbargoStore, decrypt_bytes, encrypt_text, is_age_ciphertext
from advpub.errors import EmbargoError, ValidationError
from advpub.layout import split_stem
from advpub.model import ModelOptions, Violation, parse_advisory
from advpub.model.frontmatter import load_front_matter


@dataclass(frozen=True)
class ImportItem:
    """One validated source and the draft it becomes."""

    source: Path
    ident: str
    text: str
    replaces: bool


@dataclass(frozen=True)
class ImportResult:
    """The drafts written, how they were verified, and the sources deleted."""

    items: tuple[ImportItem, ...]
    verified_by_decryption: bool
    removed: tuple[Path, ...]


def plan_import(
    store: EmbargoStore,
    sources: Sequence[Path],
    options: ModelOptions,
    *,
    replace: bool,
    published_ids: frozenset[str] = frozenset(),
) -> list[ImportItem]:
    """Read and validate every source; raise one ValidationError listing every problem."""
    violations: list[Violation] = []
    items: list[ImportItem] = []
    seen: dict[str, Path] = {}
    for source in sources:
        shown = str(source)
        try:
            data = source.read_bytes()
        except OSError as exc:
            reason = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror
            violations.append(Violation(shown, None, "file", "io", f"cannot read: {reason}"))
            continue
        if is_age_ciphertext(data):
            violations.append(
                Violation(
                    shown,
                    None,
                    "file",
                    "encrypted",
                    "already age-encrypted; import "
                    "takes plaintext advisories (copy .md.age files into the folder)",
                )
            )
            continue
        primary_id, lang = split_stem(source.stem)
        if lang is not None:
            # A linked translation (``<ID>.<lang>.md``): checked against its primary once
            # both are drafts (``advpub check``, release), which needs the primary decrypted.
            problem = _translation_problem(data, shown, primary_id, lang)
            if problem is not None:
                violations.append(problem)
                continue
            ident = source.stem
        else:
            result = parse_advisory(data, path=shown, options=options, expected_id=None)
            violations.extend(result.violations)
            if result.advisory is None:
                continue
            ident = result.advisory.id
        if ident in seen:
            violations.append(
                Violation(shown, None, "id", "duplicate-id", f"{ident} is also in {seen[ident]}")
            )
            continue
        seen[ident] = source
        if ident in published_ids:
            violations.append(
                Violation(shown, None, "id", "duplicate-id", f"{ident} is already published")
            )
            continue
        exists = store.exists(ident)
        if exists and not replace:
            violations.append(
                Violation(
                    shown,
                    None,
                    "id",
                    "duplicate-id",
                    f"{store.shown(store.draft_path(ident))} already exists; pass --replace "
                    "to overwrite it",
                )
            )
            continue
        items.append(ImportItem(source, ident, data.decode("utf-8"), exists))
    if violations:
        raise ValidationError(list(violations))
    return items


def _translation_problem(data: bytes, shown: str, ident: str, lang: str) -> Violation | None:
    """Why the translation file ``shown`` (``<ident>.<lang>.md``) cannot be imported: not
    UTF-8 front matter, or an ``id``/``lang`` that differs from its file name."""
    try:
        loaded = load_front_matter(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Violation(shown, None, "file", "encoding", "not valid UTF-8; save it as UTF-8")
    front = loaded.data if isinstance(loaded.data, dict) else {}
    for key, expected in (("id", ident), ("lang", lang)):
        if front.get(key) != expected:
            return Violation(
                shown,
                loaded.lines.get(key),
                key,
                "translation",
                f"a translation named {ident}.{lang}.md needs `{key}: {expected}`",
            )
    return None


def import_drafts(
    store: EmbargoStore,
    items: Sequence[ImportItem],
    recipients: Sequence[RecipientEntry],
    identities: Sequence[Identity] | None,
    *,
    remove_sources: bool,
) -> ImportResult:
    """Encrypt every item, write and verify each draft, then delete sources if asked.

    Verification re-reads each written file and checks it is the ciphertext just made;
    with ``identities`` it also decrypts it and compares with the source text. Deleting
    sources requires decryption (``identities``), checked before anything is written.
    """
    sealed = [
        (
            item,
            encrypt_text(
                item.text,
                store.recipients_of(store.draft_path(item.ident), item.text, recipients),
            ),
        )
        for item in items
    ]
    if identities and sealed:
        item, data = sealed[0]
        # Before writing anything: can this identity read what we make at all? When it is
        # not a recipient, verification falls back to re-reading the bytes.
        try:
            decrypt_bytes(data, identities, store.shown(store.draft_path(item.ident)))
        except EmbargoError:
            identities = None
    if remove_sources and not identities:
        raise EmbargoError(
            "--remove: nothing was imported or deleted: the sources are deleted only after "
            "each draft is verified to decrypt, which needs an identity listed in "
            f"{store.shown(store.recipients_file)} (--identity FILE or $ADVPUB_IDENTITY_FILE)"
        )
    problems: list[str] = []
    for item, data in sealed:
        path = store.write_ciphertext(item.ident, data)
        shown = store.shown(path)
        on_disk = path.read_bytes()
        if on_disk != data:
            problems.append(f"{shown}: re-read differs from what was written")
        elif identities and decrypt_bytes(on_disk, identities, shown) != item.text:
            problems.append(f"{shown}: decrypts to something else than {item.source}")
    if problems:
        raise EmbargoError("verification failed; no source was deleted:\n" + "\n".join(problems))
    removed: list[Path] = []
    if remove_sources:
        for item in items:
            item.source.unlink()
            removed.append(item.source)
    return ImportResult(tuple(items), bool(identities), tuple(removed))

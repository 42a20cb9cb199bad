"""Finding and parsing the published advisories of a repository (``advisories/``)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from advpub.config import Settings
from advpub.layout import is_advisory_name, split_stem
from advpub.model import (
    Advisory,
    ModelOptions,
    Violation,
    localized,
    parse_advisory,
    parse_translation,
)
from advpub.model.parse import ParseResult, unreadable
from advpub.model.translation import missing_primary
from advpub.parsecache import ParseCache, gc_paused


@dataclass(frozen=True)
class Corpus:
    """The valid published advisories (sorted newest first) and every violation found.

    ``digests`` maps each advisory's id to the SHA-256 of the exact bytes it was parsed from
    (caches key on them, so they can never pair one version's key with another's content).

    ``translations`` maps an advisory's id to its valid linked translations (each the
    primary's facts in another language, :func:`advpub.model.localized`), in language
    order. They are never in ``advisories``: one advisory is listed and counted once.
    """

    advisories: tuple[Advisory, ...]
    violations: tuple[Violation, ...]
    digests: Mapping[str, bytes] = field(default_factory=dict)
    translations: Mapping[str, tuple[Advisory, ...]] = field(default_factory=dict)

    def with_translations(self, views: Sequence[Advisory], digests: Mapping[str, bytes]) -> Corpus:
        """This corpus with the translation ``views`` added (a view replaces the one of the
        same advisory and language) and their ``digests`` (by page key); the pages of every
        advisory whose language versions changed get new cache keys. ``advpub preview``
        adds translation drafts this way."""
        if not views:
            return self
        groups = {ident: list(group) for ident, group in self.translations.items()}
        for view in views:
            group = groups.setdefault(view.id, [])
            group[:] = [t for t in group if t.lang != view.lang] + [view]
        keyed = {**self.digests, **digests}
        for ident in dict.fromkeys(v.id for v in views):
            _key_family(ident, groups[ident], keyed)
        ordered = {i: tuple(sorted(g, key=lambda a: a.lang)) for i, g in groups.items()}
        return Corpus(self.advisories, self.violations, keyed, ordered)

    def languages_of(self, advisory: Advisory) -> tuple[Advisory, ...]:
        """The primary of ``advisory`` (an advisory or a translation) and its translations."""
        primary = next((a for a in self.advisories if a.id == advisory.id), advisory)
        return (primary, *self.translations.get(advisory.id, ()))


def advisory_files(settings: Settings) -> Iterator[Path]:
    """Every advisory file under the advisories folder, in a stable order."""
    folder = settings.advisories_path
    if not folder.is_dir():
        return
    # os.walk and tuples of names rather than Path.rglob and sorted Paths (the same files
    # in the same order: symlinked folders not entered, sorted by path components): at
    # 5,000 advisories hashing and comparing Path objects took most of every load.
    found: list[tuple[str, ...]] = []
    for current, _folders, names in os.walk(folder):
        rel = os.path.relpath(current, folder)
        parts = () if rel == os.curdir else tuple(rel.split(os.sep))  # noqa: PTH206 (speed)
        for name in names:
            if name.endswith(".md") and is_advisory_name(PurePosixPath(*parts, name)):
                found.append((*parts, name))
    for parts in sorted(found):
        file = folder.joinpath(*parts)
        if file.is_file():
            yield file


def display_path(settings: Settings, file: Path) -> str:
    """``file`` relative to the repository root, with forward slashes."""
    try:
        return file.relative_to(settings.root).as_posix()
    except ValueError:
        return str(file)


class ParseMemo:
    """The parse results of the builds of one live session (``advpub serve`` and ``advpub
    preview`` rebuild after every edit): a file whose exact bytes, path and reading options
    are unchanged is not parsed again (parsing is about 1 ms per advisory, most of a reload
    at 5,000). Results are immutable (frozen dataclasses), so sharing them is safe. Held in
    process memory only, and only published advisories; entries the last load did not use
    are dropped, so the memo never outgrows the repository."""

    def __init__(self) -> None:
        self._results: dict[tuple[str, str, ModelOptions, bytes], ParseResult] = {}
        self._used: set[tuple[str, str, ModelOptions, bytes]] = set()

    def parse(
        self,
        data: bytes,
        digest: bytes,
        shown: str,
        options: ModelOptions,
        expected_id: str,
        cache: ParseCache | None = None,
    ) -> ParseResult:
        """:func:`parse_advisory` of ``data`` (whose SHA-256 is ``digest``), memoised;
        ``cache`` (the persistent one) gives what the memo lacks."""
        key = (shown, expected_id, options, digest)
        self._used.add(key)
        result = self._results.get(key)
        if result is None:
            if cache is None:
                result = parse_advisory(data, path=shown, options=options, expected_id=expected_id)
            else:
                result = cache.parse(data, digest, shown, expected_id)
            self._results[key] = result
        return result

    def finish(self) -> None:
        """Forget the results the load that just ended did not use."""
        self._results = {k: v for k, v in self._results.items() if k in self._used}
        self._used = set()


def load_corpus(
    settings: Settings, memo: ParseMemo | None = None, *, store_parses: bool = True
) -> Corpus:
    """Parse every published advisory; report each problem, duplicate ids included.

    ``memo`` (a live session's) returns an unchanged file's earlier parse result. Results
    come from the persistent parse cache (:mod:`advpub.parsecache`) when it holds a
    verified one; ``store_parses`` False only reads that cache (when it exists) and never
    writes ``.cache/`` (live sessions, plain ``mkdocs build``)."""
    options = settings.model_options
    cache = ParseCache.open(settings.root, options, write=store_parses)
    try:
        with gc_paused():
            corpus = _load(settings, options, memo, cache)
    except BaseException:
        if cache is not None:
            cache.close()
        raise
    if cache is not None:
        cache.finish()
    return corpus


def _load(
    settings: Settings, options: ModelOptions, memo: ParseMemo | None, cache: ParseCache | None
) -> Corpus:
    advisories: list[Advisory] = []
    violations: list[Violation] = []
    seen: dict[str, str] = {}
    digests: dict[str, bytes] = {}
    translation_files: list[tuple[Path, str, str]] = []
    for file in advisory_files(settings):
        shown = display_path(settings, file)
        ident, lang = split_stem(file.stem)
        if lang is not None:
            translation_files.append((file, ident, lang))
            continue
        try:
            data = file.read_bytes()
        except OSError as exc:
            violations.append(unreadable(shown, exc))
            continue
        digest = hashlib.sha256(data).digest()
        if memo is not None:
            result = memo.parse(data, digest, shown, options, file.stem, cache)
        elif cache is not None:
            result = cache.parse(data, digest, shown, file.stem)
        else:
            result = parse_advisory(data, path=shown, options=options, expected_id=file.stem)
        violations.extend(result.violations)
        adv = result.advisory
        if adv is None:
            continue
        if adv.id in seen:
            violations.append(
                Violation(
                    shown,
                    None,
                    "id",
                    "duplicate-id",
                    f"{adv.id} is also used by {seen[adv.id]}; give each advisory its own id",
                )
            )
            continue
        if adv.share_with:
            # Who a case was shared with is draft-only (release drops it); a public file
            # carrying it would name the vendors and finders who worked on the case.
            violations.append(
                Violation(
                    shown,
                    None,
                    "share_with",
                    "draft-only",
                    "is for drafts only and is never published; remove it",
                )
            )
            continue
        seen[adv.id] = shown
        digests[adv.id] = digest
        advisories.append(adv)
    if memo is not None:
        memo.finish()
    advisories.sort(key=lambda a: (a.published_at, a.id), reverse=True)
    by_id = {a.id: a for a in advisories}
    translations = _load_translations(settings, translation_files, by_id, violations, digests)
    for stem, digest in translations.digests.items():
        digests[stem] = digest
    return Corpus(tuple(advisories), tuple(violations), digests, translations.by_id)


@dataclass(frozen=True)
class _Translations:
    by_id: dict[str, tuple[Advisory, ...]]
    digests: dict[str, bytes]


def _load_translations(
    settings: Settings,
    files: list[tuple[Path, str, str]],
    primaries: Mapping[str, Advisory],
    violations: list[Violation],
    primary_digests: dict[str, bytes],
) -> _Translations:
    """Parse each translation file against its primary (which must sit in the same
    folder); problems go to ``violations``. A translation of an invalid primary is left
    out silently: the primary's own violations already fail the run."""
    found: dict[str, list[Advisory]] = {}
    digests: dict[str, bytes] = {}
    for file, ident, lang in files:
        shown = display_path(settings, file)
        primary_file = file.with_name(f"{ident}.md")
        primary = primaries.get(ident)
        if not primary_file.is_file():
            violations.append(missing_primary(shown, ident))
            continue
        if primary is None or primary.path != display_path(settings, primary_file):
            continue
        try:
            data = file.read_bytes()
        except OSError as exc:
            violations.append(unreadable(shown, exc))
            continue
        translation, problems = parse_translation(
            data, path=shown, options=settings.model_options, primary=primary, expected_lang=lang
        )
        violations.extend(problems)
        if translation is None:
            continue
        found.setdefault(ident, []).append(localized(primary, translation))
        # The page shows the primary's facts too: a change to either file changes the key
        # (the primary's digest is that of the file just checked to be its path).
        digests[file.stem] = hashlib.sha256(primary_digests[ident] + data).digest()
    for ident, views in found.items():
        _key_family(ident, views, digests)
        _key_family(ident, views, primary_digests)
    return _Translations(
        {ident: tuple(sorted(views, key=lambda a: a.lang)) for ident, views in found.items()},
        digests,
    )


def _key_family(ident: str, views: Sequence[Advisory], digests: dict[str, bytes]) -> None:
    """Mix the set of ``ident``'s language versions into the digests of its pages found in
    ``digests``: every page of an advisory links all its language versions, so adding or
    removing one changes every version's cache key."""
    family = "\0".join(sorted(v.page_key for v in views)).encode()
    for key in (ident, *(v.page_key for v in views)):
        if key in digests:
            digests[key] = hashlib.sha256(digests[key] + b"\0" + family).digest()

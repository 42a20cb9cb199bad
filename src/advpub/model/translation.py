"""Linked translations: ``<ID>.<lang>.md`` beside the primary ``<ID>.md``.

A translation carries only what is said in another language (``title``, ``summary`` and
the Markdown body, plus its own ``lang`` and the ``published`` instant release writes).
Every fact (dates, fix, CVSS, affected products ...) comes from the primary: a translation
that repeats a fact must repeat it exactly, since two files saying different things about
one vulnerability would leave readers of one language misinformed. The translated page is
the primary with the translated text (:func:`localized`), so the release gate judges a
translation by exactly the facts it judges the primary by.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from advpub.model.advisory import Advisory
from advpub.model.frontmatter import load_front_matter
from advpub.model.kinds import value_kind as _kind
from advpub.model.options import ModelOptions
from advpub.model.parse import LANG_RE, _Checker, parse_advisory
from advpub.model.violation import Violation

# The keys a translation says in its own words; any other key belongs to the primary.
OWN_KEYS: tuple[str, ...] = ("id", "lang", "title", "summary", "published")
REQUIRED_OWN_KEYS: tuple[str, ...] = ("id", "lang", "title", "summary")


@dataclass(frozen=True)
class Translation:
    """A validated translation file: the translated text of the primary advisory ``id``."""

    id: str
    lang: str
    title: str
    summary: str
    body: str
    published: datetime | None = None
    path: str | None = None


def localized(primary: Advisory, translation: Translation) -> Advisory:
    """The advisory as readers of ``translation.lang`` see it: the primary's facts with the
    translated title, summary and body (``source_lang`` names the primary's language)."""
    return dataclasses.replace(
        primary,
        title=translation.title,
        summary=translation.summary,
        body=translation.body,
        lang=translation.lang,
        published=translation.published or primary.published,
        path=translation.path,
        source_lang=primary.lang,
        front_matter={},
    )


def parse_translation(
    source: str | bytes,
    *,
    path: str,
    options: ModelOptions,
    primary: Advisory | None,
    expected_lang: str,
    expected_id: str | None = None,
) -> tuple[Translation | None, tuple[Violation, ...]]:
    """Validate the translation at ``path`` (into ``expected_lang``, the file name's
    language) of ``primary``: its own keys, and every other key absent or equal to the
    primary's value. Every problem is reported at once.

    Without the primary (an embargoed primary this user cannot decrypt) only what the file
    says itself is checked, against ``expected_id`` (the file name's id): the facts are
    checked where the primary is readable (``advpub check``, the release gate)."""
    ident_expected = primary.id if primary is not None else expected_id
    if isinstance(source, bytes):
        # The same size and encoding checks as an advisory file (an empty front matter
        # parses as a failure we discard: only the byte-level problems are wanted).
        checked = parse_advisory(source, path=path, options=options)
        byte_level = [v for v in checked.violations if v.field == "file"]
        if byte_level:
            return None, tuple(byte_level)
        text = source.decode("utf-8")
    else:
        text = source
    loaded = load_front_matter(text)
    problems = [Violation(path, p.line, p.field, p.rule, p.message) for p in loaded.problems]
    if loaded.data is None and problems:
        return None, tuple(problems)
    if not isinstance(loaded.data, dict):
        kind = "empty" if loaded.data is None else _kind(loaded.data)
        message = f"front matter must be a mapping of keys to values, not {kind}"
        return None, (
            Violation(path, loaded.first_line, "front matter", "front-matter-type", message),
        )
    checker = _Checker(path, loaded.lines, loaded.first_line, options)
    checker.violations.extend(problems)
    name = PurePosixPath(path).name
    data = loaded.data
    for key, value in data.items():
        if key in OWN_KEYS or (primary is None and isinstance(key, str)):
            continue
        if primary is None or primary.front_matter.get(key, _ABSENT) != value:
            checker.add(
                str(key),
                "translation-fact",
                f"facts come from the primary {ident_expected}; remove `{key}` from {name}",
            )
    for key in REQUIRED_OWN_KEYS:
        if data.get(key) is None:
            checker.add(key, "missing-key", f"required key is missing; add `{key}:` to {name}")
    ident = checker.string(data.get("id"), "id", one_line=True)
    if ident is not None and ident_expected is not None and ident != ident_expected:
        checker.add(
            "id",
            "id-filename",
            f"{ident!r} differs from the primary's id {ident_expected!r}; a translation keeps "
            "the id of the advisory it translates",
        )
    lang = checker.string(data.get("lang"), "lang", one_line=True)
    if lang is not None:
        _check_lang(checker, lang, expected_lang, primary, ident_expected or "", name)
    title = checker.string(data.get("title"), "title", one_line=True)
    summary = checker.string(data.get("summary"), "summary")
    published = checker.instant(data.get("published"), "published")
    if checker.violations or not (ident and lang and title and summary):
        return None, tuple(sorted(checker.violations, key=lambda v: (v.line or 0, v.field)))
    return Translation(ident, lang, title, summary, loaded.body, published, path), ()


def _check_lang(
    checker: _Checker,
    lang: str,
    expected: str,
    primary: Advisory | None,
    ident: str,
    name: str,
) -> None:
    if not LANG_RE.match(lang):
        checker.add("lang", "lang", f"{lang!r} is not a BCP 47 language tag (e.g. ja, en-US)")
    elif lang != expected:
        checker.add(
            "lang",
            "translation-lang",
            f"{lang!r} differs from the file name's language {expected!r}; rename the file "
            f"to {ident}.{lang}.md or correct `lang`",
        )
    elif primary is not None and lang.lower() == primary.lang.lower():
        checker.add(
            "lang",
            "translation-lang",
            f"{lang!r} is the language of the primary {primary.id} itself; a translation "
            f"is in another language (remove {name} or correct `lang`)",
        )


def missing_primary(path: str, ident: str) -> Violation:
    """The violation of a translation with no primary advisory beside it."""
    name = PurePosixPath(path).name
    return Violation(
        path,
        None,
        "id",
        "translation-primary",
        f"{name} translates {ident}, but {ident}.md is not in the same folder; add the "
        f"primary advisory beside it or remove the translation",
    )


class _Absent:
    """A front matter value no YAML document can hold."""


_ABSENT = _Absent()

__all__ = [
    "OWN_KEYS",
    "Translation",
    "localized",
    "missing_primary",
    "parse_translation",
]

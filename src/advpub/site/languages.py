"""Linked translations on the site: which language version a listing shows, where each
version's page lives, and the per-language feeds.

An advisory and its translations are one advisory: listings and the site-wide feeds show it
once, in the site's language when a translation into it exists (else in its own). Each
language version has its own page: the primary at ``<YYYY>/<ID>/``, a translation at
``<YYYY>/<ID>/<lang>/`` (beneath the primary, so the primary's URL never changes when a
translation is added). The per-language feeds are :mod:`advpub.site.feeds.languages`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from advpub.model import Advisory
from advpub.site.listings import advisory_dir

# How each language names itself in the language switch (its endonym); other tags are
# shown as written.
LANGUAGE_NAMES: Mapping[str, str] = {
    "en": "English",
    "ja": "日本語",
    "zh": "中文",
    "ko": "한국어",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
}


@dataclass(frozen=True)
class LanguageVersion:
    """One language version of an advisory as the language switch lists it."""

    lang: str
    name: str
    advisory: Advisory


def language_name(lang: str) -> str:
    """The name ``lang`` gives itself (``ja`` -> 日本語)."""
    return LANGUAGE_NAMES.get(lang.split("-")[0].lower(), lang)


def same_language(one: str, other: str) -> bool:
    """True when two BCP 47 tags name the same base language (``ja`` and ``ja-JP``)."""
    return one.split("-")[0].lower() == other.split("-")[0].lower()


def translation_dir(advisory: Advisory, primary_dir: str) -> str:
    """The folder of a page: the primary's, or ``<lang>/`` beneath it for a translation."""
    return f"{primary_dir}{advisory.lang}/" if advisory.is_translation else primary_dir


def page_dir(advisory: Advisory, primaries: Mapping[str, Advisory], zone: tzinfo) -> str:
    """The site-relative folder of ``advisory``'s page. A translation's is beneath its
    primary's page (the primary's year), whenever the translation itself was published."""
    primary = primaries.get(advisory.id, advisory) if advisory.is_translation else advisory
    return translation_dir(advisory, advisory_dir(primary, zone))


def versions(primary: Advisory, translations: Sequence[Advisory]) -> list[LanguageVersion]:
    """Every language version of ``primary`` (itself first, then by language tag)."""
    return [LanguageVersion(a.lang, language_name(a.lang), a) for a in (primary, *translations)]


def in_language(
    advisories: Iterable[Advisory], translations: Mapping[str, Sequence[Advisory]], lang: str
) -> list[Advisory]:
    """Each advisory once, as its translation into ``lang`` when there is one (same order)."""
    shown: list[Advisory] = []
    for advisory in advisories:
        chosen = advisory
        if not same_language(advisory.lang, lang):
            chosen = next(
                (t for t in translations.get(advisory.id, ()) if same_language(t.lang, lang)),
                advisory,
            )
        shown.append(chosen)
    return shown


def readable_in(
    advisories: Iterable[Advisory], translations: Mapping[str, Sequence[Advisory]], lang: str
) -> list[Advisory]:
    """The advisories readable in ``lang`` (written in it or translated into it)."""
    return [a for a in in_language(advisories, translations, lang) if same_language(a.lang, lang)]


def feed_languages(
    advisories: Iterable[Advisory], translations: Mapping[str, Sequence[Advisory]]
) -> list[str]:
    """Every language with a page on the site, as written in the advisories, sorted; none
    on a site in one language (its ``feed.xml`` is that language's feed already)."""
    found = {a.lang for a in advisories}
    found.update(t.lang for group in translations.values() for t in group)
    return sorted(found) if len(found) > 1 else []

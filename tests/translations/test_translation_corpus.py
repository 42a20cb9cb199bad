"""Loading linked translations: attached to their primary, never a second advisory, and
every rule broken reported with the file and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from advpub.config import load_settings
from advpub.corpus import Corpus, load_corpus
from advpub.layout import split_stem
from tests.conftest import CliResult, Repo
from tests.translations.translation_helpers import (
    EN_TITLE,
    IDENT,
    JA_TITLE,
    primary_text,
    translation_text,
)

FOLDER = "advisories/2020"
Cli = Callable[..., CliResult]


def corpus_of(repo: Repo) -> Corpus:
    return load_corpus(load_settings(repo.path))


def messages(corpus: Corpus) -> list[str]:
    return [str(v) for v in corpus.violations]


def test_split_stem() -> None:
    assert split_stem("ADV-2020-0007.en") == ("ADV-2020-0007", "en")
    assert split_stem("ADV-2020-0007.zh-Hant") == ("ADV-2020-0007", "zh-Hant")
    assert split_stem("ADV-2020-0007") == ("ADV-2020-0007", None)


def test_translation_is_attached_to_its_primary_not_listed(repo: Repo) -> None:
    repo.write(f"{FOLDER}/{IDENT}.md", primary_text())
    repo.write(f"{FOLDER}/{IDENT}.en.md", translation_text())
    corpus = corpus_of(repo)
    assert messages(corpus) == []
    assert [(a.id, a.lang, a.title) for a in corpus.advisories] == [(IDENT, "ja", JA_TITLE)]
    (english,) = corpus.translations[IDENT]
    assert (english.id, english.lang, english.title, english.source_lang) == (
        IDENT,
        "en",
        EN_TITLE,
        "ja",
    )
    # Every fact is the primary's.
    primary = corpus.advisories[0]
    assert english.cvss == primary.cvss and english.release_date == primary.release_date
    assert english.path == f"{FOLDER}/{IDENT}.en.md"
    assert english.body.startswith("## Overview")
    assert [a.lang for a in corpus.languages_of(english)] == ["ja", "en"]


def test_a_fact_that_differs_from_the_primary_is_refused(repo: Repo) -> None:
    repo.write(f"{FOLDER}/{IDENT}.md", primary_text())
    same = "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
    repo.write(f"{FOLDER}/{IDENT}.en.md", translation_text(extra=same))
    assert messages(corpus_of(repo)) == []
    other = "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N\ncwe: [CWE-78]\n"
    repo.write(f"{FOLDER}/{IDENT}.en.md", translation_text(extra=other))
    corpus = corpus_of(repo)
    assert messages(corpus) == [
        f"{FOLDER}/{IDENT}.en.md:6: cvss: facts come from the primary {IDENT}; "
        f"remove `cvss` from {IDENT}.en.md",
        f"{FOLDER}/{IDENT}.en.md:8: cwe: facts come from the primary {IDENT}; "
        f"remove `cwe` from {IDENT}.en.md",
    ]
    assert corpus.translations == {}
    assert [a.id for a in corpus.advisories] == [IDENT]


def test_translation_without_its_primary_is_refused(repo: Repo) -> None:
    repo.write(f"{FOLDER}/{IDENT}.en.md", translation_text())
    # The primary in another folder is not "beside" it.
    repo.write(f"advisories/2021/{IDENT}.md", primary_text())
    assert messages(corpus_of(repo)) == [
        f"{FOLDER}/{IDENT}.en.md: id: {IDENT}.en.md translates {IDENT}, but {IDENT}.md is not "
        "in the same folder; add the primary advisory beside it or remove the translation"
    ]


def test_lang_must_match_the_file_name_and_differ_from_the_primary(repo: Repo) -> None:
    repo.write(f"{FOLDER}/{IDENT}.md", primary_text())
    repo.write(f"{FOLDER}/{IDENT}.en.md", translation_text(lang="de"))
    repo.write(f"{FOLDER}/{IDENT}.ja.md", translation_text(lang="ja"))
    repo.write(f"{FOLDER}/{IDENT}.fr.md", translation_text(ident="ADV-2020-0008", lang="fr"))
    assert messages(corpus_of(repo)) == [
        f"{FOLDER}/{IDENT}.en.md:3: lang: 'de' differs from the file name's language 'en'; "
        f"rename the file to {IDENT}.de.md or correct `lang`",
        f"{FOLDER}/{IDENT}.fr.md:2: id: 'ADV-2020-0008' differs from the primary's id "
        f"'{IDENT}'; a translation keeps the id of the advisory it translates",
        f"{FOLDER}/{IDENT}.ja.md:3: lang: 'ja' is the language of the primary {IDENT} itself; "
        f"a translation is in another language (remove {IDENT}.ja.md or correct `lang`)",
    ]


def test_missing_own_keys_are_reported(repo: Repo, tmp_path: Path) -> None:
    repo.write(f"{FOLDER}/{IDENT}.md", primary_text())
    repo.write(f"{FOLDER}/{IDENT}.en.md", f"---\nid: {IDENT}\nlang: en\n---\nBody\n")
    assert messages(corpus_of(repo)) == [
        f"{FOLDER}/{IDENT}.en.md:2: summary: required key is missing; add `summary:` to "
        f"{IDENT}.en.md",
        f"{FOLDER}/{IDENT}.en.md:2: title: required key is missing; add `title:` to {IDENT}.en.md",
    ]


def test_a_translation_published_before_the_release_is_refused(repo: Repo, cli: Cli) -> None:
    repo.write(f"{FOLDER}/{IDENT}.md", primary_text())
    repo.write(
        f"{FOLDER}/{IDENT}.en.md", translation_text(extra="published: 2020-03-01T00:00:00Z\n")
    )
    done = cli("check", cwd=repo.path)
    assert done.code == 1
    assert done.out == (
        f"{FOLDER}/{IDENT}.en.md: gate: not releasable yet: published 2020-03-01 00:00 UTC "
        "(2020-03-01T00:00:00Z) is before its release date 2020-03-02 01:00 UTC "
        "(2020-03-02T01:00:00Z); keep it as an encrypted draft under embargo/ until the gate "
        "opens (see `advpub status`)\n"
    )

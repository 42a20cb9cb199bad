"""Leak scanning: does public text mention an embargoed draft's id, CVEs, aliases or title?

Messages name the draft (its id is already public: file names are not encrypted) and the
kind of term, never the term itself (a CVE id or title of an embargoed issue is secret).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advpub.embargo.drafts import Draft

_CVE_IN_TEXT = re.compile(r"CVE-\d{4}-\d{4,}")
MIN_TITLE_CHARS = 12  # shorter titles would match ordinary words


@dataclass(frozen=True)
class LeakTerm:
    """One secret string: ``kind`` is id, cve, alias or title."""

    kind: str
    draft_id: str
    text: str


@dataclass(frozen=True)
class LeakHit:
    """A term found in a file (``where`` is a path or a description such as a commit)."""

    where: str
    term: LeakTerm

    @property
    def message(self) -> str:
        """What is wrong and how to fix it, without the location and without the term."""
        return (
            f"mentions the {_KIND_LABELS[self.term.kind]} of embargoed draft "
            f"{self.term.draft_id}; remove it until that advisory is released"
        )

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


_KIND_LABELS = {"id": "id", "cve": "CVE id", "alias": "alias", "title": "title"}


def _normalize(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_ascii_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _alternative(term: str) -> str:
    """The regex for one normalized term.

    Word boundaries keep ADV-2026-0001 from matching inside ADV-2026-00012, but only at an
    ASCII edge, and only against ASCII neighbours: Japanese text has no spaces, so a term
    must match right next to kana or kanji (which ``\\w`` would count as word characters).
    """
    body = re.escape(term).replace(r"\ ", r"\s+")
    before = r"(?<![A-Za-z0-9_-])" if _is_ascii_word(term[0]) else ""
    after = r"(?![A-Za-z0-9_-])" if _is_ascii_word(term[-1]) else ""
    return f"{before}{body}{after}"


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, shaped as a trie.

    Python's ``re`` tries the alternatives of a flat ``a|b|c`` one by one at every position;
    a trie shares prefixes, so each position costs about one character test per level.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return build(trie)


class LeakTerms:
    """The secret strings of a set of drafts, matched case-insensitively.

    Scanning is two-step because one big case-insensitive alternation with boundary checks
    costs seconds per megabyte with hundreds of drafts: a trie-shaped prefilter over the
    normalised text (casefolded, whitespace runs collapsed) finds the terms that occur as
    substrings at all (a superset of the real matches), then the exact matcher (word
    boundaries, ``\\s+`` between words) runs only for those terms, and only on text where
    the prefilter found something.
    """

    def __init__(self, terms: Iterable[LeakTerm]) -> None:
        self.terms = tuple(terms)
        self._by_text: dict[str, LeakTerm] = {}
        for term in self.terms:
            self._by_text.setdefault(_normalize(term.text), term)
        self._exact: dict[frozenset[str], re.Pattern[str]] = {}
        # Overlapping occurrences: ``_candidates`` searches again one character after each
        # match start; the greedy trie gives the longest term there, and ``_prefixes`` adds
        # the shorter terms it starts with. (A lookahead at every position finds the same
        # but is 2.5x slower: it defeats the regex engine's first-character skip.)
        self._prefilter: re.Pattern[str] | None = (
            re.compile(_trie_pattern(self._by_text)) if self._by_text else None
        )
        self._prefixes: dict[str, tuple[str, ...]] = {
            key: tuple(k for k in self._by_text if key.startswith(k)) for key in self._by_text
        }

    def __bool__(self) -> bool:
        return bool(self.terms)

    def _candidates(self, text: str) -> frozenset[str]:
        """The normalised terms occurring in ``text`` as substrings (no boundary checks)."""
        if self._prefilter is None:
            return frozenset()
        normalized = _normalize(text)
        search = self._prefilter.search
        found: set[str] = set()
        match = search(normalized)
        while match is not None:
            found.add(match.group(0))
            match = search(normalized, match.start() + 1)
        return frozenset(k for key in found if key for k in self._prefixes.get(key, ()))

    def _exact_regex(self, keys: frozenset[str]) -> re.Pattern[str]:
        regex = self._exact.get(keys)
        if regex is None:
            alternatives = sorted(keys, key=len, reverse=True)
            pattern = "|".join(_alternative(t) for t in alternatives)
            regex = self._exact[keys] = re.compile(pattern, re.IGNORECASE)
        return regex

    def _matches(self, text: str) -> Iterator[tuple[str, LeakTerm, int]]:
        keys = self._candidates(text)
        if not keys:
            return
        for match in self._exact_regex(keys).finditer(text):
            key = _normalize(match.group(0))
            term = self._by_text.get(key)
            if term is not None:
                yield key, term, match.start()

    def find(self, text: str) -> list[LeakTerm]:
        """Every distinct term that occurs in ``text``."""
        found: dict[str, LeakTerm] = {}
        for key, term, _start in self._matches(text):
            found.setdefault(key, term)
        return list(found.values())

    def locate(self, text: str) -> list[tuple[LeakTerm, int]]:
        """Every distinct term in ``text`` with the line (1-based) of its first occurrence."""
        found: dict[str, tuple[LeakTerm, int]] = {}
        for key, term, start in self._matches(text):
            if key not in found:
                found[key] = (term, text.count("\n", 0, start) + 1)
        return list(found.values())

    def find_bytes(self, data: bytes) -> list[LeakTerm]:
        """:meth:`find` over bytes decoded as UTF-8 (undecodable bytes are ignored)."""
        return self.find(data.decode("utf-8", errors="ignore"))


def terms_from_drafts(drafts: Sequence[Draft]) -> LeakTerms:
    """The id, CVEs, aliases and title of every readable draft.

    A draft that decrypts but does not validate still contributes its id and any CVE ids
    in its text: invalid front matter must not open a hole in the scan.
    """
    terms: list[LeakTerm] = []
    for draft in drafts:
        terms.append(LeakTerm("id", draft.id, draft.id))
        adv = draft.advisory
        if adv is not None:
            terms.extend(LeakTerm("cve", draft.id, cve) for cve in adv.cve)
            terms.extend(LeakTerm("alias", draft.id, alias) for alias in adv.aliases)
            if len(adv.title) >= MIN_TITLE_CHARS:
                terms.append(LeakTerm("title", draft.id, adv.title))
        elif draft.plaintext:
            terms.extend(
                LeakTerm("cve", draft.id, cve)
                for cve in sorted(set(_CVE_IN_TEXT.findall(draft.plaintext)))
            )
    return LeakTerms(terms)


def scan_folder(
    folder: Path, terms: LeakTerms, skip: frozenset[str] = frozenset()
) -> Iterator[LeakHit]:
    """Every file under ``folder`` that mentions a term (reading each file once).

    ``skip`` holds paths relative to ``folder`` (with ``/``) known to be clean already: files
    an earlier scan with the same terms passed and that have not changed since.
    """
    if not terms:
        return
    for rel in _files(folder):
        if rel in skip:
            continue
        path = folder / rel
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for term in terms.find_bytes(data):
            yield LeakHit(str(path), term)


def _files(folder: Path) -> list[str]:
    """Every file under ``folder`` as sorted relative paths (as ``Path.rglob`` in Python 3.11:
    symlinked folders are not entered, symlinked files are read)."""
    found: list[str] = []

    def walk(path: str, prefix: str) -> None:
        with os.scandir(path) as entries:
            listed = list(entries)
        for entry in listed:
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file():
                found.append(prefix + entry.name)

    if folder.is_dir():
        walk(os.fspath(folder), "")
    return sorted(found)

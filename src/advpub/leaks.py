"""The leak guard: does anything about to leave the repository name an embargoed draft or a
secret?

Every path out (site files and their names, release commits, pushed objects, paths, ref
names and tag messages, CI log lines, exports) is checked with one :class:`LeakTerms`.
Its terms are the ids, CVE ids, aliases, titles and distinctive title phrases of **every**
draft under ``embargo/`` (read from the raw YAML when a draft does not validate), and the
secrets within reach: the configured identities, tokens in the environment and any
private-key block.

Text is matched the way a reader would see it, not only byte for byte: HTML/XML entities,
JSON and JavaScript escapes and URL encoding are decoded, markup tags are looked through,
Unicode compatibility forms (full-width letters) are folded, and case, whitespace and
punctuation between the characters of a term do not matter (``CVE 2026 1234``,
``cve_2026_1234`` and ``CVE-2026-<b>1234</b>`` all name ``CVE-2026-1234``). Only the edges
of a term are exact: a term ending in a digit does not match inside a longer number, one
ending in a letter not inside a longer word.

Messages name the draft (its id is already public: file names are not encrypted) and the
kind of term, never the term itself.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from advpub.embargo.drafts import Draft
from advpub.model import Advisory

_CVE_IN_TEXT = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
# Alias shapes found in the text of a draft that does not validate (its aliases: field may
# be unreadable); the same schemes the model validates.
_ALIAS_IN_TEXT = re.compile(
    r"JVN(?:VU|TA|DB)?#[0-9A-Za-z-]+|JVNDB-\d{4}-\d+|GHSA(?:-[0-9a-z]{4}){3}",
    re.IGNORECASE,
)
MIN_TITLE_CHARS = 12  # shorter titles (and title phrases) would match ordinary words
# A title phrase must be this long (CJK characters count double) to be a term of its own.
MIN_PHRASE_WEIGHT = 16
_PHRASE_SPLIT = re.compile(
    r"[:;,|()\[\]{}「」『』【】〈〉《》、。：；，・!?！？]+|\s[-–—]+\s|[–—]+"
)

# Private keys are secrets whatever their value: matched by shape.
_PRIVATE_KEY_SHAPES = (
    (re.compile(r"AGE-SECRET-KEY-1[0-9A-Z]{20,}", re.IGNORECASE), "an age identity"),
    (
        re.compile(r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"),
        "a private key block",
    ),
)
# Environment variables whose values are secrets (CI tokens, advpub's own secrets).
_SECRET_ENV_NAME = re.compile(
    r"TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|_PAT$|^ADVPUB_IDENTITY$",
    re.IGNORECASE,
)
_NOT_SECRET_ENV_NAME = re.compile(r"_FILE$|_PATH$|_DIR$|_URL$|_ID$|_NAME$|_USER$", re.IGNORECASE)
MIN_SECRET_CHARS = 8

# Characters that never separate the letters of a term for a reader (zero-width, soft hyphen).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_SEP = rf"[\W_{_INVISIBLE}]*"
_NON_ALNUM = re.compile(rf"[\W_{_INVISIBLE}]+")
# The ASCII characters _NON_ALNUM removes (all but letters and digits), for bytes.translate.
_ASCII_NON_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
_TAG = re.compile(r"<[^<>\n]{0,400}>")
_BACKSLASH_ESCAPE = re.compile(
    r"\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([\\/\"'bfnrt])"
)
_SIMPLE_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@dataclass(frozen=True)
class LeakTerm:
    """One secret string: ``kind`` is id, cve, alias, title or secret.

    For a secret, ``draft_id`` describes where it comes from (``$GITHUB_TOKEN``, "your
    identity"), never its value.
    """

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
        if self.term.kind == "secret":
            return (
                f"contains a secret ({self.term.draft_id}); remove it, and rotate that secret "
                "if it ever left this machine"
            )
        return (
            f"mentions the {kind_label(self.term.kind)} of embargoed draft "
            f"{self.term.draft_id}; remove it until that advisory is released"
        )

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


_KIND_LABELS = {"id": "id", "cve": "CVE id", "alias": "alias", "title": "title"}


def kind_label(kind: str) -> str:
    """How messages name a kind of term ("CVE id"), never the term itself."""
    return _KIND_LABELS.get(kind, kind.replace("_", " "))


# -- decoding: the text as a reader (or a browser, a feed reader, a JSON parser) sees it -----


def _unescape_backslashes(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2) or match.group(3)
        if code is not None:
            value = int(code, 16)
            if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
                return " "  # half of a surrogate pair: joined below when possible
            return chr(value)
        char = match.group(4)
        return _SIMPLE_ESCAPES.get(char, char)

    # Surrogate pairs (\ud83d\ude00) first, so emoji in JSON decode to one character.
    text = re.sub(
        r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})",
        lambda m: chr(
            0x10000 + ((int(m.group(1), 16) - 0xD800) << 10) + int(m.group(2), 16) - 0xDC00
        ),
        text,
        flags=re.IGNORECASE,
    )
    return _BACKSLASH_ESCAPE.sub(one, text)


def _nfkc(text: str) -> str:
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def decoded_views(text: str) -> list[str]:
    """``text`` in NFKC form (full-width letters and digits become ASCII), then fully decoded
    (entities, backslash escapes and percent-encoding, repeatedly, for nested encodings),
    then decoded with markup tags removed. Unchanged views are dropped. (A ``+`` written for
    a space needs no view of its own: nothing but letters and digits counts inside a term.)"""
    return _decode(text)[0]


def _decode(text: str) -> tuple[list[str], str]:
    """:func:`decoded_views` and the text the prefilter reads: the most decoded view, and,
    when markup was removed, the decoded view before that too (removing a tag removes its
    attribute values as well: ``<meta content="...">``)."""
    text = _nfkc(text)
    views = [text]
    decoded = text
    for _ in range(4):
        before = decoded
        if "&" in decoded:
            decoded = html.unescape(decoded)
        if "\\" in decoded:
            decoded = _unescape_backslashes(decoded)
        if "%" in decoded:
            decoded = unquote(decoded, errors="replace")
        if decoded == before:
            break
    if decoded != text:
        views.append(_nfkc(decoded))
    if "<" in views[-1]:
        stripped = _TAG.sub(" ", views[-1])
        if stripped != views[-1]:
            views.append(stripped)
            return views, f"{views[-2]}\n{stripped}"
    return views, views[-1]


def _skeleton(text: str) -> str:
    """Letters and digits only, case-folded: what the prefilter compares.

    Markup, JSON and URLs are mostly ASCII punctuation and spaces: ``bytes.translate``
    deletes those in one C pass (about 5x faster than the regex over a built site), and the
    regex then only has the non-ASCII characters left to judge. Deleting characters one by
    one in two steps gives the same string as deleting them in one."""
    if text.isascii():
        kept = text.encode("ascii").translate(None, _ASCII_NON_ALNUM).decode("ascii")
        return kept.lower()  # casefold of ASCII
    # surrogatepass: a lone surrogate (from a JSON escape) passes through like any character.
    data = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_NON_ALNUM)
    return _NON_ALNUM.sub("", data.decode("utf-8", "surrogatepass")).casefold()


def _is_ascii_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _term_regex(skeleton: str) -> str:
    """The exact matcher of one term: its letters and digits in order, anything that is not
    a letter or digit between them, exact edges.

    An edge digit must not continue a longer number (CVE-2026-1234 is not CVE-2026-12345); an
    edge ASCII letter must not continue a longer word. Japanese text has no spaces, so a term
    with a non-ASCII edge matches right next to kana or kanji.
    """
    body = _SEP.join(re.escape(char) for char in skeleton)
    first, last = skeleton[0], skeleton[-1]
    before = after = ""
    if _is_ascii_digit(first):
        before = r"(?<![0-9])"
    elif _is_ascii_letter(first):
        before = r"(?<![A-Za-z0-9])"
    if _is_ascii_digit(last):
        after = r"(?![0-9])"
    elif _is_ascii_letter(last):
        after = r"(?![A-Za-z0-9])"
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
    """The secret strings of a set of drafts (and secrets), matched as a reader sees text.

    Scanning is two-step because one big alternation with separators and edge checks would
    cost seconds per megabyte with hundreds of drafts: a trie-shaped prefilter over the
    *skeleton* of each decoded view (letters and digits only, case-folded) finds the terms
    that occur at all (a superset of the real matches), then the exact matcher (edges
    checked) runs only for those terms, and only on the views where the prefilter found them.
    """

    def __init__(self, terms: Iterable[LeakTerm]) -> None:
        kept: list[LeakTerm] = []
        self._by_key: dict[str, LeakTerm] = {}
        for term in terms:
            key = _skeleton(_nfkc(term.text))
            if not key:
                continue
            kept.append(term)
            # Secrets first: a hit on a secret must be reported as one, whatever else it is.
            current = self._by_key.get(key)
            if current is None or (term.kind == "secret" and current.kind != "secret"):
                self._by_key[key] = term
        self.terms = tuple(kept)
        self._exact: dict[str, re.Pattern[str]] = {}
        # The prefilter reads the decoded views (with and without tags), so it looks for each
        # term as it is and without the tags it may hold itself (a title "... <frob> ...").
        self._by_loose: dict[str, list[str]] = {}
        self._loose: dict[str, str] = {}
        for key, term in self._by_key.items():
            loose = _skeleton(_TAG.sub(" ", _nfkc(term.text))) or key
            if loose != key:
                self._loose[key] = loose
            for prefilter_key in {key, loose}:
                self._by_loose.setdefault(prefilter_key, []).append(key)
        self._prefilter: re.Pattern[str] | None = (
            re.compile(_trie_pattern(self._by_loose)) if self._by_loose else None
        )
        # ``_candidates`` searches again one character after each match start; the greedy
        # trie gives the longest term there, and ``_prefixes`` adds the shorter ones.
        self._prefixes: dict[str, tuple[str, ...]] = {
            loose: tuple(
                k
                for other in self._by_loose
                if loose.startswith(other)
                for k in self._by_loose[other]
            )
            for loose in self._by_loose
        }

    def __bool__(self) -> bool:
        return bool(self.terms)

    def _candidates(self, view: str) -> list[str]:
        """The keys of the terms whose letters and digits occur, in order and adjacent, in
        the skeleton of ``view`` (no edge checks): a superset of the real matches."""
        if self._prefilter is None:
            return []
        skeleton = _skeleton(view)
        search = self._prefilter.search
        found: set[str] = set()
        match = search(skeleton)
        while match is not None:
            found.add(match.group(0))
            match = search(skeleton, match.start() + 1)
        keys = {k for loose in found if loose for k in self._prefixes.get(loose, ())}
        return sorted(keys, key=len, reverse=True)

    def _exact_regex(self, key: str) -> re.Pattern[str]:
        regex = self._exact.get(key)
        if regex is None:
            regex = self._exact[key] = re.compile(_term_regex(key), re.IGNORECASE)
        return regex

    def _view_matches(self, view: str, keys: Sequence[str]) -> Iterator[tuple[str, int, int]]:
        """``(key, start, end)`` of every occurrence of the terms ``keys`` in one view."""
        for key in keys:
            for match in self._exact_regex(key).finditer(view):
                yield key, match.start(), match.end()

    def _matches(
        self, text: str, views: list[str], prefilter: str, lines: bool = True
    ) -> Iterator[tuple[str, LeakTerm, int, int]]:
        """``(key, term, line, position)`` of the first occurrence of each term: in the text
        as written when it is there (exact line and position), else in the first decoded view
        that shows it (the line of the first line that does, position unknown: last)."""
        if not self._by_key:
            return
        keys = self._candidates(prefilter)
        if not keys:
            return
        seen: set[str] = set()
        for number, view in enumerate(views):
            wanted = [k for k in keys if k not in seen]
            if number and view is views[-1] and len(prefilter) > len(view):
                # Markup was removed from this view: a term that holds tag-like text itself
                # ("... <script> ...") is looked for without it here, as the prefilter did.
                for key in wanted:
                    loose = self._loose.get(key)
                    if loose is not None and self._exact_regex(loose).search(view):
                        seen.add(key)
                        yield (
                            key,
                            self._by_key[key],
                            _line_hint(text, loose) if lines else 1,
                            len(text),
                        )
                wanted = [k for k in wanted if k not in seen]
            for key, start, _end in self._view_matches(view, wanted):
                if key in seen:
                    continue
                seen.add(key)
                if number == 0:
                    yield key, self._by_key[key], view.count("\n", 0, start) + 1, start
                else:
                    line = _line_hint(text, key) if lines else 1
                    yield key, self._by_key[key], line, len(text)

    def find(self, text: str) -> list[LeakTerm]:
        """Every distinct term that occurs in ``text`` (in any of its decoded forms)."""
        return [term for term, _line in self.locate(text, lines=False)]

    def locate(self, text: str, *, lines: bool = True) -> list[tuple[LeakTerm, int]]:
        """Every distinct term in ``text`` with the line (1-based) of its first occurrence,
        in the order they occur."""
        found: list[tuple[int, int, LeakTerm]] = []
        views, prefilter = _decode(text)
        for _key, term, line, position in self._matches(text, views, prefilter, lines):
            found.append((line, position, term))
        found.sort(key=lambda item: (item[0], item[1]))
        located = [(term, line) for line, _position, term in found]
        for term in _private_keys(views):
            located.append((term, 1))
        return located

    def find_bytes(self, data: bytes) -> list[LeakTerm]:
        """:meth:`find` over bytes decoded as UTF-8 (undecodable bytes are ignored)."""
        return self.find(data.decode("utf-8", errors="ignore"))

    def find_name(self, name: str) -> list[LeakTerm]:
        """Every term in a file path, URL or git ref name (``fix/CVE-2026-1234``,
        ``CVE-2026-1234-fixed``, ``advisories/2026/cve_2026_1234/``, percent-encoded too)."""
        # Path and ref separators are punctuation: terms match across them like any text.
        return self.find(name)

    def redact(self, text: str) -> str:
        """``text`` with every term replaced by ``[embargoed]`` (``[secret]`` for secrets);
        a line whose term shows only once decoded is withheld whole."""
        if not self.find(text):
            return text
        lines: list[str] = []
        for line in text.split("\n"):
            found = self.find(line)
            if not found:
                lines.append(line)
                continue
            cleaned = _nfkc(line)
            # Only the terms the prefilter sees in this line need their exact matcher.
            keys = self._candidates(_decode(cleaned)[1])
            spans = sorted(
                (start, end, self._by_key[key])
                for key, start, end in self._view_matches(cleaned, keys)
            )
            for start, end, term in reversed(_outermost(spans)):
                mark = "[secret]" if term.kind == "secret" else "[embargoed]"
                cleaned = cleaned[:start] + mark + cleaned[end:]
            for shape, _label in _PRIVATE_KEY_SHAPES:
                cleaned = shape.sub("[secret]", cleaned)
            if self.find(cleaned):
                ids = sorted({t.draft_id for t in found if t.kind != "secret"})
                about = f" (mentions embargoed draft {', '.join(ids)})" if ids else ""
                cleaned = f"[line withheld{about}]"
            lines.append(cleaned)
        return "\n".join(lines)


def _outermost(spans: list[tuple[int, int, LeakTerm]]) -> list[tuple[int, int, LeakTerm]]:
    """Non-overlapping spans, the earliest (and then longest) first."""
    kept: list[tuple[int, int, LeakTerm]] = []
    for start, end, term in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1]:
            if end > kept[-1][1]:
                kept[-1] = (kept[-1][0], end, kept[-1][2])
            continue
        kept.append((start, end, term))
    return kept


def _line_hint(text: str, key: str) -> int:
    """The first line of ``text`` whose own decoded skeleton holds ``key`` (else 1)."""
    for number, line in enumerate(text.split("\n"), start=1):
        if any(key in _skeleton(view) for view in decoded_views(line)):
            return number
    return 1


def is_private_key_shape(term: LeakTerm) -> bool:
    """True for a secret that is a private key (found by its shape, or an identity whose
    text has that shape): rules that report private keys by shape already name it."""
    return term.kind == "secret" and (
        any(term.draft_id == label for _, label in _PRIVATE_KEY_SHAPES)
        or any(shape.search(term.text) for shape, _ in _PRIVATE_KEY_SHAPES)
    )


def _private_keys(views: Sequence[str]) -> list[LeakTerm]:
    """A secret term for each kind of private-key block in any of ``views``."""
    if not any("PRIVATE" in v or "SECRET-KEY-1" in v or "secret-key-1" in v for v in views):
        return []
    return [
        LeakTerm("secret", label, label)
        for shape, label in _PRIVATE_KEY_SHAPES
        if any(shape.search(view) for view in views)
    ]


# -- terms of drafts -----------------------------------------------------------------------


def _weight(text: str) -> int:
    """Length with CJK characters counted double (they carry a word's worth each)."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in _NON_ALNUM.sub("", text))


# Words that describe almost every vulnerability: a phrase made only of these (and short
# words) names nothing in particular ("command injection in the web console").
_COMMON_VOCABULARY = """
    a an the in on of for to via by with and or from into at as is are be when after before
    within without through under over its their this that which while using used can may
    allows allow allowing lets could possible potential multiple several various certain
    some other issue issues problem problems flaw flaws bug bugs weakness vulnerability
    vulnerabilities vulnerable security advisory update updates fix fixed patch
    remote local unauthenticated authenticated unauthorized authorized arbitrary crafted
    malicious attacker attackers user users admin administrator administrative
    code command commands execution execute injection inject sql os shell script scripting
    cross site xss csrf request forgery ssrf server side client redirect open
    traversal path directory file files upload download read write deletion delete
    disclosure information leak exposure sensitive data credentials password passwords
    authentication authorization bypass access control privilege privileges escalation
    elevation missing improper incorrect insufficient insecure weak default hardcoded
    hard coded validation input output handling check checks verification neutralization
    denial service dos crash crashes memory corruption buffer heap stack overflow
    underflow integer out bounds use free double null pointer dereference race condition
    deserialization untrusted xml external entity xxe template resource consumption
    exhaustion infinite loop recursion uncontrolled format string type confusion
    cleartext plaintext storage transmission encryption cryptographic certificate
    session fixation hijacking clickjacking spoofing tampering replay timing side-channel
    web console interface page portal panel api endpoint component module plugin
    extension library function feature service daemon application app firmware device
    devices router camera printer software product products version versions
    management configuration settings parameter parameters header headers cookie
"""
_COMMON_WORDS = frozenset(_COMMON_VOCABULARY.split())
# The same for Japanese titles (JVN's wording).
_COMMON_JA = (
    "における",
    "に関する",
    "複数の",
    "脆弱性",
    "クロスサイトスクリプティング",
    "クロスサイトリクエストフォージェリ",
    "ディレクトリトラバーサル",
    "パストラバーサル",
    "コマンドインジェクション",
    "インジェクション",
    "認証回避",
    "認証不備",
    "権限昇格",
    "情報漏えい",
    "サービス運用妨害",
    "バッファオーバーフロー",
    "オーバーフロー",
    "任意のコード実行",
    "任意のコマンド実行",
    "任意のファイル",
    "不適切な",
    "アクセス制限不備",
    "の",
    "が",
    "に",
    "を",
    "で",
    "と",
    "へ",
)


def _is_distinctive(phrase: str) -> bool:
    """True when ``phrase`` has a word beyond the common vocabulary of advisories."""
    rest = phrase.casefold()
    for common in _COMMON_JA:
        rest = rest.replace(common, " ")
    for word in re.findall(r"\w+", rest):
        if word.isascii():
            if word not in _COMMON_WORDS and not word.isdigit() and len(word) > 2:
                return True
        elif _weight(word) >= 4:
            return True
    return False


@functools.lru_cache(maxsize=1 << 18)
def _public_key(text: str) -> str:
    """``text`` as matched (skeleton of its NFKC form); memoised, since the same public text
    is compared with the terms of every draft."""
    return _skeleton(_nfkc(text))


class PublicText:
    """Text already published (see :func:`public_text`) as the guard compares it: the key
    of each string, and all keys joined for one substring search. Computed once for all the
    drafts of a scan (at 5,000 advisories that is 25,000 strings per draft otherwise)."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        texts = list(texts)
        self.ids = frozenset(_public_key(t) for t in texts)
        self.keys = tuple(_public_key(t) for t in texts if t)
        # "\0" never occurs in a key that can be found, so no match spans two keys.
        self.joined = "\0".join(self.keys)

    def contains(self, key: str) -> bool:
        """True when ``key`` occurs inside one of the keys."""
        if "\0" in key:
            return any(key in public for public in self.keys)
        return bool(self.keys) and key in self.joined


def title_phrases(
    title: str, exclude: Iterable[str] = (), public: PublicText | None = None
) -> list[str]:
    """The distinctive parts of a title: the whole title, and each phrase between
    punctuation long enough to identify the vulnerability and not made of the common
    vocabulary of advisories only. Phrases contained in ``exclude`` (product and vendor
    names, text already public) or in ``public`` are not distinctive either."""
    excluded = PublicText(e for e in exclude if e)
    found: list[str] = []
    title = " ".join(title.split())
    if _weight(title) >= MIN_TITLE_CHARS:
        found.append(title)
    for part in _PHRASE_SPLIT.split(title):
        phrase = part.strip(" -–—")
        if phrase == title or _weight(phrase) < MIN_PHRASE_WEIGHT:
            continue
        key = _skeleton(_nfkc(phrase))
        public_match = excluded.contains(key) or (public is not None and public.contains(key))
        if not _is_distinctive(phrase) or public_match:
            continue
        found.append(phrase)
    return found


def _as_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def raw_fields(plaintext: str) -> dict[str, list[str]]:
    """``id``, ``title``, ``cve``, ``aliases`` and product names read from a draft's front
    matter as leniently as possible: the draft need not validate (a draft saved without a
    release date still has a secret title). Falls back to a line-by-line reading when the
    YAML itself does not load."""
    from advpub.model.frontmatter import load_front_matter

    fields: dict[str, list[str]] = {"id": [], "title": [], "cve": [], "aliases": [], "names": []}
    try:
        data = load_front_matter(plaintext).data
    except Exception:  # a hostile draft must not stop the guard: read it line by line
        data = None
    if isinstance(data, Mapping):
        for key in ("id", "title", "cve", "aliases"):
            fields[key] = _as_strings(data.get(key))
        for item in data.get("affected") or () if isinstance(data.get("affected"), list) else ():
            if isinstance(item, Mapping):
                fields["names"].extend(_as_strings(item.get("vendor")))
                fields["names"].extend(_as_strings(item.get("product")))
        return fields
    current: str | None = None
    for line in plaintext.splitlines()[:400]:
        match = re.match(r"^(id|title|cve|aliases)\s*:\s*(.*)$", line)
        if match:
            current = match.group(1)
            value = match.group(2).strip().strip("'\"")
            if value.startswith("["):
                fields[current].extend(
                    v.strip().strip("'\"") for v in value.strip("[]").split(",") if v.strip()
                )
            elif value:
                fields[current].append(value)
            continue
        item = re.match(r"^\s+-\s+(.*)$", line)
        if item and current in ("cve", "aliases"):
            fields[current].append(item.group(1).strip().strip("'\""))
        elif line and not line[0].isspace():
            current = None
    return fields


def draft_terms(draft: Draft, known_public: Iterable[str] | PublicText = ()) -> list[LeakTerm]:
    """The terms of one draft: its id (from the file name, so even an unreadable draft has
    one), and when it decrypts its CVEs, aliases, title and distinctive title phrases.

    A draft that decrypts but does not validate is read from its raw front matter, and every
    CVE id and alias-shaped string in its text is a term too: invalid front matter must not
    open a hole in the guard.
    """
    from advpub.model.frontmatter import split_front_matter

    terms = [LeakTerm("id", draft.id, draft.id)]
    adv = draft.advisory
    public = known_public if isinstance(known_public, PublicText) else PublicText(known_public)
    # A CVE id or alias a released advisory already carries is public: not a term.
    public_ids = public.ids
    if adv is not None and not draft.violations:
        names = [n for a in adv.affected for n in (a.vendor, a.product) if n]
        terms.extend(LeakTerm("cve", draft.id, cve) for cve in adv.cve)
        terms.extend(LeakTerm("alias", draft.id, alias) for alias in adv.aliases)
        terms = [t for t in terms if t.kind == "id" or _skeleton(t.text) not in public_ids]
        terms.extend(
            LeakTerm("title", draft.id, p) for p in title_phrases(adv.title, names, public)
        )
        return terms
    if not draft.plaintext:
        return terms
    raw = raw_fields(draft.plaintext)
    terms.extend(LeakTerm("id", draft.id, i) for i in raw["id"] if i and i != draft.id)
    cves = {c.upper() for c in raw["cve"] if c} | {
        c.upper() for c in _CVE_IN_TEXT.findall(draft.plaintext)
    }
    terms.extend(LeakTerm("cve", draft.id, cve) for cve in sorted(cves))
    # Alias shapes only in the front matter: a body may cite other, public JVN or GHSA ids.
    head = split_front_matter(draft.plaintext)
    aliases = {a for a in raw["aliases"] if a} | set(
        _ALIAS_IN_TEXT.findall(head[0] if head is not None else draft.plaintext[:4000])
    )
    terms.extend(LeakTerm("alias", draft.id, alias) for alias in sorted(aliases))
    # The draft's own id is always a term; an id its text names that a released advisory
    # carries (a translation draft naming its released primary) identifies nothing new.
    terms = [t for t in terms if t.text == draft.id or _skeleton(_nfkc(t.text)) not in public_ids]
    for title in raw["title"]:
        terms.extend(
            LeakTerm("title", draft.id, p) for p in title_phrases(title, raw["names"], public)
        )
    return terms


def public_text(advisories: Iterable[Advisory]) -> list[str]:
    """What released advisories make public anyway (identifiers, titles, summaries,
    products): a CVE id or alias equal to one of them, or a title phrase found in them,
    identifies nothing new."""
    found: list[str] = []
    for adv in advisories:
        found.extend(adv.identifiers)
        found.extend((adv.title, adv.summary))
        found.extend(a.label for a in adv.affected)
    return found


def terms_from_drafts(drafts: Sequence[Draft], known_public: Iterable[str] = ()) -> LeakTerms:
    """The terms of every draft (see :func:`draft_terms`) and every secret in reach.

    ``known_public`` is text already published (titles, products of released advisories):
    a title phrase it contains identifies nothing and is not a term.
    """
    public = PublicText(known_public)
    terms: list[LeakTerm] = []
    for draft in drafts:
        terms.extend(draft_terms(draft, public))
    terms.extend(secret_terms())
    return LeakTerms(terms)


# -- secrets ---------------------------------------------------------------------------------


def secret_terms(
    environ: Mapping[str, str] | None = None, identity_texts: Iterable[str] = ()
) -> list[LeakTerm]:
    """Secrets that must never leave: tokens and advpub secrets in the environment (by
    variable name), and the age identities in the environment or the identity files given.

    Private-key blocks are found by shape in any text (see :meth:`LeakTerms.find`).
    """
    from advpub.embargo.identity import IDENTITY_FILE_ENV, default_identity_file

    env = os.environ if environ is None else environ
    found: dict[str, LeakTerm] = {}

    def add(value: str, label: str) -> None:
        value = value.strip()
        if len(value) >= MIN_SECRET_CHARS and not any(c.isspace() for c in value):
            found.setdefault(value, LeakTerm("secret", label, value))

    texts = list(identity_texts)
    for name, value in env.items():
        if not value or not _SECRET_ENV_NAME.search(name) or _NOT_SECRET_ENV_NAME.search(name):
            continue
        secrets = [m.group(0) for m in _PRIVATE_KEY_SHAPES[0][0].finditer(value)]
        if secrets or "PRIVATE KEY" in value or "\n" in value.strip():
            # A key file's text: its comments (the public key) are not secret.
            for secret in secrets:
                add(secret, f"${name}")
            continue
        add(value, f"${name}")
    if environ is None:
        for candidate in (env.get(IDENTITY_FILE_ENV), str(default_identity_file())):
            if candidate:
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    texts.append(Path(candidate).read_text(encoding="utf-8"))
    for text in texts:
        for match in _PRIVATE_KEY_SHAPES[0][0].finditer(text):
            add(match.group(0), "your age identity")
    return list(found.values())


# -- folders -------------------------------------------------------------------------------


def scan_folder(
    folder: Path, terms: LeakTerms, skip: frozenset[str] = frozenset()
) -> Iterator[LeakHit]:
    """Every file under ``folder`` whose content or relative path mentions a term (reading
    each file once).

    ``skip`` holds paths relative to ``folder`` (with ``/``) known to be clean already: files
    an earlier scan with the same terms passed and that have not changed since. Their names
    are still checked (it costs nothing).
    """
    # Even without terms: private-key blocks are found by their shape.
    for rel in folder_files(folder):
        path = folder / rel
        for term in terms.find_name(rel):
            yield LeakHit(f"{path} (file name)", term)
        if rel in skip:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for term in terms.find_bytes(data):
            yield LeakHit(str(path), term)


def folder_files(folder: Path) -> list[str]:
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

"""The leak guard (advpub.leaks): a term is caught however the output writes it.

Property tests: a random embargoed term, escaped, encoded, split by whitespace or markup,
in another case or in full-width form, inside a random output format, is always found; the
same output without the term is clean. Seeds are fixed by Hypothesis' database-free
settings below (``derandomize``), so a failure reproduces.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape as xml_escape

from hypothesis import given, settings
from hypothesis import strategies as st

from advpub.leaks import LeakHit, LeakTerm, LeakTerms, secret_terms, title_phrases

DRAFT = "ADV-2026-0042"
SETTINGS = settings(max_examples=300, derandomize=True, deadline=None)

# Titles with the characters output formats escape, in English and Japanese.
TITLES = [
    'Heap overflow in the <frob> & "daemon" parser',
    "Router 'admin' console: command injection via ping",
    "さくらビューアにおける <script> 処理の & クロスサイトスクリプティング",
    "もみじNAS における認証回避の脆弱性",
    "Path traversal in Example Uploader 2.x (C++ backend)",
]
ALIASES = ["JVN#12345678", "JVNVU#98765432", "GHSA-abcd-efgh-ijkm"]

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_filler = st.lists(_word, min_size=0, max_size=6).map(" ".join)


@st.composite
def embargoed_terms(draw: st.DrawFn) -> LeakTerm:
    kind = draw(st.sampled_from(["id", "cve", "alias", "title"]))
    if kind == "id":
        return LeakTerm("id", DRAFT, DRAFT)
    if kind == "cve":
        number = draw(st.integers(min_value=1000, max_value=9_999_999))
        return LeakTerm("cve", DRAFT, f"CVE-2026-{number}")
    if kind == "alias":
        return LeakTerm("alias", DRAFT, draw(st.sampled_from(ALIASES)))
    return LeakTerm("title", DRAFT, draw(st.sampled_from(TITLES)))


def _split_whitespace(text: str, draw: st.DrawFn) -> str:
    gaps = draw(st.sampled_from([" ", "\n", "  \t", "\n    ", "\u00a0"]))
    return gaps.join(text.split(" "))


def _split_markup(text: str, draw: st.DrawFn) -> str:
    # A word wrapped in markup, as a renderer emphasises part of a title or id.
    middle = len(text) // 2
    while middle < len(text) and text[middle].isalnum() is False:
        middle += 1
    tag = draw(st.sampled_from(["b", "em", 'span class="x"', "mark"]))
    close = tag.split()[0]
    return f"{text[:middle]}<{tag}>{text[middle:]}</{close}>"


def _variant(draw: st.DrawFn, text: str) -> str:
    """The term as one writer might put it: case, whitespace, full-width, markup."""
    choice = draw(st.sampled_from(["same", "upper", "lower", "spaces", "fullwidth", "markup"]))
    if choice == "upper":
        return text.upper()
    if choice == "lower":
        return text.lower()
    if choice == "spaces":
        return _split_whitespace(text, draw)
    if choice == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    if choice == "markup":
        return _split_markup(text, draw)
    return text


def _html(t: str) -> str:
    return f"<!doctype html><p class='x'>{html.escape(t)}</p>"


def _html_attr(t: str) -> str:
    return f'<meta property="og:title" content="{html.escape(t, quote=True)}">'


def _html_numeric(t: str) -> str:
    return "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in t)


def _xml(t: str) -> str:
    return f"<entry><title type='text'>{xml_escape(t)}</title></entry>"


def _xml_double(t: str) -> str:
    # Atom `type="html"` content: HTML escaped, then escaped again as XML.
    return f"<content type='html'>{xml_escape(html.escape(t))}</content>"


def _json(t: str) -> str:
    return json.dumps({"items": [{"title": t}]})


def _json_ascii(t: str) -> str:
    return json.dumps({"title": t}, ensure_ascii=True)


def _json_html(t: str) -> str:
    return json.dumps({"content_html": f"<p>{html.escape(t)}</p>"})


def _url(t: str) -> str:
    return f"https://example.org/search?q={quote(t)}"


def _url_plus(t: str) -> str:
    return f"https://example.org/search?q={quote_plus(t)}"


def _javascript(t: str) -> str:
    escaped = "".join(f"\\x{ord(c):02x}" if c in "<>&'\"" else c for c in t)
    return f"var title = '{escaped}';"


FORMATS: dict[str, Callable[[str], str]] = {
    "html": _html,
    "html-attribute": _html_attr,
    "html-numeric": _html_numeric,
    "xml": _xml,
    "xml-double": _xml_double,
    "json": _json,
    "json-ascii": _json_ascii,
    "json-html": _json_html,
    "url": _url,
    "url-plus": _url_plus,
    "javascript": _javascript,
    "plain": lambda t: t,
}


@SETTINGS
@given(data=st.data())
def test_an_embargoed_term_is_caught_in_every_format_and_variant(data: st.DataObject) -> None:
    term = data.draw(embargoed_terms())
    guard = LeakTerms([term])
    variant = _variant(data.draw, term.text)
    fmt = data.draw(st.sampled_from(sorted(FORMATS)))
    before, after = data.draw(_filler), data.draw(_filler)
    output = FORMATS[fmt](f"{before} {variant}. {after}")
    assert guard.find(output) == [term], (fmt, output)
    assert guard.find_bytes(output.encode("utf-8")) == [term]


@SETTINGS
@given(data=st.data())
def test_the_same_outputs_without_the_term_are_clean(data: st.DataObject) -> None:
    term = data.draw(embargoed_terms())
    fmt = data.draw(st.sampled_from(sorted(FORMATS)))
    text = f"{data.draw(_filler)} ADV-2026-0041 CVE-2025-1234 JVN#00000000 {data.draw(_filler)}"
    assert LeakTerms([term]).find(FORMATS[fmt](text)) == []


def test_names_of_files_and_refs_are_matched() -> None:
    guard = LeakTerms([LeakTerm("cve", DRAFT, "CVE-2026-12345"), LeakTerm("id", DRAFT, DRAFT)])
    for name in (
        "advisories/2026/CVE-2026-12345/poc.txt",
        "refs/heads/fix/CVE-2026-12345",
        "refs/tags/CVE-2026-12345-fixed",
        "fix/cve_2026_12345",
        "site/search/CVE%2D2026%2D12345.html",
        "adv-2026-0042.md",
    ):
        assert guard.find_name(name), name
    assert guard.find_name("refs/tags/CVE-2026-123456") == []
    assert guard.find_name("refs/heads/ADV-2026-00421") == []


def test_edges_are_exact_so_longer_numbers_and_words_are_not_hits() -> None:
    guard = LeakTerms(
        [LeakTerm("cve", DRAFT, "CVE-2026-1234"), LeakTerm("title", DRAFT, "Heap overflow in frob")]
    )
    assert guard.find("CVE-2026-12345 and CVE-2026-1234 9.8") != []
    assert guard.find("CVE-2026-12345 and XCVE-2026-1234") == []
    assert guard.find("a heap overflow in frobnicate") == []
    assert guard.find("a heap overflow in frob.") != []


def test_private_keys_are_secrets_by_shape_and_never_shown() -> None:
    guard = LeakTerms([])
    age_key = "AGE-SECRET-KEY-1" + "Q" * 58
    pem = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
        "-----END OPENSSH PRIVATE KEY-----"
    )
    for text in (age_key, age_key.lower(), pem, json.dumps({"k": pem}), html.escape(pem)):
        found = guard.find(text)
        assert [t.kind for t in found] == ["secret"], text
        message = str(LeakHit("site/x.txt", found[0]))
        assert "QQQQ" not in message and "b3Bl" not in message


def test_tokens_in_the_environment_are_secrets() -> None:
    environ = {
        "GITHUB_TOKEN": "ghp_0123456789abcdefghij",
        "ADVPUB_PUSH_TOKEN": "glpat-secretsecret",
        "ADVPUB_IDENTITY": "# created: 2026\n# public key: age1xyz\nAGE-SECRET-KEY-1" + "A" * 58,
        "ADVPUB_IDENTITY_FILE": "/home/ci/identity.txt",
        "CI": "true",
        "HOME": "/home/ci",
    }
    terms = LeakTerms(secret_terms(environ))
    assert {t.draft_id for t in terms.terms} == {
        "$GITHUB_TOKEN",
        "$ADVPUB_PUSH_TOKEN",
        "$ADVPUB_IDENTITY",
    }
    url = "https://x-access-token:ghp_0123456789abcdefghij@github.com/org/repo.git"
    assert [t.draft_id for t in terms.find(f"[remote]\n\turl = {url}")] == ["$GITHUB_TOKEN"]
    # The public key in the identity's comment is not a secret (it is in recipients.txt).
    assert terms.find("age1xyz") == []


def test_redact_replaces_terms_and_withholds_lines_it_cannot_cut() -> None:
    guard = LeakTerms([LeakTerm("cve", DRAFT, "CVE-2026-1234"), LeakTerm("id", DRAFT, DRAFT)])
    assert guard.redact("released ADV-2026-0001 (fixes CVE-2026-1234)\nok") == (
        "released ADV-2026-0001 (fixes [embargoed])\nok"
    )
    assert guard.redact("see %43VE-2026-1234") == (
        "[line withheld (mentions embargoed draft ADV-2026-0042)]"
    )


def test_title_phrases_leave_out_product_names_and_public_text() -> None:
    title = "Example Router Pro Max: command injection in the frobnicator console"
    assert title_phrases(title, ["Example Router Pro Max"]) == [
        title,
        "command injection in the frobnicator console",
    ]
    assert title_phrases(title) == [
        title,
        "Example Router Pro Max",
        "command injection in the frobnicator console",
    ]
    public = ["Other advisory: command injection in the frobnicator console"]
    assert title_phrases(title, public) == [title, "Example Router Pro Max"]
    # A phrase of words every advisory uses names nothing in particular.
    generic = "Example Router Pro Max: command injection in the web console"
    assert title_phrases(generic) == [generic, "Example Router Pro Max"]
    assert title_phrases("さくらビューア: 複数のクロスサイトスクリプティングの脆弱性") == [
        "さくらビューア: 複数のクロスサイトスクリプティングの脆弱性"
    ]
    assert title_phrases("Short: title") == []


# Characters where the skeleton's fast path (ASCII punctuation deleted as bytes) could
# differ from the regex: every ASCII character, separators and invisible characters,
# full-width forms, case folds that change length (ß, İ, ﬁ), combining marks, kana, an
# astral letter and lone surrogates (JSON escapes decode to them).
_SKELETON_ALPHABET = st.sampled_from(
    [chr(c) for c in range(128)]
    + list("\u00a0\u00ad\u200b\u200c\u200d\u2060\ufeff\u3000・、。「」")
    + list("ＡＺａｚ０９ßİﬁÉé\u0301\u0307あアー漢字𝐀Ωω")
    + ["\ud800", "\udfff"]
)


@SETTINGS
@given(st.text(alphabet=_SKELETON_ALPHABET, max_size=60))
def test_skeleton_fast_path_equals_the_regex_definition(text: str) -> None:
    """The prefilter's skeleton is letters and digits only, case-folded, exactly as the
    one-regex definition, for ASCII and non-ASCII text alike (the fast path deletes ASCII
    punctuation with ``bytes.translate`` first)."""
    from advpub.leaks import _NON_ALNUM, _skeleton

    assert _skeleton(text) == _NON_ALNUM.sub("", text).casefold()

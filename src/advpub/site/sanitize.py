"""Sanitising the rendered HTML of advisory bodies (reporters paste hostile proofs of concept).

Allowed: the ordinary HTML of Markdown output, tables, details/summary, code highlighting
spans. Removed: scripts, styles, event handlers, iframes/objects/forms, SVG and MathML,
``javascript:``/``data:`` URLs, inline styles, images from other hosts (the site must not
call external hosts), ids and classes that could hijack Material's own interface.

Tag-like prose that is no HTML element (``<uuid>``, ``git-<crate>``) is kept as text, never
dropped as an unknown tag; the real elements removed here are reported by ``advpub check``
(:mod:`advpub.htmltags` holds the rule).
"""

from __future__ import annotations

import re

import nh3

from advpub.htmltags import ALLOWED_TAGS, escape_unknown_tags
from advpub.model.folding import WIDE_CHARACTERS

_GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir"})
_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": set(_GLOBAL_ATTRIBUTES),
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "details": {"open"},
    "time": {"datetime"},
    "code": set(),
    "ol": {"start", "type"},
}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_SAFE_ID = re.compile(r"^[A-Za-z][\w\-.:]{0,99}$")
# Material's interface uses md-* classes and __* ids (drawer, search toggles): a body must
# not be able to restyle or trigger them.
_RESERVED_CLASS_PREFIXES = ("md-",)
_RESERVED_ID_PREFIXES = ("__", "md-")
_ABSOLUTE_URL = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*:|//|\\\\)")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [c for c in value.split() if not c.startswith(_RESERVED_CLASS_PREFIXES)]
        return " ".join(kept) or None
    if attribute == "id":
        if not _SAFE_ID.match(value) or value.startswith(_RESERVED_ID_PREFIXES):
            return None
        return value
    if tag == "img" and attribute == "src" and _ABSOLUTE_URL.match(value):
        # Remote images would make readers' browsers call other hosts.
        return None
    return value


def sanitize_html(html: str) -> str:
    """``html`` with everything able to run code, load remote content or hijack the page removed.

    Text (including code in ``<pre><code>``) stays escaped text, and so does tag-like prose
    that is not an HTML element.
    """
    return nh3.clean(
        escape_unknown_tags(html),
        tags=set(ALLOWED_TAGS),
        attributes=_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=set(_URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )


# A line break of the Markdown source between two Japanese characters: HTML shows it as a
# space ("ファイル名を 検証しない"), which Japanese text never has. Markup between the two
# characters (a link, emphasis) keeps the break out of this pattern, on purpose: it is rare
# and the space is then at least next to a visible boundary.
_WIDE_BREAK = re.compile(f"(?<={WIDE_CHARACTERS})[ \t]*\n[ \t]*(?={WIDE_CHARACTERS})")
# Elements whose text is shown as written: their line breaks are kept.
_VERBATIM = re.compile(r"(<(pre|code|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)


def join_wide_line_breaks(html: str) -> str:
    """``html`` without the soft line breaks between two Japanese characters (outside
    ``pre``/``code`` and other verbatim elements)."""
    parts = _VERBATIM.split(html)
    out: list[str] = []
    for index, part in enumerate(parts):
        # split() returns text, whole verbatim element, its tag name, text, ...
        kind = index % 3
        if kind == 0:
            out.append(_WIDE_BREAK.sub("", part))
        elif kind == 1:
            out.append(part)
    return "".join(out)

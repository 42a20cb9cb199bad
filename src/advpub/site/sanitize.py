"""Sanitising the rendered HTML of advisory bodies (reporters paste hostile proofs of concept).

Allowed: the ordinary HTML of Markdown output, tables, details/summary, code highlighting
spans. Removed: scripts, styles, event handlers, iframes/objects/forms, SVG and MathML,
``javascript:``/``data:`` URLs, inline styles, images from other hosts (the site must not
call external hosts), ids and classes that could hijack Material's own interface.
"""

from __future__ import annotations

import re

import nh3

_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"map", "area", "center"}
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

    Text (including code in ``<pre><code>``) stays escaped text.
    """
    return nh3.clean(
        html,
        tags=set(_TAGS),
        attributes=_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=set(_URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )

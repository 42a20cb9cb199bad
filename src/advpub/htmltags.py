"""Which tag-like text in an advisory body is HTML: the one vocabulary of the sanitiser
(:mod:`advpub.site.sanitize`) and of the ``check`` rule that reports raw HTML the build
would remove (:mod:`advpub.checks.raw_html`).

The rule: a ``<name>`` whose name is not an HTML element (``<uuid>``, ``git-<crate>``,
``<version>``) is prose and is shown as text; a real HTML element the sanitiser does not
allow (``<script>``, ``<svg>``, ``<template>``, ``<iframe>``) is removed by the build and
reported by ``check``, since the build also drops what the browser would parse as its
content (everything after a literal ``<script>``).
"""

from __future__ import annotations

import re

import nh3

# The elements of the WHATWG HTML standard, obsolete ones included (browsers still parse
# them as elements), plus the roots of embedded SVG and MathML.
HTML_ELEMENTS = frozenset(
    [
        "a",
        "abbr",
        "acronym",
        "address",
        "applet",
        "area",
        "article",
        "aside",
        "audio",
        "b",
        "base",
        "basefont",
        "bdi",
        "bdo",
        "bgsound",
        "big",
        "blink",
        "blockquote",
        "body",
        "br",
        "button",
        "canvas",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "datalist",
        "dd",
        "del",
        "details",
        "dfn",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "fieldset",
        "figcaption",
        "figure",
        "font",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "i",
        "iframe",
        "image",
        "img",
        "input",
        "ins",
        "isindex",
        "kbd",
        "keygen",
        "label",
        "legend",
        "li",
        "link",
        "listing",
        "main",
        "map",
        "mark",
        "marquee",
        "math",
        "menu",
        "menuitem",
        "meta",
        "meter",
        "multicol",
        "nav",
        "nextid",
        "nobr",
        "noembed",
        "noframes",
        "noscript",
        "object",
        "ol",
        "optgroup",
        "option",
        "output",
        "p",
        "param",
        "picture",
        "plaintext",
        "portal",
        "pre",
        "progress",
        "q",
        "rb",
        "rp",
        "rt",
        "rtc",
        "ruby",
        "s",
        "samp",
        "script",
        "search",
        "section",
        "select",
        "slot",
        "small",
        "source",
        "spacer",
        "span",
        "strike",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "svg",
        "table",
        "tbody",
        "td",
        "template",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "track",
        "tt",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
        "xmp",
    ]
)

# What advisory bodies may hold: the ordinary HTML of Markdown output (nh3's defaults
# without image maps and <center>).
ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"map", "area", "center"}

# A start or end tag as an HTML parser sees one: `<`, an optional `/`, a letter, then name
# characters up to whitespace, `/` or `>`.
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_.-]*)(?=[\s/>])")


def is_html_element(name: str) -> bool:
    """True when ``name`` (any case) is an HTML element, allowed or not."""
    return name.lower() in HTML_ELEMENTS


def is_removed_element(name: str) -> bool:
    """True for a real HTML element the sanitiser removes (``script``, ``svg`` ...)."""
    lowered = name.lower()
    return lowered in HTML_ELEMENTS and lowered not in ALLOWED_TAGS


def escape_unknown_tags(html: str) -> str:
    """``html`` with every tag-like ``<name`` that is not an HTML element turned into text
    (``&lt;name``), so an HTML parser shows it instead of dropping it as an unknown tag."""
    return TAG.sub(
        lambda m: m.group(0) if is_html_element(m.group(2)) else "&lt;" + m.group(0)[1:],
        html,
    )

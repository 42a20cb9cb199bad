"""Rule: no raw HTML element in an advisory body that the site build would remove.

The sanitiser removes ``<script>``, ``<svg>``, ``<template>``, ``<iframe>`` ... and with
them what a browser parses as their content: a literal ``<script>`` in a paragraph hides
the rest of it. Writers mean such text as prose (a reporter quoting a payload), so
``check`` names the file and line and how to keep it as text. Tag-like prose that is no
HTML element (``<uuid>``) needs nothing: the site shows it as text
(:mod:`advpub.htmltags`).

The body is read the way Markdown reads it as far as raw HTML goes: fenced and indented
code blocks, code spans and HTML comments are text, not markup. A backslash does not
escape ``<`` in Python-Markdown, so the advice is the entity ``&lt;`` or backticks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from advpub.checks.advisories import corpus_of
from advpub.checks.base import CheckContext
from advpub.htmltags import TAG, is_removed_element
from advpub.model import Advisory, Violation

RULE = "raw-html"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])\s")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)")


def removed_tags(body: str) -> Iterator[tuple[int, str]]:
    """``(line, tag name)`` of each start tag in the Markdown ``body`` (lines counted from
    1) naming an HTML element the sanitiser removes."""
    fence: str | None = None
    previous_blank = True
    in_list = False
    in_indented_code = False
    for number, line in enumerate(body.splitlines(), start=1):
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        opened = _FENCE.match(line)
        if opened:
            fence = opened.group(1)
            continue
        if not line.strip():
            previous_blank = True
            continue
        indented = line.startswith(("    ", "\t"))
        # Indented lines after a blank line are code, unless they continue a list item.
        in_indented_code = indented and not in_list and (previous_blank or in_indented_code)
        if not indented:
            in_list = bool(_LIST_ITEM.match(line)) or (in_list and not previous_blank)
        previous_blank = False
        if in_indented_code:
            continue
        text = _COMMENT.sub("", _CODE_SPAN.sub("", line))
        for match in TAG.finditer(text):
            if not match.group(1) and is_removed_element(match.group(2)):
                yield number, match.group(2)


def body_violations(adv: Advisory, first_body_line: int) -> list[Violation]:
    """The ``raw-html`` violations of one advisory whose body starts on ``first_body_line``."""
    return [
        Violation(
            adv.path or adv.id,
            first_body_line + number - 1,
            "body",
            RULE,
            f"raw HTML `<{name}>` would be removed from the page; write it as `&lt;{name}>` "
            "or in backticks",
        )
        for number, name in removed_tags(adv.body)
    ]


def first_body_line(text: str, body: str) -> int:
    """The file line on which ``body`` (the end of ``text``) starts."""
    return len(text.splitlines()) - len(body.splitlines()) + 1


class RawHtmlRule:
    """Raw HTML elements the build would remove from published advisory bodies."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield one violation per removed element, naming the file and line."""
        found: list[Violation] = []
        for adv in corpus_of(ctx).advisories:
            if not adv.path:
                continue
            try:
                text = Path(ctx.settings.root, adv.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # the validation rule reports unreadable files
            found.extend(body_violations(adv, first_body_line(text, adv.body)))
        return found

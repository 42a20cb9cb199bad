"""Line folding for Japanese text in YAML scalars.

YAML folds a line break inside a scalar (``>``/``>-`` blocks, multi-line plain and quoted
scalars) into one space. That is right between Latin words and wrong between Japanese
characters, which are written without spaces: ``ファイルが`` / ``上書き`` on two lines must
read ``ファイルが上書き``, not ``ファイルが 上書き``.

The composer's value does not say which of its spaces came from a line break, so the value
is aligned with its source text: a space of the value that stands for a run of source
whitespace containing a line break is a fold. Folds with East Asian wide characters on both
sides are removed; every other character (a space typed inside a line, a fold between Latin
words, a literal ``|`` block) is kept exactly.
"""

from __future__ import annotations

import re

import yaml

# Han, kana, CJK symbols and punctuation, full-width and half-width forms.
WIDE_CHARACTERS = (
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_WIDE = re.compile(WIDE_CHARACTERS)
_SOURCE_SPACE = " \t\r\n"


def is_wide(char: str) -> bool:
    """True for a character written without spaces around it in Japanese text."""
    return _WIDE.fullmatch(char) is not None


def _fold_positions(value: str, source: str) -> list[int] | None:
    """Indexes of ``value``'s spaces that stand for a line break of ``source``; None when
    the two cannot be aligned (an escape sequence the value no longer shows, say)."""
    folds: list[int] = []
    i = 0
    for j, char in enumerate(value):
        if char == " " and i < len(source) and source[i] in _SOURCE_SPACE:
            end = i
            while end < len(source) and source[end] in _SOURCE_SPACE:
                end += 1
            if "\n" in source[i:end]:
                folds.append(j)
                i = end
                continue
        # Skip what the value does not show (quotes, indentation, escapes) up to the char.
        found = source.find(char, i)
        if found < 0:
            return None
        i = found + 1
    return folds


def unfold_wide(value: str, source: str) -> str:
    """``value`` without the folded spaces between two wide characters (see the module)."""
    if "\n" not in source or _WIDE.search(value) is None:
        return value
    folds = _fold_positions(value, source)
    if not folds:
        return value
    drop = {
        j
        for j in folds
        if 0 < j < len(value) - 1 and is_wide(value[j - 1]) and is_wide(value[j + 1])
    }
    return "".join(c for j, c in enumerate(value) if j not in drop)


def unfold_nodes(root: yaml.Node, text: str) -> None:
    """Apply :func:`unfold_wide` to every multi-line string scalar under ``root`` (in place,
    before the values are constructed); ``text`` is the YAML the nodes were composed from."""
    stack: list[yaml.Node] = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, item in node.value:
                stack.extend((key, item))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif (
            isinstance(node, yaml.ScalarNode)
            and node.style != "|"
            and node.start_mark.line != node.end_mark.line
            and isinstance(node.value, str)
        ):
            source = text[node.start_mark.index : node.end_mark.index]
            node.value = unfold_wide(node.value, source)

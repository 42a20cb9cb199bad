"""Split a Markdown file into YAML front matter and body; load the YAML strictly.

Strict means: safe loading only, no implicit timestamps (dates are parsed by the model so
impossible dates get a clear message), duplicate keys and aliases refused, and every key's
line number kept so messages can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from advpub.model.folding import unfold_nodes

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FRONT_MATTER_CHARS = 256 * 1024
MAX_NODES = 20_000
MAX_DEPTH = 32

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp resolver."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)
_StrictCLoader: Any = None
if _CSafeLoader is not None:
    # libyaml composes ~20x faster (most of a 10,000-advisory build's parsing time).
    _StrictCLoader = type("_StrictCLoader", (_CSafeLoader,), {})
    _StrictCLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers


def _compose_fast(yaml_text: str) -> tuple[yaml.Node | None] | None:
    """The node graph composed by libyaml, or None to use the pure-Python loader (libyaml
    missing, text the pure reader would refuse, or any error: the pure loader then gives
    the exact message)."""
    if _StrictCLoader is None or yaml.reader.Reader.NON_PRINTABLE.search(yaml_text):
        return None
    loader = _StrictCLoader(yaml_text)
    try:
        return (loader.get_single_node(),)
    except Exception:  # any libyaml failure: the pure loader reports it
        return None
    finally:
        loader.dispose()


@dataclass
class Problem:
    """A problem found while splitting or loading, before field validation."""

    rule: str
    field: str
    message: str
    line: int | None = None


@dataclass
class FrontMatter:
    """The loaded front matter, its key lines (by dotted path) and the body."""

    data: Any
    body: str
    lines: dict[str, int] = field(default_factory=dict)
    first_line: int = 2
    problems: list[Problem] = field(default_factory=list)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return ``(yaml_text, body, first_yaml_line)`` or None when there is no front matter."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), 2
    return None


def load_front_matter(text: str) -> FrontMatter:
    """Split and strictly load the front matter of ``text``; problems are collected."""
    split = split_front_matter(text)
    if split is None:
        return FrontMatter(
            data=None,
            body=text,
            problems=[
                Problem(
                    "front-matter-missing",
                    "front matter",
                    "no YAML front matter; start the file with a line `---`, the keys, "
                    "then a closing `---`",
                    1,
                )
            ],
        )
    yaml_text, body, first = split
    result = FrontMatter(data=None, body=body, first_line=first)
    if len(yaml_text) > MAX_FRONT_MATTER_CHARS:
        result.problems.append(
            Problem(
                "size",
                "front matter",
                f"front matter is larger than {MAX_FRONT_MATTER_CHARS // 1024} KiB; "
                "move long text into the body",
                first,
            )
        )
        return result
    loader: _StrictLoader | None = None
    fast = _compose_fast(yaml_text)
    try:
        if fast is not None:
            node = fast[0]
        else:
            loader = _StrictLoader(yaml_text)
            node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first if mark is not None else first
        problem = exc.problem or exc.context or "invalid YAML"
        column = f" (column {mark.column + 1})" if mark is not None else ""
        result.problems.append(
            Problem("yaml-syntax", "front matter", f"YAML syntax error: {problem}{column}", line)
        )
        return result
    except yaml.reader.ReaderError as exc:
        line = yaml_text.count("\n", 0, max(exc.position, 0)) + first
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        result.problems.append(
            Problem(
                "yaml-syntax",
                "front matter",
                f"character U+{ord(char):04X} is not allowed in YAML; remove it",
                line,
            )
        )
        return result
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        result.problems.append(
            Problem("yaml-syntax", "front matter", f"YAML error: {type(exc).__name__}", first)
        )
        return result
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        result.data = None
        return result
    walker = _Walker(first, result.problems)
    walker.walk(node, "", 0)
    result.lines = walker.lines
    if any(p.rule == "size" for p in result.problems):
        return result
    # Japanese lines folded by YAML join without a space (see advpub.model.folding).
    unfold_nodes(node, yaml_text)
    constructor = _StrictLoader("")
    try:
        result.data = constructor.construct_document(node)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, OverflowError) as exc:
        line = node.start_mark.line + first
        result.problems.append(
            Problem("yaml-syntax", "front matter", f"YAML value error: {type(exc).__name__}", line)
        )
    finally:
        constructor.dispose()
    return result


class _Walker:
    """Walks the node graph: records key lines, refuses duplicates, aliases and excess."""

    def __init__(self, first_line: int, problems: list[Problem]) -> None:
        self.first = first_line
        self.problems = problems
        self.lines: dict[str, int] = {}
        self.seen: set[int] = set()
        self.count = 0

    def _line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + self.first

    def walk(self, node: yaml.Node, path: str, depth: int) -> None:
        self.count += 1
        if self.count == MAX_NODES or depth == MAX_DEPTH:
            self.problems.append(
                Problem(
                    "size",
                    path or "front matter",
                    "front matter is too large or too deeply nested",
                    self._line(node),
                )
            )
        if self.count >= MAX_NODES or depth >= MAX_DEPTH:
            return
        if id(node) in self.seen:
            self.problems.append(
                Problem(
                    "yaml-alias",
                    path or "front matter",
                    "YAML anchors and aliases are not allowed; write the value out",
                    self._line(node),
                )
            )
            return
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                child = f"{path}.{key}" if path else key
                line = self._line(key_node)
                if key in keys:
                    self.problems.append(
                        Problem(
                            "duplicate-key",
                            child,
                            f"duplicate key (first on line {keys[key]}); keep only one",
                            line,
                        )
                    )
                else:
                    keys[key] = line
                    self.lines.setdefault(child, line)
                self.walk(value_node, child, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = f"{path}[{index}]"
                self.lines.setdefault(child, self._line(item))
                self.walk(item, child, depth + 1)

"""What the docs folder (``advisories/``) may publish, and which MkDocs settings would let a
file skip the plugin.

MkDocs publishes whatever it finds in ``docs_dir`` and follows symbolic links while doing
so; the advpub plugin instead decides every file itself: released advisory pages, and media
files that a released advisory links to. Everything here supports that one rule:

- :func:`link_problems` refuses symbolic and hard links anywhere under the folder (a link
  named ``env.txt`` would publish ``/proc/self/environ`` or ``.git/config``);
- :func:`config_problems` refuses settings that bring files into pages or serve files the
  plugin never saw (include extensions and plugins, ``draft_docs``, ``extra_templates``);
- :func:`linked_media` says which media files released advisories link to;
- the sentinel page (:data:`SENTINEL_NAME`) makes a build without the plugin fail before
  MkDocs writes anything: MkDocs reads every page before it writes any, and it cannot read
  this one (its bytes are not UTF-8). The plugin takes it out of the build first.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

# The check of the sentinel lives with the other checks; the plugin uses it from here too.
from advpub.checks.site_files import RESTORE_HINT as RESTORE_HINT
from advpub.checks.site_files import sentinel_problem as sentinel_problem

# Re-exported for older imports; the layout module is their one home.
from advpub.layout import SENTINEL_BYTES as SENTINEL_BYTES
from advpub.layout import SENTINEL_NAME as SENTINEL_NAME

# Markdown extensions that copy other files into pages or into the HTML (matched on the
# lowercased dotted name, so markdown_include.include, mdx_include, pymdownx.snippets...).
_INCLUDING_EXTENSION_WORDS = ("snippet", "include")
_INCLUDING_EXTENSIONS = frozenset({"pymdownx.b64"})  # inlines local image files
# Plugins that include files into pages, generate pages or run page code (names as written
# under `plugins:`, compared with `_` read as `-`).
_INCLUDING_PLUGINS = frozenset(
    {
        "macros",
        "gen-files",
        "markdown-exec",
        "exec",
        "mkdocs-simple-hooks",
        "simple-hooks",
    }
)

# Link targets in a Markdown body: inline links and images `[x](url "title")` or
# `[x](<url>)`, reference definitions `[x]: url`, and src/href attributes of raw HTML.
_LINK_TARGET = re.compile(
    r"\]\(\s*<([^>\n]*)>"
    r"|\]\(\s*([^)\s]+)"
    r"|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)"
    r"|\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]+)",
    re.MULTILINE | re.IGNORECASE,
)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def link_problems(folder: Path, shown: str) -> list[str]:
    """One message per symbolic link, hard link or special file under ``folder`` (at any
    depth, folders included; a linked folder is reported, not entered). ``shown`` is how
    messages name the folder (``advisories``)."""
    problems: list[str] = []
    if not folder.is_dir() or folder.is_symlink():
        return problems
    rule = f"advpub publishes only regular files under {shown}/"
    for current, dirs, names in os.walk(folder):
        # Strings, not Path objects: this runs on every build and every live reload.
        base = os.path.relpath(current, folder)
        prefix = "" if base == os.curdir else base.replace(os.sep, "/") + "/"
        for name in sorted([*dirs, *names]):
            rel = prefix + name
            try:
                st = os.lstat(os.path.join(current, name))  # noqa: PTH118 (speed)
            except OSError as exc:
                problems.append(f"{shown}/{rel}: cannot be read ({exc.strerror}); remove it")
                continue
            if stat.S_ISLNK(st.st_mode):
                problems.append(
                    f"{shown}/{rel}: a symbolic link; {rule} — replace it with the file "
                    "itself or remove it"
                )
            elif stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                problems.append(
                    f"{shown}/{rel}: a hard link ({st.st_nlink} names for one file); {rule} — "
                    "replace it with a copy of its own or remove it"
                )
            elif not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
                problems.append(f"{shown}/{rel}: not a regular file; {rule} — remove it")
        # os.walk does not enter linked folders (reported above); sorted for stable output.
        dirs.sort()
    return sorted(problems)


def _plugin_word(name: str) -> str:
    # `material/search` -> `search`; `include_markdown` -> `include-markdown`.
    return name.rsplit("/", 1)[-1].lower().replace("_", "-")


def is_including_extension(name: str) -> bool:
    """True for a Markdown extension that copies other files into pages."""
    lowered = name.lower()
    return lowered in _INCLUDING_EXTENSIONS or any(
        word in lowered for word in _INCLUDING_EXTENSION_WORDS
    )


def is_including_plugin(name: str) -> bool:
    """True for a MkDocs plugin that includes files, generates pages or runs page code."""
    word = _plugin_word(name)
    return (
        word in _INCLUDING_PLUGINS
        or word.removeprefix("mkdocs-").removesuffix("-plugin") in _INCLUDING_PLUGINS
        or "include" in word
        or "snippet" in word
    )


def _extension_name(extension: object) -> str:
    if isinstance(extension, str):
        return extension
    kind = type(extension)
    return f"{kind.__module__}.{kind.__qualname__}"


def config_problems(config: Mapping[str, Any], docs_dir: Path, shown: str) -> list[str]:
    """Every MkDocs setting that would let a file reach readers without the plugin's
    decision, one message each (``config`` is the MkDocs configuration)."""
    problems: list[str] = []
    skip = "bypassing the release gate"
    for extension in config.get("markdown_extensions") or ():
        name = _extension_name(extension)
        if is_including_extension(name):
            problems.append(
                f"mkdocs.yml: markdown_extensions: {name}: includes other files into pages, "
                f"{skip}; remove it from markdown_extensions"
            )
    hooks = list(config.get("hooks") or ())
    for name in config.get("plugins") or ():
        # MkDocs lists each hook among the plugins too (reported below, once).
        if name not in hooks and is_including_plugin(name):
            problems.append(
                f"mkdocs.yml: plugins: {name}: includes files into pages or generates pages, "
                f"{skip}; remove it from plugins"
            )
    for hook in hooks:
        problems.append(
            f"mkdocs.yml: hooks: {hook}: runs code that can change pages and files, {skip}; "
            "remove it from hooks"
        )
    if config.get("draft_docs"):
        problems.append(
            "mkdocs.yml: draft_docs: drafts are served by `mkdocs serve` without the release "
            "gate; remove draft_docs (embargoed advisories belong encrypted under embargo/)"
        )
    for template in config.get("extra_templates") or ():
        problems.append(
            f"mkdocs.yml: extra_templates: {template}: renders a file of {shown}/ as a page, "
            f"{skip}; remove it from extra_templates"
        )
    custom_dir = getattr(config.get("theme"), "custom_dir", None)
    if custom_dir and _is_inside(Path(custom_dir), docs_dir):
        problems.append(
            f"mkdocs.yml: theme.custom_dir: {custom_dir} is inside {shown}/, whose files "
            f"would be published as theme files, {skip}; move it out of {shown}/"
        )
    return problems


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def link_targets(body: str, src_uri: str) -> set[str]:
    """The docs-relative paths that the Markdown ``body`` of the page ``src_uri`` links to
    (relative URLs only; query and fragment dropped, percent-escapes decoded)."""
    base = posixpath.dirname(src_uri)
    found: set[str] = set()
    for match in _LINK_TARGET.finditer(body):
        url = next(group for group in match.groups() if group is not None).strip()
        if not url or url.startswith(("/", "#", "\\")) or _SCHEME.match(url):
            continue
        url = unquote(url.split("#", 1)[0].split("?", 1)[0])
        target = posixpath.normpath(posixpath.join(base, url))
        if target != ".." and not target.startswith("../"):
            found.add(target)
    return found


def linked_media(pages: Iterable[tuple[str, str]], media: Iterable[str]) -> set[str]:
    """The media files (docs-relative paths) that the given pages link to; ``pages`` holds
    (src_uri, Markdown body) of every released advisory."""
    candidates = set(media)
    if not candidates:
        return set()
    linked: set[str] = set()
    for src_uri, body in pages:
        linked |= link_targets(body, src_uri) & candidates
    return linked

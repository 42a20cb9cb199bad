"""Refusing to publish from a work tree that differs from what is committed.

A release commits only its own two paths, but the site is built from the work tree: a
modified tracked file, or an untracked file where the site or the drafts come from, would
make the deployed site differ from the pushed history. Untracked files elsewhere (a local
virtualenv, notes) are harmless and allowed; ignored files (``site/``) are never looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from advpub.config import Settings
from advpub.git.command import git_ok

SHOWN_LIMIT = 10


@dataclass(frozen=True)
class DirtyPath:
    """One path that makes the work tree unfit for publishing."""

    path: str
    state: str  # "modified", "staged", "untracked", "conflict"


def _state(code: str) -> str:
    if "U" in code or code in ("AA", "DD"):
        return "conflict"
    if code == "??":
        return "untracked"
    return "modified" if code[1] != " " else "staged"


def dirty_paths(settings: Settings) -> list[DirtyPath]:
    """Tracked files changed or staged anywhere, plus untracked files under the advisories
    and embargo folders (paths relative to the top of the work tree)."""
    prefix = git_ok(settings.root, "rev-parse", "--show-prefix").strip()
    guarded = tuple(
        f"{prefix}{folder.strip('/')}/"
        for folder in (settings.advisories_dir, settings.embargo_dir)
    )
    out = git_ok(settings.root, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    entries = out.split("\0")
    found: list[DirtyPath] = []
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":
            index += 1  # the rename's source follows as its own field
        state = _state(code)
        if state == "untracked" and not path.startswith(guarded):
            continue
        found.append(DirtyPath(path, state))
    return found


def describe_dirty(paths: Sequence[DirtyPath]) -> str:
    """``a.md (modified), b (untracked) and 3 more``."""
    shown = [f"{p.path} ({p.state})" for p in paths[:SHOWN_LIMIT]]
    more = len(paths) - SHOWN_LIMIT
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

"""Rule: no symbolic or hard link under ``advisories/``.

MkDocs copies what a link points to into the site: ``env.txt -> /proc/self/environ`` or
``cfg.txt -> ../../.git/config`` would publish the identity and the push token from a CI
build. git stores a symlink as a blob of mode 120000 (its target), so hooks refuse that
mode; in the work tree ``advpub check`` looks at ``lstat`` (symlinks, and hard links: a
second name of a file outside the folder, such as a private key).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from advpub.checks.base import CheckContext
from advpub.config import Settings
from advpub.model import Violation

RULE = "link"
SYMLINK_MODE = "120000"


def is_in_folder(path: str, folder: str) -> bool:
    """True when ``path`` is ``folder`` itself or lies inside it (both repository-relative)."""
    top = PurePosixPath(folder).as_posix().rstrip("/")
    return path == top or path.startswith(top + "/")


def symlink_violation(path: str, advisories_dir: str, where: str = "") -> Violation:
    """The refusal of a symbolic link at ``path`` (``where``: the commit, if any)."""
    context = f" (in commit {where})" if where else ""
    return Violation(
        path,
        None,
        "file",
        RULE,
        f"a symbolic link under {advisories_dir}/ publishes whatever it points to (a key, "
        f".git/config); commit the file itself or remove it{context}",
    )


def hardlink_violation(path: str, advisories_dir: str, links: int) -> Violation:
    """The refusal of a file at ``path`` that has ``links`` names (a hard link)."""
    return Violation(
        path,
        None,
        "file",
        RULE,
        f"a hard link ({links} names for one file) under {advisories_dir}/ publishes a file "
        "that lives elsewhere too; commit the file itself (a copy) or remove it",
    )


def git_entry_violation(
    path: str, mode: str, settings: Settings, where: str = ""
) -> Violation | None:
    """The refusal of a git index or tree entry when it is a symlink under ``advisories/``."""
    if mode == SYMLINK_MODE and is_in_folder(path, settings.advisories_dir):
        return symlink_violation(path, settings.advisories_dir, where)
    return None


def worktree_link_violations(settings: Settings) -> list[Violation]:
    """Every symlink (to a file or a folder) and hard-linked file under ``advisories/``."""
    top = settings.advisories_path
    shown_top = settings.advisories_dir.rstrip("/")
    try:
        info = os.lstat(top)
    except FileNotFoundError:
        return []
    if stat.S_ISLNK(info.st_mode):
        return [symlink_violation(shown_top, shown_top)]
    found: list[Violation] = []
    for folder, dirs, files in os.walk(top):  # os.walk never follows symlinked folders
        dirs.sort()
        base = Path(folder)
        for name in sorted(dirs + files):
            full = base / name
            rel = f"{shown_top}/{full.relative_to(top).as_posix()}"
            try:
                entry = full.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(entry.st_mode):
                found.append(symlink_violation(rel, shown_top))
            elif stat.S_ISREG(entry.st_mode) and entry.st_nlink > 1:
                found.append(hardlink_violation(rel, shown_top, entry.st_nlink))
    return found


class LinkRule:
    """``advpub check``: no symbolic or hard link under ``advisories/`` in the work tree."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield one violation per link."""
        return worktree_link_violations(ctx.settings)

"""Rule: nothing under ``embargo/`` may be plaintext (only age ciphertext and a few notes).

git-crypt style filters silently commit plaintext when a clone lacks the filter; advpub
instead refuses any non-ciphertext file in the embargo folder, in hooks and in CI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from advpub.checks.base import CheckContext
from advpub.config import Settings
from advpub.embargo.store import is_age_ciphertext
from advpub.layout import ALLOWED_PLAIN_FILES
from advpub.model import Violation

RULE = "embargo-plaintext"


def is_under(path: str, folder: str) -> bool:
    """True when the repository-relative ``path`` lies inside ``folder``."""
    prefix = PurePosixPath(folder).as_posix().rstrip("/") + "/"
    return path.startswith(prefix)


def is_allowed_plain(path: str, embargo_dir: str) -> bool:
    """recipients.txt, README.md, .gitkeep and .gitattributes directly in the embargo folder."""
    rel = PurePosixPath(path).relative_to(PurePosixPath(embargo_dir))
    return len(rel.parts) == 1 and rel.name in ALLOWED_PLAIN_FILES


def plaintext_violation(
    path: str, data: bytes, embargo_dir: str, where: str = ""
) -> Violation | None:
    """A violation when ``path`` (inside the embargo folder) holds anything but age ciphertext.

    ``where`` says in which commit it was found (empty for staged or work-tree files).
    """
    if is_allowed_plain(path, embargo_dir) or is_age_ciphertext(data):
        return None
    context = f" in commit {where}" if where else ""
    return Violation(
        path,
        None,
        "embargo",
        RULE,
        f"not age ciphertext{context}: only encrypted drafts may live under {embargo_dir}/; "
        f"encrypt it with `advpub import FILE --remove` (or delete it), and never commit "
        "plaintext drafts",
    )


def worktree_plaintext(settings: Settings) -> Iterator[Violation]:
    """Every file under the embargo folder of the work tree that is not ciphertext."""
    folder = settings.embargo_path
    if not folder.is_dir():
        return
    for file in sorted(folder.rglob("*")):
        if not file.is_file() or file.is_symlink():
            continue
        rel = file.relative_to(settings.root).as_posix()
        try:
            with file.open("rb") as handle:
                head = handle.read(4096)
        except OSError as exc:
            yield Violation(rel, None, "embargo", RULE, f"cannot read: {exc.strerror}")
            continue
        found = plaintext_violation(rel, head, settings.embargo_dir)
        if found is not None:
            yield found


class EmbargoPlaintextRule:
    """``advpub check``: the work tree's embargo folder holds only ciphertext."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield one violation per plaintext file under the embargo folder."""
        return list(worktree_plaintext(ctx.settings))

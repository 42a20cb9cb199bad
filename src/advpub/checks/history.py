"""Rule (``advpub check --history``): no commit reachable from HEAD ever put plaintext
under the embargo folder.

Deleting a plaintext draft later does not help: it stays in every clone's history, so the
check names the commit and the fix is to rewrite history (and treat the issue as leaked).
"""

from __future__ import annotations

from collections.abc import Iterable

from advpub.checks.base import CheckContext
from advpub.checks.embargo_files import RULE as PLAINTEXT_RULE
from advpub.checks.embargo_files import plaintext_violation
from advpub.git.history import changed_in_history
from advpub.git.staged import read_blobs, root_prefix, strip_prefix
from advpub.model import Violation

RULE = "history"


class HistoryRule:
    """Every blob ever committed under the embargo folder (from HEAD) is ciphertext."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """Yield one violation per plaintext blob, naming the oldest commit that added it."""
        if not ctx.history:
            return []
        root = ctx.settings.root
        prefix = root_prefix(root)
        changes = changed_in_history(root, [ctx.settings.embargo_dir + "/"])
        # git log lists newest first; keep the oldest commit that introduced each blob.
        first: dict[tuple[str, str], str] = {}
        for change in reversed(changes):
            key = (strip_prefix(change.path, prefix), change.blob)
            first.setdefault(key, change.commit or "?")
        blobs = read_blobs(root, (blob for _, blob in first))
        found: list[Violation] = []
        for (path, blob), commit in first.items():
            data = blobs.get(blob)
            if data is None:
                continue
            problem = plaintext_violation(path, data, ctx.settings.embargo_dir, commit[:12])
            if problem is not None:
                found.append(_history_fix(problem))
        return found


def _history_fix(problem: Violation) -> Violation:
    # Removing the file from the tip leaves it in history: say what actually helps.
    message = problem.message.split(": only encrypted", 1)[0]
    return Violation(
        problem.path,
        None,
        "embargo",
        PLAINTEXT_RULE,
        f"{message}: plaintext stays in git history even after deletion; rewrite history "
        "(e.g. `git filter-repo --path FILE --invert-paths`), force-push, and treat the "
        "draft as leaked",
    )

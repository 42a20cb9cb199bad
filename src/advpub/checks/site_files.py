"""Rule: the docs folder keeps the sentinel page that makes a build without the advpub
plugin fail (the page is described in :mod:`advpub.layout`; the plugin asks the same
:func:`sentinel_problem` before it builds)."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path

from advpub.checks.base import CheckContext
from advpub.layout import SENTINEL_NAME
from advpub.model import Violation

RULE = "site-sentinel"
RESTORE_HINT = (
    "run `advpub init .` in the folder of mkdocs.yml to restore it (it only adds missing files)"
)


def sentinel_problem(folder: Path) -> str | None:
    """Why the sentinel page under ``folder`` no longer stops a build without the plugin
    (missing, not a regular file, or readable as text); None when it is in place. The
    message does not name the file (callers do)."""
    path = folder / SENTINEL_NAME
    weakened = "a build without the advpub plugin (and its release gate) would not fail"
    try:
        st = path.lstat()
    except FileNotFoundError:
        return f"missing, so {weakened}; {RESTORE_HINT}"
    except OSError as exc:
        return f"cannot be read ({exc.strerror}); {RESTORE_HINT}"
    if not stat.S_ISREG(st.st_mode):
        return f"not a regular file, so {weakened}; delete it and {RESTORE_HINT}"
    try:
        path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror}); {RESTORE_HINT}"
    return f"readable as text, so {weakened}; delete it and {RESTORE_HINT}"


class SiteSentinelRule:
    """``advpub check``: the sentinel page is present and not readable as text."""

    name = RULE

    def check(self, ctx: CheckContext) -> Iterable[Violation]:
        """One violation when the sentinel is missing or no longer stops a plugin-less build."""
        problem = sentinel_problem(ctx.settings.advisories_path)
        if problem is None:
            return []
        shown = f"{ctx.settings.advisories_dir}/{SENTINEL_NAME}"
        return [Violation(shown, None, "file", RULE, problem)]

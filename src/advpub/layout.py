"""Where things live in an advisory repository: the one home of its layout facts.

An advisory repository holds released advisories as ``advisories/**/<ID>.md`` and
embargoed drafts as ``embargo/<ID>.md.age`` (both folders are configurable, so their names
are passed in). Which file is an advisory, which plaintext files may sit beside the drafts,
and the sentinel page that makes a build without the plugin fail are decided here only:
the corpus, the checks, the hooks, the audit trail and the scaffold all ask this module.

Imports nothing of advpub (it is a leaf every other part may use).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# An embargoed draft: ``<embargo dir>/<ID>.md.age`` (age ciphertext).
DRAFT_SUFFIX = ".md.age"
# A released advisory: ``<advisories dir>/**/<ID>.md``.
PUBLIC_SUFFIX = ".md"
# Who can read the drafts, directly in the embargo folder.
RECIPIENTS_FILE = "recipients.txt"
# Files allowed in the embargo folder besides drafts (they hold no advisory content).
ALLOWED_PLAIN_FILES = frozenset({RECIPIENTS_FILE, "README.md", ".gitkeep", ".gitattributes"})
# Pages under the advisories folder that are not advisories.
NON_ADVISORY_NAMES = frozenset({"README.md", "index.md"})

# A linked translation sits beside its primary as ``<ID>.<lang>.md`` (a draft as
# ``<ID>.<lang>.md.age``): the last dot-separated part of the stem, when it is a BCP 47 tag
# (the same shape as the model's ``lang`` check), names the translation's language.
_TRANSLATION_STEM = re.compile(r"^(?P<id>.+)\.(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)$")

# A file name the corpus, the hooks and the gate skip (leading underscore), which MkDocs
# nevertheless reads as a page.
SENTINEL_NAME = "_advpub-plugin-required.md"
# ASCII explanation, then bytes that are not UTF-8 (MkDocs reads pages as strict UTF-8)
# and a NUL byte (git then treats the file as binary: no diff, no line-ending conversion).
SENTINEL_BYTES = (
    b"This file stops MkDocs from building advisories/ without the advpub plugin, which\n"
    b"applies the release gate: MkDocs reads every page before it writes any, and it\n"
    b"cannot read this one (the last line is not UTF-8), so such a build fails before it\n"
    b"publishes anything. The advpub plugin leaves it out of the site. Keep it unchanged;\n"
    b"`advpub init .` restores it if it is lost.\n"
    b"\x00\xff\xfe advpub-plugin-required \xff\n"
)


def is_advisory_name(rel: PurePosixPath) -> bool:
    """True when ``rel`` (relative to the advisories folder) is an advisory file.

    Names starting with ``.`` or ``_`` (in any folder of the path) are skipped, and so are
    the folder's pages (:data:`NON_ADVISORY_NAMES`).
    """
    return (
        rel.suffix == PUBLIC_SUFFIX
        and rel.name not in NON_ADVISORY_NAMES
        and not any(part.startswith((".", "_")) for part in rel.parts)
    )


def split_stem(stem: str) -> tuple[str, str | None]:
    """``ADV-1.en`` -> (``ADV-1``, ``en``): the advisory id and the language of a linked
    translation; (``stem``, None) for a primary advisory's stem."""
    match = _TRANSLATION_STEM.match(stem)
    if match is None:
        return stem, None
    return match["id"], match["lang"]


def is_advisory_path(path: str, advisories_dir: str) -> bool:
    """True when the repository-relative ``path`` is an advisory file under
    ``advisories_dir`` (the folder relative to the same root; empty means the root)."""
    return advisory_id(path, advisories_dir) is not None


def advisory_id(path: str, advisories_dir: str) -> str | None:
    """The id of the advisory file at the repository-relative ``path`` (its name without
    ``.md``), or None when ``path`` is not an advisory file under ``advisories_dir``."""
    pure = PurePosixPath(path)
    try:
        rel = pure.relative_to(PurePosixPath(advisories_dir.strip("/") or "."))
    except ValueError:
        return None
    if not is_advisory_name(rel):
        return None
    return pure.stem or None


def draft_id(name: str) -> str | None:
    """The id of a draft file name (``<ID>.md.age`` -> ``<ID>``); None for other names."""
    if not name.endswith(DRAFT_SUFFIX):
        return None
    return name[: -len(DRAFT_SUFFIX)] or None

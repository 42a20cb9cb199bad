"""Leaks in names: file paths, branch and tag names are published as much as file contents.

A folder ``advisories/2026/CVE-2026-12345/``, a branch ``fix/CVE-2026-12345`` or a tag
``CVE-2026-12345-fixed`` tells the world about an embargoed issue without a single leaking
byte of content. Names are matched with the same terms as contents; messages name the draft
by its id and show the name with each embargoed term replaced by a placeholder, so hook
output and CI logs never repeat the term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from advpub.checks.embargo_files import is_under
from advpub.leaks import LeakHit, LeakTerm, LeakTerms
from advpub.model import Violation

RULE = "leak"
# A run of at most this many name parts is matched as one dashed term (CVE-2026-12345 is
# three parts; ids and aliases such as GHSA-xxxx-xxxx-xxxx have at most five or six).
_MAX_DASHED_PARTS = 8
_SEPARATORS = re.compile(r"[/\\_.\-\s]+")
PLACEHOLDER = "[hidden]"
HIDDEN_NAME = "(name hidden: it mentions an embargoed term)"


def name_terms(terms: LeakTerms, name: str) -> list[LeakTerm]:
    """Every term a file path or git ref name mentions (see :meth:`LeakTerms.find_name`)."""
    return terms.find_name(name) if terms else []


def _is_public_id(term: LeakTerm, path: str, embargo_dir: str) -> bool:
    # Draft file names are public by design (embargo/<ID>.md.age): its own id in a path
    # under the embargo folder is not a leak, even when that id is also one of its CVEs.
    return is_under(path, embargo_dir) and (
        term.kind == "id" or term.text.casefold() == term.draft_id.casefold()
    )


def path_terms(terms: LeakTerms, path: str, embargo_dir: str) -> list[LeakTerm]:
    """The embargoed terms a repository-relative ``path`` mentions (draft ids of drafts
    under the embargo folder excepted)."""
    return [t for t in name_terms(terms, path) if not _is_public_id(t, path, embargo_dir)]


def shown_name(name: str, found: list[LeakTerm], terms: LeakTerms) -> str:
    """``name`` with every term in ``found`` replaced by ``[hidden]``.

    When a term cannot be located as written (it only matched decoded or split), the whole
    name is hidden rather than risk printing it.
    """
    shown = name
    for term in sorted(found, key=lambda t: len(t.text), reverse=True):
        shown = re.sub(re.escape(term.text), "\0", shown, flags=re.IGNORECASE)
    if name_terms(terms, shown):
        return HIDDEN_NAME
    return shown.replace("\0", PLACEHOLDER)


def redact_name(name: str, terms: LeakTerms | None) -> str:
    """A ref or tag ``name`` safe to print: embargoed terms in it hidden."""
    if not terms:
        return name
    found = name_terms(terms, name)
    return shown_name(name, found, terms) if found else name


def redact_path(path: str, terms: LeakTerms | None, embargo_dir: str) -> str:
    """``path`` safe to print: embargoed terms in it hidden (unchanged when it has none)."""
    if not terms:
        return path
    found = path_terms(terms, path, embargo_dir)
    return shown_name(path, found, terms) if found else path


def redact_paths(
    violations: Iterable[Violation], terms: LeakTerms | None, embargo_dir: str
) -> list[Violation]:
    """``violations`` with every path that mentions an embargoed term hidden: a content
    problem of ``advisories/CVE-…/x.md`` must not print the CVE either."""
    if not terms:
        return list(violations)
    shown: dict[str, str] = {}
    result: list[Violation] = []
    for violation in violations:
        path = shown.get(violation.path)
        if path is None:
            path = shown[violation.path] = redact_path(violation.path, terms, embargo_dir)
        result.append(violation if path == violation.path else replace(violation, path=path))
    return result


def path_violations(
    path: str, terms: LeakTerms | None, embargo_dir: str, where: str = ""
) -> list[Violation]:
    """One violation per embargoed term the file's path mentions (``where``: a commit)."""
    if not terms:
        return []
    found = path_terms(terms, path, embargo_dir)
    if not found:
        return []
    shown = shown_name(path, found, terms)
    context = f" (in commit {where})" if where else ""
    return [
        Violation(
            shown,
            None,
            "path",
            RULE,
            f"{_name_message(term)}; the path is published with the file: rename the file "
            f"or folder{context}",
        )
        for term in found
    ]


def ref_violations(ref: str, terms: LeakTerms | None, fix: str) -> list[Violation]:
    """One violation per embargoed term a branch or tag name mentions; ``fix`` says how to
    rename it."""
    if not terms:
        return []
    found = name_terms(terms, ref)
    if not found:
        return []
    shown = shown_name(ref, found, terms)
    return [
        Violation(f"ref {shown}", None, "ref", RULE, f"{_name_message(term)}; {fix}")
        for term in found
    ]


def _name_message(term: LeakTerm) -> str:
    # LeakHit words the kind of term ("CVE id", "title"), as content leaks do; only the
    # remedy differs for a name.
    return LeakHit("", term).message.split("; remove it", 1)[0]


def ref_fix(ref: str) -> str:
    """How to rename the ref ``ref`` before pushing it."""
    if ref.startswith("refs/tags/"):
        return (
            "the tag name is published with the push: delete the tag (`git tag -d`) and "
            "tag again with a neutral name"
        )
    return (
        "the branch name is published with the push: rename the branch (`git branch -m`) "
        "and push it under a neutral name"
    )

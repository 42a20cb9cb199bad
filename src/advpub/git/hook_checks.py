"""What the git hooks check: staged content, commit messages and the commits of a push.

The same rules as ``advpub check`` (plaintext under the embargo folder, advisories that fail
validation or the gate, leaks of embargoed terms), applied to blobs read from git rather
than to the work tree, because the work tree is not what gets committed or pushed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from advpub.checks.embargo_files import is_under, plaintext_violation
from advpub.checks.gate import gate_violations, is_advisory_path, parse_published
from advpub.checks.leaks import (
    NO_IDENTITY_NOTICE,
    draft_from_bytes,
    embargoed_terms,
    leak_violations,
    unreadable_notice,
    worktree_drafts,
)
from advpub.config import Settings
from advpub.embargo.drafts import Draft
from advpub.embargo.identity import Identity, try_load_identities
from advpub.embargo.store import DRAFT_SUFFIX
from advpub.git.history import PushUpdate, changed_in_commits, commit_messages, commits_to_push
from advpub.git.staged import (
    BlobChange,
    index_entries,
    read_blobs,
    root_prefix,
    staged_changes,
    strip_prefix,
)
from advpub.leaks import LeakTerms
from advpub.model import Violation

SCISSORS = "------------------------ >8 ------------------------"


@dataclass(frozen=True)
class HookReport:
    """Every problem found (the hook refuses when there is any) and one-line notices."""

    violations: tuple[Violation, ...] = ()
    notices: tuple[str, ...] = ()

    @property
    def is_refused(self) -> bool:
        """True when the commit or push must be refused."""
        return bool(self.violations)


@dataclass
class _Scan:
    settings: Settings
    root: Path
    prefix: str
    notices: list[str]

    def rel(self, path: str) -> str:
        return strip_prefix(path, self.prefix)


def _scan(settings: Settings) -> _Scan:
    return _Scan(settings, settings.root, root_prefix(settings.root), [])


def _index_drafts(
    scan: _Scan, identities: Sequence[Identity], worktree: list[Draft]
) -> list[Draft]:
    """Drafts whose staged version differs from the work tree (or exists only in the index)."""
    entries = [
        e
        for e in index_entries(scan.root, scan.settings.embargo_dir + "/")
        if e.path.endswith(DRAFT_SUFFIX)
    ]
    known = {d.shown: d for d in worktree}
    wanted: list[BlobChange] = []
    for entry in entries:
        rel = scan.rel(entry.path)
        file = scan.root / rel
        draft = known.get(rel)
        if draft is not None and file.is_file() and _blob_id(file) == entry.blob:
            continue
        wanted.append(entry)
    data = read_blobs(scan.root, (e.blob for e in wanted))
    found: list[Draft] = []
    for entry in wanted:
        rel = scan.rel(entry.path)
        name = PurePosixPath(rel).name
        blob = data.get(entry.blob)
        if blob is None:
            continue
        found.append(
            draft_from_bytes(
                name[: -len(DRAFT_SUFFIX)],
                scan.root / rel,
                rel,
                blob,
                identities,
                scan.settings.model_options,
            )
        )
    return found


def _blob_id(file: Path) -> str:
    # git's object id of the file (SHA-1 repositories), to skip decrypting a staged copy that
    # equals the work tree's; in a SHA-256 repository it never matches and we decrypt twice.
    data = file.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _published_ids(scan: _Scan) -> set[str]:
    """Ids of advisory files in the index: a draft being released may name itself there."""
    return {
        PurePosixPath(scan.rel(e.path)).stem
        for e in index_entries(scan.root, scan.settings.advisories_dir + "/")
        if is_advisory_path(scan.rel(e.path), scan.settings)
    }


def _terms(scan: _Scan) -> LeakTerms | None:
    """Embargoed terms from the work-tree and staged drafts; None (and a notice) without a key."""
    loaded = try_load_identities()
    if loaded is None:
        scan.notices.append(NO_IDENTITY_NOTICE)
        return None
    drafts = worktree_drafts(scan.settings, loaded.identities)
    drafts.extend(_index_drafts(scan, loaded.identities, drafts))
    unreadable = sum(1 for d in drafts if not d.is_readable)
    if unreadable:
        scan.notices.append(unreadable_notice(unreadable))
    return embargoed_terms(drafts, _published_ids(scan))


def _blob_violations(
    scan: _Scan,
    change: BlobChange,
    data: bytes,
    now: datetime,
    terms: LeakTerms | None,
    *,
    validate: bool = True,
) -> list[Violation]:
    """The problems of one file version; ``validate`` False reports only the gate."""
    settings = scan.settings
    path = scan.rel(change.path)
    where = (change.commit or "")[:12]
    if is_under(path, settings.embargo_dir):
        problem = plaintext_violation(path, data, settings.embargo_dir, where)
        return [problem] if problem is not None else []
    leaks = leak_violations(path, data, terms, where) if terms else []
    found: list[Violation] = []
    if is_advisory_path(path, settings):
        result = parse_published(data, path, settings)
        if result.advisory is not None and not result.violations:
            found.extend(gate_violations(result.advisory, now, settings, path))
        elif validate:
            # A file that mentions embargoed terms may echo them in validation messages.
            found.extend(v.redacted() if leaks else v for v in result.violations)
        if where:
            found = [_in_commit(v, where) for v in found]
    return found + leaks


def _in_commit(violation: Violation, where: str) -> Violation:
    return Violation(
        violation.path,
        violation.line,
        violation.field,
        violation.rule,
        f"{violation.message} (in commit {where})",
    )


def check_staged(settings: Settings, now: datetime) -> HookReport:
    """pre-commit: every staged file (not the work tree) against every rule."""
    scan = _scan(settings)
    changes = staged_changes(scan.root)
    terms = _terms(scan)
    blobs = read_blobs(scan.root, (c.blob for c in changes))
    found: list[Violation] = []
    for change in changes:
        data = blobs.get(change.blob)
        if data is not None:
            found.extend(_blob_violations(scan, change, data, now, terms))
    return HookReport(tuple(found), tuple(scan.notices))


def message_text(raw: str) -> str:
    """The commit message as git will store it: comment lines and the verbose diff removed."""
    kept: list[str] = []
    for line in raw.splitlines():
        if line.startswith("#"):
            if SCISSORS in line:
                break
            continue
        kept.append(line)
    return "\n".join(kept)


def check_message(settings: Settings, message_file: Path) -> HookReport:
    """commit-msg: the message names no embargoed term (needs an identity)."""
    scan = _scan(settings)
    terms = _terms(scan)
    if not terms:
        return HookReport((), tuple(scan.notices))
    try:
        raw = message_file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        shown = f"commit message ({message_file})"
        problem = Violation(shown, None, "message", "io", f"cannot read: {exc.strerror}")
        return HookReport((problem,), tuple(scan.notices))
    found = leak_violations("commit message", message_text(raw).encode("utf-8"), terms)
    return HookReport(tuple(_message_fix(v) for v in found), tuple(scan.notices))


def _message_fix(violation: Violation) -> Violation:
    return Violation(
        violation.path,
        violation.line,
        "message",
        violation.rule,
        violation.message + " (reword the message; your text was kept in .git/COMMIT_EDITMSG)",
    )


def check_push(settings: Settings, now: datetime, updates: Sequence[PushUpdate]) -> HookReport:
    """pre-push: every file version and message in the commits being pushed."""
    scan = _scan(settings)
    commits = commits_to_push(scan.root, updates)
    if not commits:
        return HookReport()
    changes = changed_in_commits(scan.root, commits)
    terms = _terms(scan)
    blobs = read_blobs(scan.root, (c.blob for c in changes))
    # Validation matters for the version that ends up on the remote; the gate and leaks
    # matter for every version, because history is published too.
    newest = {scan.rel(c.path): c for c in changes}
    found: list[Violation] = []
    seen: set[tuple[str, str]] = set()
    for change in changes:
        key = (change.path, change.blob)
        data = blobs.get(change.blob)
        if data is None or key in seen:
            continue
        seen.add(key)
        is_newest = newest.get(scan.rel(change.path)) is change
        found.extend(_blob_violations(scan, change, data, now, terms, validate=is_newest))
    if terms:
        for sha, message in commit_messages(scan.root, commits).items():
            where = f"commit {sha[:12]} message"
            for hit in leak_violations(where, message.encode("utf-8"), terms):
                found.append(
                    Violation(
                        hit.path,
                        hit.line,
                        "message",
                        hit.rule,
                        hit.message + " (reword it with `git rebase -i` before pushing)",
                    )
                )
    return HookReport(tuple(found), tuple(scan.notices))

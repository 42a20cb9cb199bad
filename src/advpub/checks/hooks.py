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

from advpub.checks.committed import RETAG
from advpub.checks.embargo_files import is_under, plaintext_violation
from advpub.checks.gate import gate_violations, parse_published
from advpub.checks.leaks import (
    NO_IDENTITY_NOTICE,
    draft_from_bytes,
    embargoed_terms,
    leak_violations,
    unreadable_notice,
    worktree_drafts,
)
from advpub.checks.links import SYMLINK_MODE, git_entry_violation
from advpub.checks.names import (
    path_violations,
    redact_name,
    redact_paths,
    ref_fix,
    ref_violations,
)
from advpub.checks.recipients import drift_violations
from advpub.checks.secrets import private_key_violations
from advpub.config import Settings
from advpub.embargo.drafts import Draft
from advpub.embargo.identity import Identity, try_load_identities
from advpub.embargo.store import is_age_ciphertext
from advpub.errors import GitError
from advpub.git.history import (
    BlobChange,
    PushUpdate,
    changed_in_commits,
    commit_messages,
    commits_to_push,
)
from advpub.git.refs import annotated_tag
from advpub.git.staged import (
    index_entries,
    read_blobs,
    root_prefix,
    staged_changes,
    strip_prefix,
    tree_entries,
)
from advpub.layout import DRAFT_SUFFIX, RECIPIENTS_FILE, is_advisory_path
from advpub.leaks import LeakTerms
from advpub.model import Violation

SCISSORS = "------------------------ >8 ------------------------"
REWORD_COMMIT = "reword it with `git rebase -i` before pushing"


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
        if is_advisory_path(scan.rel(e.path), scan.settings.advisories_dir)
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
    """The problems of one file version; ``validate`` False reports only the gate.

    The path is published with the file, so it is matched like the content; private keys
    are refused everywhere, with or without an identity.
    """
    settings = scan.settings
    path = scan.rel(change.path)
    where = (change.commit or "")[:12]
    names = path_violations(path, terms, settings.embargo_dir, where)
    leaks = leak_violations(path, data, terms, where) if terms else []
    link = git_entry_violation(path, change.mode, settings, where)
    if link is not None or change.mode == SYMLINK_MODE:
        # A symlink's blob is its target: a name, never parsed as an advisory.
        return [*([link] if link else []), *names, *leaks]
    keys = [] if is_age_ciphertext(data) else private_key_violations(path, data, where)
    if is_under(path, settings.embargo_dir):
        problem = plaintext_violation(path, data, settings.embargo_dir, where)
        if problem is not None:
            return [problem, *names, *keys]
        if is_age_ciphertext(data):
            return names
        # README.md, recipients.txt and the like are committed plaintext: public files.
        return [*names, *leaks, *keys]
    found: list[Violation] = []
    if is_advisory_path(path, settings.advisories_dir):
        result = parse_published(data, path, settings)
        if result.advisory is not None and not result.violations:
            found.extend(gate_violations(result.advisory, now, settings, path))
        elif validate:
            # A file that mentions embargoed terms may echo them in validation messages.
            found.extend(v.redacted() if leaks else v for v in result.violations)
        if where:
            found = [_in_commit(v, where) for v in found]
    return found + names + leaks + keys


def _in_commit(violation: Violation, where: str) -> Violation:
    return Violation(
        violation.path,
        violation.line,
        violation.field,
        violation.rule,
        f"{violation.message} (in commit {where})",
    )


def check_staged(settings: Settings, now: datetime) -> HookReport:
    """pre-commit: every staged file (not the work tree) and its path against every rule."""
    scan = _scan(settings)
    changes = staged_changes(scan.root)
    terms = _terms(scan)
    blobs = read_blobs(scan.root, (c.blob for c in changes))
    found: list[Violation] = []
    for change in changes:
        data = blobs.get(change.blob)
        if data is not None:
            found.extend(_blob_violations(scan, change, data, now, terms))
    return HookReport(tuple(redact_paths(found, terms, settings.embargo_dir)), tuple(scan.notices))


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
    """commit-msg: the message names no embargoed term (needs an identity) and holds no
    private key (always)."""
    scan = _scan(settings)
    terms = _terms(scan)
    try:
        raw = message_file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        shown = f"commit message ({message_file})"
        problem = Violation(shown, None, "message", "io", f"cannot read: {exc.strerror}")
        return HookReport((problem,), tuple(scan.notices))
    data = message_text(raw).encode("utf-8")
    found = leak_violations("commit message", data, terms) if terms else []
    found += private_key_violations("commit message", data)
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
    """pre-push: everything the push publishes: every file version, path and message of the
    commits being pushed, the ref names, annotated tags, and the newest tree of each ref
    (symlinks, drafts encrypted to another recipients list)."""
    scan = _scan(settings)
    sent = [u for u in updates if not u.is_delete]
    if not sent:
        return HookReport()
    terms = _terms(scan)
    commits = commits_to_push(scan.root, sent)
    changes = changed_in_commits(scan.root, commits)
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
    for sha, message in commit_messages(scan.root, commits).items():
        where = f"commit {sha[:12]} message"
        found.extend(_message_violations(where, message, terms, REWORD_COMMIT))
    # A symlink added by a pushed commit is already reported with that commit.
    reported = {(v.path, v.rule) for v in found}
    for tip in dict.fromkeys(u.local_sha for u in sent):
        found.extend(v for v in _tip_violations(scan, tip) if (v.path, v.rule) not in reported)
    found.extend(_ref_violations(scan, sent, terms))
    unique = list(dict.fromkeys(found))
    return HookReport(tuple(redact_paths(unique, terms, settings.embargo_dir)), tuple(scan.notices))


def _message_violations(
    where: str, message: str, terms: LeakTerms | None, fix: str
) -> list[Violation]:
    """Leaks (with an identity) and private keys (always) in a commit or tag message;
    ``fix`` says how to change it."""
    data = message.encode("utf-8")
    hits = leak_violations(where, data, terms) if terms else []
    hits += private_key_violations(where, data)
    return [
        Violation(
            hit.path,
            hit.line,
            "message",
            hit.rule,
            f"{hit.message} ({fix})",
        )
        for hit in hits
    ]


def _tip_violations(scan: _Scan, tip: str) -> list[Violation]:
    """What the newest tree of a pushed ref holds: symlinks under ``advisories/``, and
    drafts encrypted to another list than that same tree's recipients.txt."""
    settings = scan.settings
    where = tip[:12]
    try:
        public = tree_entries(scan.root, tip, scan.prefix + settings.advisories_dir)
        embargo = tree_entries(scan.root, tip, scan.prefix + settings.embargo_dir + "/")
    except GitError:
        return []  # a tag of a blob or tree: nothing to list
    found: list[Violation] = []
    for entry in public:
        link = git_entry_violation(scan.rel(entry.path), entry.mode, settings, where)
        if link is not None:
            found.append(link)
    listed = f"{settings.embargo_dir}/{RECIPIENTS_FILE}"
    drafts = [e for e in embargo if e.path.endswith(DRAFT_SUFFIX) and e.mode != SYMLINK_MODE]
    recipients = [e for e in embargo if scan.rel(e.path) == listed]
    data = read_blobs(scan.root, [e.blob for e in [*drafts, *recipients]])
    text = (
        data[recipients[0].blob].decode("utf-8", errors="replace")
        if recipients and recipients[0].blob in data
        else None
    )
    shown = [(scan.rel(e.path), data[e.blob]) for e in drafts if e.blob in data]
    loaded = try_load_identities()
    identities = loaded.identities if loaded is not None else ()
    found.extend(drift_violations(shown, text, listed, where, identities))
    return found


def _ref_violations(
    scan: _Scan, sent: Sequence[PushUpdate], terms: LeakTerms | None
) -> list[Violation]:
    """Ref names (local and remote) and annotated tags (name and message) of the push."""
    found: list[Violation] = []
    for update in sent:
        for ref in dict.fromkeys((update.local_ref, update.remote_ref)):
            found.extend(ref_violations(ref, terms, ref_fix(ref)))
        tag = annotated_tag(scan.root, update.local_sha)
        if tag is None:
            continue
        shown = f"refs/tags/{tag.name}"
        if shown not in (update.local_ref, update.remote_ref):
            found.extend(ref_violations(shown, terms, ref_fix(shown)))
        where = f"tag {redact_name(tag.name, terms)} message"
        found.extend(_message_violations(where, tag.message, terms, RETAG))
    return found

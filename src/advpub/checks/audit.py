"""The audit trail of advisories, read from git history (``advpub log``).

Only file names, commit metadata and *public* files are read: drafts are never decrypted,
and commit messages are never shown (a careless message could name an embargoed draft),
so the trail is safe to print in a CI log. Draft events carry the date only (not the time).

Events of one id, oldest first:

* ``drafted`` — a commit adds ``embargo/<ID>.md.age``;
* ``re-encrypted`` — a later commit changes that draft;
* ``draft-removed`` — a commit deletes the draft without publishing it in the same commit;
* ``released`` — the first commit that adds ``advisories/**/<ID>.md`` (usually removing the
  draft in the same commit, as ``advpub release --commit`` does);
* ``revised`` / ``withdrawn`` / ``edited`` — later commits changing the public file, told
  apart by its front matter (``withdrawn`` set or changed, ``revisions`` changed, or neither);
* ``moved`` — the public file renamed (e.g. between year folders);
* ``removed`` — the public file deleted (advisories are withdrawn, never deleted);
* ``shared`` / ``unshared`` — a commit changed the names in the draft's ``share_with`` (who
  besides the team may read it). Only with ``read_share``, a decryptor the caller gives
  for a team member's ``advpub log ID``: each committed version of the draft is decrypted in
  memory and its ``share_with`` compared with the previous version's, so the trail holds
  whoever committed the change, however it was made (``advpub share``, ``edit``, by hand).
  Nothing but the names is read; titles are never shown.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from advpub.errors import AdvpubError, GitError
from advpub.git.command import git, git_bytes
from advpub.git.history import (
    COMMIT_FIELDS,
    ZERO_SHA,
    LogEntry,
    has_commits,
    log_with_metadata,
)
from advpub.git.staged import root_prefix, strip_prefix, tree_entries
from advpub.layout import DRAFT_SUFFIX, PUBLIC_SUFFIX, advisory_id
from advpub.layout import draft_id as draft_file_id
from advpub.model import Advisory, ModelOptions, parse_advisory
from advpub.model.frontmatter import load_front_matter

# A public file larger than this is not parsed for revisions (it is still listed).
MAX_PUBLIC_BYTES = 1024 * 1024


def _never(_advisory: Advisory) -> bool:
    return False


class EventKind(enum.StrEnum):
    """What a commit did to one advisory."""

    DRAFTED = "drafted"
    RE_ENCRYPTED = "re-encrypted"
    DRAFT_REMOVED = "draft-removed"
    RELEASED = "released"
    REVISED = "revised"
    WITHDRAWN = "withdrawn"
    EDITED = "edited"
    MOVED = "moved"
    REMOVED = "removed"
    SHARED = "shared"
    UNSHARED = "unshared"

    @property
    def is_draft_event(self) -> bool:
        """True for events of the embargo phase (shown with their date only)."""
        return self in (
            EventKind.DRAFTED,
            EventKind.RE_ENCRYPTED,
            EventKind.DRAFT_REMOVED,
            EventKind.SHARED,
            EventKind.UNSHARED,
        )


class State(enum.StrEnum):
    """Where an advisory stands in HEAD."""

    EMBARGOED = "embargoed"
    RELEASED = "released"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"  # neither a draft nor a public file any more
    CONFLICT = "conflict"  # a draft and a public file at once (an unfinished release?)


@dataclass(frozen=True)
class Person:
    """A git identity."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class Commit:
    """The metadata of one commit (never its message)."""

    sha: str
    author: Person
    authored: datetime
    committer: Person
    committed: datetime


@dataclass(frozen=True)
class Event:
    """One thing that happened to one advisory in one commit."""

    kind: EventKind
    commit: Commit
    path: str
    from_path: str | None = None
    draft_removed: bool = False  # for RELEASED: the draft left in the same commit
    names: tuple[str, ...] = ()  # for SHARED / UNSHARED: the recipients added or removed


@dataclass(frozen=True)
class Timeline:
    """The audit trail of one advisory."""

    id: str
    state: State
    events: tuple[Event, ...]
    path: str | None = None  # the public file (or the draft) in HEAD
    # Only from a valid public file the release gate lets out (``shows_title``): drafts'
    # titles are never read, and a file committed to advisories/ too early (or TLP:RED,
    # website-only, unverified) must not leak further.
    title: str | None = None

    @property
    def release(self) -> Event | None:
        """The release event, when the advisory was released."""
        return next((e for e in self.events if e.kind is EventKind.RELEASED), None)

    @property
    def drafted(self) -> Event | None:
        """The first ``drafted`` event, if any."""
        return next((e for e in self.events if e.kind is EventKind.DRAFTED), None)


@dataclass(frozen=True)
class _Change:
    status: str
    old_blob: str
    new_blob: str
    path: str
    old_path: str | None


@dataclass
class _Builder:
    events: list[Event] = field(default_factory=list)
    released: bool = False
    shared: tuple[str, ...] = ()  # share_with of the last readable version of the draft


# Decrypts a draft's ciphertext and returns its share_with names; None when unreadable.
ShareReader = Callable[[bytes], "tuple[str, ...] | None"]


class AuditLog:
    """Reads the history of the embargo and advisories folders of one repository.

    ``root`` is the folder holding ``mkdocs.yml`` (possibly below the top of the work
    tree); ``embargo_dir`` and ``advisories_dir`` are relative to it.
    """

    def __init__(
        self,
        root: Path,
        embargo_dir: str,
        advisories_dir: str,
        *,
        model_options: ModelOptions | None = None,
        shows_title: Callable[[Advisory], bool] = _never,
        read_share: ShareReader | None = None,
    ) -> None:
        self.root = root
        self.read_share = read_share
        self.model_options = model_options or ModelOptions()
        # The caller's gate decision (git/ does not import the gate); by default no title.
        self.shows_title = shows_title
        self.embargo_dir = embargo_dir.strip("/")
        self.advisories_dir = advisories_dir.strip("/")
        self._blobs: dict[str, bytes | None] = {}
        if not git(root, "rev-parse", "--is-inside-work-tree").ok:
            raise GitError(
                f"{root} is not in a git repository; `advpub log` reads the audit trail from "
                "git history (run it in a clone of the advisory repository)"
            ) from None
        self.prefix = root_prefix(root)

    # -- public API ------------------------------------------------------------------------
    @property
    def is_shallow(self) -> bool:
        """True in a shallow clone (CI's default): history, and so the trail, is cut short."""
        out = git_bytes(self.root, "rev-parse", "--is-shallow-repository")
        return out.strip() == b"true"

    def timelines(self) -> list[Timeline]:
        """The timeline of every id ever seen in history, sorted by id."""
        builders = self._replay()
        head = self._head_paths()
        return [self._timeline(ident, builders[ident], head) for ident in sorted(builders)]

    def timeline(self, ident: str) -> Timeline:
        """The timeline of ``ident``; an error names the id when history never held it."""
        for item in self.timelines():
            if item.id == ident:
                return item
        raise AdvpubError(
            f"{ident}: not in the git history of {self.root} (no {self.embargo_dir}/{ident}"
            f"{DRAFT_SUFFIX} or {self.advisories_dir}/**/{ident}{PUBLIC_SUFFIX} was ever "
            "committed); run `advpub log` to list the known ids"
        )

    # -- classification --------------------------------------------------------------------
    def draft_id(self, path: str) -> str | None:
        """The id of a draft path (``embargo/<ID>.md.age``, directly in the folder)."""
        pure = PurePosixPath(path)
        if str(pure.parent) != (self.embargo_dir or "."):
            return None
        return draft_file_id(pure.name)

    def public_id(self, path: str) -> str | None:
        """The id of a public advisory path (``advisories/**/<ID>.md``)."""
        return advisory_id(path, self.advisories_dir)

    # -- history -------------------------------------------------------------------------
    def _replay(self) -> dict[str, _Builder]:
        builders: dict[str, _Builder] = {}
        for commit, changes in self._commits():
            drafts_removed = {
                ident
                for c in changes
                if c.status == "D" and (ident := self.draft_id(c.path)) is not None
            }
            released_here: set[str] = set()
            # Public files first, so a draft removed by its release is folded into it.
            for change in sorted(changes, key=lambda c: self.public_id(c.path) is None):
                self._apply(change, commit, builders, drafts_removed, released_here)
        return builders

    def _apply(
        self,
        change: _Change,
        commit: Commit,
        builders: dict[str, _Builder],
        drafts_removed: set[str],
        released_here: set[str],
    ) -> None:
        status = change.status
        if status == "R" and change.old_path is not None:
            old_public = self.public_id(change.old_path)
            new_public = self.public_id(change.path)
            if old_public is not None and new_public is not None:
                builder = builders.setdefault(new_public, _Builder())
                builder.events.append(
                    Event(EventKind.MOVED, commit, change.path, from_path=change.old_path)
                )
                if change.old_blob != change.new_blob:
                    self._public_modified(change, commit, builder)
                return
            # Anything else renamed (e.g. into or out of the folders): a removal plus an add.
            self._apply(
                _Change("D", change.old_blob, ZERO_SHA, change.old_path, None),
                commit,
                builders,
                drafts_removed,
                released_here,
            )
            status = "A"
        ident = self.draft_id(change.path)
        if ident is not None:
            builder = builders.setdefault(ident, _Builder())
            if status == "A":
                builder.events.append(Event(EventKind.DRAFTED, commit, change.path))
            elif status == "D":
                if ident not in released_here:
                    builder.events.append(Event(EventKind.DRAFT_REMOVED, commit, change.path))
            else:
                builder.events.append(Event(EventKind.RE_ENCRYPTED, commit, change.path))
            if status != "D":
                self._sharing(change, commit, builder)
            return
        ident = self.public_id(change.path)
        if ident is None:
            return
        builder = builders.setdefault(ident, _Builder())
        if status == "A":
            if builder.released:
                # Deleted and added again: report it as an edit of the public text.
                self._public_modified(change, commit, builder)
                return
            builder.released = True
            released_here.add(ident)
            builder.events.append(
                Event(
                    EventKind.RELEASED,
                    commit,
                    change.path,
                    draft_removed=ident in drafts_removed,
                )
            )
        elif status == "D":
            builder.events.append(Event(EventKind.REMOVED, commit, change.path))
        else:
            self._public_modified(change, commit, builder)

    def _sharing(self, change: _Change, commit: Commit, builder: _Builder) -> None:
        if self.read_share is None:
            return
        data = self._blob(change.new_blob)
        names = self.read_share(data) if data is not None else None
        if names is None:
            return  # not readable with this identity: no event is guessed
        added = tuple(n for n in names if n not in builder.shared)
        removed = tuple(n for n in builder.shared if n not in names)
        if added:
            builder.events.append(Event(EventKind.SHARED, commit, change.path, names=added))
        if removed:
            builder.events.append(Event(EventKind.UNSHARED, commit, change.path, names=removed))
        builder.shared = names

    def _public_modified(self, change: _Change, commit: Commit, builder: _Builder) -> None:
        before = self._front_matter(change.old_blob)
        after = self._front_matter(change.new_blob)
        if after.get("withdrawn") is not None and after.get("withdrawn") != before.get("withdrawn"):
            kind = EventKind.WITHDRAWN
        elif after.get("revisions") != before.get("revisions"):
            kind = EventKind.REVISED
        else:
            kind = EventKind.EDITED
        builder.events.append(Event(kind, commit, change.path, from_path=change.old_path))

    def _commits(self) -> Iterable[tuple[Commit, list[_Change]]]:
        if not has_commits(self.root):
            return []
        paths = [self._top(self.embargo_dir), self._top(self.advisories_dir)]
        entries = log_with_metadata(
            self.root,
            "--reverse",
            "--topo-order",
            "-M",
            "HEAD",
            "--",
            *(f":(top,literal){p}" if p else ":(top)." for p in paths),
        )
        return [
            _commit_changes(entry, self.prefix)
            for entry in entries
            if len(entry.header) == COMMIT_FIELDS
        ]

    def _top(self, rel: str) -> str:
        return f"{self.prefix}{rel}".rstrip("/")

    # -- HEAD ------------------------------------------------------------------------------
    def _head_paths(self) -> dict[str, str]:
        """Every file under the two folders in HEAD (root-relative path -> blob id)."""
        if not has_commits(self.root):
            return {}
        entries = tree_entries(
            self.root,
            "HEAD",
            self._top(self.embargo_dir) or ".",
            self._top(self.advisories_dir) or ".",
        )
        return {strip_prefix(e.path, self.prefix): e.blob for e in entries}

    def _timeline(self, ident: str, builder: _Builder, head: dict[str, str]) -> Timeline:
        drafts = [p for p in head if self.draft_id(p) == ident]
        publics = sorted(p for p in head if self.public_id(p) == ident)
        title = None
        if publics:
            front = self._front_matter(head[publics[0]])
            title = self._public_title(publics[0], head[publics[0]])
            state = State.WITHDRAWN if front.get("withdrawn") is not None else State.RELEASED
            if drafts:
                state = State.CONFLICT
            path: str | None = publics[0]
        elif drafts:
            state, path = State.EMBARGOED, drafts[0]
        else:
            state, path = State.REMOVED, None
        return Timeline(ident, state, tuple(builder.events), path, title)

    # -- public blobs ----------------------------------------------------------------------
    def _public_title(self, path: str, blob: str) -> str | None:
        data = self._blob(blob)
        if data is None:
            return None
        result = parse_advisory(data, path=path, options=self.model_options)
        advisory = result.advisory
        if advisory is None or not self.shows_title(advisory):
            return None
        return advisory.title

    def _front_matter(self, blob: str) -> dict[str, Any]:
        """The front matter of a PUBLIC file's blob (never called for drafts)."""
        data = self._blob(blob)
        if data is None:
            return {}
        try:
            loaded = load_front_matter(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return {}
        return loaded.data if isinstance(loaded.data, dict) else {}

    def _blob(self, blob: str) -> bytes | None:
        if blob == ZERO_SHA:
            return None
        if blob not in self._blobs:
            try:
                size = int(git_bytes(self.root, "cat-file", "-s", blob).strip() or b"0")
                data = (
                    git_bytes(self.root, "cat-file", "blob", blob)
                    if size <= MAX_PUBLIC_BYTES
                    else None
                )
            except (GitError, ValueError):
                data = None
            self._blobs[blob] = data
        return self._blobs[blob]


def _commit_changes(entry: LogEntry, prefix: str) -> tuple[Commit, list[_Change]]:
    """A commit's metadata (:data:`advpub.git.history.COMMIT_FORMAT`) and its changes with
    root-relative paths: a copy is an addition, a type change a modification."""
    sha, an, ae, ad, cn, ce, cd = entry.header
    commit = Commit(
        sha,
        Person(an, ae),
        datetime.fromisoformat(ad),
        Person(cn, ce),
        datetime.fromisoformat(cd),
    )
    changes: list[_Change] = []
    for raw in entry.changes:
        path = strip_prefix(raw.path, prefix)
        if raw.status == "C":
            # A copy adds the new path; the old one is untouched.
            changes.append(_Change("A", raw.old_blob, raw.new_blob, path, None))
            continue
        old_path = (
            strip_prefix(raw.old_path, prefix) if raw.status == "R" and raw.old_path else None
        )
        status = "M" if raw.status == "T" else raw.status
        changes.append(_Change(status, raw.old_blob, raw.new_blob, path, old_path))
    return commit, changes

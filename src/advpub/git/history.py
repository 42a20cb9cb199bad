"""Commits: what they changed, their messages, and which of them a push would send."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from advpub.errors import GitError
from advpub.git.staged import (
    ZERO_SHA,
    BlobChange,
    has_commits,
    parse_raw_z,
    read_blobs,
    run_git,
)


@dataclass(frozen=True)
class PushUpdate:
    """One line of pre-push input: ``<local ref> <local sha> <remote ref> <remote sha>``."""

    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def is_delete(self) -> bool:
        """True when the push deletes the remote ref (nothing is sent)."""
        return self.local_sha == ZERO_SHA


def parse_push_lines(text: str) -> list[PushUpdate]:
    """The ref updates git passes to pre-push on stdin (malformed lines are ignored)."""
    updates: list[PushUpdate] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 4:
            updates.append(PushUpdate(*parts))
    return updates


def _object_exists(root: Path, sha: str) -> bool:
    try:
        run_git(root, "cat-file", "-e", f"{sha}^{{commit}}")
    except GitError:
        return False
    return True


def commits_to_push(root: Path, updates: Sequence[PushUpdate]) -> list[str]:
    """Every commit the push would send, oldest first.

    For an existing remote ref: ``remote..local``. For a new ref (or a remote commit we do
    not have): the commits not reachable from any remote-tracking ref.
    """
    found: dict[str, None] = {}
    for update in updates:
        if update.is_delete:
            continue
        if update.remote_sha != ZERO_SHA and _object_exists(root, update.remote_sha):
            args = [update.local_sha, f"^{update.remote_sha}"]
        else:
            args = [update.local_sha, "--not", "--remotes"]
        out = run_git(root, "rev-list", "--reverse", *args)
        for sha in out.decode("ascii").split():
            found.setdefault(sha, None)
    return list(found)


# `git log` printing, for every commit, the files it added or modified (merges against every
# parent) in the form parse_raw_z reads.
_LOG_RAW = (
    "log",
    "--raw",
    "-z",
    "--no-abbrev",
    "--no-renames",
    "-m",
    "--diff-filter=ACMRT",
    "--format=%x01%H",
)


def changed_in_commits(
    root: Path, commits: Sequence[str], paths: Sequence[str] = ()
) -> list[BlobChange]:
    """Files added or modified by each of ``commits`` (merges against every parent)."""
    if not commits:
        return []
    out = run_git(
        root,
        *_LOG_RAW,
        "--stdin",
        "--no-walk=unsorted",
        "--",
        *paths,
        stdin=("\n".join(commits) + "\n").encode(),
    )
    return [c for c in parse_raw_z(out) if c.is_file]


def changed_in_history(
    root: Path, paths: Sequence[str] = (), rev: str = "HEAD"
) -> list[BlobChange]:
    """Files added or modified by any commit reachable from ``rev`` (merges included)."""
    if rev == "HEAD" and not has_commits(root):
        return []
    out = run_git(root, *_LOG_RAW, rev, "--", *paths)
    return [c for c in parse_raw_z(out) if c.is_file]


def commit_messages(root: Path, commits: Sequence[str]) -> dict[str, str]:
    """The full message of each commit, keyed by its id."""
    if not commits:
        return {}
    out = run_git(
        root,
        "log",
        "--stdin",
        "--no-walk=unsorted",
        "-z",
        "--format=%H%n%B",
        stdin=("\n".join(commits) + "\n").encode(),
    )
    messages: dict[str, str] = {}
    for record in out.split(b"\0"):
        if not record.strip():
            continue
        sha, _, body = record.decode("utf-8", errors="replace").lstrip("\n").partition("\n")
        messages[sha.strip()] = body
    return messages


@dataclass(frozen=True)
class AnnotatedTag:
    """An annotated tag object: the name written in it and its message."""

    sha: str
    name: str
    message: str


def parse_tag_object(sha: str, raw: bytes) -> AnnotatedTag:
    """An annotated tag from the raw bytes of its object (``git cat-file tag``)."""
    header, _, message = raw.decode("utf-8", errors="replace").partition("\n\n")
    name = ""
    for line in header.splitlines():
        if line.startswith("tag "):
            name = line[len("tag ") :]
    return AnnotatedTag(sha, name, message)


def annotated_tag(root: Path, sha: str) -> AnnotatedTag | None:
    """The tag object ``sha`` (None when ``sha`` is not an annotated tag, e.g. a commit)."""
    try:
        kind = run_git(root, "cat-file", "-t", sha).decode("ascii").strip()
    except GitError:
        return None
    if kind != "tag":
        return None
    return parse_tag_object(sha, run_git(root, "cat-file", "tag", sha))


@dataclass(frozen=True)
class LocalRef:
    """A local branch or tag: its full name, the object it points to and that object's type."""

    name: str
    sha: str
    kind: str


def local_refs(root: Path) -> list[LocalRef]:
    """Every local branch and tag."""
    out = run_git(
        root,
        "for-each-ref",
        "--format=%(objectname) %(objecttype) %(refname)",
        "refs/heads",
        "refs/tags",
    )
    refs: list[LocalRef] = []
    for line in out.decode("utf-8", errors="surrogateescape").splitlines():
        sha, _, rest = line.partition(" ")
        kind, _, name = rest.partition(" ")
        if name:
            refs.append(LocalRef(name, sha, kind))
    return refs


def annotated_tags(root: Path, refs: Sequence[LocalRef]) -> list[AnnotatedTag]:
    """The tag objects of the annotated tags among ``refs``, read in one git call."""
    shas = [r.sha for r in refs if r.kind == "tag"]
    raw = read_blobs(root, shas)
    return [parse_tag_object(sha, raw[sha]) for sha in dict.fromkeys(shas) if sha in raw]

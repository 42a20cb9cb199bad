"""Commits and what they changed: the one parser of git's ``--raw -z`` output.

``git log --raw -z`` (and ``git diff --raw -z``) is read by :func:`parse_raw_log` only:
the hooks, ``advpub check --history`` and the audit trail all build on it. Each commit's
header is requested as ``%x01`` followed by its fields separated by ``%x00``, so commit
metadata and file names (spaces, quotes, newlines) survive intact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from advpub.git.command import git, git_bytes

ZERO_SHA = "0" * 40
GITLINK_MODE = "160000"  # a submodule commit, not a blob


@dataclass(frozen=True)
class RawChange:
    """One ``--raw`` record: status letter, modes and blob ids before and after, the path
    (the new one for renames and copies) and, for renames and copies, the old path."""

    status: str
    old_mode: str
    new_mode: str
    old_blob: str
    new_blob: str
    path: str
    old_path: str | None = None


@dataclass(frozen=True)
class LogEntry:
    """One commit header (its fields in format order; empty for a plain diff) and the
    changes listed under it."""

    header: tuple[str, ...]
    changes: list[RawChange] = field(default_factory=list)

    @property
    def sha(self) -> str | None:
        """The first header field (the commit id, when the format starts with ``%H``)."""
        return self.header[0] if self.header else None


def parse_raw_log(data: bytes, header_fields: int = 0) -> list[LogEntry]:
    """Parse ``--raw -z`` output whose commit headers are ``\\x01`` + ``header_fields``
    NUL-separated fields (``header_fields`` 0: no headers, e.g. ``git diff``).

    Each record is ``:<old mode> <new mode> <old sha> <new sha> <status>\\0<path>\\0``;
    renames and copies carry a second path (the new one).
    """
    entries: list[LogEntry] = []
    current: LogEntry | None = None
    tokens = data.split(b"\0")
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        index += 1
        if token.startswith(b"\x01") and header_fields:
            extra = header_fields - 1
            fields = [token[1:], *tokens[index : index + extra]]
            index += extra
            decoded = [f.decode("utf-8", errors="replace") for f in fields]
            current = LogEntry((decoded[0].strip(), *decoded[1:]))
            entries.append(current)
            continue
        if not token.startswith(b":"):
            continue
        meta = token[1:].decode("ascii").split()
        status = meta[4][:1]
        count = 2 if status in ("R", "C") else 1
        names = [n.decode("utf-8", errors="surrogateescape") for n in tokens[index : index + count]]
        index += count
        if len(names) != count:
            break
        if current is None:
            current = LogEntry(())
            entries.append(current)
        current.changes.append(
            RawChange(
                status,
                meta[0],
                meta[1],
                meta[2],
                meta[3],
                names[-1],
                names[0] if count == 2 else None,
            )
        )
    return entries


@dataclass(frozen=True)
class BlobChange:
    """A file added or changed: its path, new blob id and mode; ``commit`` when from a log."""

    path: str
    blob: str
    mode: str
    commit: str | None = None

    @property
    def is_file(self) -> bool:
        """False for submodule entries (their "blob" is a commit of another repository)."""
        return self.mode != GITLINK_MODE and self.blob != ZERO_SHA


def parse_raw_z(data: bytes) -> list[BlobChange]:
    """The new version of each change in ``--raw -z`` output, optionally interleaved with
    ``\\x01<sha>`` commit headers (which set ``commit``)."""
    return [
        BlobChange(change.path, change.new_blob, change.new_mode, entry.sha)
        for entry in parse_raw_log(data, header_fields=1)
        for change in entry.changes
    ]


def has_commits(root: Path) -> bool:
    """True when HEAD points at a commit (False on an unborn branch)."""
    return git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").ok


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


def _commit_exists(root: Path, sha: str) -> bool:
    return git(root, "cat-file", "-e", f"{sha}^{{commit}}").ok


def commits_to_push(root: Path, updates: Sequence[PushUpdate]) -> list[str]:
    """Every commit the push would send, oldest first.

    For an existing remote ref: ``remote..local``. For a new ref (or a remote commit we do
    not have): the commits not reachable from any remote-tracking ref.
    """
    found: dict[str, None] = {}
    for update in updates:
        if update.is_delete:
            continue
        if update.remote_sha != ZERO_SHA and _commit_exists(root, update.remote_sha):
            args = [update.local_sha, f"^{update.remote_sha}"]
        else:
            args = [update.local_sha, "--not", "--remotes"]
        out = git_bytes(root, "rev-list", "--reverse", *args)
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
    out = git_bytes(
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
    out = git_bytes(root, *_LOG_RAW, rev, "--", *paths)
    return [c for c in parse_raw_z(out) if c.is_file]


# The metadata of a commit, never its message: %H %an %ae %aI %cn %ce %cI.
COMMIT_FORMAT = "%x01%H%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00"
COMMIT_FIELDS = 7


def log_with_metadata(root: Path, *args: str) -> list[LogEntry]:
    """``git log --raw -z --no-abbrev ARGS`` with :data:`COMMIT_FORMAT` headers, parsed
    (``ARGS`` choose the order, the renames, the revision and the paths)."""
    out = git_bytes(root, "log", "--raw", "-z", "--no-abbrev", f"--format={COMMIT_FORMAT}", *args)
    return parse_raw_log(out, header_fields=COMMIT_FIELDS)


def commit_messages(root: Path, commits: Sequence[str]) -> dict[str, str]:
    """The full message of each commit, keyed by its id."""
    if not commits:
        return {}
    out = git_bytes(
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

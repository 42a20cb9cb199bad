"""Reading what git holds: the index (staged content), blobs, and ``--raw -z`` diffs.

Hooks must judge what will be committed, not the work tree, so everything here reads
blobs from git's object store. Output is always requested with ``-z`` so that file names
with spaces, quotes or newlines survive.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from advpub.errors import GitError

ZERO_SHA = "0" * 40
GITLINK_MODE = "160000"  # a submodule commit, not a blob


def run_git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run ``git args`` in ``root`` and return stdout; a failure raises GitError."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        first = detail[0] if detail else f"exit status {done.returncode}"
        raise GitError(f"`git {args[0]}` failed in {root}: {first}")
    return done.stdout


def repo_toplevel(start: Path) -> Path:
    """The top folder of the work tree containing ``start``."""
    out = run_git(start, "rev-parse", "--show-toplevel")
    return Path(out.decode("utf-8").strip())


def enclosing_work_tree(path: Path) -> Path | None:
    """The top of the git work tree ``path`` would lie in (any repository), or None.

    Walks up looking for ``.git`` (a folder, or a file in worktrees and submodules), so it
    works for paths that do not exist yet and without git installed.
    """
    # Resolved: a folder symlinked into a repository (dotfiles) is inside that repository.
    absolute = path.expanduser().resolve()
    for folder in (absolute, *absolute.parents):
        try:
            if (folder / ".git").exists():
                return folder
        except OSError:
            continue
    return None


def root_prefix(root: Path) -> str:
    """``root`` relative to the work tree's top, with a trailing slash (empty at the top).

    git prints paths relative to the top; advpub's settings are relative to ``root``.
    """
    return run_git(root, "rev-parse", "--show-prefix").decode("utf-8").strip()


def strip_prefix(path: str, prefix: str) -> str:
    """A top-relative git path made relative to the folder whose prefix is ``prefix``.

    Paths outside that folder are kept as they are: they are public files all the same.
    """
    return path[len(prefix) :] if prefix and path.startswith(prefix) else path


def has_commits(root: Path) -> bool:
    """True when HEAD points at a commit (False on an unborn branch)."""
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


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
    """Parse ``--raw -z`` output, optionally interleaved with ``\\x01<sha>`` commit headers.

    Each record is ``:<old mode> <new mode> <old sha> <new sha> <status>\\0<path>\\0`` and
    renames/copies carry a second path (the new one).
    """
    changes: list[BlobChange] = []
    tokens = data.split(b"\0")
    commit: str | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        index += 1
        if not token:
            continue
        if token.startswith(b"\x01"):
            commit = token[1:].decode("ascii").strip()
            continue
        if not token.startswith(b":"):
            continue
        meta = token[1:].decode("ascii").split()
        status = meta[-1]
        paths = 2 if status[:1] in ("R", "C") else 1
        names = tokens[index : index + paths]
        index += paths
        if not names:
            break
        path = names[-1].decode("utf-8", errors="surrogateescape")
        changes.append(BlobChange(path=path, blob=meta[3], mode=meta[1], commit=commit))
    return changes


def staged_changes(root: Path) -> list[BlobChange]:
    """Files added, copied, modified, renamed or retyped in the index (what will be committed).

    Deletions are left out: a removed file cannot leak anything.
    """
    out = run_git(
        root,
        "diff",
        "--cached",
        "--raw",
        "-z",
        "--no-abbrev",
        "--no-renames",
        "--diff-filter=ACMRT",
    )
    return [c for c in parse_raw_z(out) if c.is_file]


def index_entries(root: Path, pathspec: str) -> list[BlobChange]:
    """Every file in the index under ``pathspec`` (``git ls-files -s -z``)."""
    out = run_git(root, "ls-files", "-s", "-z", "--", pathspec)
    entries: list[BlobChange] = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, blob, _stage = meta.decode("ascii").split()
        entries.append(BlobChange(name.decode("utf-8", errors="surrogateescape"), blob, mode))
    return [e for e in entries if e.is_file]


def tracked_files(root: Path) -> list[str]:
    """Tracked files plus untracked ones that are not ignored (what a commit could take)."""
    out = run_git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    seen: dict[str, None] = {}
    for name in out.split(b"\0"):
        if name:
            seen.setdefault(name.decode("utf-8", errors="surrogateescape"), None)
    return list(seen)


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, bytes]:
    """The content of every blob id, read in one ``git cat-file --batch`` call."""
    wanted = list(dict.fromkeys(blobs))
    if not wanted:
        return {}
    out = run_git(root, "cat-file", "--batch", stdin=("\n".join(wanted) + "\n").encode())
    found: dict[str, bytes] = {}
    position = 0
    for blob in wanted:
        end = out.index(b"\n", position)
        header = out[position:end].decode("ascii", errors="replace").split()
        position = end + 1
        if len(header) < 3 or header[1] == "missing":
            continue
        size = int(header[2])
        found[blob] = out[position : position + size]
        position += size + 1  # the content is followed by a newline
    return found


def read_blob_texts(root: Path, changes: Sequence[BlobChange]) -> dict[BlobChange, bytes]:
    """Each change mapped to its blob's bytes."""
    data = read_blobs(root, (c.blob for c in changes))
    return {c: data[c.blob] for c in changes if c.blob in data}


def tree_entries(root: Path, treeish: str, pathspec: str) -> list[BlobChange]:
    """Every file under ``pathspec`` in the tree of ``treeish`` (a commit or tag), with its
    mode (``git ls-tree -r -z``); ``commit`` is set to ``treeish``."""
    out = run_git(root, "ls-tree", "-r", "-z", "--full-tree", treeish, "--", pathspec)
    entries: list[BlobChange] = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, _kind, blob = meta.decode("ascii").split()
        path = name.decode("utf-8", errors="surrogateescape")
        entries.append(BlobChange(path, blob, mode, treeish))
    return [e for e in entries if e.is_file]

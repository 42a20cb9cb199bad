"""Reading what git holds: the work tree's location, the index (staged content), trees
and blobs.

Hooks must judge what will be committed, not the work tree, so everything here reads
blobs from git's object store. The index is read by git itself (``git ls-files``/``git
diff --cached``), not by a library: inside a hook git points ``GIT_INDEX_FILE`` at a
temporary index (``git commit -a``, ``git commit PATHS``), which only git honours, and
git also reads every index version. Output is always requested with ``-z`` so that file
names with spaces, quotes or newlines survive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from advpub.git.command import git, git_bytes, git_ok
from advpub.git.history import BlobChange, parse_raw_z

__all__ = [
    "BlobChange",
    "enclosing_work_tree",
    "index_entries",
    "init_repository",
    "is_repository_top",
    "parse_raw_z",
    "read_blob_texts",
    "read_blobs",
    "repo_toplevel",
    "root_prefix",
    "staged_changes",
    "strip_prefix",
    "tracked_files",
    "tree_entries",
]


def repo_toplevel(start: Path) -> Path:
    """The top folder of the work tree containing ``start``."""
    return Path(git_ok(start, "rev-parse", "--show-toplevel").strip())


def is_repository_top(folder: Path) -> bool:
    """True when ``folder`` is the top of a git work tree (not merely inside one)."""
    result = git(folder, "rev-parse", "--show-toplevel")
    return result.ok and Path(result.stdout.strip()).resolve() == folder.resolve()


def init_repository(folder: Path) -> None:
    """``git init`` in ``folder`` (an existing folder)."""
    git_ok(folder, "init", "-q")


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
    return git_ok(root, "rev-parse", "--show-prefix").strip()


def strip_prefix(path: str, prefix: str) -> str:
    """A top-relative git path made relative to the folder whose prefix is ``prefix``.

    Paths outside that folder are kept as they are: they are public files all the same.
    """
    return path[len(prefix) :] if prefix and path.startswith(prefix) else path


def staged_changes(root: Path) -> list[BlobChange]:
    """Files added, copied, modified, renamed or retyped in the index (what will be committed).

    Deletions are left out: a removed file cannot leak anything.
    """
    out = git_bytes(
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
    out = git_bytes(root, "ls-files", "-s", "-z", "--", pathspec)
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
    out = git_bytes(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
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
    out = git_bytes(root, "cat-file", "--batch", stdin=("\n".join(wanted) + "\n").encode())
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


def tree_entries(root: Path, treeish: str, *pathspecs: str) -> list[BlobChange]:
    """Every file under ``pathspecs`` in the tree of ``treeish`` (a commit or tag), with its
    mode (``git ls-tree -r -z``); ``commit`` is set to ``treeish``."""
    out = git_bytes(root, "ls-tree", "-r", "-z", "--full-tree", treeish, "--", *pathspecs)
    entries: list[BlobChange] = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, _kind, blob = meta.decode("ascii").split()
        path = name.decode("utf-8", errors="surrogateescape")
        entries.append(BlobChange(path, blob, mode, treeish))
    return [e for e in entries if e.is_file]

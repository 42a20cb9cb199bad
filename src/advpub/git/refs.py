"""Local branches and tags, and annotated tag objects (their name and message are
published with a push)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from advpub.git.command import git, git_bytes
from advpub.git.staged import read_blobs


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
    kind = git(root, "cat-file", "-t", sha)
    if not kind.ok or kind.stdout.strip() != "tag":
        return None
    return parse_tag_object(sha, git_bytes(root, "cat-file", "tag", sha))


@dataclass(frozen=True)
class LocalRef:
    """A local branch or tag: its full name, the object it points to and that object's type."""

    name: str
    sha: str
    kind: str


def local_refs(root: Path) -> list[LocalRef]:
    """Every local branch and tag."""
    out = git_bytes(
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

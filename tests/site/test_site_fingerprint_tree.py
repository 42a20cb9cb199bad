"""The code-tree digest of the build fingerprint walks names only, and gives the digest the
walk over sorted ``rglob`` gave (same files, same order), so stored pages stay valid."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from advpub.site import fingerprint
from advpub.site.fingerprint import tree_digest


def rglob_digest(folders: list[Path]) -> str:
    """The definition the walk must keep."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in {".py", ".html", ".yml", ".yaml", ".css", ".json"}:
                continue
            if "__pycache__" in path.parts:
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest() + b"\0")
    return digest.hexdigest()


def test_walk_digest_equals_sorted_rglob_digest(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    for rel in (
        "main.html",
        "partials/a.html",
        "partials/a-b.html",
        "partials/a/b.html",
        "assets/style.css",
        "assets/icons/x.svg",
        "mkdocs_theme.yml",
        ".hidden.css",
        "trailing.",
        "code.py",
        "__pycache__/code.py",
        "sub/__pycache__/x.json",
        ".dot/x.yaml",
        "folder.html/inner.html",
    ):
        target = theme / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rel, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "linked.html").write_text("linked", encoding="utf-8")
    os.symlink(outside, theme / "linked-folder")
    os.symlink(outside / "linked.html", theme / "partials" / "link.html")
    os.symlink(tmp_path / "missing.html", theme / "partials" / "broken.html")
    other = tmp_path / "other"
    (other / "x").mkdir(parents=True)
    (other / "x" / "y.py").write_text("y", encoding="utf-8")
    folders = [theme, other]
    fingerprint._file_digests.clear()
    assert tree_digest(folders) == rglob_digest(folders)
    (theme / "partials" / "a" / "b.html").write_text("changed", encoding="utf-8")
    assert tree_digest(folders) == rglob_digest(folders)
    (theme / "assets" / "icons" / "x.svg").write_text("not code", encoding="utf-8")
    before = tree_digest(folders)
    (theme / "assets" / "icons" / "x.svg").write_text("still not code", encoding="utf-8")
    assert tree_digest(folders) == before

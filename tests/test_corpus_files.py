"""Which files of the advisories folder are advisories, and in which order: the walk gives
what sorted ``rglob`` gave, on a tree with every kind of odd entry."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from advpub.config import load_settings
from advpub.corpus import advisory_files
from advpub.layout import is_advisory_name
from tests.conftest import Repo, advisory_text


def rglob_files(folder: Path) -> list[Path]:
    """The definition the walk must keep: sorted ``rglob``, named like an advisory, a file."""
    return [
        file
        for file in sorted(folder.rglob("*.md"))
        if is_advisory_name(PurePosixPath(file.relative_to(folder).as_posix())) and file.is_file()
    ]


def test_walk_equals_sorted_rglob(repo: Repo, tmp_path: Path) -> None:
    folder = repo.path / "advisories"
    for rel in (
        "2020/ADV-2020-0002.md",
        "2020/ADV-2020-0001.md",
        "2020/ADV-2020-0001.ja.md",
        "2020-extra/ADV-2020-0009.md",
        "2020/sub/ADV-2020-0003.md",
        "ADV-2019-0001.md",
        "a-b.md",
        "a/z.md",
        "README.md",
        "2021/index.md",
        ".hidden/ADV-2021-0001.md",
        "_drafts/ADV-2021-0002.md",
        "2021/_ADV-2021-0003.md",
        "2021/ADV-2021-0004.MD",
        "2021/notes.txt",
    ):
        repo.write(f"advisories/{rel}", advisory_text("ADV-2020-0001"))
    (folder / "2021" / "folder.md").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "ADV-2022-0001.md").write_text(advisory_text("ADV-2022-0001"))
    os.symlink(outside, folder / "linked-folder")
    os.symlink(outside / "ADV-2022-0001.md", folder / "2021" / "ADV-2022-0001.md")
    os.symlink(tmp_path / "missing.md", folder / "2021" / "ADV-2022-0002.md")
    found = list(advisory_files(load_settings(repo.path)))
    assert found == rglob_files(folder)
    assert [p.relative_to(folder).as_posix() for p in found] == [
        "2020/ADV-2020-0001.ja.md",
        "2020/ADV-2020-0001.md",
        "2020/ADV-2020-0002.md",
        "2020/sub/ADV-2020-0003.md",
        "2020-extra/ADV-2020-0009.md",
        "2021/ADV-2022-0001.md",
        "ADV-2019-0001.md",
        "a/z.md",
        "a-b.md",
    ]

"""Keeping unchanged output files between two runs of ``advpub build``.

MkDocs empties the output folder before every build and writes every file again; with
thousands of advisories most of a rebuild is spent writing pages and exports that did not
change. For ``advpub build`` the plugin instead keeps the files the previous build's
manifest vouches for, deletes everything else before MkDocs starts (so the folder holds no
file a clean build would not write), and skips writing a kept file whose content is known to
be the same:

- an advisory page whose page-cache key (advisory bytes, URL, build fingerprint) is the
  key it was written with (``page:<key>``);
- an export whose SHA-256 is the one it was written with (``sha256:<hex>``).

A file is only kept when its size, mtime and ctime are exactly what the previous build
recorded (a file edited by hand is deleted and written again). After the build, a kept file
that was neither reused nor rewritten is stale (a removed advisory) and is deleted. The
manifest lives in the build store (:mod:`advpub.site.store`) and is deleted before the build
changes the folder, so a build that fails or is killed leaves none: the next build then
starts from an empty folder.

The manifest also carries the fingerprint of the leak scan that passed over every listed file
(hashes of the drafts' ciphertext, never of their content), so a rebuild scans only the files
it wrote unless the drafts changed.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from advpub.site.store import BuildStore, FileStatus, Manifest

# MkDocs never cleans hidden folders of the output; the exports' folder (the CSAF
# distribution and security.txt) is cleaned here.
CSAF_FOLDER = ".well-known"


def matches(kept: FileStatus, st: os.stat_result) -> bool:
    """True when ``st`` is the unchanged regular file ``kept`` describes."""
    return (
        stat.S_ISREG(st.st_mode)
        and st.st_size == kept.size
        and st.st_mtime_ns == kept.mtime_ns
        and st.st_ctime_ns == kept.ctime_ns
    )


def _entry(tag: str, st: os.stat_result) -> FileStatus:
    return FileStatus(tag, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class OutputReuse:
    """The kept files of one build (see the module docstring)."""

    def __init__(self, site_dir: Path, store: BuildStore) -> None:
        self.site_dir = site_dir.resolve()
        self.store = store
        self.kept: dict[str, FileStatus] = {}
        self.reused: set[str] = set()
        self.tags: dict[str, str] = {}
        self.previous_scan: str | None = None

    # -- before MkDocs runs --------------------------------------------------------------

    def prepare(self, marker: str) -> None:
        """Keep what the manifest vouches for, delete everything else in the output folder.

        ``marker`` is the site-relative path of the build marker: the manifest is only
        trusted when the marker is still the one the previous build wrote.
        """
        previous = self._load(marker)
        self.store.clear_manifest()
        if not self.site_dir.is_dir():
            return
        if previous is None:
            empty_folder(self.site_dir)
            return
        files, self.previous_scan = previous
        for path in _top_entries(self.site_dir):
            if path.is_dir() and not path.is_symlink():
                if self._sweep(path, files):
                    path.rmdir()
            elif not self._vouched(path.name, path.lstat(), files):
                path.unlink()

    def _sweep(self, folder: Path, files: dict[str, FileStatus]) -> bool:
        """Delete what is not vouched for under ``folder``; True when it is left empty."""
        empty = True
        prefix = folder.relative_to(self.site_dir).as_posix() + "/"
        with os.scandir(folder) as entries:
            listed = list(entries)
        for entry in listed:
            if entry.is_dir(follow_symlinks=False):
                if self._sweep(Path(entry.path), files):
                    Path(entry.path).rmdir()
                else:
                    empty = False
            elif self._vouched(prefix + entry.name, entry.stat(follow_symlinks=False), files):
                empty = False
            else:
                Path(entry.path).unlink()
        return empty

    def _vouched(self, rel: str, st: os.stat_result, files: dict[str, FileStatus]) -> bool:
        """Keep ``rel`` when the manifest lists it with exactly this file status."""
        kept = files.get(rel)
        if kept is None or not matches(kept, st):
            return False
        self.kept[rel] = kept
        return True

    def _load(self, marker: str) -> tuple[dict[str, FileStatus], str | None] | None:
        manifest = self.store.manifest()
        if manifest is None or manifest.site_dir != str(self.site_dir):
            return None
        files = dict(manifest.files)
        recorded = files.pop(marker, None)
        try:
            stamp = (self.site_dir / marker).stat()
        except OSError:
            return None
        if recorded is None or not matches(recorded, stamp):
            # The folder was built by something else since (plain `mkdocs build`, a failed
            # build): nothing in it is vouched for.
            return None
        return files, manifest.scan

    # -- during the build ----------------------------------------------------------------

    def can_reuse(self, rel: str, tag: str) -> bool:
        """True when ``rel`` is kept from the previous build with exactly this content tag."""
        kept = self.kept.get(rel)
        return kept is not None and kept.tag == tag

    def reuse(self, rel: str, tag: str) -> None:
        """Record that the kept ``rel`` stands for this build's file (it is not written)."""
        self.reused.add(rel)
        self.tags[rel] = tag

    def wrote(self, rel: str, tag: str) -> None:
        """Record a file this build wrote, with the tag a later build may reuse it under."""
        self.tags[rel] = tag

    def scanned_clean(self, scan: str | None) -> frozenset[str]:
        """Reused files the leak scan may skip: those the previous scan passed, with the
        same drafts (``scan`` is this build's fingerprint, None when no scan runs)."""
        if scan is None or scan != self.previous_scan:
            return frozenset()
        return frozenset(self.reused)

    # -- after the build -----------------------------------------------------------------

    def remove_stale(self) -> list[str]:
        """Delete kept files this build neither reused nor wrote again (removed advisories)."""
        stale: list[str] = []
        for rel, kept in self.kept.items():
            if rel in self.reused:
                continue
            path = self.site_dir / rel
            try:
                st = path.lstat()
            except FileNotFoundError:
                continue
            if matches(kept, st):
                path.unlink()
                stale.append(rel)
        for rel in stale:
            _remove_empty_parents(self.site_dir, (self.site_dir / rel).parent)
        return stale

    def commit(self, marker: str, scan: str | None) -> None:
        """Store the manifest: every tagged file and the marker, with their file status (in
        the build store's transaction, so it is kept only when the whole build commits)."""
        files: dict[str, FileStatus] = {}
        for rel, tag in sorted(self.tags.items()):
            kept = self.kept.get(rel) if rel in self.reused else None
            if kept is None or kept.tag != tag:
                # Written by this build (a reused file is unchanged since prepare() saw it).
                try:
                    kept = _entry(tag, (self.site_dir / rel).lstat())
                except FileNotFoundError:
                    continue
            files[rel] = kept
        files[marker] = _entry("marker", (self.site_dir / marker).lstat())
        self.store.put_manifest(Manifest(str(self.site_dir), scan, files))


def _top_entries(site_dir: Path) -> list[Path]:
    """The entries of the output folder advpub manages: like MkDocs' clean, hidden ones
    (a ``.git`` of a deployment checkout) are left alone, except the exports' own
    ``.well-known``."""
    with os.scandir(site_dir) as entries:
        listed = [Path(e.path) for e in entries]
    managed = [p for p in listed if not p.name.startswith(".")]
    csaf = site_dir / CSAF_FOLDER
    if csaf.is_dir() and not csaf.is_symlink():
        managed.append(csaf)
    return managed


def empty_folder(site_dir: Path) -> None:
    """Delete everything advpub manages inside the output folder (see :func:`_top_entries`)."""
    for path in _top_entries(site_dir):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _remove_empty_parents(root: Path, folder: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent

"""The build fingerprint: everything a stored page or export depends on besides the
advisory itself.

It covers the store format, advpub's code and templates, every theme folder, the versions
of the libraries that render Markdown and HTML, ``mkdocs.yml`` and the resolved settings,
so a changed template, library or configuration misses every stored entry. The leak scan
uses it as a salt too (a scan is valid for the same code and settings).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from advpub.config import Settings
from advpub.site import render

FORMAT = "advpub-page-cache-2"
LIBRARIES = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "pygments",
    "nh3",
    "jinja2",
    "markupsafe",
    "pyyaml",
    "cvss",
    "cwe2",
    "advpub",
)
# advpub's own code: the folder of the package (two levels above this module).
PACKAGE_FOLDER = Path(__file__).resolve().parents[1]
_CODE_SUFFIXES = frozenset({".py", ".html", ".yml", ".yaml", ".css", ".json"})


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


# SHA-256 of each code file read by this process, by path, with the exact file status it
# had: a serve or preview session builds again and again over the same theme (thousands of
# files), and only a changed file (other size, mtime or ctime) is read again.
_file_digests: dict[Path, tuple[tuple[int, int, int], bytes]] = {}


def _file_digest(path: Path, st: os.stat_result) -> bytes:
    status = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = _file_digests.get(path)
    if known is not None and known[0] == status:
        return known[1]
    value = hashlib.sha256(path.read_bytes()).digest()
    _file_digests[path] = (status, value)
    return value


def tree_digest(folders: Iterable[Path]) -> str:
    """A digest of the code and template files under ``folders`` (names and contents)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in _CODE_SUFFIXES or "__pycache__" in path.parts:
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(b"\0")
                digest.update(_file_digest(path, st))
                digest.update(b"\0")
    return digest.hexdigest()


def build_fingerprint(
    code_folders: Iterable[Path], config_file: Path | None, *parts: object
) -> str:
    """What every entry's key depends on besides the advisory itself."""
    digest = hashlib.sha256(FORMAT.encode())
    digest.update(tree_digest(code_folders).encode())
    for name in LIBRARIES:
        digest.update(f"{name}={_version(name)}\0".encode())
    if config_file is not None and config_file.is_file():
        digest.update(config_file.read_bytes())
    for part in parts:
        digest.update(b"\0")
        digest.update(json.dumps(part, sort_keys=True, default=repr).encode())
    return digest.hexdigest()


def _stable(value: object) -> str:
    # Functions in markdown_extensions configs (`!!python/name:`) print their address.
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    return repr(value)


def site_fingerprint(config: Any, settings: Settings) -> str:
    """The fingerprint of a build with this MkDocs configuration and these settings."""
    theme = config["theme"]
    return build_fingerprint(
        # advpub's code and templates, and every theme folder (custom_dir overrides too).
        [
            PACKAGE_FOLDER,
            render.TEMPLATE_FOLDER,
            *(Path(folder) for folder in getattr(theme, "dirs", [])),
        ],
        Path(config["config_file_path"]) if config.get("config_file_path") else None,
        repr(settings),
        [_stable(e) for e in config["markdown_extensions"]],
        {k: _stable(v) for k, v in sorted((config["mdx_configs"] or {}).items())},
        [getattr(theme, "name", None), {k: _stable(theme[k]) for k in sorted(theme)}],
        [config["site_url"], config["use_directory_urls"], _stable(config["validation"])],
    )

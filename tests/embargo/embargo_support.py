"""Helpers for the embargo tests: recipients, drafts, fake editors."""

from __future__ import annotations

import stat
import sys
import textwrap
from pathlib import Path

from advpub.embargo.recipients import parse_recipients
from advpub.embargo.store import EmbargoStore
from tests.conftest import Key, Repo

ID = "ADV-2026-0001"


def set_recipients(repo: Repo, *keys: tuple[str, Key]) -> EmbargoStore:
    """recipients.txt lists ``keys`` as ``public name`` lines; the repository's store."""
    lines = "".join(f"{key.public} {name}\n" for name, key in keys)
    repo.write("embargo/recipients.txt", "# recipients\n" + lines)
    return EmbargoStore(repo.path / "embargo", repo.path)


def encrypt_for(repo: Repo, ident: str, text: str, *keys: Key) -> Path:
    """Write draft ``ident`` encrypted to exactly ``keys`` (whatever recipients.txt says)."""
    store = EmbargoStore(repo.path / "embargo", repo.path)
    entries = parse_recipients("".join(f"{k.public}\n" for k in keys), "test")
    return store.write(ident, text, entries)


def script(folder: Path, name: str, body: str) -> str:
    """An executable Python script (a fake $EDITOR); returns its path."""
    path = folder / name
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def replacing_editor(folder: Path, new_text: str, name: str = "editor.py") -> str:
    """A fake editor that replaces the file's whole content with ``new_text``."""
    return script(
        folder,
        name,
        f"""\
        import sys
        from pathlib import Path
        Path(sys.argv[1]).write_text({new_text!r}, encoding="utf-8")
        """,
    )

"""Shared set-up for the gate, status and release tests: a git repo with real drafts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from advpub.embargo.store import EmbargoStore
from tests.conftest import Key, Repo, advisory_text, make_repo


@dataclass
class Site:
    """A scaffolded repository, one coordinator key and its embargo store."""

    repo: Repo
    key: Key
    store: EmbargoStore

    @property
    def path(self) -> Path:
        return self.repo.path

    def draft(self, ident: str, **fields: object) -> Path:
        """Encrypt an advisory_text(ident, **fields) draft."""
        return self.store.write(ident, advisory_text(ident, **fields))  # type: ignore[arg-type]

    def draft_text(self, ident: str, text: str) -> Path:
        return self.store.write(ident, text)

    def commit_all(self, message: str = "set up") -> None:
        self.repo.git("add", "-A")
        self.repo.git("commit", "-q", "-m", message)

    def head_count(self) -> int:
        return int(self.repo.git("rev-list", "--count", "HEAD").stdout.strip())


def make_site(
    folder: Path, make_key: Callable[[str], Key], timezone: str = "UTC", name: str = "alice"
) -> Site:
    repo = make_repo(folder, timezone=timezone)
    key = make_key(name)
    (repo.path / "embargo" / "recipients.txt").write_text(
        f"{key.public} {name}\n", encoding="utf-8"
    )
    return Site(repo, key, EmbargoStore(repo.path / "embargo", repo.path))

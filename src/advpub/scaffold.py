"""Files ``advpub init`` writes into a new advisory repository (never overwriting)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from advpub.errors import AdvpubError

RECIPIENTS_TEMPLATE = """\
# Recipients of the encrypted drafts under this folder, one per line:
#   an age public key (age1...) or an SSH public key (ssh-ed25519 ... / ssh-rsa ...),
#   optionally followed by a name, e.g.
#   age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs alice
# Add one key per coordinator plus one for CI: `advpub recipients add KEY --name NAME`.
"""

GITIGNORE_TEMPLATE = """\
# advpub: built site and local state
site/
.cache/
.venv/
__pycache__/
# never commit private keys
identity.txt
*.identity
*.agekey
"""


@dataclass(frozen=True)
class ScaffoldOptions:
    """What ``advpub init`` was asked for."""

    timezone: str = "UTC"
    site_url: str | None = None
    site_name: str = "Security advisories"
    language: str = "en"


def mkdocs_yml(options: ScaffoldOptions) -> str:
    """The ``mkdocs.yml`` of a new repository."""
    url = f"site_url: {options.site_url}\n" if options.site_url else ""
    return f"""\
site_name: {_yaml_str(options.site_name)}
{url}docs_dir: advisories
theme:
  name: material
  language: {options.language}
  font: false
  features:
    - navigation.instant.prefetch
    - search.highlight
plugins:
  - search:
      lang: {options.language}
  - advpub:
      timezone: {options.timezone}
"""


def _yaml_str(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def scaffold_files(options: ScaffoldOptions) -> dict[str, str]:
    """Relative path -> content of every file ``init`` writes."""
    return {
        "mkdocs.yml": mkdocs_yml(options),
        "advisories/.gitkeep": "",
        "embargo/recipients.txt": RECIPIENTS_TEMPLATE,
        ".gitignore": GITIGNORE_TEMPLATE,
    }


def write_new_file(path: Path, content: str, mode: int = 0o644) -> bool:
    """Atomically create ``path`` with ``content``; False (and nothing written) if it exists."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        Path(tmp).chmod(mode)
        try:
            # link() fails if the target appeared meanwhile: never clobber.
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError as exc:
            raise AdvpubError(f"{path}: cannot write: {exc.strerror}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True

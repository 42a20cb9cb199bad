"""``advpub show ID`` (plaintext to stdout) and ``advpub show --textconv FILE`` (git diff)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from advpub.cli._embargo import add_identity_argument, identities, open_store
from advpub.config import Settings
from advpub.corpus import advisory_files
from advpub.embargo.identity import load_identities
from advpub.embargo.store import decrypt_bytes
from advpub.errors import AdvpubError, EmbargoError
from advpub.layout import DRAFT_SUFFIX


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """ID (or FILE with ``--textconv``) and ``--identity``."""
    parser.add_argument("target", metavar="ID|FILE", help="draft id, or a .md.age file")
    parser.add_argument(
        "--textconv",
        action="store_true",
        help="git diff driver mode: decrypt FILE; without a key print a placeholder, exit 0",
    )
    add_identity_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Print the plaintext; textconv never fails so `git diff` works without a key."""
    if args.textconv:
        return _textconv(Path(args.target), args.identity)
    target: str = args.target
    if target.endswith(DRAFT_SUFFIX) and Path(target).is_file():
        path = Path(target)
        text = decrypt_bytes(path.read_bytes(), identities(args), str(path))
    else:
        config, store = open_store()
        if not store.exists(target):
            released = _released_file(config, target)
            if released is not None:
                raise EmbargoError(
                    f"{target} is no longer a draft: it was released to {released} "
                    "(public, in plain text: read that file)"
                )
        text = store.read(target, identities(args))
    sys.stdout.write(text)
    return 0


def _released_file(config: Settings, ident: str) -> str | None:
    """The repository path of the released advisory ``ident`` (``advisories/<YYYY>/<ID>.md``)."""
    for path in advisory_files(config):
        if path.stem == ident:
            return path.relative_to(config.root).as_posix()
    return None


def _textconv(path: Path, identity: str | None) -> int:
    shown = str(path)
    try:
        data = path.read_bytes()
        text = decrypt_bytes(data, load_identities(identity).identities, shown) if data else ""
    except OSError as exc:
        print(f"[advpub: cannot decrypt {shown}: {exc.strerror}]")
        return 0
    except AdvpubError as exc:
        reason = str(exc).splitlines()[0]
        reason = reason.removeprefix(f"{shown}: ")
        print(f"[advpub: cannot decrypt {shown}: {reason}]")
        return 0
    sys.stdout.write(text)
    return 0

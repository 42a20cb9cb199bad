"""``advpub keygen [-o FILE]``: create an age X25519 identity (private key)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from advpub.cli._embargo import note
from advpub.embargo.identity import generate_identity
from advpub.errors import EmbargoError
from advpub.git.staged import enclosing_work_tree


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``-o FILE``."""
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help="write the identity to FILE (mode 0600; never overwritten); "
        "default: print it (e.g. ~/.config/advpub/identity.txt is where advpub looks)",
    )


def identity_text(secret: str, public: str, created: datetime) -> str:
    """The identity file in age-keygen's layout."""
    stamp = created.astimezone(UTC).replace(microsecond=0).isoformat()
    return f"# created: {stamp}\n# public key: {public}\n{secret}\n"


def write_identity(path: Path, text: str) -> None:
    """Create ``path`` with mode 0600 (its new folder 0700); refuse to overwrite."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise EmbargoError(
            f"{path} already exists; refusing to overwrite an identity (choose another -o FILE)"
        ) from None
    except OSError as exc:
        raise EmbargoError(f"{path}: cannot create ({exc.strerror})") from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("ascii"))
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def refuse_work_tree(path: Path) -> None:
    """Refuse an identity file inside any git work tree: one `git add .` would commit it."""
    top = enclosing_work_tree(path.resolve())
    if top is not None:
        raise EmbargoError(
            f"{path} is inside the git work tree {top}: a private key there is one `git add` "
            "away from being committed; write it outside every repository, e.g. "
            "`advpub keygen -o ~/.config/advpub/identity.txt` (where advpub looks by default)"
        )


def run(args: argparse.Namespace) -> int:
    """Write (or print) a new identity; the public key is the last line of stdout."""
    secret, public = generate_identity()
    text = identity_text(secret, public, datetime.now(UTC))
    if args.output is None:
        note(
            "warning: printing a private key; prefer `advpub keygen -o FILE`, which writes "
            "it with mode 0600"
        )
        sys.stdout.write(text)
        return 0
    path = Path(args.output).expanduser()
    refuse_work_tree(path)
    write_identity(path, text)
    note(f"wrote the identity to {path} (mode 0600); share only the public key:")
    print(public)
    return 0

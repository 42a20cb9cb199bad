"""Finding and loading the identity (private key) that decrypts drafts."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pyrage

from advpub.embargo.editor import sweep_once
from advpub.errors import EmbargoError

IDENTITY_ENV = "ADVPUB_IDENTITY"
IDENTITY_FILE_ENV = "ADVPUB_IDENTITY_FILE"

Identity = pyrage.x25519.Identity | pyrage.ssh.Identity


def default_identity_file() -> Path:
    """``$XDG_CONFIG_HOME/advpub/identity.txt`` (``~/.config`` when unset)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "advpub" / "identity.txt"


@dataclass(frozen=True)
class LoadedIdentities:
    """The identities and a description of where they came from (never their text)."""

    identities: tuple[Identity, ...]
    source: str


def parse_identities(text: str, source: str) -> tuple[Identity, ...]:
    """Identities from an age identity file (comments allowed) or an SSH private key."""
    stripped = text.strip()
    if "PRIVATE KEY-----" in stripped:
        if "ENCRYPTED" in stripped and "OPENSSH" not in stripped:
            raise EmbargoError(
                f"{source}: the SSH key is passphrase-protected; use an unencrypted key"
            )
        try:
            return (pyrage.ssh.Identity.from_buffer(stripped.encode() + b"\n"),)
        except (pyrage.IdentityError, ValueError, TypeError):
            raise EmbargoError(
                f"{source}: not a usable SSH private key (passphrase-protected keys are not "
                "supported; use an unencrypted key or an age identity)"
            ) from None
    found: list[Identity] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("AGE-SECRET-KEY-1"):
            raise EmbargoError(
                f"{source}: line {number}: not an age identity (expected AGE-SECRET-KEY-1…)"
            )
        try:
            found.append(pyrage.x25519.Identity.from_str(line))
        except (pyrage.IdentityError, ValueError):
            raise EmbargoError(f"{source}: line {number}: malformed age identity") from None
    if not found:
        raise EmbargoError(f"{source}: holds no identity")
    return tuple(found)


def _read_identity_file(path: Path, source: str) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise EmbargoError(f"{source}: {path} does not exist") from None
    except OSError as exc:
        raise EmbargoError(f"{source}: {path}: cannot read ({exc.strerror})") from None
    if stat.S_ISREG(info.st_mode) and info.st_mode & 0o077:
        raise EmbargoError(
            f"{source}: {path} is readable by other users (mode {stat.S_IMODE(info.st_mode):o}); "
            f"run `chmod 600 {path}`"
        )
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise EmbargoError(f"{source}: {path}: cannot read ({reason})") from None


def load_identities(explicit: Path | str | None = None) -> LoadedIdentities:
    """The identity from, in order: ``explicit`` (``--identity``), ``ADVPUB_IDENTITY`` (the key
    text), ``ADVPUB_IDENTITY_FILE``, then the default file. Raises EmbargoError naming every
    place it looked when none is found.

    Every command that decrypts loads its identity here first, so this is also where the
    plaintext workspaces of earlier runs killed with SIGKILL are swept away.
    """
    sweep_once()
    if explicit:
        path = Path(explicit)
        source = f"--identity {path}"
        return LoadedIdentities(parse_identities(_read_identity_file(path, source), source), source)
    text = os.environ.get(IDENTITY_ENV)
    if text:
        return LoadedIdentities(parse_identities(text, f"${IDENTITY_ENV}"), f"${IDENTITY_ENV}")
    env_file = os.environ.get(IDENTITY_FILE_ENV)
    if env_file:
        source = f"${IDENTITY_FILE_ENV} ({env_file})"
        path = Path(env_file)
        return LoadedIdentities(parse_identities(_read_identity_file(path, source), source), source)
    default = default_identity_file()
    if default.exists():
        source = str(default)
        return LoadedIdentities(
            parse_identities(_read_identity_file(default, source), source), source
        )
    raise EmbargoError(
        "no identity to decrypt drafts: looked at --identity, "
        f"${IDENTITY_ENV}, ${IDENTITY_FILE_ENV} and {default}; create one with "
        f"`advpub keygen -o {default}` and ask a coordinator to add its public key"
    )


def try_load_identities(explicit: Path | str | None = None) -> LoadedIdentities | None:
    """Like :func:`load_identities`, but None when no identity is configured anywhere.

    A configured but broken identity still raises: silently skipping leak checks because
    of a typo would be worse than stopping.
    """
    configured = bool(explicit) or any(
        os.environ.get(name) for name in (IDENTITY_ENV, IDENTITY_FILE_ENV)
    )
    if not configured and not default_identity_file().exists():
        return None
    return load_identities(explicit)


def generate_identity() -> tuple[str, str]:
    """A new X25519 identity: ``(secret_key_text, public_key)``."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())

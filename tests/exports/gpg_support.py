"""Real OpenPGP keys for the signing tests: gpg in temporary GNUPGHOMEs, no network."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import require_tool


@dataclass(frozen=True)
class SigningKey:
    """An unprotected signing key: its home (for signer scripts), armoured halves, fingerprint."""

    home: Path
    secret: str
    public: bytes
    fingerprint: str


def gpg(home: Path, *args: str, data: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run the real gpg in ``home``; fail the test when it fails."""
    done = subprocess.run(
        [require_tool("gpg"), "--batch", "--no-tty", "--homedir", str(home), *args],
        input=data,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done


def make_key(folder: Path, name: str = "Advpub Test Signing") -> SigningKey:
    """Generate an ed25519 signing key without passphrase in ``folder`` (a new GNUPGHOME)."""
    folder.mkdir(parents=True, mode=0o700)
    gpg(
        folder,
        "--passphrase",
        "",
        "--quick-gen-key",
        f"{name} <psirt@example.org>",
        "ed25519",
        "sign",
        "never",
    )
    colons = gpg(folder, "--with-colons", "--list-secret-keys").stdout.decode()
    fingerprint = next(line.split(":")[9] for line in colons.splitlines() if line.startswith("fpr"))
    secret = gpg(folder, "--armor", "--export-secret-keys", fingerprint).stdout.decode()
    public = gpg(folder, "--armor", "--export", fingerprint).stdout
    return SigningKey(folder, secret, public, fingerprint)


def stop_agent(home: Path) -> None:
    """Stop the gpg-agent a test key's home started."""
    subprocess.run(
        ["gpgconf", "--homedir", str(home), "--kill", "all"], check=False, capture_output=True
    )


@contextmanager
def keyring(public: bytes) -> Iterator[Path]:
    """A temporary GNUPGHOME holding only ``public``."""
    home = Path(tempfile.mkdtemp(prefix="advpub-test-gpg-"))
    try:
        gpg(home, "--import", data=public)
        yield home
    finally:
        stop_agent(home)
        shutil.rmtree(home, ignore_errors=True)


def gpg_verifies(public: bytes, data: bytes, signature: bytes) -> bool:
    """True when gpg verifies the detached ``signature`` of ``data`` with ``public``."""
    with keyring(public) as home:
        sig = home / "sig.asc"
        sig.write_bytes(signature)
        done = subprocess.run(
            ["gpg", "--batch", "--homedir", str(home), "--verify", str(sig), "-"],
            input=data,
            capture_output=True,
            check=False,
            timeout=60,
        )
    return done.returncode == 0


def gpg_verifies_cleartext(public: bytes, signed: bytes) -> bool:
    """True when gpg verifies a cleartext-signed message with ``public``."""
    with keyring(public) as home:
        done = subprocess.run(
            ["gpg", "--batch", "--homedir", str(home), "--verify"],
            input=signed,
            capture_output=True,
            check=False,
            timeout=60,
        )
    return done.returncode == 0


def leftover_homes() -> set[str]:
    """The temporary GNUPGHOMEs advpub made that still exist."""
    return {p.name for p in Path(tempfile.gettempdir()).glob("advpub-gpg-*")}

"""OpenPGP signatures of the CSAF distribution (CSAF requirements 19 and 20).

Two signers, chosen by :func:`open_signer`:

- ``signing.command`` in ``mkdocs.yml``: an external program (gpg with an agent, a hardware
  token, a KMS) that reads the data on stdin and writes an armored detached signature on
  stdout; ``signing.clearsign_command`` (optional) writes a cleartext signature the same way,
  and ``signing.public_key`` is the repository file holding its armored public key.
- else the armored secret key in ``ADVPUB_OPENPGP_KEY`` (a CI secret, without passphrase):
  imported into a temporary ``GNUPGHOME`` (mode 0700) that is removed afterwards, also on
  error, with the gpg-agent it started.

Every new signature is verified against the public key that gets published before it is
used, in a keyring holding only that key. Signatures are cached by the SHA-256 of the signed
bytes (and the key fingerprint) in ``.cache/advpub/signatures/``, so a warm build signs only
what changed; the cache only ever holds signatures of published files, and entries a build
did not use are removed when it finishes.

Nothing here prints key material: errors name ``ADVPUB_OPENPGP_KEY`` or the command and
carry gpg's own diagnostic lines (which never contain the key).
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from advpub.config import CONFIG_FILE, Settings
from advpub.errors import ExportError

KEY_ENV = "ADVPUB_OPENPGP_KEY"
GPG = "gpg"
CACHE_FOLDER = (".cache", "advpub", "signatures")
TIMEOUT = 120
Mode = Literal["detach", "clearsign"]


@dataclass(frozen=True)
class PublicKey:
    """The published half of the signing key."""

    fingerprint: str  # upper-case hex, as CSAF's provider metadata shows it
    armored: bytes


def _diagnostic(stderr: bytes) -> str:
    """gpg's own ``gpg: ...`` lines (never key material), for error messages."""
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
        if line.startswith("gpg: ")
    ]
    return "; ".join(lines[-3:]) or "no diagnostic"


def run_gpg(
    home: Path, *args: str, data: bytes = b"", check: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run gpg in ``home``; with ``check``, a failure raises ExportError starting with it."""
    if shutil.which(GPG) is None:
        raise ExportError(
            "gpg is not installed; install GnuPG (Debian package gnupg, `make system`) to sign "
            "or verify the CSAF distribution"
        )
    done = subprocess.run(
        [GPG, "--batch", "--no-tty", "--homedir", str(home), *args],
        input=data,
        capture_output=True,
        check=False,
        timeout=TIMEOUT,
    )
    if check is not None and done.returncode != 0:
        raise ExportError(f"{check} (gpg exit {done.returncode}: {_diagnostic(done.stderr)})")
    return done


@contextmanager
def gpg_home() -> Iterator[Path]:
    """A private, empty GNUPGHOME (0700), removed afterwards with any agent it started."""
    # Short path under the system temp folder: gpg-agent's socket path has a length limit.
    home = Path(tempfile.mkdtemp(prefix="advpub-gpg-"))
    try:
        home.chmod(0o700)
        yield home
    finally:
        if shutil.which("gpgconf") is not None:
            subprocess.run(
                ["gpgconf", "--homedir", str(home), "--kill", "all"],
                capture_output=True,
                check=False,
                timeout=TIMEOUT,
            )
        shutil.rmtree(home, ignore_errors=True)


def _fingerprints(colons: bytes, record: str) -> list[str]:
    """Primary-key fingerprints from ``--with-colons`` output (``pub``/``sec`` records)."""
    found: list[str] = []
    expect = False
    for line in colons.decode("utf-8", "replace").splitlines():
        fields = line.split(":")
        if fields[0] == record:
            expect = True
        elif fields[0] == "fpr" and expect and len(fields) > 9:
            found.append(fields[9].upper())
            expect = False
    return found


def public_key_from_armored(armored: bytes, source: str) -> PublicKey:
    """The fingerprint of the one public key in ``armored`` (ExportError otherwise)."""
    with gpg_home() as home:
        done = run_gpg(
            home,
            "--with-colons",
            "--import-options",
            "show-only",
            "--import",
            data=armored,
            check=f"{source}: not an OpenPGP public key",
        )
    keys = _fingerprints(done.stdout, "pub")
    if len(keys) != 1:
        raise ExportError(
            f"{source}: holds {len(keys)} public keys; export exactly one "
            "(gpg --armor --export FINGERPRINT)"
        )
    return PublicKey(keys[0], armored)


class Verifier:
    """Checks signatures against given public keys only (a keyring holding just them)."""

    def __init__(self, home: Path, keys: Sequence[PublicKey]) -> None:
        self.home = home
        self.keys = {k.fingerprint for k in keys}
        for key in keys:
            run_gpg(home, "--import", data=key.armored, check="cannot import a public key")

    def _signer(self, status: bytes) -> str | None:
        for line in status.decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[:2] == ["[GNUPG:]", "VALIDSIG"]:
                # The signing (sub)key's fingerprint first, the primary key's last.
                for candidate in (parts[-1], parts[2]):
                    if candidate.upper() in self.keys:
                        return candidate.upper()
        return None

    def detached(self, data: bytes, signature: bytes) -> str | None:
        """The fingerprint of the known key that made ``signature`` over ``data``, or None."""
        with tempfile.TemporaryDirectory(dir=self.home) as work:
            sig = Path(work) / "data.asc"
            sig.write_bytes(signature)
            done = run_gpg(self.home, "--status-fd", "1", "--verify", str(sig), "-", data=data)
        return self._signer(done.stdout) if done.returncode == 0 else None

    def cleartext(self, signed: bytes) -> tuple[str, bytes] | None:
        """(key fingerprint, signed text) of a cleartext-signed message, or None."""
        with tempfile.TemporaryDirectory(dir=self.home) as work:
            out = Path(work) / "text"
            done = run_gpg(
                self.home,
                "--status-fd",
                "1",
                "--output",
                str(out),
                "--decrypt",
                data=signed,
            )
            signer = self._signer(done.stdout) if done.returncode == 0 else None
            return (signer, out.read_bytes()) if signer is not None else None


@contextmanager
def verifier(keys: Sequence[PublicKey]) -> Iterator[Verifier]:
    """A :class:`Verifier` in its own temporary GNUPGHOME."""
    with gpg_home() as home:
        yield Verifier(home, keys)


@dataclass
class SignatureCache:
    """Armored signatures by (key, mode, SHA-256 of the signed bytes)."""

    folder: Path
    used: set[Path] = field(default_factory=set)

    def _path(self, data: bytes, mode: Mode) -> Path:
        return self.folder / f"{hashlib.sha256(data).hexdigest()}.{mode}.asc"

    def get(self, data: bytes, mode: Mode) -> bytes | None:
        """The stored signature, or None."""
        path = self._path(data, mode)
        self.used.add(path)
        try:
            stored = path.read_bytes()
        except OSError:
            return None
        return stored if stored.startswith(b"-----BEGIN PGP ") else None

    def put(self, data: bytes, mode: Mode, signature: bytes) -> None:
        """Store a verified signature (written whole, then renamed into place)."""
        path = self._path(data, mode)
        self.used.add(path)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(signature)
        partial.replace(path)

    def prune(self) -> None:
        """Remove the entries this build did not use (removed or changed files)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path not in self.used:
                path.unlink(missing_ok=True)


class Signer(ABC):
    """Signs published bytes; see the module docstring. Subclasses make the signature
    (:class:`KeySigner`, :class:`CommandSigner`); caching and verifying happen here."""

    def __init__(
        self, public_key: PublicKey, check: Verifier, cache: SignatureCache | None
    ) -> None:
        self.public_key = public_key
        self.check = check
        self.cache = cache
        self.signed = 0  # signatures made (not taken from the cache) by this build

    @abstractmethod
    def _make(self, data: bytes, mode: Mode) -> bytes | None:
        """A new signature of ``data`` (None: the signer had none to give)."""

    def _sign(self, data: bytes, mode: Mode, what: str) -> bytes | None:
        cached = self.cache.get(data, mode) if self.cache is not None else None
        if cached is not None:
            return cached
        signature = self._make(data, mode)
        if signature is None:
            return None
        self.signed += 1
        if mode == "detach":
            valid = self.check.detached(data, signature) is not None
        else:
            opened = self.check.cleartext(signature)
            valid = opened is not None and opened[1].rstrip(b"\n") == data.rstrip(b"\n")
        if not valid:
            raise ExportError(
                f"the signature of {what} does not verify with the public key "
                f"{self.public_key.fingerprint}; check that the signing key and "
                f"{CONFIG_FILE}: plugins.advpub.signing.public_key belong together"
            )
        if self.cache is not None:
            self.cache.put(data, mode, signature)
        return signature

    def sign(self, data: bytes, what: str) -> bytes:
        """An armored detached signature of ``data`` (``what`` names it in errors)."""
        signature = self._sign(data, "detach", what)
        assert signature is not None  # every signer makes detached signatures
        return signature

    def clearsign(self, text: bytes, what: str) -> bytes | None:
        """``text`` with a cleartext signature, or None when this signer cannot make one."""
        return self._sign(text, "clearsign", what)


class KeySigner(Signer):
    """Signs with the secret key imported from ``ADVPUB_OPENPGP_KEY``."""

    def __init__(
        self, home: Path, public_key: PublicKey, check: Verifier, cache: SignatureCache | None
    ) -> None:
        super().__init__(public_key, check, cache)
        self.home = home

    def _make(self, data: bytes, mode: Mode) -> bytes:
        flag = "--detach-sign" if mode == "detach" else "--clearsign"
        done = run_gpg(
            self.home,
            "--local-user",
            self.public_key.fingerprint,
            "--digest-algo",
            "SHA512",
            "--armor",
            flag,
            data=data,
            check=f"cannot sign with the key in {KEY_ENV}",
        )
        return done.stdout


class CommandSigner(Signer):
    """Signs with ``signing.command`` / ``signing.clearsign_command``."""

    def __init__(
        self,
        settings: Settings,
        public_key: PublicKey,
        check: Verifier,
        cache: SignatureCache | None,
    ) -> None:
        super().__init__(public_key, check, cache)
        self.root = settings.root
        self.commands = {
            "detach": settings.signing.command,
            "clearsign": settings.signing.clearsign_command,
        }

    def _make(self, data: bytes, mode: Mode) -> bytes | None:
        command = self.commands[mode]
        if not command:
            return None
        key = "command" if mode == "detach" else "clearsign_command"
        where = f"{CONFIG_FILE}: plugins.advpub.signing.{key}"
        try:
            done = subprocess.run(
                shlex.split(command),
                input=data,
                capture_output=True,
                check=False,
                cwd=self.root,
                timeout=TIMEOUT,
            )
        except (OSError, ValueError) as exc:
            raise ExportError(f"{where}: cannot run {command!r}: {exc}") from None
        if done.returncode != 0 or not done.stdout.startswith(b"-----BEGIN PGP "):
            raise ExportError(
                f"{where}: {command!r} exited with {done.returncode} without writing an armored "
                f"OpenPGP signature on stdout ({_diagnostic(done.stderr)})"
            )
        return done.stdout


def _cache(settings: Settings, fingerprint: str) -> SignatureCache:
    return SignatureCache(settings.root.joinpath(*CACHE_FOLDER, fingerprint))


@contextmanager
def open_signer(settings: Settings, *, use_cache: bool = True) -> Iterator[Signer | None]:
    """The configured signer (None when signing is not configured and not required).

    The cache is pruned only when the caller's block finishes without an error.
    """
    if settings.signing.command:
        source = settings.signing.public_key
        public = public_key_from_armored(
            (settings.root / source).read_bytes(),
            f"{CONFIG_FILE}: plugins.advpub.signing.public_key: {source}",
        )
        cache = _cache(settings, public.fingerprint) if use_cache else None
        with verifier([public]) as check:
            signer: Signer = CommandSigner(settings, public, check, cache)
            yield signer
        if cache is not None:
            cache.prune()
        return
    secret = os.environ.get(KEY_ENV, "").strip()
    if not secret:
        if settings.signing.required:
            raise ExportError(
                f"{CONFIG_FILE}: plugins.advpub.signing.required: true, but neither "
                f"signing.command nor {KEY_ENV} is set; give the job the signing key secret"
            )
        yield None
        return
    with gpg_home() as home:
        run_gpg(
            home,
            "--import",
            data=secret.encode("utf-8") + b"\n",
            check=f"{KEY_ENV}: not an armored OpenPGP secret key without passphrase",
        )
        listed = run_gpg(home, "--with-colons", "--list-secret-keys", check=f"{KEY_ENV}: unusable")
        keys = _fingerprints(listed.stdout, "sec")
        if len(keys) != 1:
            raise ExportError(
                f"{KEY_ENV}: holds {len(keys)} secret keys; export exactly one "
                "(gpg --armor --export-secret-keys FINGERPRINT)"
            )
        armored = run_gpg(
            home, "--armor", "--export", keys[0], check=f"{KEY_ENV}: cannot export its public key"
        ).stdout
        public = PublicKey(keys[0], armored)
        cache = _cache(settings, public.fingerprint) if use_cache else None
        with verifier([public]) as check:
            yield KeySigner(home, public, check, cache)
    if cache is not None:
        cache.prune()

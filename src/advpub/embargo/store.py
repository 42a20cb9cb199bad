"""``embargo/<ID>.md.age``: encrypt, decrypt (in memory only) and list drafts."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyrage

from advpub.embargo.identity import Identity
from advpub.embargo.recipients import RecipientEntry, read_recipients
from advpub.embargo.sharing import recipients_for
from advpub.errors import EmbargoError
from advpub.fsutil import atomic_write_bytes

# Re-exported for older imports; the layout module is their one home.
from advpub.layout import ALLOWED_PLAIN_FILES as ALLOWED_PLAIN_FILES
from advpub.layout import DRAFT_SUFFIX as DRAFT_SUFFIX
from advpub.layout import RECIPIENTS_FILE as RECIPIENTS_FILE

ARMOR_HEADER = b"-----BEGIN AGE ENCRYPTED FILE-----"
BINARY_HEADER = b"age-encryption.org/v1\n"
# A draft has one header stanza per recipient. A header with far more is hostile: each
# stanza costs an X25519 operation, so refuse before decrypting.
MAX_RECIPIENT_STANZAS = 256


def is_age_ciphertext(data: bytes) -> bool:
    """True when ``data`` starts like an age file (armored or binary)."""
    head = data.lstrip(b"\r\n\t ")[: len(ARMOR_HEADER)]
    return head == ARMOR_HEADER or data.startswith(BINARY_HEADER)


def encrypt_text(plaintext: str, recipients: Sequence[RecipientEntry]) -> bytes:
    """ASCII-armored age ciphertext of ``plaintext`` for every recipient."""
    if not recipients:
        raise EmbargoError("no recipients: refusing to encrypt a draft nobody could read")
    try:
        return pyrage.encrypt(
            plaintext.encode("utf-8"), [r.to_recipient() for r in recipients], armored=True
        )
    except pyrage.EncryptError:
        raise EmbargoError("encryption failed; check embargo/recipients.txt") from None


def decrypt_bytes(data: bytes, identities: Sequence[Identity], shown: str) -> str:
    """Plaintext of an age file, in memory. Errors name ``shown`` and never the content."""
    if not is_age_ciphertext(data):
        raise EmbargoError(f"{shown}: not an age-encrypted file")
    if count_header_stanzas(data) > MAX_RECIPIENT_STANZAS:
        raise EmbargoError(
            f"{shown}: more than {MAX_RECIPIENT_STANZAS} recipient stanzas; refusing a "
            "malformed or hostile file"
        )
    try:
        plain = pyrage.decrypt(data, list(identities))
    except pyrage.DecryptError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "decryption failed"
        if "no matching keys" in reason.lower() or "no identity matched" in reason.lower():
            raise EmbargoError(
                f"{shown}: your identity is not among its recipients; ask a coordinator to add "
                "your public key and re-encrypt (`advpub recipients add`)"
            ) from None
        raise EmbargoError(
            f"{shown}: cannot decrypt ({_safe_reason(reason)}); the file may be truncated or "
            f"damaged; restore it from git (`git checkout -- {shown}`)"
        ) from None
    except Exception:
        raise EmbargoError(f"{shown}: cannot decrypt (malformed age file)") from None
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise EmbargoError(f"{shown}: decrypted content is not UTF-8 text") from None


def count_header_stanzas(data: bytes) -> int:
    """How many ``-> `` recipient stanzas the age header holds (armored or binary)."""
    raw = data
    if data.lstrip(b"\r\n\t ").startswith(ARMOR_HEADER):
        lines = data.strip().splitlines()[1:]
        body = b"".join(line.strip() for line in lines if not line.startswith(b"-----"))
        try:
            raw = base64.b64decode(body[: 64 * 1024 * 4 // 3 + 4], validate=False)
        except (ValueError, binascii.Error):
            return 0
    header, _, _ = raw.partition(b"\n--- ")
    return header.count(b"\n-> ")


def _safe_reason(reason: str) -> str:
    # pyrage's messages describe the format problem; keep them short and printable.
    cleaned = "".join(ch for ch in reason if ch.isprintable())
    return cleaned[:120]


@dataclass(frozen=True)
class EmbargoStore:
    """The embargo folder of one repository."""

    folder: Path
    root: Path | None = None

    @property
    def recipients_file(self) -> Path:
        """``embargo/recipients.txt``."""
        return self.folder / RECIPIENTS_FILE

    def shown(self, path: Path) -> str:
        """``path`` as shown to users (relative to the repository root)."""
        if self.root is not None:
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return str(path)

    def draft_path(self, ident: str) -> Path:
        """Where the draft of ``ident`` lives (``embargo/<ID>.md.age``, or the one file of
        that name in a sub-folder when there is one); refuses path-like ids."""
        if not ident or "/" in ident or "\\" in ident or ident.startswith(".") or ".." in ident:
            raise EmbargoError(f"{ident!r} is not a draft id (it looks like a path)")
        path = self.folder / f"{ident}{DRAFT_SUFFIX}"
        if not path.exists() and self.folder.is_dir():
            nested = [p for p in self.draft_files() if p.name == path.name]
            if len(nested) == 1:
                return nested[0]
        return path

    def draft_files(self) -> list[Path]:
        """Every ``*.md.age`` file, in sub-folders too (a draft filed in
        ``embargo/vendor-a/`` is still a draft), sorted by name then path."""
        if not self.folder.is_dir():
            return []
        found = (p for p in self.folder.rglob(f"*{DRAFT_SUFFIX}") if p.is_file())
        return sorted(found, key=lambda p: (p.name, p.as_posix()))

    def ids(self) -> list[str]:
        """The ids of every draft (from file names)."""
        return [p.name[: -len(DRAFT_SUFFIX)] for p in self.draft_files()]

    def exists(self, ident: str) -> bool:
        """True when a draft of ``ident`` exists."""
        return self.draft_path(ident).is_file()

    def recipients(self) -> list[RecipientEntry]:
        """The current recipients (an error when there are none)."""
        return read_recipients(self.recipients_file, self.shown(self.recipients_file))

    def read(self, ident: str, identities: Sequence[Identity]) -> str:
        """The plaintext of draft ``ident`` (decrypted in memory)."""
        return self.read_file(self.draft_path(ident), identities)

    def read_file(self, path: Path, identities: Sequence[Identity]) -> str:
        """The plaintext of the draft file ``path``."""
        return self.decrypt(path, self.read_ciphertext(path), identities)

    def read_ciphertext(self, path: Path) -> bytes:
        """The bytes of the draft file ``path`` (still encrypted)."""
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise EmbargoError(f"{self.shown(path)}: no such draft") from None
        except OSError as exc:
            raise EmbargoError(f"{self.shown(path)}: cannot read ({exc.strerror})") from None

    def decrypt(self, path: Path, data: bytes, identities: Sequence[Identity]) -> str:
        """The plaintext of ``data``, read from the draft file ``path``."""
        return decrypt_bytes(data, identities, self.shown(path))

    def write(
        self,
        ident: str,
        plaintext: str,
        recipients: Sequence[RecipientEntry] | None = None,
        *,
        ignore_unknown: bool = False,
    ) -> Path:
        """Encrypt ``plaintext`` to the team and the case-only recipients its ``share_with``
        names (from ``recipients``, default recipients.txt) and atomically write the draft.
        ``ignore_unknown``: see :func:`advpub.embargo.sharing.recipients_for`."""
        path = self.draft_path(ident)
        chosen = self.recipients_of(path, plaintext, recipients, ignore_unknown=ignore_unknown)
        data = encrypt_text(plaintext, chosen)
        self._write(path, data)
        return path

    def recipients_of(
        self,
        path: Path,
        plaintext: str,
        recipients: Sequence[RecipientEntry] | None = None,
        *,
        ignore_unknown: bool = False,
    ) -> list[RecipientEntry]:
        """Who the draft at ``path`` with ``plaintext`` must be encrypted to."""
        entries = recipients if recipients is not None else self.recipients()
        return recipients_for(
            plaintext,
            entries,
            self.shown(path),
            self.shown(self.recipients_file),
            ignore_unknown=ignore_unknown,
        )

    def write_ciphertext(self, ident: str, data: bytes) -> Path:
        """Atomically write already-encrypted ``data`` as the draft of ``ident``."""
        if not is_age_ciphertext(data):
            raise EmbargoError(f"{ident}: refusing to write data that is not age ciphertext")
        path = self.draft_path(ident)
        self._write(path, data)
        return path

    def _write(self, path: Path, data: bytes) -> None:
        try:
            atomic_write_bytes(path, data, 0o644)
        except OSError as exc:
            raise EmbargoError(
                f"{self.shown(path)}: cannot write ({exc.strerror}); the previous version was "
                "kept and your changes were not saved; free space and run again"
            ) from None

    def remove(self, ident: str) -> None:
        """Delete the draft of ``ident`` (no error when already gone)."""
        self.draft_path(ident).unlink(missing_ok=True)

"""Attacks on the age decryption path: every damaged file ends in a clean EmbargoError."""

from __future__ import annotations

import base64
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advpub.embargo.identity import generate_identity, parse_identities
from advpub.embargo.recipients import parse_recipients
from advpub.embargo.store import decrypt_bytes, encrypt_text
from advpub.errors import EmbargoError

SECRET, PUBLIC = generate_identity()
IDENTITIES = parse_identities(SECRET, "test")
CANARY = "CANARY-7c1f0e-never-in-an-error"
PLAINTEXT = f"---\nid: ADV-2026-0001\ntitle: {CANARY}\n---\nbody {CANARY}\n"
CIPHERTEXT = encrypt_text(PLAINTEXT, parse_recipients(PUBLIC, "r"))
# derandomize: the same examples on every run, so a failure reproduces (as in tests/leaks).
FAST = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _decrypt_cleanly(data: bytes) -> None:
    try:
        text = decrypt_bytes(data, IDENTITIES, "embargo/ADV-2026-0001.md.age")
    except EmbargoError as exc:
        message = str(exc)
        assert message.startswith("embargo/ADV-2026-0001.md.age: ")
        assert CANARY not in message
        assert "AGE-SECRET-KEY" not in message
    else:
        # age authenticates every chunk: any surviving mutation must give the original text.
        assert text == PLAINTEXT


def test_roundtrip() -> None:
    assert decrypt_bytes(CIPHERTEXT, IDENTITIES, "x") == PLAINTEXT


@FAST
@given(st.integers(min_value=0, max_value=len(CIPHERTEXT) - 1), st.integers(1, 255))
def test_flipped_bytes(position: int, mask: int) -> None:
    data = bytearray(CIPHERTEXT)
    data[position] ^= mask
    _decrypt_cleanly(bytes(data))


@FAST
@given(st.integers(min_value=0, max_value=len(CIPHERTEXT)))
def test_truncations(length: int) -> None:
    _decrypt_cleanly(CIPHERTEXT[:length])


@FAST
@given(st.binary(max_size=2000))
def test_garbage_after_a_valid_header(junk: bytes) -> None:
    _decrypt_cleanly(b"-----BEGIN AGE ENCRYPTED FILE-----\n" + junk)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.replace(b"-----END AGE ENCRYPTED FILE-----", b""),
        lambda d: d.replace(b"\n", b"\r\n"),
        lambda d: d.replace(b"\n", b"", 3),
        lambda d: d + b"trailing garbage\n",
        lambda d: d.replace(b"BEGIN AGE", b"BEGIN PGP"),
    ],
)
def test_armor_damage(damage: object) -> None:
    assert callable(damage)
    _decrypt_cleanly(damage(CIPHERTEXT))


def test_header_with_a_thousand_recipients_is_bounded() -> None:
    """A hostile header with 1,000 stanzas is rejected (or read) in bounded time."""
    binary = b"age-encryption.org/v1\n"
    stanza_body = base64.b64encode(b"\x00" * 32).rstrip(b"=")
    for _ in range(1000):
        binary += b"-> X25519 " + stanza_body + b"\n" + stanza_body + b"\n"
    binary += b"--- " + stanza_body + b"\n" + b"\x00" * 64
    start = time.monotonic()
    _decrypt_cleanly(binary)
    assert time.monotonic() - start < 10


def test_many_real_recipients_still_decrypt() -> None:
    keys = [generate_identity()[1] for _ in range(200)] + [PUBLIC]
    data = encrypt_text(PLAINTEXT, parse_recipients("\n".join(keys), "r"))
    assert decrypt_bytes(data, IDENTITIES, "x") == PLAINTEXT

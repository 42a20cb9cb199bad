"""Issue #14 item 8: what an age header tells about its recipients (X25519 count, SSH tags,
grease ignored), compared with recipients.txt."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyrage

from advpub.embargo.recipients import parse_recipients
from advpub.embargo.stanzas import drift_message, header_recipients, ssh_tag
from advpub.embargo.store import encrypt_text
from tests.conftest import Key


def ssh_public_key(tmp_path: Path, name: str) -> str:
    target = tmp_path / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(target)],
        check=True,
    )
    kind, data, _comment = (tmp_path / f"{name}.pub").read_text(encoding="utf-8").split()
    return f"{kind} {data}"


def test_headers_show_x25519_count_and_ssh_tags_without_grease(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    alice, bob = make_key("alice"), make_key("bob")
    carol = ssh_public_key(tmp_path, "carol")
    entries = parse_recipients(f"{alice.public} alice\n{bob.public} bob\n{carol} carol\n", "t")
    armored = encrypt_text("text", entries)
    binary = pyrage.encrypt(b"text", [e.to_recipient() for e in entries])
    # rage adds a grease stanza ("-> <random>-grease …") to every header.
    raw = base64.b64decode(b"".join(armored.splitlines()[1:-1]))
    assert b"-grease" in raw.partition(b"\n--- ")[0]
    for data in (armored, binary):
        header = header_recipients(data)
        assert header is not None
        assert (header.x25519, header.ssh_tags, header.total) == (2, (ssh_tag(carol),), 3)
        assert drift_message(header, entries, "embargo/recipients.txt") is None
    assert header_recipients(b"# not age\n") is None

    header = header_recipients(armored)
    assert header is not None
    without_carol = [e for e in entries if e.name != "carol"]
    assert drift_message(header, without_carol, "embargo/recipients.txt") == (
        "encrypted to 3 recipient(s), but embargo/recipients.txt lists 2 (encrypted to 1 SSH "
        "key(s) not in the list); re-encrypt it to the current list: `advpub recipients rekey`"
    )
    erin = make_key("erin")
    dave = ssh_public_key(tmp_path, "dave")
    others = parse_recipients(f"{erin.public} erin\n{dave} dave\n", "t")
    assert drift_message(header, [*without_carol, *others], "r.txt") == (
        "encrypted to 3 recipient(s), but r.txt lists 4 (2 age key(s) in the file, 3 in the "
        "list; not encrypted to the SSH key of dave; encrypted to 1 SSH key(s) not in the "
        "list); re-encrypt it to the current list: `advpub recipients rekey`"
    )

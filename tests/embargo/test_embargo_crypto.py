"""The encrypted store against the real age CLI, real keys and real SSH keys."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, Key, Repo, advisory_text, require_tool
from tests.embargo.embargo_support import ID, encrypt_for, set_recipients

CANARY = "CANARY-7f3a9c-embargoed-title"
TEXT = advisory_text(ID, title=f"Router {CANARY}")

Cli = Callable[..., CliResult]


def age_decrypt(file: Path, identity: Path) -> subprocess.CompletedProcess[str]:
    """``age -d -i identity file``."""
    age = require_tool("age")
    return subprocess.run(
        [age, "-d", "-i", str(identity), str(file)], capture_output=True, text=True, check=False
    )


def test_advpub_draft_decrypts_with_the_age_cli(repo: Repo, make_key: Callable[[str], Key]) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    path = store.write(ID, TEXT)
    assert path.read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    result = age_decrypt(path, alice.file)
    assert result.returncode == 0, result.stderr
    assert result.stdout == TEXT


@pytest.mark.parametrize("armor", [True, False], ids=["armored", "binary"])
def test_age_cli_file_reads_with_show(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli, tmp_path: Path, armor: bool
) -> None:
    age = require_tool("age")
    alice = make_key("alice")
    set_recipients(repo, ("alice", alice))
    plain = tmp_path / "plain.md"
    plain.write_text(TEXT, encoding="utf-8")
    target = repo.path / "embargo" / f"{ID}.md.age"
    subprocess.run(
        [age, *(["-a"] if armor else []), "-r", alice.public, "-o", str(target), str(plain)],
        check=True,
    )
    result = cli("show", ID, "--identity", str(alice.file), cwd=repo.path)
    assert (result.code, result.out, result.err) == (0, TEXT, "")


def test_two_recipients_each_decrypt(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli, tmp_path: Path
) -> None:
    alice, bob = make_key("alice"), make_key("bob")
    set_recipients(repo, ("alice", alice), ("bob", bob))
    source = tmp_path / "draft.md"
    source.write_text(TEXT, encoding="utf-8")
    assert cli("import", str(source), "--identity", str(alice.file), cwd=repo.path).code == 0
    draft = repo.path / "embargo" / f"{ID}.md.age"
    for key in (alice, bob):
        assert age_decrypt(draft, key.file).stdout == TEXT
        shown = cli("show", ID, "--identity", str(key.file), cwd=repo.path)
        assert shown.out == TEXT


def test_removing_a_recipient_locks_them_out_of_current_drafts(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli
) -> None:
    alice, bob = make_key("alice"), make_key("bob")
    store = set_recipients(repo, ("alice", alice))
    store.write(ID, TEXT)
    store.write("ADV-2026-0002", advisory_text("ADV-2026-0002"))
    added = cli(
        "recipients", "add", bob.public, "--name", "bob", "-i", str(alice.file), cwd=repo.path
    )
    assert added.code == 0, added.err
    assert added.out == f"added {bob.public} bob\nre-encrypted 2 draft(s) to 2 recipient(s)\n"
    assert age_decrypt(store.draft_path(ID), bob.file).stdout == TEXT

    removed = cli("recipients", "remove", "bob", "-i", str(alice.file), cwd=repo.path)
    assert removed.code == 0, removed.err
    assert removed.out == f"removed {bob.public} bob\nre-encrypted 2 draft(s) to 1 recipient(s)\n"
    assert removed.err == (
        "advpub: warning: bob can still read every earlier version in git history and any "
        "copy already fetched; re-encrypting protects only what is written from now on\n"
    )
    for ident in (ID, "ADV-2026-0002"):
        locked = age_decrypt(store.draft_path(ident), bob.file)
        assert locked.returncode != 0
        assert age_decrypt(store.draft_path(ident), alice.file).returncode == 0
    assert (repo.path / "embargo/recipients.txt").read_text(encoding="utf-8") == (
        f"# recipients\n{alice.public} alice\n"
    )
    listed = cli("recipients", "list", cwd=repo.path)
    assert listed.out == f"{alice.public} alice # team\n"


def test_ssh_ed25519_recipient_and_identity(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli, tmp_path: Path
) -> None:
    ssh_keygen = require_tool("ssh-keygen")
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    store.write(ID, TEXT)
    key = tmp_path / "id_ed25519"
    subprocess.run(
        [ssh_keygen, "-q", "-t", "ed25519", "-N", "", "-C", "carol@laptop", "-f", str(key)],
        check=True,
    )
    added = cli("recipients", "add", f"{key}.pub", "-i", str(alice.file), cwd=repo.path)
    assert added.code == 0, added.err
    public = key.with_suffix(".pub").read_text(encoding="utf-8").split()
    assert added.out.startswith(f"added {public[0]} {public[1]} carol@laptop\n")
    shown = cli("show", ID, "--identity", str(key), cwd=repo.path)
    assert (shown.code, shown.out) == (0, TEXT)
    assert age_decrypt(store.draft_path(ID), key).stdout == TEXT


def _wrong_key(data: bytes) -> bytes:
    return data


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _flipped(data: bytes) -> bytes:
    index = len(data) - 80
    return data[:index] + (b"A" if data[index : index + 1] != b"A" else b"B") + data[index + 1 :]


def _not_age(data: bytes) -> bytes:
    return TEXT.encode("utf-8")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_wrong_key, "your identity is not among its recipients"),
        (_truncated, "cannot decrypt ("),
        (_flipped, "cannot decrypt ("),
        (_not_age, "not an age-encrypted file"),
    ],
    ids=["wrong-key", "truncated", "flipped-byte", "not-age"],
)
def test_unreadable_draft_gives_one_clean_error_and_is_untouched(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    damage: Callable[[bytes], bytes],
    reason: str,
) -> None:
    alice, mallory = make_key("alice"), make_key("mallory")
    store = set_recipients(repo, ("alice", alice))
    path = store.write(ID, TEXT)
    path.write_bytes(damage(path.read_bytes()))
    before = path.read_bytes()
    key = mallory if damage is _wrong_key else alice
    result = cli("show", ID, "-i", str(key.file), cwd=repo.path)
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith(f"advpub: error: embargo/{ID}.md.age: {reason}")
    assert result.err.count("\n") == 1
    if damage is not _not_age:
        assert CANARY not in result.err
    assert path.read_bytes() == before
    # The diff driver never fails: a placeholder, exit 0.
    conv = cli("show", "--textconv", str(path), "-i", str(key.file), cwd=repo.path)
    assert conv.code == 0
    assert conv.out.startswith(f"[advpub: cannot decrypt {path}: ")
    assert CANARY not in conv.out


def test_recipient_change_refused_when_a_draft_is_unreadable(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli
) -> None:
    alice, bob, other = make_key("alice"), make_key("bob"), make_key("other")
    store = set_recipients(repo, ("alice", alice))
    store.write(ID, TEXT)
    foreign = encrypt_for(repo, "ADV-2026-0002", advisory_text("ADV-2026-0002"), other)
    files = {p: p.read_bytes() for p in (repo.path / "embargo").iterdir()}
    result = cli("recipients", "add", bob.public, "-i", str(alice.file), cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        "advpub: error: nothing was changed: every draft must be readable to re-encrypt it\n"
        "embargo/ADV-2026-0002.md.age: your identity is not among its recipients; ask a "
        "coordinator to add your public key and re-encrypt (`advpub recipients add`)\n"
    )
    assert {p: p.read_bytes() for p in (repo.path / "embargo").iterdir()} == files
    assert foreign.exists()


def test_recipients_add_refuses_invalid_and_duplicate_keys(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli
) -> None:
    alice = make_key("alice")
    set_recipients(repo, ("alice", alice))
    before = (repo.path / "embargo/recipients.txt").read_bytes()
    bad = cli("recipients", "add", "age1notakey", cwd=repo.path)
    assert (bad.code, bad.err) == (
        1,
        "advpub: error: KEY: not a valid age (age1…) or SSH (ssh-ed25519/ssh-rsa) public key, "
        "nor a .pub file\n",
    )
    secret = cli("recipients", "add", alice.secret, cwd=repo.path)
    assert secret.code == 1
    assert secret.err.startswith("advpub: error: KEY is a private key: keep it secret")
    assert alice.secret not in secret.out + secret.err
    gone = cli("recipients", "remove", alice.secret, cwd=repo.path)
    assert gone.err == (
        "advpub: error: embargo/recipients.txt: no recipient has the key or name the given "
        "private key; see `advpub recipients list`\n"
    )
    dup = cli("recipients", "add", alice.public, "--name", "again", cwd=repo.path)
    assert (dup.code, dup.err) == (
        1,
        "advpub: error: embargo/recipients.txt:2: this key is already a recipient (alice)\n",
    )
    assert (repo.path / "embargo/recipients.txt").read_bytes() == before


def test_missing_identity_names_every_place_looked(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli
) -> None:
    alice = make_key("alice")
    set_recipients(repo, ("alice", alice)).write(ID, TEXT)
    result = cli("show", ID, cwd=repo.path)
    default = Path.home() / ".config/advpub/identity.txt"
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "advpub: error: no identity to decrypt drafts: looked at --identity, $ADVPUB_IDENTITY, "
        f"$ADVPUB_IDENTITY_FILE and {default}; create one with `advpub keygen -o {default}` "
        "and ask a coordinator to add its public key\n"
    )


def test_identity_file_readable_by_others_is_refused(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli
) -> None:
    alice = make_key("alice")
    set_recipients(repo, ("alice", alice)).write(ID, TEXT)
    alice.file.chmod(0o644)
    result = cli("show", ID, "-i", str(alice.file), cwd=repo.path)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"advpub: error: --identity {alice.file}: {alice.file} is readable by other users "
        f"(mode 644); run `chmod 600 {alice.file}`\n"
    )
    assert alice.secret not in result.err

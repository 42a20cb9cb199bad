"""keygen, import and the git diff driver (show --textconv), end to end."""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, Key, Repo, advisory_text, require_tool
from tests.embargo.embargo_support import ID, set_recipients

CANARY = "CANARY-51d0e2-import"
Cli = Callable[..., CliResult]


def test_keygen_writes_a_private_identity_and_prints_the_public_key(
    cli: Cli, tmp_path: Path
) -> None:
    age_keygen = require_tool("age-keygen")
    target = tmp_path / "fresh" / "identity.txt"
    result = cli("keygen", "-o", str(target))
    assert result.code == 0
    public = result.out.splitlines()[-1]
    assert public.startswith("age1")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# created: ")
    assert lines[1] == f"# public key: {public}"
    assert lines[2].startswith("AGE-SECRET-KEY-1")
    derived = subprocess.run(
        [age_keygen, "-y", str(target)], capture_output=True, text=True, check=True
    )
    assert derived.stdout.strip() == public
    assert lines[2] not in result.out + result.err

    before = target.read_bytes()
    again = cli("keygen", "-o", str(target))
    assert (again.code, again.out) == (1, "")
    assert again.err == (
        f"advpub: error: {target} already exists; refusing to overwrite an identity "
        "(choose another -o FILE)\n"
    )
    assert target.read_bytes() == before


def test_keygen_without_output_prints_the_identity_and_warns(cli: Cli) -> None:
    result = cli("keygen")
    assert result.code == 0
    lines = result.out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("# created: 20")
    assert lines[1].startswith("# public key: age1")
    assert lines[2].startswith("AGE-SECRET-KEY-1")
    assert result.err == (
        "advpub: warning: printing a private key; prefer `advpub keygen -o FILE`, which writes "
        "it with mode 0600\n"
    )


def _sources(tmp_path: Path, count: int, *, broken: int | None = None) -> list[Path]:
    files = []
    for number in range(1, count + 1):
        ident = f"ADV-2026-{number:04d}"
        text = advisory_text(ident, title=f"Product {number} {CANARY}")
        if number == broken:
            text = text.replace("release_date: 2026-01-15T09:00:00+09:00", "release_date: soon")
        path = tmp_path / f"report-{number}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def test_import_remove_encrypts_verifies_then_deletes(
    repo: Repo,
    make_key: Callable[[str], Key],
    cli: Cli,
    tmp_path: Path,
    grep_tree: Callable[[Path, str], list[Path]],
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    sources = _sources(tmp_path, 3)
    texts = [p.read_text(encoding="utf-8") for p in sources]
    result = cli("import", *map(str, sources), "--remove", "-i", str(alice.file), cwd=repo.path)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        *(f"imported {p} -> embargo/ADV-2026-000{n}.md.age" for n, p in enumerate(sources, 1)),
        *(f"removed {p}" for p in sources),
    ]
    assert not any(p.exists() for p in sources)
    for number, text in enumerate(texts, 1):
        assert store.read(f"ADV-2026-{number:04d}", [*_ids(alice)]) == text
    assert grep_tree(repo.path, CANARY) == []


def _ids(key: Key) -> list[object]:
    from advpub.embargo.identity import parse_identities

    return list(parse_identities(key.secret, "test"))


def test_import_with_one_invalid_file_encrypts_and_deletes_nothing(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli, tmp_path: Path
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    sources = _sources(tmp_path, 3, broken=2)
    result = cli("import", *map(str, sources), "--remove", "-i", str(alice.file), cwd=repo.path)
    assert (result.code, result.out) == (1, "")
    err = result.err.splitlines()
    assert err[0].startswith(f"{sources[1]}:5: release_date: ")
    assert err[-1] == "advpub: import refused: 1 problem(s); nothing was encrypted or deleted"
    assert all(p.exists() for p in sources)
    assert store.draft_files() == []


def test_import_refuses_existing_draft_unless_replace(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli, tmp_path: Path
) -> None:
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    store.write(ID, advisory_text(ID, title="Old"))
    old = store.draft_path(ID).read_bytes()
    (source,) = _sources(tmp_path, 1)
    refused = cli("import", str(source), "-i", str(alice.file), cwd=repo.path)
    assert refused.code == 1
    assert refused.err.splitlines()[0] == (
        f"{source}: id: embargo/{ID}.md.age already exists; pass --replace to overwrite it"
    )
    assert store.draft_path(ID).read_bytes() == old
    replaced = cli("import", str(source), "--replace", "-i", str(alice.file), cwd=repo.path)
    assert replaced.code == 0
    assert replaced.out == f"replaced {source} -> embargo/{ID}.md.age\n"
    assert store.read(ID, [*_ids(alice)]) == source.read_text(encoding="utf-8")


def test_import_remove_without_a_usable_identity_changes_nothing(
    repo: Repo, make_key: Callable[[str], Key], cli: Cli, tmp_path: Path
) -> None:
    alice, outsider = make_key("alice"), make_key("outsider")
    store = set_recipients(repo, ("alice", alice))
    sources = _sources(tmp_path, 2)
    result = cli("import", *map(str, sources), "--remove", "-i", str(outsider.file), cwd=repo.path)
    assert result.code == 1
    assert result.err == (
        "advpub: error: --remove: nothing was imported or deleted: the sources are deleted only "
        "after each draft is verified to decrypt, which needs an identity listed in "
        "embargo/recipients.txt (--identity FILE or $ADVPUB_IDENTITY_FILE)\n"
    )
    assert all(p.exists() for p in sources)
    assert store.draft_files() == []
    # Without --remove and without any identity, drafts are checked by re-reading them.
    kept = cli("import", *map(str, sources), cwd=repo.path)
    assert kept.code == 0
    assert kept.err == (
        "advpub: verified by re-reading the encrypted files (no identity that is a recipient "
        "was available to decrypt them)\n"
    )
    assert len(store.draft_files()) == 2
    assert all(p.exists() for p in sources)


@pytest.mark.parametrize("holder", ["alice", "nobody"])
def test_git_diff_shows_plaintext_only_to_key_holders(
    repo: Repo, make_key: Callable[[str], Key], tmp_path: Path, holder: str
) -> None:
    require_tool("git")
    alice = make_key("alice")
    store = set_recipients(repo, ("alice", alice))
    store.write(ID, advisory_text(ID, title="First title"))
    repo.write(".gitattributes", "embargo/*.age diff=advpub\n")
    repo.git("config", "diff.advpub.textconv", f"{sys.executable} -m advpub show --textconv")
    repo.git("add", "-A")
    repo.git("commit", "-qm", "draft")
    store.write(ID, advisory_text(ID, title=f"Second {CANARY}"))
    env_key = {"ADVPUB_IDENTITY_FILE": str(alice.file)} if holder == "alice" else {}
    diff = subprocess.run(
        ["git", "diff", "--", "embargo"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
        env={**_env(), **env_key},
    )
    assert diff.returncode == 0, diff.stderr
    if holder == "alice":
        assert '-title: "First title"' in diff.stdout
        assert f'+title: "Second {CANARY}"' in diff.stdout
    else:
        assert CANARY not in diff.stdout
        assert "[advpub: cannot decrypt " in diff.stdout
        assert "no identity to decrypt drafts" in diff.stdout


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("ADVPUB_")}

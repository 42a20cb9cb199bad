"""Secrets hygiene: every working command, run as a real process with warnings and ``-v``
on, never lets an embargoed draft's text out (output, work tree, site, temp files, /dev/shm)
and never prints key material except ``keygen`` without ``-o``.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.conftest import Key, advisory_text, require_tool
from tests.gate.gate_helpers import Site, make_site

CANARY = "CANARY-secrets-3d9a71e4"  # summary and body
CANARY_TITLE = "CANARY-title-5b20c8"
CANARY_CVE = "CVE-2026-7391846"  # unique: appears only in the embargoed draft
NEEDLES = (CANARY, CANARY_TITLE, CANARY_CVE)
SECRET_PREFIX = "AGE-SECRET-KEY"
NOW = "2026-06-01T00:00:00Z"
DUE = "ADV-2026-0001"
HELD = "ADV-2026-0002"
NEW = "ADV-2026-0005"
IMPORTED = "ADV-2026-0003"
INVALID = "ADV-2026-0004"
SHM = Path("/dev/shm")


def canary_draft(ident: str = HELD, extra_body: str = "") -> str:
    """An embargoed (December) draft with the canary in title, summary, body and a CVE id."""
    text = advisory_text(
        ident,
        title=f"Held {CANARY_TITLE} heap overflow",
        release_date="2026-12-01T09:00:00+09:00",
        extra=f"cve: [{CANARY_CVE}]\n",
        body=f"## Overview\n\nSecret details {CANARY}.\n{extra_body}",
    )
    return text.replace(
        "summary: An attacker on the network can run commands on the device.",
        f"summary: Summary {CANARY} of the flaw.",
    )


def invalid_canary_draft() -> str:
    """An embargoed draft whose invalid values carry the canary (messages must not echo them)."""
    return canary_draft(INVALID).replace(
        f"cve: [{CANARY_CVE}]\n",
        f"cve: [{CANARY_CVE}, CVE-{CANARY}]\ncwe: [CWE-{CANARY}]\n"
        f"cvss:\n  - vector: CVSS:3.1/{CANARY}\n"
        f"references:\n  - url: javascript:{CANARY}\n",
    )


@dataclass
class Run:
    """One command's arguments and captured output."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str


@dataclass
class Harness:
    """Runs advpub (and git) as subprocesses with a private TMPDIR and the test's env."""

    site: Site
    tmpdir: Path
    env: dict[str, str]
    runs: list[Run] = field(default_factory=list)

    def advpub(
        self, *args: str, env: dict[str, str] | None = None, input: str | None = None
    ) -> Run:
        done = subprocess.run(
            [sys.executable, "-m", "advpub", "-v", *args],
            cwd=self.site.path,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            input=input,
            check=False,
            timeout=300,
        )
        run = Run(args, done.returncode, done.stdout, done.stderr)
        self.runs.append(run)
        return run

    def git(self, *args: str) -> Run:
        done = subprocess.run(
            ["git", *args],
            cwd=self.site.path,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        run = Run(("git", *args), done.returncode, done.stdout, done.stderr)
        self.runs.append(run)
        return run


def shm_files() -> set[Path]:
    if not SHM.is_dir():
        return set()
    found: set[Path] = set()
    for path in SHM.rglob("*"):
        try:
            if path.is_file():
                found.add(path)
        except OSError:
            continue
    return found


def _holds_needle(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False  # removed meanwhile (another process's file)
    return any(n.encode() in data for n in NEEDLES)


def files_with(folder: Path, needles: tuple[str, ...], *, skip_age: bool = False) -> list[str]:
    """Files under ``folder`` whose bytes contain any needle (age ciphertext skipped)."""
    hits: list[str] = []
    for path in folder.rglob("*"):
        try:
            if not path.is_file() or path.is_symlink():
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if skip_age and data.lstrip().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----"):
            continue
        if any(n.encode() in data for n in needles):
            hits.append(str(path.relative_to(folder)))
    return sorted(hits)


@pytest.fixture
def harness(tmp_path: Path, make_key: Callable[[str], Key]) -> Harness:
    require_tool("git")
    site = make_site(tmp_path / "repo", make_key, "Asia/Tokyo")
    site.draft(
        DUE,
        release_date="2026-01-15T09:00:00+09:00",
        extra=(
            "cve: [CVE-2026-1000001]\n"
            "affected:\n  - vendor: Example Corp\n    product: Example Router\n"
            "    versions: 1.0 to 1.2\n    fixed: '1.3'\n"
            "references:\n  - url: https://vendor.example.org/psirt/1\n"
        ),
    )
    site.draft_text(HELD, canary_draft())
    site.draft_text(INVALID, invalid_canary_draft())
    site.commit_all()
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    env = {
        **os.environ,
        "PYTHONWARNINGS": "always",
        "TMPDIR": str(tmpdir),
        "ADVPUB_IDENTITY_FILE": str(site.key.file),
        "ADVPUB_NOW": NOW,
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    return Harness(site, tmpdir, env)


def editor_script(folder: Path, name: str, body: str) -> str:
    """An $EDITOR: a shell script that changes the file it is given."""
    script = folder / name
    script.write_text(f"#!/bin/sh\nset -e\n{body}\n", encoding="utf-8")
    script.chmod(0o700)
    return str(script)


def run_every_command(h: Harness, tmp_path: Path) -> None:
    """Every command that works today, in an order that exercises each path once."""
    site = h.site
    tools = tmp_path / "tools"
    tools.mkdir()
    assert h.advpub("hooks", "install").code == 0
    for args in (
        ("status",),
        ("status", "--json"),
        ("release", "--dry-run"),
        ("release", "--dry-run", "--json"),
        ("check",),
        ("check", "--json"),
        ("check", "--history"),
        ("log",),
        ("log", HELD),
        ("log", HELD, "--json"),
        ("recipients", "list"),
        ("schema",),
    ):
        result = h.advpub(*args)
        assert result.code in (0, 1), (args, result.err)
    assert h.advpub("show", HELD).code == 0
    assert h.advpub("show", "--textconv", f"embargo/{HELD}.md.age").code == 0
    # Editing: unchanged, then changed (a private plaintext copy exists while it runs).
    assert h.advpub("edit", HELD, env={"EDITOR": "true"}).code == 0
    append = editor_script(tools, "append.sh", f'printf "\\nMore {CANARY}.\\n" >> "$1"')
    edited = h.advpub("edit", HELD, env={"EDITOR": append})
    assert edited.code == 0, edited.err
    write_new = tools / "new.txt"
    write_new.write_text(canary_draft(NEW), encoding="utf-8")
    replace = editor_script(tools, "replace.sh", f'cat "{write_new}" > "$1"')
    created = h.advpub("new", NEW, env={"EDITOR": replace})
    assert created.code == 0, created.err
    source = tools / f"{IMPORTED}.md"
    source.write_text(canary_draft(IMPORTED), encoding="utf-8")
    imported = h.advpub("import", "--remove", str(source))
    assert imported.code == 0, imported.err
    second = tmp_path / "keys" / "bob.txt"
    assert h.advpub("keygen", "-o", str(second)).code == 0
    public = next(
        line.split(":", 1)[1].strip()
        for line in second.read_text(encoding="utf-8").splitlines()
        if line.startswith("# public key:")
    )
    added = h.advpub("recipients", "add", public, "--name", "bob")
    assert added.code == 0, added.err
    # Hooks as git runs them, on a commit that changes embargoed drafts.
    h.git("add", "-A", "--", "embargo")
    assert h.advpub("hooks", "run", "pre-commit").code == 0
    message = tmp_path / "msg.txt"
    message.write_text("Re-encrypt drafts\n", encoding="utf-8")
    assert h.advpub("hooks", "run", "commit-msg", str(message)).code == 0
    committed = h.git("commit", "-q", "-m", "Re-encrypt drafts")
    assert committed.code == 0, committed.err
    for args in (("release", "--commit"), ("release", "--commit", "--json")):
        result = h.advpub(*args)
        assert result.code == 0, (args, result.err)
    assert (site.path / "advisories" / "2026" / f"{DUE}.md").is_file()
    head = h.git("rev-parse", "HEAD").out.strip()
    pushed = h.advpub(
        "hooks",
        "run",
        "pre-push",
        "origin",
        "x",
        input=f"refs/heads/main {head} refs/heads/main {'0' * 40}\n",
    )
    assert pushed.code in (0, 1), pushed.err
    for kind in ("osv", "csaf", "cve"):
        assert h.advpub("export", kind, DUE, "-o", str(tmp_path / "exports")).code == 0
        refused = h.advpub("export", kind, HELD)
        assert refused.code == 1, refused.out
    for args in (("check", "--history"), ("log",), ("log", DUE), ("status",)):
        assert h.advpub(*args).code in (0, 1), args
    built = h.advpub("build", "-d", "site")
    assert built.code == 0, built.err
    # Plaintext by mistake under embargo/: refused by check and the hook, never echoed.
    plain = site.path / "embargo" / f"{HELD}.md"
    plain.write_text(canary_draft(), encoding="utf-8")
    assert h.advpub("check").code == 1
    h.git("add", "--", str(plain))
    assert h.advpub("hooks", "run", "pre-commit").code == 1
    assert h.git("commit", "-q", "-m", "oops").code != 0
    h.git("rm", "-q", "--cached", "--", str(plain))
    plain.unlink()


def test_no_command_leaks_the_canary(harness: Harness, tmp_path: Path) -> None:
    shm_before = shm_files()
    run_every_command(harness, tmp_path)
    # `show` (and the diff driver) print plaintext by design; `status` prints the titles of
    # drafts to the coordinator holding a key (issue 4) but nothing else of them.
    allowed_on_stdout = {
        ("show", HELD): NEEDLES,
        ("show", "--textconv", f"embargo/{HELD}.md.age"): NEEDLES,
        ("status",): (CANARY_TITLE,),
        ("status", "--json"): (CANARY_TITLE,),
    }
    leaks = [
        (run.args, stream, needle)
        for run in harness.runs
        for stream, text in (("stdout", run.out), ("stderr", run.err))
        for needle in NEEDLES
        if needle in text
        and not (stream == "stdout" and needle in allowed_on_stdout.get(run.args, ()))
    ]
    assert leaks == [], "\n".join(map(str, leaks))
    show = next(r for r in harness.runs if r.args == ("show", HELD))
    assert CANARY in show.out  # the canary really is in the draft
    repo = harness.site.path
    assert files_with(repo, NEEDLES, skip_age=True) == []
    assert (repo / "site" / "index.html").is_file()
    assert sorted(p.name for p in harness.tmpdir.iterdir()) == []
    assert [str(p) for p in shm_files() - shm_before if _holds_needle(p)] == []
    # No command prints key material either (keygen is only run with -o here).
    assert [run.args for run in harness.runs if SECRET_PREFIX in run.out + run.err] == []
    assert files_with(tmp_path / "exports", NEEDLES) == []


def test_key_material_is_printed_only_by_keygen_without_output_file(
    harness: Harness, tmp_path: Path
) -> None:
    secret = harness.site.key.secret
    # The identity itself in the environment (as CI passes it): never echoed, even with -v.
    in_env = {"ADVPUB_IDENTITY": secret, "ADVPUB_IDENTITY_FILE": ""}
    for args in (("status",), ("release", "--dry-run"), ("check",), ("log",)):
        assert harness.advpub(*args, env=in_env).code in (0, 1), args
    # A private key where a public key belongs, and damaged identities.
    assert harness.advpub("recipients", "add", secret, "--name", "oops").code != 0
    broken = tmp_path / "broken.txt"
    broken.write_text(secret[:-4] + "\n", encoding="utf-8")
    broken.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert harness.advpub("status", "--identity", str(broken)).code != 0
    assert harness.advpub("status", env={"ADVPUB_IDENTITY": secret[:-4]}).code != 0
    assert harness.advpub("keygen", "-o", str(tmp_path / "new.txt")).code == 0
    assert [run.args for run in harness.runs if SECRET_PREFIX in run.out + run.err] == []
    assert SECRET_PREFIX in (tmp_path / "new.txt").read_text(encoding="utf-8")
    printed = harness.advpub("keygen")
    assert printed.code == 0
    assert printed.out.count(SECRET_PREFIX) == 1 and SECRET_PREFIX not in printed.err
    assert sorted(p.name for p in harness.tmpdir.iterdir()) == []


def test_an_unknown_key_in_an_embargoed_draft_is_not_echoed(harness: Harness) -> None:
    # A sentence pasted into the front matter by mistake becomes a key.
    text = advisory_text(
        INVALID, release_date="2026-12-01T09:00:00+09:00", extra=f"Impact {CANARY}: remote\n"
    )
    harness.site.draft_text(INVALID, text)
    harness.git("add", "-A", "--", "embargo")
    for args in (
        ("status",),
        ("status", "--json"),
        ("release", "--dry-run"),
        ("release", "--json", "--dry-run"),
        ("check",),
        ("hooks", "run", "pre-commit"),
    ):
        harness.advpub(*args)
    leaks = [run.args for run in harness.runs if CANARY in run.out + run.err]
    assert leaks == []

"""A bare "origin" and clones of it, each with its own age identity, for publish tests."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import Key, advisory_text, run_advpub

# Release instants in the past of the real clock, so that hooks judging with the real clock
# after the release agree with the gate; ADVPUB_NOW moves the job's clock around them.
RELEASE = "2026-01-15T09:00:00+09:00"
BEFORE = "2026-01-15T08:59:59+09:00"
AFTER = "2026-01-15T09:00:01+09:00"
LATER_RELEASE = "2027-06-01T09:00:00+09:00"


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git; fail the test with its stderr when it fails."""
    import os

    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


@dataclass
class Clone:
    """A clone of origin used by one person (or CI) with their own key."""

    path: Path
    key: Key

    @property
    def env(self) -> dict[str, str]:
        return {"ADVPUB_IDENTITY_FILE": str(self.key.file)}

    def advpub(self, *args: str, now: str | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        if now is not None:
            env["ADVPUB_NOW"] = now
        return run_advpub(*args, cwd=self.path, env=env)

    def git(self, *args: str) -> str:
        return git(self.path, *args, env=self.env)

    def draft(self, ident: str, title: str, release_date: str, *, verified: bool = True) -> None:
        """Import a plaintext draft (encrypting it), commit and push it."""
        self.draft_text(
            ident,
            advisory_text(
                ident,
                title=title,
                release_date=release_date,
                verified=verified,
                body=f"## Overview\n\n{title} body text.\n",
            ),
        )

    def draft_text(self, ident: str, text: str) -> None:
        """Import the plaintext draft ``text`` (encrypting it), commit and push it."""
        source = self.path.parent / f"{self.path.name}-{ident}.md"
        source.write_text(text, encoding="utf-8")
        done = self.advpub("import", str(source), "--remove")
        assert done.returncode == 0, done.stdout + done.stderr
        self.git("add", "embargo")
        # Commit messages must not name an embargoed id (the commit-msg hook refuses it).
        self.git("commit", "-q", "-m", "Add an embargoed draft")
        self.git("pull", "--rebase", "-q")
        self.git("push", "-q")


def origin_history(origin: Path) -> str:
    """Every patch of every ref in the bare origin."""
    return git(origin, "log", "-p", "--all", "--format=%H %s%n%b")


@dataclass
class World:
    """origin.git plus clones: alice and bob (coordinators, hooks installed) and ci."""

    origin: Path
    alice: Clone
    bob: Clone
    ci: Clone


def make_world(root: Path, keys: dict[str, Key], *, init_args: tuple[str, ...] = ()) -> World:
    """Create origin, let alice run `advpub init` and push, clone bob and ci."""
    root.mkdir(parents=True, exist_ok=True)
    origin = root / "origin.git"
    git(root, "init", "-q", "--bare", str(origin))
    alice = Clone(root / "alice", keys["alice"])
    git(root, "clone", "-q", str(origin), str(alice.path))
    done = run_advpub("init", ".", *init_args, cwd=alice.path)
    assert done.returncode == 0, done.stdout + done.stderr
    recipients = alice.path / "embargo" / "recipients.txt"
    with recipients.open("a", encoding="utf-8") as handle:
        for name, key in keys.items():
            handle.write(f"{key.public} {name}\n")
    alice.git("add", "-A")
    alice.git("commit", "-q", "-m", "Start the advisory repository")
    alice.git("push", "-q", "-u", "origin", "main")
    bob = Clone(root / "bob", keys["bob"])
    ci = Clone(root / "ci", keys["ci"])
    for clone in (bob, ci):
        git(root, "clone", "-q", str(origin), str(clone.path))
    for clone in (alice, bob):
        done = clone.advpub("hooks", "install")
        assert done.returncode == 0, done.stdout + done.stderr
    return World(origin, alice, bob, ci)


def copy_world(template: World, root: Path) -> World:
    """A private copy of ``template`` under ``root``: same commits, keys and hooks.

    Building a world runs `advpub init`, two imports and three clones (seconds); copying
    its folders takes milliseconds. The clones' ``origin`` URLs are the only absolute paths
    inside them, so they are pointed at the copy's origin.
    """
    shutil.copytree(template.origin.parent, root, symlinks=True)
    origin = root / template.origin.name
    clones = []
    for clone in (template.alice, template.bob, template.ci):
        copy = Clone(root / clone.path.relative_to(template.origin.parent), clone.key)
        git(copy.path, "remote", "set-url", "origin", str(origin))
        clones.append(copy)
    return World(origin, *clones)

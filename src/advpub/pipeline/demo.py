"""``advpub demo``: a throw-away advisory repository that tells the whole story.

Three identities (two coordinators and CI), three encrypted drafts relative to the clock
(one due, one due tomorrow, one due but with an unverified fix), then the release and the
site. Each step is a function; ``advpub.cli.cmd_demo`` narrates between them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from advpub.config import Settings, load_settings
from advpub.embargo.drafts import load_drafts
from advpub.embargo.identity import (
    IDENTITY_ENV,
    IDENTITY_FILE_ENV,
    Identity,
    generate_identity,
    parse_identities,
)
from advpub.embargo.store import EmbargoStore
from advpub.errors import AdvpubError
from advpub.gate.timefmt import format_iso_local, to_second
from advpub.git.command import git_ok
from advpub.git.hooks import install
from advpub.layout import RECIPIENTS_FILE
from advpub.pipeline.release import ReleaseOptions, ReleaseOutcome, release
from advpub.pipeline.status import DraftStatus, draft_statuses
from advpub.scaffold import ScaffoldOptions, init_files, write_new_file

DEMO_TIMEZONE = "Asia/Tokyo"
KEY_NAMES = ("alice", "bob", "ci")
DEMO_COMMITTER = ("advpub demo", "demo@advpub.invalid")


@dataclass(frozen=True)
class DemoKey:
    """One demo identity: who holds it, its public key and its 0600 file."""

    name: str
    public: str
    file: Path


@dataclass(frozen=True)
class DemoDraft:
    """A draft the demo writes: id, title and why it is there."""

    id: str
    title: str
    role: str


@dataclass(frozen=True)
class Demo:
    """The demo's folders, keys and settings."""

    folder: Path
    root: Path
    keys: dict[str, DemoKey]
    settings: Settings

    def identities(self, name: str) -> tuple[Identity, ...]:
        """The identities of ``name``'s key file."""
        key = self.keys[name]
        return parse_identities(key.file.read_text(encoding="utf-8"), str(key.file))


def prepare_folder(given: Path | None) -> Path:
    """``given`` (created, and required to be empty) or a new private temporary folder."""
    if given is None:
        import tempfile

        return Path(tempfile.mkdtemp(prefix="advpub-demo-"))
    if given.exists() and (not given.is_dir() or any(given.iterdir())):
        raise AdvpubError(f"{given}: not an empty folder; give a new or empty folder for the demo")
    given.mkdir(parents=True, exist_ok=True)
    return given.resolve()


def generate_keys(folder: Path) -> dict[str, DemoKey]:
    """Two coordinators and CI, each key in ``folder/keys/<name>.txt`` (0600, folder 0700)."""
    keys_dir = folder / "keys"
    keys_dir.mkdir(mode=0o700)
    keys: dict[str, DemoKey] = {}
    for name in KEY_NAMES:
        secret, public = generate_identity()
        file = keys_dir / f"{name}.txt"
        write_new_file(file, f"# advpub demo identity of {name}\n{secret}\n", mode=0o600)
        keys[name] = DemoKey(name, public, file)
    return keys


def create_repository(folder: Path, keys: dict[str, DemoKey]) -> Demo:
    """``advpub init`` in ``folder/advisories-repo`` with every key a recipient, committed."""
    root = folder / "advisories-repo"
    root.mkdir()
    git_ok(root, "init", "-q", "-b", "main")
    git_ok(root, "config", "user.name", DEMO_COMMITTER[0])
    git_ok(root, "config", "user.email", DEMO_COMMITTER[1])
    options = ScaffoldOptions(timezone=DEMO_TIMEZONE, site_name="advpub demo advisories")
    for rel, content in init_files(options).items():
        write_new_file(root / rel, content)
    with (root / "embargo" / RECIPIENTS_FILE).open("a", encoding="utf-8") as handle:
        handle.writelines(f"{key.public} {key.name}\n" for key in keys.values())
    settings = load_settings(root)
    install(settings, sys.executable)
    git_ok(root, "add", "-A")
    git_ok(root, "commit", "-q", "-m", "Start the advisory repository")
    return Demo(folder, root, keys, settings)


def _draft_text(
    ident: str, title: str, release: datetime, zone_settings: Settings, *, verified: bool
) -> str:
    fix = (
        "fix:\n  verified: true\n  verified_by: Example Corp PSIRT\n"
        if verified
        else "fix:\n  verified: false\n  note: the vendor's patch is still being tested\n"
    )
    number = ident.rsplit("-", 1)[-1]
    return (
        "---\n"
        f"id: {ident}\n"
        f'title: "{title}"\n'
        "summary: An attacker on the network can take over the device. Update the firmware.\n"
        f"release_date: {format_iso_local(release, zone_settings.timezone)}\n"
        f"{fix}"
        f"cve: [CVE-2099-9{number}]\n"
        "cwe: [CWE-78]\n"
        "cvss:\n  - vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
        "affected:\n"
        "  - vendor: Example Corp (fictional)\n"
        "    product: Example Router\n"
        "    versions: 2.0.0 to 2.4.0\n"
        "    introduced: 2.0.0\n"
        "    fixed: 2.4.1\n"
        "---\n"
        "## Overview\n\n"
        "This advisory is part of `advpub demo`; the product and the flaw are fictional.\n\n"
        "## Solution\n\nUpdate to 2.4.1.\n"
    )


def write_drafts(demo: Demo, now: datetime) -> list[DemoDraft]:
    """Encrypt three drafts to every recipient and commit them (as alice would push them)."""
    year = now.astimezone(demo.settings.timezone).year
    start = to_second(now).replace(second=0)
    plans = [
        (
            1,
            "Example Router: command injection in the web console",
            start - timedelta(minutes=1),
            True,
            "due now, fix verified",
        ),
        (
            2,
            "Example Camera: authentication bypass in the RTSP service",
            start + timedelta(days=1),
            True,
            "due tomorrow",
        ),
        (
            3,
            "Example NAS: path traversal in the backup API",
            start - timedelta(hours=1),
            False,
            "due, but the fix is not verified yet",
        ),
    ]
    store = EmbargoStore(demo.settings.embargo_path, demo.root)
    drafts: list[DemoDraft] = []
    for number, title, release_at, verified, role in plans:
        ident = f"{demo.settings.id_prefix}-{year:04d}-{number:04d}"
        store.write(ident, _draft_text(ident, title, release_at, demo.settings, verified=verified))
        drafts.append(DemoDraft(ident, title, role))
    git_ok(demo.root, "add", demo.settings.embargo_dir)
    # The commit-msg hook refuses embargoed ids in messages: say nothing specific.
    git_ok(demo.root, "commit", "-q", "-m", "Add three embargoed drafts")
    return drafts


def statuses(demo: Demo, now: datetime, key: str = "alice") -> list[DraftStatus]:
    """What ``advpub status`` shows to ``key``'s holder at ``now``."""
    store = EmbargoStore(demo.settings.embargo_path, demo.root)
    drafts = load_drafts(store, demo.identities(key), demo.settings.model_options)
    return draft_statuses(drafts, now, demo.settings)


def release_due(demo: Demo, now: datetime) -> list[ReleaseOutcome]:
    """``advpub release --commit`` as the CI key would run it."""
    return release(demo.settings, now, demo.identities("ci"), ReleaseOptions(commit=True))


@contextmanager
def serving_environment(demo: Demo) -> Iterator[None]:
    """While serving the demo site, the CI key (never the user's own identity) for the leak
    scan: MkDocs runs the plugin on each rebuild, and the plugin then reads the identity
    from the environment, as under ``mkdocs serve``."""
    values = {IDENTITY_ENV: "", IDENTITY_FILE_ENV: str(demo.keys["ci"].file)}
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def head_log(demo: Demo) -> list[str]:
    """The demo repository's commit subjects, newest first."""
    return git_ok(demo.root, "log", "--format=%s").splitlines()


__all__ = [
    "Demo",
    "DemoDraft",
    "DemoKey",
    "create_repository",
    "generate_keys",
    "head_log",
    "prepare_folder",
    "release_due",
    "serving_environment",
    "statuses",
    "write_drafts",
]

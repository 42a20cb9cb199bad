"""`advpub log`: the audit trail from a realistic history (real keys, real releases)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import CliResult, Key, advisory_text
from tests.gate.gate_helpers import Site, make_site

from advpub.scaffold import ScaffoldOptions, scaffold_files, write_scaffold_file

Cli = Callable[..., CliResult]
CANARY = "CANARY-log-8c1f0d"
NOW = "2026-06-01T00:00:05Z"
ADV1 = "ADV-2026-0001"
HELD = "ADV-2026-0002"
DROPPED = "ADV-2026-0003"
TITLE = "Example Router: command injection in the web console"

ALICE = ("Alice Coordinator", "alice@example.org")
BOB = ("Bob Reviewer", "bob@example.org")
CAROL = ("Carol Publisher", "carol@example.org")
DAVE = ("Dave Maintainer", "dave@example.org")


def as_person(monkeypatch: pytest.MonkeyPatch, who: tuple[str, str], when: str) -> None:
    """Make the next commits (ours and advpub's) by ``who`` at ``when``."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", who[0])
        monkeypatch.setenv(f"GIT_{role}_EMAIL", who[1])
        monkeypatch.setenv(f"GIT_{role}_DATE", when)


def commit(site: Site, message: str, *paths: str) -> str:
    subprocess.run(["git", "add", "-A", "--", *paths], cwd=site.path, check=True)
    subprocess.run(
        ["git", "commit", "-q", "--no-verify", "-m", message],
        cwd=site.path,
        check=True,
        env=dict(os.environ),
    )
    return site.repo.git("rev-parse", "HEAD").stdout.strip()


def edit_public(site: Site, rel: str, old: str, new: str) -> None:
    path = site.path / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def history(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> tuple[Site, dict[str, str]]:
    """Drafted, re-encrypted, released, revised, edited, moved, withdrawn; one held, one dropped."""
    site = make_site(tmp_path / "repo", make_key, "Asia/Tokyo")
    shas: dict[str, str] = {}
    as_person(monkeypatch, ALICE, "2026-05-01T10:00:00+09:00")
    shas["setup"] = commit(site, "set up")
    # 23:30 UTC is already the next day in Tokyo: the date is shown in the site zone.
    as_person(monkeypatch, ALICE, "2026-05-19T23:30:00Z")
    site.draft(ADV1)
    site.draft(
        HELD,
        title=f"Held {CANARY}",
        release_date="2026-12-01",
        body=f"## Overview\n\n{CANARY}\n",
    )
    shas["drafted"] = commit(site, f"Draft {CANARY}", "embargo")
    as_person(monkeypatch, BOB, "2026-05-25T12:00:00+09:00")
    site.draft(ADV1, body="## Overview\n\nA command injection exists (reviewed).\n")
    shas["re-encrypted"] = commit(site, "re-encrypt", "embargo")
    as_person(monkeypatch, ALICE, "2026-05-26T12:00:00+09:00")
    site.draft(DROPPED)
    shas["dropped-drafted"] = commit(site, "draft 3", "embargo")
    as_person(monkeypatch, BOB, "2026-05-27T12:00:00+09:00")
    site.repo.git("rm", "-q", f"embargo/{DROPPED}.md.age")
    shas["dropped"] = commit(site, "not an advisory after all")
    as_person(monkeypatch, CAROL, "2026-06-01T00:00:05Z")
    released = cli(
        "release",
        "--commit",
        "--identity",
        str(site.key.file),
        "--now",
        "2026-06-01T00:00:05Z",
        cwd=site.path,
    )
    assert released.code == 0, released.err
    shas["released"] = site.repo.git("rev-parse", "HEAD").stdout.strip()
    public = f"advisories/2026/{ADV1}.md"
    as_person(monkeypatch, DAVE, "2026-07-01T09:00:00+09:00")
    edit_public(
        site,
        public,
        "published:",
        "revisions:\n  - date: 2026-07-01T09:00:00+09:00\n    summary: Fixed versions added.\n"
        "published:",
    )
    shas["revised"] = commit(site, "revise", "advisories")
    as_person(monkeypatch, DAVE, "2026-07-02T09:00:00+09:00")
    edit_public(site, public, "A command injection exists", "A command-injection flaw exists")
    shas["edited"] = commit(site, "typo", "advisories")
    as_person(monkeypatch, CAROL, "2026-07-03T09:00:00+09:00")
    (site.path / "advisories/2025").mkdir()
    site.repo.git("mv", public, f"advisories/2025/{ADV1}.md")
    shas["moved"] = commit(site, "move")
    as_person(monkeypatch, CAROL, "2026-08-01T09:00:00+09:00")
    edit_public(
        site,
        f"advisories/2025/{ADV1}.md",
        "revisions:",
        "withdrawn:\n  date: 2026-08-01T09:00:00+09:00\n  reason: Not exploitable.\nrevisions:",
    )
    shas["withdrawn"] = commit(site, "withdraw", "advisories")
    # The log shows titles only of advisories released by "now".
    monkeypatch.setenv("ADVPUB_NOW", "2026-09-01T00:00:00Z")
    return site, shas


def test_timeline_says_who_released_it_and_when(
    history: tuple[Site, dict[str, str]], cli: Cli
) -> None:
    site, shas = history
    result = cli("log", ADV1, cwd=site.path)
    assert result.code == 0, result.err
    s = {k: v[:12] for k, v in shas.items()}
    assert result.out.splitlines() == [
        f"{ADV1}: withdrawn (advisories/2025/{ADV1}.md)",
        f"  title: {TITLE}",
        f"  2026-05-20 drafted by Alice Coordinator <alice@example.org> (commit {s['drafted']})",
        f"  2026-05-25 re-encrypted by Bob Reviewer <bob@example.org> (commit {s['re-encrypted']})",
        f"  2026-06-01 09:00:05 JST (2026-06-01T00:00:05Z) released by commit {s['released']}: "
        f"author and committer Carol Publisher <carol@example.org>; advisories/2026/{ADV1}.md; "
        "draft removed",
        f"  2026-07-01 09:00 JST (2026-07-01T00:00:00Z) revised by commit {s['revised']}: "
        "author and committer Dave Maintainer <dave@example.org>",
        f"  2026-07-02 09:00 JST (2026-07-02T00:00:00Z) edited by commit {s['edited']}: "
        "author and committer Dave Maintainer <dave@example.org>",
        f"  2026-07-03 09:00 JST (2026-07-03T00:00:00Z) moved by commit {s['moved']}: "
        f"author and committer Carol Publisher <carol@example.org>; from advisories/2026/{ADV1}.md "
        f"to advisories/2025/{ADV1}.md",
        f"  2026-08-01 09:00 JST (2026-08-01T00:00:00Z) withdrawn by commit {s['withdrawn']}: "
        "author and committer Carol Publisher <carol@example.org>",
    ]


def test_timeline_json_has_draft_dates_without_time(
    history: tuple[Site, dict[str, str]], cli: Cli
) -> None:
    site, shas = history
    result = cli("log", ADV1, "--json", cwd=site.path)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert [e["kind"] for e in data["events"]] == [
        "drafted",
        "re-encrypted",
        "released",
        "revised",
        "edited",
        "moved",
        "withdrawn",
    ]
    assert data["events"][0] == {
        "kind": "drafted",
        "commit": shas["drafted"],
        "path": f"embargo/{ADV1}.md.age",
        "date": "2026-05-20",
        "author": {"name": ALICE[0], "email": ALICE[1]},
    }
    assert data["events"][2] == {
        "kind": "released",
        "commit": shas["released"],
        "path": f"advisories/2026/{ADV1}.md",
        "committed": "2026-06-01T00:00:05Z",
        "authored": "2026-06-01T00:00:05Z",
        "author": {"name": CAROL[0], "email": CAROL[1]},
        "committer": {"name": CAROL[0], "email": CAROL[1]},
        "draft_removed": True,
    }
    assert data["events"][5]["from_path"] == f"advisories/2026/{ADV1}.md"
    assert (data["state"], data["title"]) == ("withdrawn", TITLE)


def test_list_has_one_line_per_id_ever_seen(history: tuple[Site, dict[str, str]], cli: Cli) -> None:
    site, shas = history
    result = cli("log", cwd=site.path)
    assert result.code == 0, result.err
    # In the site time zone (Asia/Tokyo), as the detail view; UTC on request.
    assert result.out.splitlines() == [
        f"{ADV1}  withdrawn  2026-06-01T09:00:05+09:00  commit {shas['released'][:12]}  "
        f"advisories/2025/{ADV1}.md",
        f"{HELD}  embargoed  drafted 2026-05-20  -  embargo/{HELD}.md.age",
        f"{DROPPED}  removed    drafted 2026-05-26  -  -",
    ]
    utc = cli("log", "--utc", cwd=site.path)
    assert utc.code == 0, utc.err
    assert utc.out.splitlines()[0] == (
        f"{ADV1}  withdrawn  2026-06-01T00:00:05Z  commit {shas['released'][:12]}  "
        f"advisories/2025/{ADV1}.md"
    )
    detail = cli("log", ADV1, "--utc", cwd=site.path)
    assert (
        f"  2026-06-01T00:00:05Z released by commit {shas['released'][:12]}: "
        "author and committer Carol Publisher <carol@example.org>; "
        f"advisories/2026/{ADV1}.md; draft removed"
    ) in detail.out.splitlines()
    listing = json.loads(cli("log", "--json", cwd=site.path).out)["advisories"]
    assert listing[0]["released_by"] == {"name": CAROL[0], "email": CAROL[1]}
    assert [a["release_commit"] for a in listing] == [shas["released"], None, None]
    dropped = json.loads(cli("log", DROPPED, "--json", cwd=site.path).out)
    assert [e["kind"] for e in dropped["events"]] == ["drafted", "draft-removed"]
    assert dropped["title"] is None


def test_log_never_shows_an_embargoed_title_or_commit_message(
    history: tuple[Site, dict[str, str]], cli: Cli
) -> None:
    site, _ = history
    outputs = [
        cli(*args, cwd=site.path)
        for args in (("log",), ("log", "--json"), ("log", HELD), ("log", HELD, "--json"))
    ]
    assert all(r.code == 0 for r in outputs)
    # The draft commit's message names the canary: messages must never be shown.
    assert all(CANARY not in r.out + r.err for r in outputs)
    held = json.loads(outputs[3].out)
    assert held["title"] is None and held["state"] == "embargoed"
    assert [e["kind"] for e in held["events"]] == ["drafted"]


def test_unknown_id_is_a_clear_error(history: tuple[Site, dict[str, str]], cli: Cli) -> None:
    site, _ = history
    result = cli("log", "ADV-2026-0099", cwd=site.path)
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        f"advpub: error: ADV-2026-0099: not in the git history of {site.path.resolve()} (no "
        "embargo/ADV-2026-0099.md.age or advisories/**/ADV-2026-0099.md was ever committed); "
        "run `advpub log` to list the known ids\n"
    )


def scaffold(folder: Path) -> None:
    for rel, content in scaffold_files(ScaffoldOptions()).items():
        write_scaffold_file(folder / rel, content)


def test_outside_git_is_a_clear_error(tmp_path: Path, cli: Cli) -> None:
    scaffold(tmp_path / "plain")
    result = cli("log", cwd=tmp_path / "plain")
    assert result.code == 1
    assert result.err == (
        f"advpub: error: {(tmp_path / 'plain').resolve()} is not in a git repository; "
        "`advpub log` reads the audit trail from git history (run it in a clone of the "
        "advisory repository)\n"
    )


def test_empty_history_and_a_site_below_the_top_of_the_work_tree(tmp_path: Path, cli: Cli) -> None:
    top = tmp_path / "top"
    top.mkdir()
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    scaffold(top / "site")
    empty = cli("log", cwd=top / "site")
    assert (empty.code, empty.out) == (
        0,
        "no advisories in the git history of embargo/ or advisories/\n",
    )
    (top / "site/advisories/2026").mkdir(parents=True)
    (top / "site/advisories/2026" / f"{ADV1}.md").write_text(advisory_text(ADV1), encoding="utf-8")
    # Same file names outside the site folder are not advisories of this site.
    (top / "advisories").mkdir()
    (top / "advisories" / "ADV-2026-0042.md").write_text("x", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=top, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "add"], cwd=top, check=True)
    result = cli("log", "--json", cwd=top / "site")
    assert result.code == 0, result.err
    (entry,) = json.loads(result.out)["advisories"]
    assert (entry["id"], entry["state"], entry["path"]) == (
        ADV1,
        "released",
        f"advisories/2026/{ADV1}.md",
    )


def test_title_of_a_public_file_committed_before_its_release_is_hidden(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    early = "ADV-2026-0007"
    site.repo.write(
        f"advisories/2026/{early}.md",
        advisory_text(early, title=f"Early {CANARY}", release_date="2026-09-01T00:00:00Z"),
    )
    site.commit_all("committed too early")
    before = cli("log", early, "--json", "--now", "2026-06-01T00:00:00Z", cwd=site.path)
    assert before.code == 0, before.err
    assert CANARY not in before.out
    assert json.loads(before.out)["title"] is None
    after = cli("log", early, "--json", "--now", "2026-09-01T00:00:00Z", cwd=site.path)
    assert json.loads(after.out)["title"] == f"Early {CANARY}"


def test_a_release_merged_from_a_branch_is_one_event(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    site.draft(ADV1)
    site.commit_all("draft")
    site.repo.git("switch", "-q", "-c", "publish")
    released = cli(
        "release", "--commit", "--identity", str(site.key.file), "--now", NOW, cwd=site.path
    )
    assert released.code == 0, released.err
    release_sha = site.repo.git("rev-parse", "HEAD").stdout.strip()
    site.repo.git("switch", "-q", "main")
    site.repo.write("README.md", "unrelated\n")
    site.commit_all("unrelated work on main")
    assert site.repo.git("merge", "-q", "--no-ff", "-m", "merge", "publish").returncode == 0
    data = json.loads(cli("log", ADV1, "--json", "--now", NOW, cwd=site.path).out)
    assert [(e["kind"], e["commit"]) for e in data["events"][1:]] == [("released", release_sha)]
    assert data["events"][1]["draft_removed"] is True


def test_a_shallow_clone_says_the_trail_is_cut_short(
    history: tuple[Site, dict[str, str]], cli: Cli, tmp_path: Path
) -> None:
    site, _ = history
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", site.path.as_uri(), str(clone)], check=True
    )
    result = cli("log", cwd=clone)
    assert result.code == 0, result.err
    assert result.err == (
        "advpub: note: this is a shallow clone, so the trail starts at its oldest commit; run "
        "`git fetch --unshallow` (in CI: a full clone, e.g. fetch-depth: 0)\n"
    )
    full = cli("log", cwd=site.path)
    assert full.err == ""

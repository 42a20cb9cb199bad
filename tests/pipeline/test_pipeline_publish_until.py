"""``advpub publish --until``: prepared ahead, published at the instant by the real clock.

Real git with a bare origin whose pre-receive hook writes down, with the real clock, when
each push arrives; drafts are released a few seconds after the test starts the job.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from advpub.errors import ConfigError
from advpub.pipeline.scheduled import parse_duration, wait_until
from tests.conftest import isolate_environment, new_key, require_tool
from tests.pipeline.pipeline_support import (
    LATER_RELEASE,
    RELEASE,
    World,
    copy_world,
    git,
    make_world,
)

CANARY = "Quokka canary 7d41ab heap overflow in the toaster"
LATER_CANARY = "Bilby canary 0c0ffe race in the kettle"
# Time left between the draft's push and its instant: the job prepares the release and
# builds the site meanwhile (the hand-over comes later if that takes longer: never earlier).
LEAD = timedelta(seconds=10)


@pytest.fixture(scope="module")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> World:
    """origin + alice, bob, ci with no drafts yet (each test adds its own instants)."""
    require_tool("git")
    root = tmp_path_factory.mktemp("until-template")
    with pytest.MonkeyPatch.context() as env:
        isolate_environment(env, root / "home")
        keys = {name: new_key(root / "keys", name) for name in ("alice", "bob", "ci")}
        return make_world(root / "w", keys)


@pytest.fixture
def world(world_template: World, tmp_path: Path) -> World:
    """A private copy whose origin records the arrival time of every push."""
    made = copy_world(world_template, tmp_path / "w")
    hook = made.origin / "hooks" / "pre-receive"
    log = made.origin.parent / "arrivals.txt"
    hook.write_text(
        f"#!{sys.executable}\n"
        "import sys, time\n"
        "arrived = time.time()\n"
        f"with open({str(log)!r}, 'a') as out:\n"
        "    for line in sys.stdin:\n"
        "        out.write(f'{arrived!r} {line.split()[1]}\\n')\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    return made


def arrivals(world: World) -> list[tuple[float, str]]:
    """(real-clock time, new commit) of every push that reached origin."""
    log = world.origin.parent / "arrivals.txt"
    if not log.exists():
        return []
    return [
        (float(when), sha) for when, sha in (line.split() for line in log.read_text().splitlines())
    ]


def instant_ahead(lead: timedelta = LEAD) -> datetime:
    """A whole second at least ``lead`` after the real clock."""
    return (datetime.now(UTC) + lead).replace(microsecond=0) + timedelta(seconds=1)


def add_draft(world: World, ident: str, title: str, release: datetime | str) -> None:
    when = release if isinstance(release, str) else release.isoformat()
    world.alice.draft(ident, title, when)
    world.ci.git("pull", "-q")


def test_publish_until_never_pushes_a_second_early(world: World) -> None:
    instant = instant_ahead()
    add_draft(world, "ADV-2026-0002", LATER_CANARY, instant)
    pushed_before = {sha for _, sha in arrivals(world)}
    done = world.ci.advpub("publish", "--push", "--until", "2m", "-d", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    new = [(when, sha) for when, sha in arrivals(world) if sha not in pushed_before]
    # Pushed once, at the instant or after it: never a second early.
    assert len(new) == 1
    assert new[0][0] >= instant.timestamp()
    assert git(world.origin, "rev-parse", "main").strip() == new[0][1]
    # The release commit is dated at the instant (prepared ahead, published at it).
    stamp, subject = git(world.origin, "log", "-1", "--format=%cI%n%s", "main").splitlines()
    assert subject == f"Publish ADV-2026-0002: {LATER_CANARY}"
    assert datetime.fromisoformat(stamp) == instant
    shown = instant.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = done.stdout.splitlines()
    preparing = lines.index(f"next release {shown}: preparing the release commits and the site")
    assert lines[preparing + 1] == f"prepared 1 release(s) and the site; waiting for {shown}"
    assert lines[preparing + 2].startswith("advpub publish at ")
    assert lines[preparing + 2].endswith(f"(prepared for {shown})")
    # Before the instant the later title was never printed; after it, it is public.
    assert LATER_CANARY not in "\n".join(lines[: preparing + 2])
    assert f"  ADV-2026-0002: {LATER_CANARY} (commit " in done.stdout
    assert lines[-1].startswith("until ")
    assert lines[-1].endswith(": no other release instant in the window")
    # The site is written where `-d` says, for the CI's deploy step.
    assert (
        LATER_CANARY
        in (world.ci.path / "out" / "2026" / "ADV-2026-0002" / "index.html").read_text()
    )
    # The scratch work tree and the staging folder are gone; the clone is on the release.
    assert world.ci.git("worktree", "list").count("\n") == 1
    assert not [p.name for p in world.ci.path.iterdir() if p.name.startswith(".out")]
    assert world.ci.git("rev-parse", "HEAD") == git(world.origin, "rev-parse", "main")


def test_a_late_job_publishes_at_once_and_exits_with_nothing_left_in_the_window(
    world: World,
) -> None:
    add_draft(world, "ADV-2026-0001", CANARY, RELEASE)  # due long ago: the job started late
    add_draft(world, "ADV-2026-0002", LATER_CANARY, LATER_RELEASE)  # after the window
    started = time.monotonic()
    done = world.ci.advpub("publish", "--push", "--until", "55m")
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert elapsed < 120  # not the 55 minutes of the window
    assert f"  ADV-2026-0001: {CANARY} (commit " in done.stdout
    assert "push: 1 commit(s) pushed to origin/main" in done.stdout
    assert done.stdout.splitlines()[-1].endswith(": no other release instant in the window")
    assert "preparing" not in done.stdout
    assert LATER_CANARY not in done.stdout + done.stderr
    assert git(world.origin, "rev-parse", "main") == world.ci.git("rev-parse", "HEAD")


def test_a_job_with_nothing_due_in_its_window_exits_at_once(world: World) -> None:
    add_draft(world, "ADV-2026-0002", LATER_CANARY, instant_ahead(timedelta(minutes=30)))
    before = git(world.origin, "rev-parse", "main")
    started = time.monotonic()
    done = world.ci.advpub("publish", "--push", "--until", "10m")
    assert done.returncode == 0, done.stdout + done.stderr
    assert time.monotonic() - started < 120
    assert "released: nothing was due" in done.stdout
    assert done.stdout.splitlines()[-1].endswith(": no other release instant in the window")
    assert git(world.origin, "rev-parse", "main") == before
    assert LATER_CANARY not in done.stdout + done.stderr


def test_the_deploy_command_gets_the_site_at_the_instant(world: World) -> None:
    add_draft(world, "ADV-2026-0001", CANARY, RELEASE)
    instant = instant_ahead()
    add_draft(world, "ADV-2026-0002", LATER_CANARY, instant)
    deployed = world.ci.path.parent / "deployed"
    log = world.ci.path.parent / "deploys.txt"
    command = (
        f'rm -rf {deployed} && cp -r "$ADVPUB_SITE_DIR" {deployed} && '
        f'{sys.executable} -c "import time; print(time.time())" >> {log} && echo copied'
    )
    done = world.ci.advpub("publish", "--push", "--until", "2m", "--deploy-command", command)
    assert done.returncode == 0, done.stdout + done.stderr
    times = [float(t) for t in log.read_text().split()]
    # Once after the due draft, once at the later instant (never before it).
    assert len(times) == 2
    assert times[0] < instant.timestamp() <= times[1]
    assert LATER_CANARY in (deployed / "2026" / "ADV-2026-0002" / "index.html").read_text()
    assert done.stdout.count("\ncopied\n") == 2
    assert done.stdout.count("deploy: done in ") == 2
    assert f"(ADVPUB_SITE_DIR={world.ci.path / 'site'})" in done.stdout
    # Both pushes came before their deploys.
    pushes = [when for when, _ in arrivals(world)][-2:]
    assert pushes[0] <= times[0] and instant.timestamp() <= pushes[1] <= times[1]


def test_a_failing_deploy_command_is_reported_with_a_non_zero_exit(world: World) -> None:
    add_draft(world, "ADV-2026-0002", LATER_CANARY, LATER_RELEASE)
    done = world.ci.advpub(
        "publish", "--until", "5m", "--deploy-command", 'echo "to $ADVPUB_SITE_DIR"; exit 3'
    )
    assert done.returncode == 1
    site = world.ci.path / "site"
    assert f"to {site}\n" in done.stdout
    assert done.stderr == (
        "advpub: error: deploy: the deploy command exited with status 3; the site was not "
        f"deployed: it is in {site}; fix the command and deploy that folder, or run the job "
        "again\n"
    )


def test_until_refuses_a_clock_override(world: World) -> None:
    done = world.ci.advpub("publish", "--until", "5m", now=RELEASE)
    assert done.returncode != 0
    assert done.stderr == (
        "advpub: error: --until waits for the real clock to reach each release instant; drop "
        "--now and ADVPUB_NOW (they may only look back, which a window cannot)\n"
    )


@pytest.mark.parametrize(
    ("text", "seconds"), [("55m", 3300), ("90s", 90), ("1h", 3600), ("1h30m", 5400)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "55", "5x", "m", "-5m", "0m"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ConfigError, match="--until: "):
        parse_duration(text)


def test_the_wait_reads_the_clock_again_after_each_wake_up() -> None:
    # A sleep that ends early (a signal) must not end the wait: the clock decides.
    instant = datetime(2026, 1, 15, tzinfo=UTC)
    readings = iter(instant - timedelta(seconds=s) for s in (100, 40, 1, 0))
    slept: list[float] = []
    assert wait_until(instant, clock=lambda: next(readings), sleep=slept.append) == instant
    assert slept == [30.0, 30.0, 1.0]


def test_a_remote_that_moved_before_the_instant_is_released_the_normal_way(
    world: World,
) -> None:
    instant = instant_ahead(timedelta(seconds=15))
    add_draft(world, "ADV-2026-0002", LATER_CANARY, instant)
    env = {**os.environ, **world.ci.env, "PYTHONUNBUFFERED": "1"}
    job = subprocess.Popen(
        [sys.executable, "-m", "advpub", "publish", "--push", "--until", "2m"],
        cwd=world.ci.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert job.stdout is not None
    seen = []
    for line in job.stdout:
        seen.append(line)
        if line.startswith("prepared 1 release(s)"):
            break
    # While the job waits, a coordinator pushes: the prepared commit is no longer on top.
    assert datetime.now(UTC) < instant, "the preparation took the whole lead; raise it"
    (world.alice.path / "NOTES.md").write_text("notes\n", encoding="utf-8")
    world.alice.git("add", "NOTES.md")
    world.alice.git("commit", "-q", "-m", "Add notes")
    world.alice.git("push", "-q")
    out, err = job.communicate(timeout=240)
    output = "".join(seen) + out
    assert job.returncode == 0, output + err
    assert ": origin/main has new commits; releasing again from the current state" in output
    assert "push: rejected at first (new commits on origin/main); rebased and pushed" in output
    last = arrivals(world)[-1]
    assert last[0] >= instant.timestamp()
    log = git(world.origin, "log", "--format=%s", "-2", "main").splitlines()
    assert log == [f"Publish ADV-2026-0002: {LATER_CANARY}", "Add notes"]

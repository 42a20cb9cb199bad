"""Issue 19: for `kind: informational` the gate's fix rule does not apply (the release date
alone decides) and the verdict says so; vulnerabilities are gated as before."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from advpub.gate import ReleaseDecision, evaluate, evaluate_published
from tests.conftest import CliResult, Key, advisory_text
from tests.gate.gate_helpers import make_site
from tests.gate.test_gate_rules import advisory, at, settings

Cli = Callable[..., CliResult]
FIX = "fix:\n  verified: true\n  verified_by: Example Corp PSIRT\n"
NOTE = (
    "fix verification does not apply: informational advisory (unmaintained); "
    "the release date alone decides"
)


def informational(release_date: str, extra: str = "", *, with_fix: bool = False) -> str:
    text = advisory_text(
        release_date=release_date,
        extra=f"kind: informational\ninformational: unmaintained\n{extra}",
    )
    return text if with_fix else text.replace(FIX, "")


def test_informational_without_a_fix_is_released_on_its_date_alone() -> None:
    cfg = settings()
    adv = advisory(informational("2020-03-01T00:00:00Z"), cfg)
    assert evaluate(adv, at("2020-02-29T23:59:59Z"), cfg.gate_options) == ReleaseDecision(
        False, ("release date 2020-03-01 00:00 UTC (2020-03-01T00:00:00Z) is in 1 second",)
    )
    assert evaluate(adv, at("2020-03-01T00:00:00Z"), cfg.gate_options) == ReleaseDecision(
        True, (), (NOTE,)
    )
    assert evaluate_published(adv, at("2020-03-02T00:00:00Z"), cfg.gate_options).notes == (NOTE,)


def test_informational_with_an_unverified_fix_needs_no_waiver() -> None:
    cfg = settings()
    text = informational("2020-03-01T00:00:00Z").replace("kind:", "fix:\n  verified: false\nkind:")
    adv = advisory(text, cfg)
    assert evaluate(adv, at("2020-03-01T00:00:00Z"), cfg.gate_options).releasable


def test_the_other_rules_still_hold_for_informational_advisories() -> None:
    cfg = settings()
    adv = advisory(informational("2020-03-01T00:00:00Z", "tlp: AMBER\n"), cfg)
    assert evaluate(adv, at("2020-04-01T00:00:00Z"), cfg.gate_options) == ReleaseDecision(
        False, ("tlp is AMBER: only TLP:CLEAR may be published",)
    )


def test_a_vulnerability_with_an_unverified_fix_is_still_held() -> None:
    cfg = settings()
    adv = advisory(
        advisory_text(
            release_date="2020-03-01T00:00:00Z", verified=False, extra="kind: vulnerability\n"
        ),
        cfg,
    )
    assert evaluate(adv, at("2020-04-01T00:00:00Z"), cfg.gate_options) == ReleaseDecision(
        False, ("fix not verified (fix.verified is false) and no approved early_release",)
    )
    verified = advisory(advisory_text(release_date="2020-03-01T00:00:00Z"), cfg)
    assert evaluate(verified, at("2020-04-01T00:00:00Z"), cfg.gate_options) == ReleaseDecision(
        True, ()
    )


def test_status_and_release_say_why_an_informational_draft_is_releasable(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    site.draft_text("ADV-2026-0001", informational("2020-03-01T00:00:00Z"))
    site.commit_all()
    identity = ("--identity", str(site.key.file), "--now", "2020-04-01T00:00:00Z")
    status = cli("status", *identity, cwd=site.path)
    assert status.code == 0, status.err
    assert status.out == (
        "ADV-2026-0001: Example Router: command injection in the web console\n"
        "  release 2020-03-01 00:00 UTC (2020-03-01T00:00:00Z), 31 days ago\n"
        "  fix not required (informational: unmaintained)\n"
        "  releasable\n"
        f"    - {NOTE}\n"
    )
    released = cli("release", "--dry-run", *identity, cwd=site.path)
    assert released.code == 0, released.err
    assert released.out == (
        "ADV-2026-0001: would publish advisories/2020/ADV-2026-0001.md and remove the draft "
        f"({NOTE})\n"
    )
    published = cli("release", *identity, cwd=site.path)
    assert published.out == (
        f"ADV-2026-0001: published advisories/2020/ADV-2026-0001.md, draft removed ({NOTE})\n"
    )


def test_json_status_and_release_carry_the_note(
    tmp_path: Path, make_key: Callable[[str], Key], cli: Cli
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    site.draft_text("ADV-2026-0001", informational("2020-03-01T00:00:00Z"))
    site.commit_all()
    identity = ("--identity", str(site.key.file), "--now", "2020-04-01T00:00:00Z", "--json")
    (status,) = json.loads(cli("status", *identity, cwd=site.path).out)["advisories"]
    assert (status["releasable"], status["notes"]) == (True, [NOTE])
    (outcome,) = json.loads(cli("release", "--dry-run", *identity, cwd=site.path).out)["advisories"]
    assert (outcome["action"], outcome["notes"]) == ("would-publish", [NOTE])

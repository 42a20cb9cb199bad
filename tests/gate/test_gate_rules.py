"""The release gate: every rule, the boundaries, time zones around DST, and AllOf."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from advpub.config import Settings, settings_from_options
from advpub.errors import GateError
from advpub.gate import (
    AllOf,
    GateRefusal,
    ReleaseDecision,
    evaluate,
    evaluate_published,
)
from advpub.model import Advisory, parse_advisory
from tests.conftest import advisory_text

ID = "ADV-2026-0001"


def settings(zone: str = "UTC", **options: object) -> Settings:
    base = {"timezone": zone, "advisories_dir": "advisories", "embargo_dir": "embargo"}
    return settings_from_options(Path("/nonexistent"), {**base, **options})


def advisory(text: str, cfg: Settings) -> Advisory:
    result = parse_advisory(text, path=f"embargo/{ID}.md.age", options=cfg.model_options)
    assert result.advisory is not None, [str(v) for v in result.violations]
    return result.advisory


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- the release instant ------------------------------------------------------------------


def test_one_second_before_release_is_held_and_exactly_at_release_is_releasable() -> None:
    cfg = settings("Asia/Tokyo")
    adv = advisory(advisory_text(release_date="2026-12-01T09:00:00+09:00"), cfg)
    before = evaluate(adv, at("2026-12-01T08:59:59+09:00"), cfg.gate_options)
    assert before == ReleaseDecision(
        False,
        ("release date 2026-12-01 09:00 JST (2026-12-01T00:00:00Z) is in 1 second",),
    )
    assert evaluate(adv, at("2026-12-01T00:00:00+00:00"), cfg.gate_options) == ReleaseDecision(
        True, ()
    )
    assert evaluate(adv, at("2026-12-01T00:00:01Z"), cfg.gate_options).releasable


def test_fraction_of_a_second_before_release_is_still_held() -> None:
    cfg = settings()
    adv = advisory(advisory_text(release_date="2026-12-01T00:00:00Z"), cfg)
    assert not evaluate(adv, at("2026-11-30T23:59:59.999999+00:00"), cfg.gate_options).releasable


def test_reason_says_how_far_away_the_release_is() -> None:
    cfg = settings("Asia/Tokyo")
    adv = advisory(advisory_text(release_date="2026-12-01T09:00:00+09:00"), cfg)
    decision = evaluate(adv, at("2026-11-28T00:00:00Z"), cfg.gate_options)
    assert decision.reasons == (
        "release date 2026-12-01 09:00 JST (2026-12-01T00:00:00Z) is in 3 days",
    )


def test_date_only_release_is_midnight_in_tokyo() -> None:
    cfg = settings("Asia/Tokyo")
    adv = advisory(advisory_text(release_date="2026-12-01"), cfg)
    assert not evaluate(adv, at("2026-11-30T14:59:59Z"), cfg.gate_options).releasable
    assert evaluate(adv, at("2026-11-30T15:00:00Z"), cfg.gate_options).releasable


@pytest.mark.parametrize(
    ("day", "utc_release"),
    [
        # EST (-05:00) still applies at midnight of the spring-forward day.
        ("2026-03-08", "2026-03-08T05:00:00Z"),
        # The day after: EDT (-04:00).
        ("2026-03-09", "2026-03-09T04:00:00Z"),
        # Fall-back day: midnight is still EDT.
        ("2026-11-01", "2026-11-01T04:00:00Z"),
        ("2026-11-02", "2026-11-02T05:00:00Z"),
    ],
)
def test_date_only_release_in_new_york_around_dst(day: str, utc_release: str) -> None:
    cfg = settings("America/New_York")
    adv = advisory(advisory_text(release_date=day), cfg)
    release = at(utc_release)
    assert not evaluate(adv, release - timedelta(seconds=1), cfg.gate_options).releasable
    assert evaluate(adv, release, cfg.gate_options).releasable


def test_nonexistent_wall_time_on_spring_forward_day_is_never_released_early() -> None:
    # 02:30 does not exist on 2026-03-08 in New York; read as 03:30 EDT (07:30Z), never
    # as 01:30 EST-equivalent 06:30Z or 02:30 EST (07:30Z is the later reading).
    cfg = settings("America/New_York")
    adv = advisory(advisory_text(release_date="2026-03-08T02:30:00"), cfg)
    assert not evaluate(adv, at("2026-03-08T07:29:59Z"), cfg.gate_options).releasable
    assert evaluate(adv, at("2026-03-08T07:30:00Z"), cfg.gate_options).releasable


def test_ambiguous_wall_time_on_fall_back_day_takes_the_later_instant() -> None:
    # 01:30 happens twice on 2026-11-01 in New York: 05:30Z (EDT) and 06:30Z (EST).
    cfg = settings("America/New_York")
    adv = advisory(advisory_text(release_date="2026-11-01T01:30:00"), cfg)
    assert not evaluate(adv, at("2026-11-01T06:29:59Z"), cfg.gate_options).releasable
    assert evaluate(adv, at("2026-11-01T06:30:00Z"), cfg.gate_options).releasable


def test_naive_now_is_refused() -> None:
    cfg = settings()
    adv = advisory(advisory_text(), cfg)
    with pytest.raises(GateError, match="timezone-aware"):
        evaluate(adv, datetime(2027, 1, 1), cfg.gate_options)


# -- fix and early release ----------------------------------------------------------------

NOW = at("2027-01-01T00:00:00Z")
EARLY = "early_release:\n  basis: unreachable-vendor\n  approved_by: [{names}]\n{ref}"


def early(names: str, ref: str = "  reference: https://example.org/decision/1\n") -> str:
    return EARLY.format(names=names, ref=ref)


def test_unverified_fix_without_early_release_is_held() -> None:
    cfg = settings()
    adv = advisory(advisory_text(verified=False), cfg)
    assert evaluate(adv, NOW, cfg.gate_options).reasons == (
        "fix not verified (fix.verified is false) and no approved early_release",
    )


def test_early_release_with_one_approval_is_held() -> None:
    cfg = settings()
    adv = advisory(advisory_text(verified=False, extra=early("Alice")), cfg)
    assert evaluate(adv, NOW, cfg.gate_options).reasons == (
        "fix not verified (fix.verified is false) and early_release is not approved: "
        "early_release.approved_by needs 2 distinct names (has 1)",
    )


def test_early_release_with_the_same_name_twice_is_held() -> None:
    cfg = settings()
    adv = advisory(advisory_text(verified=False, extra=early("Alice, ' alice'")), cfg)
    assert not evaluate(adv, NOW, cfg.gate_options).releasable


def test_early_release_with_two_approvals_and_reference_is_releasable() -> None:
    cfg = settings()
    adv = advisory(advisory_text(verified=False, extra=early("Alice, Bob")), cfg)
    assert evaluate(adv, NOW, cfg.gate_options) == ReleaseDecision(True, ())


def test_early_release_without_reference_is_held() -> None:
    cfg = settings()
    adv = advisory(advisory_text(verified=False, extra=early("Alice, Bob", ref="")), cfg)
    assert evaluate(adv, NOW, cfg.gate_options).reasons == (
        "fix not verified (fix.verified is false) and early_release is not approved: "
        "early_release.reference is missing",
    )


def test_early_release_approvals_is_configurable() -> None:
    cfg = settings(early_release_approvals=3)
    adv = advisory(advisory_text(verified=False, extra=early("Alice, Bob")), cfg)
    assert not evaluate(adv, NOW, cfg.gate_options).releasable
    cfg1 = settings(early_release_approvals=1)
    adv1 = advisory(advisory_text(verified=False, extra=early("Alice")), cfg1)
    assert evaluate(adv1, NOW, cfg1.gate_options).releasable


# -- scope, tlp, withdrawn, approvals -----------------------------------------------------


def test_website_scope_is_held() -> None:
    cfg = settings()
    adv = advisory(advisory_text(extra="scope: website\n"), cfg)
    assert evaluate(adv, NOW, cfg.gate_options).reasons == (
        "scope is website: vulnerabilities in a single web site are not published",
    )


def test_tlp_other_than_clear_is_held() -> None:
    cfg = settings()
    adv = advisory(advisory_text(extra="tlp: AMBER\n"), cfg)
    assert evaluate(adv, NOW, cfg.gate_options).reasons == (
        "tlp is AMBER: only TLP:CLEAR may be published",
    )


def test_withdrawn_draft_is_held_even_after_its_release_date() -> None:
    cfg = settings()
    extra = "withdrawn:\n  date: 2026-02-01T00:00:00Z\n  reason: duplicate\n"
    adv = advisory(advisory_text(release_date="2026-01-01T00:00:00Z", extra=extra), cfg)
    assert evaluate(adv, NOW, cfg.gate_options).reasons == (
        "withdrawn before release (the draft records `withdrawn`)",
    )


def test_required_approvals_counts_distinct_names() -> None:
    cfg = settings(required_approvals=2)
    held = advisory(advisory_text(extra="approvals: [Alice, Alice]\n"), cfg)
    assert evaluate(held, NOW, cfg.gate_options).reasons == (
        "approvals needs 2 distinct names (has 1)",
    )
    ok = advisory(advisory_text(extra="approvals: [Alice, Bob]\n"), cfg)
    assert evaluate(ok, NOW, cfg.gate_options).releasable


def test_every_failing_reason_is_listed_at_once_without_title_or_body() -> None:
    canary = "CANARY-7f3a9c"
    cfg = settings("Asia/Tokyo", required_approvals=1)
    adv = advisory(
        advisory_text(
            title=f"Secret {canary}",
            verified=False,
            release_date="2026-12-01T09:00:00+09:00",
            extra=("scope: website\ntlp: RED\nwithdrawn:\n  date: 2026-12-02\n  reason: gone\n"),
            body=f"## Overview\n\n{canary}\n",
        ),
        cfg,
    )
    decision = evaluate(adv, at("2026-11-30T00:00:00Z"), cfg.gate_options)
    assert decision == ReleaseDecision(
        False,
        (
            "fix not verified (fix.verified is false) and no approved early_release",
            "release date 2026-12-01 09:00 JST (2026-12-01T00:00:00Z) is in 1 day",
            "scope is website: vulnerabilities in a single web site are not published",
            "tlp is RED: only TLP:CLEAR may be published",
            "approvals needs 1 distinct name (has 0)",
            "withdrawn before release (the draft records `withdrawn`)",
        ),
    )
    assert canary not in repr(decision)


def test_empty_all_of_refuses() -> None:
    cfg = settings()
    adv = advisory(advisory_text(), cfg)
    with pytest.raises(GateRefusal) as info:
        AllOf([]).verify(adv, NOW)
    assert info.value.reasons == ("no release rules are configured; refusing by default",)


# -- published advisories -----------------------------------------------------------------


def test_published_advisory_may_be_withdrawn_after_release_but_not_before() -> None:
    cfg = settings()
    after = "withdrawn:\n  date: 2026-02-01T00:00:00Z\n  reason: duplicate\n"
    adv = advisory(advisory_text(release_date="2026-01-01T00:00:00Z", extra=after), cfg)
    assert evaluate_published(adv, NOW, cfg.gate_options).releasable
    before = "withdrawn:\n  date: 2025-12-01T00:00:00Z\n  reason: duplicate\n"
    adv = advisory(advisory_text(release_date="2026-01-01T00:00:00Z", extra=before), cfg)
    assert evaluate_published(adv, NOW, cfg.gate_options).reasons == (
        "withdrawn on 2025-12-01 00:00 UTC (2025-12-01T00:00:00Z), before its release date "
        "2026-01-01 00:00 UTC (2026-01-01T00:00:00Z)",
    )


def test_published_advisory_before_its_release_date_is_refused() -> None:
    cfg = settings()
    adv = advisory(advisory_text(release_date="2027-06-01T00:00:00Z"), cfg)
    decision = evaluate_published(adv, NOW, cfg.gate_options)
    assert decision.reasons == (
        "release date 2027-06-01 00:00 UTC (2027-06-01T00:00:00Z) is in 151 days",
    )


def test_published_instant_before_release_date_is_refused() -> None:
    cfg = settings()
    extra = "published: 2025-12-31T23:59:59Z\n"
    adv = advisory(advisory_text(release_date="2026-01-01T00:00:00Z", extra=extra), cfg)
    assert evaluate_published(adv, NOW, cfg.gate_options).reasons == (
        "published 2025-12-31 23:59:59 UTC (2025-12-31T23:59:59Z) is before its release date "
        "2026-01-01 00:00 UTC (2026-01-01T00:00:00Z)",
    )


def test_now_with_any_offset_is_compared_as_the_same_instant() -> None:
    cfg = settings("Asia/Tokyo")
    adv = advisory(advisory_text(release_date="2026-12-01T09:00:00+09:00"), cfg)
    # 2026-11-30 19:00 in New York (EST) is 2026-12-01T00:00:00Z, the release instant.
    assert evaluate(adv, at("2026-11-30T19:00:00-05:00"), cfg.gate_options).releasable
    assert not evaluate(adv, at("2026-11-30T18:59:59-05:00"), cfg.gate_options).releasable

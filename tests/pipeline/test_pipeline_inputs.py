"""The clock and the identities reach the site build as arguments, never through the process
environment: the instant given wins over ``ADVPUB_NOW``, ``advpub build --now`` leaves the
environment as it found it, and ``publish`` scans with the identities it released with."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from advpub.config import load_settings
from advpub.embargo.identity import load_identities
from advpub.errors import SiteError
from advpub.pipeline.publish import build_public_site
from advpub.site.build import build_site
from tests.conftest import CliResult, Key, Repo, advisory_text, make_repo
from tests.gate.gate_helpers import make_site

Cli = Callable[..., CliResult]
ID = "ADV-2020-0001"
PUBLIC = f"advisories/2020/{ID}.md"


def public_repo(folder: Path, body: str = "## Overview\n\nA command injection exists.\n") -> Repo:
    repo = make_repo(folder)
    repo.write(PUBLIC, advisory_text(ID, release_date="2020-06-01T00:00:00Z", body=body))
    return repo


def test_build_site_judges_the_gate_at_the_instant_given_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = public_repo(tmp_path / "repo")
    # The environment would release the advisory; the instant given holds it.
    monkeypatch.setenv("ADVPUB_NOW", "2021-01-01T00:00:00Z")
    with pytest.raises(SiteError) as held:
        build_site(repo.path, now=datetime(2020, 5, 31, 23, 59, 59, tzinfo=UTC))
    assert str(held.value) == (
        "refusing to build the site; fix or remove these advisories:\n"
        f"  {PUBLIC}: not releasable: release date 2020-06-01 00:00 UTC "
        "(2020-06-01T00:00:00Z) is in 1 second"
    )
    # And the other way round: the environment would hold it, the instant given releases it.
    monkeypatch.setenv("ADVPUB_NOW", "2020-01-01T00:00:00Z")
    built = build_site(repo.path, now=datetime(2020, 6, 1, tzinfo=UTC))
    assert built.advisories == 1
    assert os.environ["ADVPUB_NOW"] == "2020-01-01T00:00:00Z"


def test_advpub_build_now_leaves_the_process_environment_unchanged(
    tmp_path: Path, cli: Cli
) -> None:
    repo = public_repo(tmp_path / "repo")
    result = cli("build", "--now", "2020-06-01T00:00:00Z", cwd=repo.path)
    assert result.code == 0, result.err
    assert result.out == (
        f"advpub build: 1 advisories in {repo.path / 'site'} "
        "(leak scan skipped: no identity configured)\n"
    )
    assert "ADVPUB_NOW" not in os.environ


def test_publish_scans_the_site_with_the_identities_it_was_given(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    site = make_site(tmp_path / "repo", make_key)
    site.repo.write(
        PUBLIC,
        advisory_text(
            ID,
            release_date="2020-06-01T00:00:00Z",
            body="## Overview\n\nFixed together with ADV-2026-0002.\n",
        ),
    )
    site.draft("ADV-2026-0002", title="Scheduler canary 7e11a9: overflow in the job queue")
    settings = load_settings(site.path)
    identities = load_identities(site.key.file).identities
    now = datetime(2021, 1, 1, tzinfo=UTC)
    # No identity anywhere in the environment: only the argument lets the scan decrypt.
    with pytest.raises(SiteError) as leaked:
        build_public_site(settings, now, None, identities)
    site_dir = site.path / "site"
    assert str(leaked.value).splitlines()[0] == (
        f"the built site mentions embargoed drafts; deleted {site_dir} so it cannot be deployed:"
    )
    assert "ADV-2026-0002" in str(leaked.value)
    assert "7e11a9" not in str(leaked.value)
    assert not site_dir.exists()
    site.repo.write(PUBLIC, advisory_text(ID, release_date="2020-06-01T00:00:00Z"))
    built = build_public_site(settings, now, None, identities)
    assert built.leak_scan == "passed"
    assert not {"ADVPUB_NOW", "ADVPUB_IDENTITY", "ADVPUB_IDENTITY_FILE"} & set(os.environ)

"""Every export of the repository's sample advisories is schema-valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advpub.config import load_settings
from advpub.corpus import load_corpus
from advpub.exports.cve import cve_containers
from advpub.exports.site import export_outputs
from tests.exports.csaf_mandatory import mandatory_problems
from tests.exports.export_schemas import (
    csaf_errors,
    cve_errors,
    osv_errors,
    provider_errors,
    rolie_errors,
)
from tests.exports.export_site import site_context

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample_files() -> dict[str, bytes]:
    settings = load_settings(ROOT)
    corpus = load_corpus(settings)
    assert corpus.violations == ()
    assert len(corpus.advisories) >= 5
    ctx = site_context(settings, corpus.advisories)
    return {o.path: o.content for o in export_outputs(ctx)}


def test_sample_osv_is_valid(sample_files: dict[str, bytes]) -> None:
    docs = [p for p in sample_files if p.startswith("osv/") and p.endswith(".json")]
    assert len(docs) >= 5
    for path in docs:
        assert osv_errors(json.loads(sample_files[path])) == [], path


def test_sample_csaf_is_valid(sample_files: dict[str, bytes]) -> None:
    docs = [p for p in sample_files if p.startswith(".well-known/csaf/white/2")]
    docs = [p for p in docs if p.endswith(".json")]
    assert len(docs) >= 5
    for path in docs:
        doc = json.loads(sample_files[path])
        assert csaf_errors(doc) == [], path
        assert mandatory_problems(doc) == [], path
    provider = json.loads(sample_files[".well-known/csaf/provider-metadata.json"])
    assert provider_errors(provider) == []
    feed = json.loads(sample_files[".well-known/csaf/white/csaf-feed-tlp-white.json"])
    assert rolie_errors(feed) == []


def test_sample_cve_containers_are_valid() -> None:
    settings = load_settings(ROOT)
    exported = 0
    for adv in load_corpus(settings).advisories:
        if not adv.cve or adv.is_withdrawn:
            continue
        page = f"{settings.site_url}{adv.id.split('-')[1]}/{adv.id}/"
        for container in cve_containers(adv, settings, page_url=page):
            assert cve_errors(container) == [], adv.id
            exported += 1
    assert exported >= 3

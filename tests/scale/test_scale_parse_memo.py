"""A live session (serve, preview) parses only the advisories that changed since its last
build: the parse memo returns the earlier result for the same bytes, path and options."""

from __future__ import annotations

from advpub.config import load_settings
from advpub.corpus import ParseMemo, load_corpus
from tests.conftest import Repo, advisory_text

FIRST = "advisories/2020/ADV-2020-0001.md"
SECOND = "advisories/2020/ADV-2020-0002.md"


def test_parse_memo_reuses_unchanged_files_and_parses_changed_ones(repo: Repo) -> None:
    repo.write(FIRST, advisory_text("ADV-2020-0001", release_date="2020-01-01T00:00:00Z"))
    repo.write(SECOND, advisory_text("ADV-2020-0002", release_date="2020-01-02T00:00:00Z"))
    settings = load_settings(repo.path)
    memo = ParseMemo()
    first = {a.id: a for a in load_corpus(settings, memo).advisories}

    repo.write(
        SECOND,
        advisory_text("ADV-2020-0002", title="Edited title", release_date="2020-01-02T00:00:00Z"),
    )
    second = {a.id: a for a in load_corpus(settings, memo).advisories}

    # The unchanged file's advisory is the very object of the first load (not parsed again);
    # the edited one is parsed again, and equals what a load without the memo gives.
    assert second["ADV-2020-0001"] is first["ADV-2020-0001"]
    assert second["ADV-2020-0002"] is not first["ADV-2020-0002"]
    assert second["ADV-2020-0002"].title == "Edited title"
    assert load_corpus(settings) == load_corpus(settings, memo)


def test_parse_memo_forgets_files_no_longer_loaded(repo: Repo) -> None:
    repo.write(FIRST, advisory_text("ADV-2020-0001", release_date="2020-01-01T00:00:00Z"))
    settings = load_settings(repo.path)
    memo = ParseMemo()
    kept = load_corpus(settings, memo).advisories[0]
    (repo.path / FIRST).unlink()
    assert load_corpus(settings, memo).advisories == ()
    repo.write(FIRST, advisory_text("ADV-2020-0001", release_date="2020-01-01T00:00:00Z"))
    # Dropped after the load that did not use it: parsed again, an equal new object.
    again = load_corpus(settings, memo).advisories[0]
    assert again == kept and again is not kept

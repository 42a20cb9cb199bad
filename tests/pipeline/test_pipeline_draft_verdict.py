"""The gate's verdict on loaded drafts: unreadable and invalid drafts are held, redacted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from advpub.config import Settings, settings_from_options
from advpub.embargo.drafts import load_drafts
from advpub.embargo.identity import load_identities
from advpub.embargo.recipients import parse_recipients
from advpub.embargo.store import EmbargoStore
from advpub.gate import ReleaseDecision
from advpub.pipeline.status import evaluate_draft
from tests.conftest import Key, advisory_text

NOW = datetime(2027, 1, 1, tzinfo=UTC)


def settings() -> Settings:
    base = {"timezone": "UTC", "advisories_dir": "advisories", "embargo_dir": "embargo"}
    return settings_from_options(Path("/nonexistent"), base)


def test_unreadable_and_invalid_drafts_are_held_with_redacted_reasons(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    canary = "CANARY-d41d8c"
    alice = make_key("alice")
    bob = make_key("bob")
    store = EmbargoStore(tmp_path / "embargo", tmp_path)
    store.folder.mkdir()
    to_alice = parse_recipients(f"{alice.public} alice\n", "recipients.txt")
    to_bob = parse_recipients(f"{bob.public} bob\n", "recipients.txt")
    store.write("ADV-2026-0001", advisory_text("ADV-2026-0001"), to_alice)
    store.write("ADV-2026-0002", advisory_text("ADV-2026-0002"), to_bob)
    bad = advisory_text("ADV-2026-0003", extra=f"tlp: {canary}\n")
    store.write("ADV-2026-0003", bad, to_alice)
    cfg = settings()
    drafts = load_drafts(store, load_identities(alice.file).identities, cfg.model_options)
    decisions = [evaluate_draft(d, NOW, cfg) for d in drafts]
    assert decisions[0] == ReleaseDecision(True, ())
    assert decisions[1] == ReleaseDecision(
        False,
        (
            "cannot be read: embargo/ADV-2026-0002.md.age: your identity is not among its "
            "recipients; ask a coordinator to add your public key and re-encrypt "
            "(`advpub recipients add`)",
        ),
    )
    assert not decisions[2].releasable
    assert decisions[2].reasons[0].startswith("invalid: embargo/ADV-2026-0003.md.age:")
    assert canary not in repr(decisions)

"""The release lock: taken at once when free; when held, says so, then waits its turn."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from advpub.git.lock import exclusive_lock, say_waiting


def test_a_free_lock_is_taken_without_a_word(tmp_path: Path) -> None:
    calls: list[Path] = []
    with exclusive_lock(tmp_path / "release.lock", blocked=calls.append):
        pass
    assert calls == []


def test_a_held_lock_reports_the_wait_then_is_taken_once_released(tmp_path: Path) -> None:
    lock = tmp_path / "release.lock"
    reported = threading.Event()
    events: list[str] = []

    def waiter() -> None:
        def blocked(path: Path) -> None:
            events.append(f"blocked on {path.name}")
            reported.set()

        # A second descriptor on the same file: flock makes it wait even in this process.
        with exclusive_lock(lock, blocked=blocked):
            events.append("acquired")

    with exclusive_lock(lock):
        thread = threading.Thread(target=waiter, daemon=True)
        thread.start()
        assert reported.wait(timeout=60)
        # The waiter told us before blocking; while we hold the lock it cannot get it.
        assert thread.is_alive()
        assert events == ["blocked on release.lock"]
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert events == ["blocked on release.lock", "acquired"]


def test_the_default_report_names_the_lock_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    say_waiting(tmp_path / "advpub-release.lock")
    assert capsys.readouterr() == (
        "",
        f"advpub: waiting for the lock held by another advpub process "
        f"({tmp_path / 'advpub-release.lock'})\n",
    )


def test_a_folder_can_be_locked(tmp_path: Path) -> None:
    calls: list[Path] = []
    with exclusive_lock(tmp_path, blocked=calls.append):
        pass
    assert calls == []

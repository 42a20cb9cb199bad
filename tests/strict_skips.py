"""A pytest plugin: a skipped test fails the run, so no promise goes untested unnoticed.

``make test`` installs every tool the tests drive, so a skip can only mean a broken setup or
a test that silently stopped testing. Registered by ``tests/conftest.py``; usable alone with
``pytest -p tests.strict_skips``.
"""

from __future__ import annotations

import os

import pytest

STRICT_VARIABLE = "ADVPUB_TEST_STRICT"


def is_strict() -> bool:
    """Whether a skip fails the run: always, unless ADVPUB_TEST_STRICT=0 outside CI.

    ``make test`` exports ADVPUB_TEST_STRICT=1. Any non-empty ``CI`` (``true``, ``1``, ...)
    counts as CI, where the escape hatch is ignored: when in doubt, strict.
    """
    if os.environ.get("CI", "").strip():
        return True
    return os.environ.get(STRICT_VARIABLE, "1").strip() != "0"


class SkipRecorder:
    """Collects the skipped tests of one session and fails it when there are any."""

    def __init__(self) -> None:
        self.skipped: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Remember a skipped test (an expected failure, ``xfail``, is not a skip)."""
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skipped.append(report.nodeid)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """Remember a module skipped while collecting (``allow_module_level=True``)."""
        if report.skipped:
            self.skipped.append(report.nodeid)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Say why the run fails."""
        if self.skipped and is_strict():
            terminalreporter.write_line(
                f"advpub: {len(self.skipped)} test(s) skipped, so the run fails (install what "
                f"is missing with `make system`; {STRICT_VARIABLE}=0 allows skips outside CI): "
                + ", ".join(self.skipped),
                red=True,
            )

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Turn a green run with skips into a failed one."""
        # Only skips left nothing to run: pytest says NO_TESTS_COLLECTED, still a failure.
        green = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
        if self.skipped and is_strict() and exitstatus in green:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    """One recorder per session (pytester's inner sessions get their own)."""
    config.pluginmanager.register(SkipRecorder(), "advpub-strict-skips")

"""The test suite's own rules: a skip fails the run, a missing tool or file fails the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_path, require_tool
from tests.strict_skips import is_strict

# The plugin alone; hypothesis' plugin costs ~1.7 s per inner session and is not needed.
PLUGINS = ("-p", "tests.strict_skips", "-p", "no:hypothesispytest")
SAMPLE = """
import pytest

def test_passes():
    pass

def test_skips():
    pytest.skip("no frobnicator here")
"""


@pytest.mark.parametrize(
    ("env", "strict"),
    [
        ({}, True),
        ({"ADVPUB_TEST_STRICT": "1"}, True),
        ({"ADVPUB_TEST_STRICT": "0"}, False),
        ({"ADVPUB_TEST_STRICT": "0", "CI": "1"}, True),
        ({"ADVPUB_TEST_STRICT": "0", "CI": "true"}, True),
        ({"ADVPUB_TEST_STRICT": "0", "CI": "yes"}, True),
        ({"ADVPUB_TEST_STRICT": "0", "CI": "false"}, True),
        ({"ADVPUB_TEST_STRICT": "0", "CI": ""}, False),
    ],
)
def test_skips_are_allowed_only_when_asked_for_and_never_under_ci(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], strict: bool
) -> None:
    monkeypatch.delenv("ADVPUB_TEST_STRICT", raising=False)
    monkeypatch.delenv("CI", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert is_strict() is strict


@pytest.mark.parametrize("allowed", [False, True])
def test_a_skipped_test_fails_the_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, allowed: bool
) -> None:
    if allowed:
        monkeypatch.setenv("ADVPUB_TEST_STRICT", "0")
    else:
        monkeypatch.delenv("ADVPUB_TEST_STRICT", raising=False)
    pytester.makepyfile(test_sample=SAMPLE)
    result = pytester.runpytest(*PLUGINS)
    result.assert_outcomes(passed=1, skipped=1)
    message = (
        "advpub: 1 test(s) skipped, so the run fails (install what is missing with "
        "`make system`; ADVPUB_TEST_STRICT=0 allows skips outside CI): "
        "test_sample.py::test_skips"
    )
    if allowed:
        assert result.ret == pytest.ExitCode.OK
        assert message not in result.outlines
    else:
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        assert message in result.outlines


def test_a_module_skipped_while_collecting_fails_the_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_sample="import pytest\npytest.skip('no module', allow_module_level=True)\n"
    )
    result = pytester.runpytest(*PLUGINS)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert (
        "advpub: 1 test(s) skipped, so the run fails (install what is missing with "
        "`make system`; ADVPUB_TEST_STRICT=0 allows skips outside CI): test_sample.py"
    ) in result.outlines


def test_a_missing_tool_fails_instead_of_skipping() -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        require_tool("advpub-no-such-tool")
    assert str(failed.value) == "advpub-no-such-tool is not installed (run `make system`)"


def test_a_missing_shipped_file_fails_instead_of_skipping(tmp_path: Path) -> None:
    missing = tmp_path / "schema.json"
    with pytest.raises(pytest.fail.Exception) as failed:
        require_path(missing)
    assert str(failed.value) == (
        f"{missing} is missing (it is part of the repository: restore it with git)"
    )

"""Property-based attacks on the front-matter parser and validator (issue: hardening).

Whatever a coordinator or a hostile reporter writes, parsing ends in a valid advisory or in
clean violations: no exception escapes and no input hangs it.
"""

from __future__ import annotations

import time

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import advisory_text

from advpub.model import ModelOptions, parse_advisory
from advpub.model.fields import TOP_LEVEL_KEYS

OPTIONS = ModelOptions()
# derandomize: the same examples on every run, so a failure reproduces (as in tests/leaks).
FAST = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from([*TOP_LEVEL_KEYS, "vector", "product", "x"]), children, max_size=4
        ),
    ),
    max_leaves=20,
)
documents = st.dictionaries(st.sampled_from([*TOP_LEVEL_KEYS, "extra"]), values, max_size=12)


def _parse(text: str | bytes) -> None:
    result = parse_advisory(text, path="f.md", options=OPTIONS, expected_id="ADV-2026-0001")
    assert (result.advisory is None) == bool(result.violations)
    for violation in result.violations:
        assert violation.rule and violation.field and violation.message


@FAST
@given(documents)
def test_arbitrary_yaml_documents(doc: dict[str, object]) -> None:
    text = "---\n" + yaml.safe_dump(doc, allow_unicode=True) + "---\nbody\n"
    _parse(text)


@FAST
@given(st.text(max_size=400))
def test_arbitrary_front_matter_text(text: str) -> None:
    _parse("---\n" + text + "\n---\n")


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse(b"---\n" + data + b"\n---\n")


@FAST
@given(st.sampled_from(TOP_LEVEL_KEYS), values)
def test_any_value_for_any_key_of_a_valid_advisory(key: str, value: object) -> None:
    base = advisory_text()
    line = yaml.safe_dump({key: value}, allow_unicode=True, width=10_000)
    text = base.replace("fix:\n", line + "fix:\n", 1) if key != "fix" else base
    _parse(text)


def test_deep_nesting_is_refused_quickly() -> None:
    start = time.monotonic()
    for depth in (50, 1000, 10_000):
        text = "---\nfix: " + "[" * depth + "]" * depth + "\n---\n"
        _parse(text)
        text = "---\nfix:\n" + "".join("  " * i + "a:\n" for i in range(min(depth, 400))) + "---\n"
        _parse(text)
    assert time.monotonic() - start < 20  # a generous bound against hangs, not a benchmark


def test_billion_laughs_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    result = parse_advisory("---\n" + "\n".join(lines) + "\n---\n", path="f.md", options=OPTIONS)
    assert {v.rule for v in result.violations} >= {"yaml-alias"}


def test_huge_inputs_are_refused() -> None:
    huge = "---\ntitle: " + "x" * (2 * 1024 * 1024) + "\n---\n"
    result = parse_advisory(huge, path="f.md", options=OPTIONS)
    assert [v.rule for v in result.violations] == ["size"]
    many = "---\n" + "".join(f"k{i}: {i}\n" for i in range(30_000)) + "---\n"
    result = parse_advisory(many, path="f.md", options=OPTIONS)
    assert [v.rule for v in result.violations] == ["size"]

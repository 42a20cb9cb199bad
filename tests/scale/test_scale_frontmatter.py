"""Front matter composed by libyaml loads exactly as with the pure-Python loader."""

from __future__ import annotations

import pytest

from advpub.model import frontmatter
from tests.conftest import advisory_text

CASES = [
    advisory_text(
        "ADV-2026-0001",
        title="さくらビューアにおける脆弱性",
        release_date="2026-01-01T09:00:00+09:00",
    ),
    "---\nid: ADV-2026-0001\ntitle: 'quoted: yes'\nlist: [a, b, {c: d}]\n---\nbody\n",
    "---\nsummary: |\n  line one\n  line two\n# a comment\nn: 12\nf: 1.5\nb: true\nx: ~\n---\n",
    "---\nsummary: >\n  folded\n  text\ndate: 2026-01-01\nwhen: 2026-01-01T09:00:00+09:00\n---\n",
    "---\na: 1\na: 2\n---\n",
    "---\na: &x {b: 1}\nc: *x\n---\n",
    "---\na:\n\t- tab\n---\n",
    "---\na: \x07bell\n---\n",
    "---\na: [unclosed\n---\n",
    "---\n---\n",
    "---\n: no key\n---\n",
    '---\nkey: "esc \\u00e9 \\x41"\nnested:\n  - vendor: V\n    product: P\n  - {vendor: W}\n---\n',
    "---\n" + "".join(f"k{i}: {i}\n" for i in range(300)) + "---\n",
    "---\na: " + "x" * 2000 + "\n---\n",
    "---\n? complex\n: value\n---\n",
    "---\n!!python/object:os.system x: 1\n---\n",
    "---\na: !!binary aGVsbG8=\n---\n",
]


def loaded(text: str) -> tuple[object, object, object, object]:
    result = frontmatter.load_front_matter(text)
    return result.data, result.lines, [vars(p) for p in result.problems], result.body


@pytest.mark.parametrize("text", CASES)
def test_libyaml_and_pure_loader_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = loaded(text)
    monkeypatch.setattr(frontmatter, "_StrictCLoader", None)
    assert fast == loaded(text)


def test_libyaml_is_used_for_plain_front_matter() -> None:
    assert frontmatter._compose_fast("a: 1\n") is not None
    assert frontmatter._compose_fast("a: \x07\n") is None  # the pure reader's message wins

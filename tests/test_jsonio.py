"""advpub.jsonio: orjson's bytes are the standard library's bytes, on real exports and on
generated documents (non-ASCII, control characters, floats, large integers, odd keys)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from advpub.config import load_settings
from advpub.corpus import load_corpus
from advpub.exports.cve import cve_containers
from advpub.exports.site import export_outputs
from advpub.jsonio import dumps
from advpub.site.feeds import feed_outputs
from tests.exports.export_site import site_context

ROOT = Path(__file__).resolve().parents[1]


def _stdlib(data: object, *, indent: bool = True) -> bytes:
    if indent:
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_sample_site_json_files_are_the_standard_librarys_bytes() -> None:
    # Every JSON file the sample repository publishes (OSV, CSAF, ROLIE, provider metadata,
    # JSON Feed) and its CVE records: written by orjson, equal to json.dumps byte for byte.
    settings_ = load_settings(ROOT)
    corpus = load_corpus(settings_)
    ctx = site_context(settings_, corpus.advisories)
    outputs = [*export_outputs(ctx), *feed_outputs(ctx)]
    documents = {o.path: o.content for o in outputs if o.path.endswith(".json")}
    assert any(p.startswith("osv/") for p in documents)
    assert any(p.startswith(".well-known/csaf/white/2") for p in documents)
    assert any(p.endswith("feed.json") for p in documents), sorted(documents)
    for path, content in documents.items():
        data = json.loads(content)
        assert content == _stdlib(data), path
        assert content == orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    containers = [c for adv in corpus.advisories if adv.cve for c in cve_containers(adv, settings_)]
    assert any("metrics" in c for c in containers)
    for container in containers:
        assert dumps(container) == _stdlib(container)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([9.8, 0.1, 10.0, -0.0, 1e16, 1e-5, 1e-4, 123456789.123, 5e-324, 1.7e308])
    | st.text()
    | st.sampled_from(["脆弱性", "\u2028", "\x7f", "\x00\x1f\b\f\n\r\t", '"\\/', "é\u0301", "😀"])
)
_keys = st.text() | st.sampled_from(["", "キー", "\x00"])
_documents = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(_keys, inner, max_size=4)
        | st.dictionaries(st.integers(), inner, min_size=1, max_size=2)
    ),
    max_leaves=25,
)


def _encodable(data: Any) -> bool:
    try:
        _stdlib(data)
    except (UnicodeEncodeError, ValueError):
        return False  # lone surrogates: neither encoder writes them
    return True


@settings(max_examples=400, deadline=None)
@given(_documents)
def test_generated_documents_are_the_standard_librarys_bytes(data: Any) -> None:
    if not _encodable(data):
        return
    assert dumps(data) == _stdlib(data)
    assert dumps(data, indent=False) == _stdlib(data, indent=False)


def test_exponent_floats_and_big_integers_keep_the_standard_form() -> None:
    # Where orjson would differ (1e16 vs 1e+16, 2**64 refused, int keys), json.dumps writes.
    assert dumps({"a": 1e16}) == b'{\n  "a": 1e+16\n}\n'
    assert dumps([2**64, 1e-5], indent=False) == b"[18446744073709551616,1e-05]"
    assert dumps({1: "x"}, indent=False) == b'{"1":"x"}'
    assert dumps({"score": 9.8, "名前": "値"}) == '{\n  "score": 9.8,\n  "名前": "値"\n}\n'.encode()

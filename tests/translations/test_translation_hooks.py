"""The pre-commit hook checks a staged translation against the primary beside it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import Key
from tests.git.hook_helpers import setup_hook_repo
from tests.translations.translation_helpers import IDENT, primary_text, translation_text


def test_hook_accepts_a_valid_translation_and_refuses_a_contradicting_one(
    tmp_path: Path, make_key: Callable[[str], Key]
) -> None:
    hooked = setup_hook_repo(tmp_path, make_key)
    hooked.write(f"advisories/2020/{IDENT}.md", primary_text())
    hooked.write(f"advisories/2020/{IDENT}.en.md", translation_text())
    done = hooked.commit("Publish the advisory and its translation", "advisories")
    assert done.returncode == 0, done.stdout + done.stderr
    hooked.write(f"advisories/2020/{IDENT}.en.md", translation_text(extra="cwe: [CWE-79]\n"))
    done = hooked.commit("Change the translation", "advisories")
    assert done.returncode != 0
    assert (
        f"advisories/2020/{IDENT}.en.md:6: cwe: facts come from the primary {IDENT}; remove "
        f"`cwe` from {IDENT}.en.md"
    ) in done.stderr, done.stderr

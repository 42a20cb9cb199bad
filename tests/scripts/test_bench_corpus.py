"""scripts/bench.py's generated corpus: its pre-commit hook row can be measured.

The hook refuses a staged file that names an embargoed draft's title or a distinctive
phrase of it (rightly). The benchmark stages an edited published advisory, so no generated
draft may share a title phrase with a published one.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from tests.conftest import run_advpub

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("advpub_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_published_advisory_passes_the_hook_beside_the_drafts(tmp_path: Path) -> None:
    bench = load_bench()
    root = tmp_path / "corpus"
    bench.generate_corpus(root, 30, 30)
    env = {"ADVPUB_IDENTITY_FILE": str(bench.identity_file(root))}
    published = sorted((root / "advisories").rglob("ADV-*.md"))
    assert len(published) == 30
    for path in published:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("## Solution", "Edited.\n\n## Solution", 1), "utf-8")
    subprocess.run(["git", "-C", str(root), "add", "-A", "advisories"], check=True)
    result = run_advpub("hooks", "run", "pre-commit", cwd=root, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""

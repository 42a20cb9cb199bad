"""The gate is pure policy over the model: importing it loads no MkDocs, config, embargo
(pyrage) or git, so a hook that only asks the gate pays for none of them."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_gate_loads_only_the_model() -> None:
    probe = (
        "import sys, advpub.gate\n"
        "heavy = ('mkdocs', 'pyrage', 'git', 'advpub.config', 'advpub.embargo', 'advpub.git')\n"
        "print(sorted({m.split('.')[0] if not m.startswith('advpub') else m for m in sys.modules"
        " if m.startswith(heavy)}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out == "[]\n"

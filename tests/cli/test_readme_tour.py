"""The README's two-minute tour, run verbatim: a fresh HOME, an empty folder, advpub on
PATH (the virtualenv the README's setup creates), ``$EDITOR`` a script, ``bash -e``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "## A two-minute tour"

# What the coordinator "types" in the editor: a valid advisory due in the past, so the
# tour's release really publishes it. A second opening (`advpub edit`) adds a sentence.
EDITOR = r"""#!/bin/sh
set -e
file="$1"
id=$(basename "$file" .md)
if grep -q '^title: ""' "$file"; then
  cat > "$file" <<EOT
---
id: $id
title: "Example Router: command injection in the web console"
summary: An attacker on the network can run commands on the device. Update to 2.4.1.
release_date: 2026-01-15T10:00:00+09:00
fix:
  verified: true
  verified_by: Example Corp PSIRT
cve: [CVE-2026-12345]
affected:
  - vendor: Example Corp
    product: Example Router
    fixed: 2.4.1
---
## 概要

A command injection exists in the web console.
EOT
else
  printf '\n## 対策方法\n\nUpdate to 2.4.1.\n' >> "$file"
fi
"""


def tour_block(text: str) -> str:
    """The first ``sh`` fenced block under the tour heading (whatever lines it holds)."""
    section = text.split(f"\n{HEADING}\n", 1)
    if len(section) != 2:
        pytest.fail(f"README.md has no {HEADING!r} section")
    match = re.search(r"^```sh\n(.*?)^```$", section[1], flags=re.S | re.M)
    if match is None:
        pytest.fail(f"README.md: no ```sh block under {HEADING!r}")
    return match.group(1)


def test_the_tour_block_is_found_whatever_lines_are_added() -> None:
    text = f"intro\n{HEADING}\n\nWords.\n\n```sh\nadvpub init x\n# a new step\nadvpub build\n```\n"
    assert tour_block(text) == "advpub init x\n# a new step\nadvpub build\n"


def test_the_readme_tour_runs_verbatim(tmp_path: Path) -> None:
    block = tour_block(README.read_text(encoding="utf-8"))
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "advpub").is_file():
        pytest.fail(f"{bin_dir}/advpub is missing: install advpub (`make venv`) first")
    for tool in ("git", "bash"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (run `make system`)")
    home = tmp_path / "home"
    home.mkdir()
    # A fresh HOME where git knows who the coordinator is (as the README asks).
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Alice Coordinator\n\temail = alice@example.jp\n"
        "[init]\n\tdefaultBranch = main\n",
        encoding="utf-8",
    )
    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR, encoding="utf-8")
    editor.chmod(0o755)
    work = tmp_path / "empty"
    work.mkdir()
    env = {
        "HOME": str(home),
        "PATH": f"{bin_dir}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "EDITOR": str(editor),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["bash", "-e", "-c", block],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    repo = work / "my-advisories"
    site = repo / "site"
    assert (site / "index.html").is_file()
    assert (site / "2026" / "ADV-2026-0001" / "index.html").is_file()
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<name>Example CSIRT</name>" in feed
    published = (repo / "advisories" / "2026" / "ADV-2026-0001.md").read_text(encoding="utf-8")
    assert "Update to 2.4.1." in published  # the edit reached the released text
    # Everything is committed: a scheduled `advpub publish` would find a clean tree.
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert status.stdout == ""
    assert "advpub build: 1 advisories in" in done.stdout

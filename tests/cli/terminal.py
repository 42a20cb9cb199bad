"""Run ``advpub`` with a pseudo-terminal as stdin, stdout and stderr (as a person would)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path


def run_in_terminal(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> tuple[int, str]:
    """Exit code and everything printed (stdout and stderr interleaved, ``\\n`` line ends)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "advpub", *args],
        cwd=cwd,
        env=full_env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    code = process.wait(timeout=timeout)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")

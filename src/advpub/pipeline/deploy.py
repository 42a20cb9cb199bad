"""``publish --deploy-command``: the user's deploy step, run by the shell after each push.

The command gets the built site's folder in ``ADVPUB_SITE_DIR``. Its output is captured and
handed back, so the caller prints it through the same redaction as everything else
``publish`` prints (:mod:`advpub.pipeline.redact`).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from advpub.errors import AdvpubError

SITE_DIR_ENV = "ADVPUB_SITE_DIR"


@dataclass(frozen=True)
class DeployResult:
    """The deploy command's exit status and what it printed (to be printed, redacted)."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """True when the command exited 0."""
        return self.returncode == 0


def run_deploy(
    command: str, site_dir: Path, environ: Mapping[str, str] | None = None
) -> DeployResult:
    """Run ``command`` with the shell, ``ADVPUB_SITE_DIR`` set to ``site_dir``. Its output is
    captured so the caller prints it through the redaction like everything else."""
    env = dict(os.environ if environ is None else environ)
    env[SITE_DIR_ENV] = str(site_dir)
    try:
        # The user's own shell command, by design (like a CI step): S602 is the point here.
        done = subprocess.run(  # noqa: S602
            command, shell=True, env=env, capture_output=True, check=False
        )
    except OSError as exc:
        raise AdvpubError(f"--deploy-command: cannot run the shell ({exc.strerror})") from None
    return DeployResult(
        done.returncode,
        done.stdout.decode("utf-8", errors="replace"),
        done.stderr.decode("utf-8", errors="replace"),
    )

"""`advpub log` (not available yet)."""

from __future__ import annotations

import argparse

from advpub.cli.common import not_available


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options yet."""


def run(args: argparse.Namespace) -> int:
    """Say the command is not available yet (exit 2)."""
    return not_available("log", "planned: hardening")

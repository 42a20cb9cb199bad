"""``python -m advpub``."""

from advpub.cli.main import entry

entry()

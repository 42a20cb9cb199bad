"""The ``advpub`` MkDocs plugin (a thin adapter over advpub.site functions)."""

from __future__ import annotations

from mkdocs.plugins import BasePlugin

from advpub.config import AdvpubConfig


class AdvpubPlugin(BasePlugin[AdvpubConfig]):
    """Builds the advisory site; refuses to build anything not releasable."""

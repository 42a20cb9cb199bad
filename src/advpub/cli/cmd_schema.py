"""``advpub schema``: print the JSON Schema of the front matter."""

from __future__ import annotations

import argparse

from advpub.cli.common import print_json
from advpub.config import find_root, load_settings
from advpub.errors import ConfigError
from advpub.model.options import DEFAULT_ID_PATTERN
from advpub.model.schema import front_matter_schema, translation_schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--translation``; the id pattern comes from mkdocs.yml when run inside a repository."""
    parser.add_argument(
        "--translation",
        action="store_true",
        help="the schema of a linked translation (<ID>.<lang>.md) instead of an advisory",
    )


def run(args: argparse.Namespace) -> int:
    """Print the schema (with the repository's id pattern when there is one)."""
    pattern = DEFAULT_ID_PATTERN
    try:
        find_root()
    except ConfigError:
        pass
    else:
        pattern = load_settings().id_pattern.pattern
    print_json(translation_schema(pattern) if args.translation else front_matter_schema(pattern))
    return 0

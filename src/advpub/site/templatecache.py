"""Compiled Jinja templates kept between processes, in the user's private cache folder.

Every build compiled the theme's and the content's templates again (about 60, a third of a
second). Jinja's bytecode cache stores them as marshalled code, which runs when loaded, so it
lives only where the user's own files do: ``<user cache>/advpub/jinja/`` (0700, owner checked,
never inside the repository; :func:`advpub.userkey.private_folder`), never in ``.cache/``,
which CI may restore from a shared cache. Without such a folder templates are compiled as
before.

Jinja checks each entry against the template's source (SHA-1) and the Python version; the
folder's name adds the Jinja version and the environment's compile options, so code
compiled under other settings is never loaded.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import jinja2

from advpub.userkey import private_folder


def _compile_settings(env: jinja2.Environment) -> str:
    """What, besides a template's source, decides the code Jinja compiles from it."""
    autoescape = env.autoescape
    escaping = (
        repr(autoescape)
        if isinstance(autoescape, bool)
        else f"{getattr(autoescape, '__module__', '')}.{getattr(autoescape, '__qualname__', '')}"
    )
    settings = (
        jinja2.__version__,
        sys.version,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        repr(env.line_statement_prefix),
        repr(env.line_comment_prefix),
        repr(env.trim_blocks),
        repr(env.lstrip_blocks),
        repr(env.newline_sequence),
        repr(env.keep_trailing_newline),
        repr(env.optimized),
        repr(env.is_async),
        escaping,
        ",".join(sorted(env.extensions)),
    )
    return hashlib.sha256("\0".join(settings).encode()).hexdigest()[:32]


def use_bytecode_cache(env: object, repository: Path) -> None:
    """Give ``env`` the user's bytecode cache (when there is a safe place for it; else
    none, also in place of one given before). Anything but a Jinja environment (what a
    plugin before advpub's ``on_env`` may have returned) is left alone."""
    if not isinstance(env, jinja2.Environment):
        return
    folder = private_folder(repository)
    if folder is None:
        env.bytecode_cache = None
        return
    target = folder / "jinja" / _compile_settings(env)
    current = env.bytecode_cache
    if isinstance(current, jinja2.FileSystemBytecodeCache) and current.directory == str(target):
        return
    env.bytecode_cache = None
    try:
        (folder / "jinja").mkdir(mode=0o700, exist_ok=True)
        target.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(target), "%s.cache")

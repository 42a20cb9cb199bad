"""Installing advpub's git hooks and the decrypting diff driver.

Like pre-commit: each hook is a small shell shim that embeds the interpreter advpub was
installed with (so it works with no virtualenv active) and falls back to ``advpub`` on
PATH. Our files carry a marker line; a hook that is not ours is kept as ``<name>.legacy``
and run first by the shim, never overwritten.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from advpub.config import Settings
from advpub.errors import GitError
from advpub.fsutil import atomic_write_text
from advpub.git.command import git, git_ok
from advpub.git.staged import repo_toplevel, root_prefix

HOOK_NAMES = ("pre-commit", "commit-msg", "pre-push")
MARKER = "# advpub-hook: managed by `advpub hooks install`; `advpub hooks uninstall` removes it"
LEGACY_SUFFIX = ".legacy"
DIFF_DRIVER = "advpub"


def shim_text(hook: str, python: str | None) -> str:
    """The shim for ``hook``; ``python`` None gives the generic template shipped in ``hooks/``
    (the first ``python3`` that can import advpub, else ``advpub`` on PATH)."""
    if hook not in HOOK_NAMES:
        raise GitError(f"unknown hook {hook!r}; advpub provides {', '.join(HOOK_NAMES)}")
    # pre-push reads ref updates on stdin: buffer them so the legacy hook and ours both see them.
    buffered = hook == "pre-push"
    feed = 'printf "%s\\n" "$STDIN" | ' if buffered else ""
    run = "" if buffered else "exec "
    if python is None:
        choose = "INSTALL_PYTHON=$(command -v python3 || command -v python || true)"
        usable = '[ -n "$INSTALL_PYTHON" ] && "$INSTALL_PYTHON" -c "import advpub" 2>/dev/null'
    else:
        choose = f"INSTALL_PYTHON={shlex.quote(python)}"
        usable = '[ -x "$INSTALL_PYTHON" ]'
    lines = [
        "#!/bin/sh",
        MARKER,
        f"# Runs advpub's {hook} checks. A hook that was here before is kept as",
        f"# {hook}{LEGACY_SUFFIX} and runs first.",
        f"HOOK={hook}",
        choose,
        'HERE=$(cd "$(dirname "$0")" && pwd)',
    ]
    if buffered:
        lines.append("STDIN=$(cat)")
    lines += [
        f'if [ -x "$HERE/$HOOK{LEGACY_SUFFIX}" ]; then',
        f'    {feed}"$HERE/$HOOK{LEGACY_SUFFIX}" "$@" || exit $?',
        "fi",
        f"if {usable}; then",
        f'    {feed}{run}"$INSTALL_PYTHON" -m advpub hooks run "$HOOK" "$@"',
        "elif command -v advpub >/dev/null 2>&1; then",
        f'    {feed}{run}advpub hooks run "$HOOK" "$@"',
        "else",
        '    echo "advpub: $HOOK hook: advpub is not installed (tried $INSTALL_PYTHON and'
        ' advpub on PATH); install it, or remove the hook with \\`advpub hooks uninstall\\`"'
        " >&2",
        "    exit 1",
        "fi",
    ]
    return "\n".join(lines) + "\n"


def is_ours(path: Path) -> bool:
    """True when ``path`` is a hook advpub wrote (it carries the marker line)."""
    try:
        with path.open("rb") as handle:
            return MARKER.encode() in handle.read(4096)
    except OSError:
        return False


def _refuse_shared_hooks_path(root: Path) -> None:
    """A ``core.hooksPath`` from the global or system config serves every repository:
    advpub's hooks there would refuse commits in repositories that are not advisory
    repositories, so ask for a repository-local setting instead."""
    found = git(root, "config", "--show-scope", "--show-origin", "--get", "core.hooksPath")
    if not found.ok:
        return  # not set
    scope, _, rest = found.stdout.strip().partition("\t")
    if scope in ("local", "worktree"):
        return
    origin = rest.partition("\t")[0]
    raise GitError(
        f"core.hooksPath is set in your {scope} git config ({origin}), so hooks installed "
        "there would run in every repository; set it for this repository only (`git config "
        "core.hooksPath .githooks`) or unset it, then run `advpub hooks install` again"
    )


def hooks_dir(root: Path) -> Path:
    """Where git looks for hooks: ``core.hooksPath`` if set, else ``.git/hooks``."""
    folder = Path(git_ok(root, "rev-parse", "--git-path", "hooks").strip())
    return folder if folder.is_absolute() else (root / folder).resolve()


@dataclass(frozen=True)
class HookAction:
    """What happened to one hook file: ``installed``, ``updated``, ``kept-legacy``, ``removed``,
    ``restored`` or ``absent``."""

    hook: str
    path: Path
    action: str


def install_hooks(root: Path, python: str) -> list[HookAction]:
    """Write every shim into the hooks folder; a foreign hook is kept as ``<name>.legacy``."""
    _refuse_shared_hooks_path(root)
    folder = hooks_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    actions: list[HookAction] = []
    for hook in HOOK_NAMES:
        target = folder / hook
        action = "installed"
        if target.exists() or target.is_symlink():
            if is_ours(target):
                action = "updated"
            else:
                legacy = folder / f"{hook}{LEGACY_SUFFIX}"
                if legacy.exists():
                    raise GitError(
                        f"{target}: a hook that is not advpub's exists and {legacy.name} is "
                        "taken too; merge them by hand, then run `advpub hooks install` again"
                    )
                target.rename(legacy)
                action = "kept-legacy"
        atomic_write_text(target, shim_text(hook, python), mode=0o755)
        actions.append(HookAction(hook, target, action))
    return actions


def uninstall_hooks(root: Path) -> list[HookAction]:
    """Remove our shims and put back any hook that was kept as ``<name>.legacy``."""
    folder = hooks_dir(root)
    actions: list[HookAction] = []
    for hook in HOOK_NAMES:
        target = folder / hook
        legacy = folder / f"{hook}{LEGACY_SUFFIX}"
        if not is_ours(target):
            actions.append(HookAction(hook, target, "absent"))
            continue
        target.unlink()
        if legacy.exists():
            legacy.rename(target)
            actions.append(HookAction(hook, target, "restored"))
        else:
            actions.append(HookAction(hook, target, "removed"))
    return actions


def attributes_line(embargo_dir: str) -> str:
    """The ``.gitattributes`` line routing drafts through the decrypting diff driver."""
    return f"{embargo_dir.rstrip('/')}/*.age diff={DIFF_DRIVER} -text"


def ensure_attributes(root: Path, embargo_dir: str) -> bool:
    """Add the diff-driver line to ``.gitattributes`` unless present; True when written."""
    path = root / ".gitattributes"
    line = attributes_line(embargo_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError):
        raise GitError(f"{path}: cannot read as UTF-8 text; fix or remove it") from None
    if line in (existing.strip() for existing in text.splitlines()):
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    atomic_write_text(path, f"{text}{line}\n")
    return True


def textconv_command(python: str) -> str:
    """The ``diff.advpub.textconv`` command (git appends the file name)."""
    return f"{shlex.quote(python)} -m advpub show --textconv"


def configure_diff_driver(root: Path, python: str) -> None:
    """Set ``diff.advpub.textconv`` in the repository's own config (not the global one)."""
    git_ok(root, "config", "--local", f"diff.{DIFF_DRIVER}.textconv", textconv_command(python))


def unconfigure_diff_driver(root: Path) -> None:
    """Remove the ``diff.advpub`` section (``.gitattributes`` is left: it is shared)."""
    # Failing here only means the section was never configured.
    git(root, "config", "--local", "--remove-section", f"diff.{DIFF_DRIVER}")


@dataclass(frozen=True)
class InstallResult:
    """What :func:`install` did: one action per hook, and whether ``.gitattributes`` changed."""

    actions: tuple[HookAction, ...]
    attributes_written: bool


def install(settings: Settings, python: str) -> InstallResult:
    """Everything ``advpub hooks install`` (and ``advpub init``) sets up in a repository:
    the hook shims, the ``.gitattributes`` line and the ``diff.advpub.textconv`` setting."""
    top = repo_toplevel(settings.root)
    actions = install_hooks(top, python)
    prefix = root_prefix(settings.root)
    written = ensure_attributes(top, prefix + settings.embargo_dir)
    configure_diff_driver(top, python)
    return InstallResult(tuple(actions), written)


def generic_hook_files() -> dict[str, str]:
    """The interpreter-independent shims shipped in the repository's ``hooks/`` folder."""
    return {hook: shim_text(hook, None) for hook in HOOK_NAMES}


def write_generic_hooks(folder: Path) -> None:
    """Write :func:`generic_hook_files` into ``folder`` (executable)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in generic_hook_files().items():
        atomic_write_text(folder / name, text, mode=0o755)


__all__ = [
    "HOOK_NAMES",
    "MARKER",
    "HookAction",
    "InstallResult",
    "attributes_line",
    "configure_diff_driver",
    "ensure_attributes",
    "hooks_dir",
    "install",
    "install_hooks",
    "is_ours",
    "shim_text",
    "uninstall_hooks",
]

"""Editing draft plaintext in ``$EDITOR`` without leaving it anywhere but a private folder.

The plaintext lives only in a 0600 file inside a 0700 folder (on ``/dev/shm`` when it is
usable, so it never reaches a disk), and the folder is removed on every way out: success,
errors, Ctrl-C, SIGTERM and SIGHUP (their handlers raise, so ``finally`` runs). While the
editor runs, Ctrl-C belongs to the editor (as in git): advpub ignores SIGINT until it exits.
Editors' swap and backup files land next to the file, inside the private folder, and go with it.

SIGKILL cannot be caught, so a killed run leaves its folder behind: each folder holds a lock
file with an exclusive ``flock`` for its whole life, and every command that decrypts sweeps
(:func:`sweep_stale_workspaces`) the folders of earlier runs whose lock nobody holds.
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import os
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType

from advpub.errors import EmbargoError
from advpub.model import Violation

# mkdtemp makes a fresh 0700 folder there, so the shared sticky folder is safe to use.
SHM = Path("/dev/shm")  # noqa: S108
COMMENT_PREFIX = "# advpub:"
# Signals that end advpub while plaintext is on disk; each raises Interrupted instead.
FATAL_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
EDITOR_GRACE_SECONDS = 3.0
WORKSPACE_PREFIX = "advpub-"
# Held with an exclusive flock while the workspace is in use (a dot name: never a draft's).
LOCK_FILE = ".advpub-workspace.lock"


class Interrupted(EmbargoError):
    """A signal stopped the command; the temporary plaintext was removed."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_code = 128 + signum
        name = signal.Signals(signum).name
        super().__init__(
            f"interrupted by {name}; the temporary copy was removed and nothing was saved"
        )


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _ignore(signum: int, frame: FrameType | None) -> None:
    # A Python-level no-op rather than SIG_IGN: handlers are reset on exec, SIG_IGN is
    # inherited, and the editor must keep its own Ctrl-C.
    return None


@contextlib.contextmanager
def _blocked_signals() -> Iterator[None]:
    """Hold fatal signals back while a critical step (create or remove the folder) runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, FATAL_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def _raising_signals() -> Iterator[None]:
    """Turn SIGTERM, SIGHUP and SIGINT into :class:`Interrupted` so ``finally`` blocks run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in FATAL_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            # None means a handler installed outside Python; the default is the safe fallback.
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def private_base() -> Path | None:
    """``/dev/shm`` when it is a writable folder (memory only), else None (the temp dir)."""
    if SHM.is_dir() and os.access(SHM, os.W_OK | os.X_OK):
        return SHM
    return None


@dataclass(frozen=True)
class Workspace:
    """A private folder (mode 0700) for plaintext copies."""

    folder: Path

    def create_file(self, name: str, text: str) -> Path:
        """A new 0600 file ``name`` holding ``text`` (never follows or replaces a file)."""
        return self.write_file(name, text, exclusive=True)

    def write_file(self, name: str, text: str, *, exclusive: bool = False) -> Path:
        """Write ``text`` to ``name`` inside the folder with mode 0600."""
        if "/" in name or name.startswith("."):
            raise EmbargoError(f"{name!r} is not a plain file name")
        path = self.folder / name
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
        if exclusive:
            flags |= os.O_EXCL
        fd = os.open(path, flags, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, text.encode("utf-8", "surrogateescape"))
        finally:
            os.close(fd)
        return path

    def read_file(self, path: Path) -> str:
        """The text of ``path``; bytes that are not UTF-8 survive a round trip."""
        try:
            return path.read_bytes().decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            return ""


def _lock(folder: Path) -> int:
    """Create the workspace's lock file and hold an exclusive flock on it (the descriptor is
    not inherited by the editor: the lock ends with this process, however it ends)."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def private_workspace(base: Path | None = None) -> Iterator[Workspace]:
    """A fresh 0700 folder, locked while in use, removed with everything in it on every
    exit path but SIGKILL (see :func:`sweep_stale_workspaces` for that one)."""
    folder: Path | None = None
    lock: int | None = None
    with _raising_signals():
        try:
            with _blocked_signals():
                folder = Path(
                    tempfile.mkdtemp(prefix=WORKSPACE_PREFIX, dir=base if base else private_base())
                )
                folder.chmod(0o700)
                lock = _lock(folder)
            info = folder.lstat()
            if not stat.S_ISDIR(info.st_mode) or stat.S_IMODE(info.st_mode) != 0o700:
                raise EmbargoError(f"{folder}: could not make a private folder")
            yield Workspace(folder)
        finally:
            with _blocked_signals():
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
                if lock is not None:
                    os.close(lock)


def process_start_time() -> float:
    """When this process started (epoch seconds); the module's import time where ``/proc``
    cannot tell (always later than the start, so never sweeps more).

    Computed from the uptime (hundredths of a second) rather than ``btime`` (whole seconds:
    up to a second off)."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22, starttime, counted after the ")" of the name
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return _IMPORTED


_IMPORTED = time.time()
_swept = False


def workspace_bases() -> list[Path]:
    """Where private workspaces are made: ``/dev/shm`` and the temporary folder."""
    bases = [tempfile.gettempdir()]
    shm = private_base()
    if shm is not None:
        bases.insert(0, str(shm))
    return [Path(b) for b in dict.fromkeys(bases)]


def sweep_stale_workspaces(
    bases: Sequence[Path] | None = None, *, started: float | None = None
) -> list[Path]:
    """Remove the private workspaces that earlier, killed runs left behind; the removed ones.

    A folder is removed only when all of these hold: its name is ``advpub-*``, it is a real
    folder owned by this user, it last changed before this process started (so a workspace
    being set up right now is left alone), it has the lock file, and a non-blocking flock on
    that file succeeds (no live ``advpub edit`` holds it, in any terminal).
    """
    before = process_start_time() if started is None else started
    uid = os.getuid()
    removed: list[Path] = []
    for base in workspace_bases() if bases is None else bases:
        try:
            entries = list(os.scandir(base))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.startswith(WORKSPACE_PREFIX):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if (
                not stat.S_ISDIR(info.st_mode)
                or info.st_uid != uid
                or max(info.st_mtime, info.st_ctime) >= before
            ):
                continue
            if _remove_if_unlocked(Path(entry.path)):
                removed.append(Path(entry.path))
    return removed


def _remove_if_unlocked(folder: Path) -> bool:
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False  # not ours (or made by an older advpub): never guess
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live run holds it
        # Removed while holding the lock, so no run can take it over meanwhile.
        shutil.rmtree(folder, ignore_errors=True)
        return not folder.exists()
    finally:
        os.close(fd)


def sweep_once() -> None:
    """:func:`sweep_stale_workspaces`, once per process (decrypting commands call this)."""
    global _swept
    if not _swept:
        _swept = True
        sweep_stale_workspaces()


def editor_command(env: Mapping[str, str] | None = None) -> list[str]:
    """``$VISUAL`` or ``$EDITOR`` split like a shell would, else ``vi`` when installed."""
    environ = os.environ if env is None else env
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            try:
                parts = shlex.split(value)
            except ValueError:
                raise EmbargoError(
                    f"${name}: cannot split {value!r} into a command (unbalanced quotes)"
                ) from None
            if parts:
                return parts
    if shutil.which("vi"):
        return ["vi"]
    raise EmbargoError("no editor: set $VISUAL or $EDITOR (for example `export EDITOR=nano`)")


VIM_FAMILY = frozenset({"vim", "nvim", "gvim", "mvim"})
# viminfo/shada keep registers (yanked plaintext) and undo files keep every version, both
# outside the private folder: switch them off for vim-like editors.
VIM_HARDENING = ("-n", "-i", "NONE", "-c", "set nobackup nowritebackup noundofile")


def hardened(command: Sequence[str]) -> list[str]:
    """``command`` plus options that stop vim-like editors from copying text elsewhere."""
    if not command:
        return []
    found = shutil.which(command[0]) or command[0]
    names = {Path(command[0]).name, Path(os.path.realpath(found)).name}
    if any(name.split(".")[0] in VIM_FAMILY for name in names):
        return [*command, *VIM_HARDENING]
    return list(command)


def run_editor(command: Sequence[str], path: Path) -> None:
    """Run the editor on ``path`` and wait; a failing or killed editor is an error.

    On SIGTERM/SIGHUP the editor is stopped too, so it cannot write the plaintext back
    after the private folder is gone.
    """
    shown = shlex.join(command)
    previous: object = None
    in_main = threading.current_thread() is threading.main_thread()
    try:
        process = subprocess.Popen([*command, str(path)])
    except FileNotFoundError:
        raise EmbargoError(
            f"editor `{shown}` not found; set $VISUAL or $EDITOR to an installed editor"
        ) from None
    except OSError as exc:
        raise EmbargoError(f"cannot start editor `{shown}` ({exc.strerror})") from None
    try:
        if in_main:
            previous = signal.signal(signal.SIGINT, _ignore)
        code = process.wait()
    except BaseException:
        _stop(process)
        raise
    finally:
        if in_main and previous is not None:
            signal.signal(signal.SIGINT, previous)  # type: ignore[arg-type]
    if code < 0:
        raise EmbargoError(
            f"the editor `{shown}` was killed by {signal.Signals(-code).name}; nothing was saved"
        )
    if code != 0:
        raise EmbargoError(f"the editor `{shown}` exited with status {code}; nothing was saved")


def _stop(process: subprocess.Popen[bytes]) -> None:
    with _blocked_signals():
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(EDITOR_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def strip_comments(text: str) -> str:
    """``text`` without the leading ``# advpub:`` lines advpub adds for the user."""
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines) and lines[index].startswith(COMMENT_PREFIX):
        index += 1
    return "".join(lines[index:])


def comment_block(lines: Sequence[str]) -> str:
    """``lines`` as ``# advpub:`` comments (stripped again before parsing)."""
    flat = [part for line in lines for part in (line.splitlines() or [""])]
    return "".join(f"{COMMENT_PREFIX} {part}".rstrip() + "\n" for part in flat)


class EditStatus(enum.Enum):
    """How an editing session ended."""

    VALID = "valid"  # changed and valid: save it
    UNCHANGED = "unchanged"  # saved exactly what it started with
    EMPTY = "empty"  # the user deleted everything: abort
    INVALID = "invalid"  # still invalid and the user saved it again without changes


@dataclass(frozen=True)
class EditOutcome:
    """The final text (comments stripped), how the session ended, remaining problems."""

    status: EditStatus
    text: str
    violations: tuple[Violation, ...] = ()


Validator = Callable[[str], Sequence[Violation]]


def edit_until_valid(
    text: str,
    *,
    name: str,
    validate: Validator,
    header: Sequence[str] = (),
    command: Sequence[str] | None = None,
    on_retry: Callable[[Sequence[Violation]], None] | None = None,
) -> EditOutcome:
    """Edit ``text`` in a private copy until it validates.

    Invalid text is reopened with the problems as ``# advpub:`` comments on top, so nothing
    typed is lost. The session ends when the text is valid, unchanged from the start,
    emptied (abort), or saved again unchanged while still invalid (the caller decides).
    """
    editor = hardened(command if command is not None else editor_command())
    with private_workspace() as space:
        path = space.create_file(name, comment_block(header) + text)
        current = text
        problems: tuple[Violation, ...] = ()
        while True:
            run_editor(editor, path)
            edited = strip_comments(space.read_file(path))
            if not edited.strip():
                return EditOutcome(EditStatus.EMPTY, "")
            if edited == text:
                return EditOutcome(EditStatus.UNCHANGED, edited)
            if problems and edited == current:
                return EditOutcome(EditStatus.INVALID, edited, problems)
            problems = tuple(validate(edited))
            if not problems:
                return EditOutcome(EditStatus.VALID, edited)
            if on_retry is not None:
                on_retry(problems)
            block = _problem_block(problems, header)
            shift = block.count("\n")
            block = _problem_block(problems, header, shift)
            current = edited
            space.write_file(name, block + edited)


def _problem_block(problems: Sequence[Violation], header: Sequence[str], shift: int = 0) -> str:
    lines = [
        f"{len(problems)} problem(s); fix them, save and quit (line numbers count this file).",
        "Save again unchanged to store it as it is (encrypted, not releasable until fixed);",
        "delete everything to abort.",
    ]
    for problem in problems:
        moved = replace(problem, line=problem.line + shift) if problem.line else problem
        where = f"line {moved.line}" if moved.line else "file"
        lines.append(f"{where}: {moved.field}: {moved.message}")
    return comment_block([*header, *lines])

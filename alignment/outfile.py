"""The one place every `-o FILE` is written: never over the project, never a device turned into a file.

What is at the path decides how it is written:

- the open project file, its `-wal`, `-shm` or `-journal` (compared by device and inode, so another name
  or a hard link is caught too), or any SQLite database: refused;
- a regular file or a new name: written to a temporary file beside it, synced, then renamed over it, so a
  reader sees the old file or the whole new one (the old file's permissions are kept);
- a symlink: its target is written that way, the link stays;
- a FIFO or a device: streamed into (a rename would replace the device node with a regular file);
- a read-only file, a folder, a socket, a missing folder: refused with one line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from alignment.project import ProjectError

STDOUT = "-"
SQLITE_HEADER = b"SQLite format 3\x00"
_PROJECT_FILES = ("", "-wal", "-shm", "-journal")
_open_projects: dict[Path, tuple[int, int] | None] = {}


def register_project(path: Path) -> None:
    """Remember a project this process opened: no output may be written over it or its companions."""
    absolute = Path(os.path.abspath(path))
    try:
        st = os.stat(absolute)
        _open_projects[absolute] = (st.st_dev, st.st_ino)
    except OSError:
        _open_projects[absolute] = None


def _protected() -> set[tuple[int, int]]:
    """Device and inode of every open project's file and companions, as they are now."""
    ids: set[tuple[int, int]] = set()
    for path, at_open in _open_projects.items():
        if at_open is not None:
            ids.add(at_open)
        for suffix in _PROJECT_FILES:
            with contextlib.suppress(OSError):
                st = os.stat(path.with_name(path.name + suffix))
                ids.add((st.st_dev, st.st_ino))
    return ids


def is_stdout(path: str | os.PathLike[str] | None) -> bool:
    """`-o -` (or no -o) means standard output, as in every Unix tool."""
    return path is None or os.fspath(path) == STDOUT


@dataclass(frozen=True, slots=True)
class Target:
    """Where the bytes really go: `path` (a symlink followed), and whether they stream into it."""

    given: Path
    path: Path
    stream: bool
    mode: int | None
    """Permission bits of the file being replaced (kept on the new file), None for a new name."""


def plan(given: str | os.PathLike[str], *, allow_sqlite: bool = False) -> Target:
    """Decide how to write `given`, or refuse it (ProjectError, one line).

    `allow_sqlite`: a backup may replace an older backup (the open project is still refused).
    """
    name = Path(given)
    path = Path(os.path.realpath(name)) if name.is_symlink() else name
    try:
        st = os.stat(path)
    except FileNotFoundError:
        parent = path.parent
        if not parent.is_dir():
            raise ProjectError(f"cannot write {name}: folder {parent} does not exist") from None
        return Target(name, path, stream=False, mode=None)
    except OSError as exc:
        raise ProjectError(f"cannot write {name}: {exc.strerror or exc}") from None
    if (st.st_dev, st.st_ino) in _protected():
        raise ProjectError(f"refusing to write {name}: it is the open project file (or one of its files)")
    if stat.S_ISDIR(st.st_mode):
        raise ProjectError(f"{name} is a folder; give a file name")
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return Target(name, path, stream=True, mode=None)
    if not stat.S_ISREG(st.st_mode):
        raise ProjectError(f"cannot write {name}: it is not a regular file, FIFO or device")
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise ProjectError(f"{name} is read-only; refusing to replace it (choose another name)")
    if not allow_sqlite and _is_sqlite(path):
        raise ProjectError(f"refusing to write {name}: it is an SQLite database (a project file?)")
    return Target(name, path, stream=False, mode=stat.S_IMODE(st.st_mode))


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _new_file_mode() -> int:
    """What `open()` would give a new file: 0o666 less the umask (mkstemp makes its files 0o600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def describe(exc: OSError, target: Path) -> str:
    """One line naming the file the person asked for, never our temporary name."""
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    elif exc.errno == errno.EDQUOT:
        reason = "disk quota exceeded"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    elif exc.errno == errno.EROFS:
        reason = "read-only file system"
    else:
        reason = exc.strerror or type(exc).__name__
    return f"could not write {target} ({reason}); it was left as it was"


def write_files(writes: Mapping[Path, Callable[[Path], None]], *, allow_sqlite: bool = False) -> None:
    """Write several outputs as one: every temporary is written and synced before the first rename, so a
    full disk half-way leaves all the old files. FIFOs and devices are streamed into after the planning.

    `write_fn(path)` opens `path` itself (text or binary) and writes the whole output.
    """
    targets = {plan(path, allow_sqlite=allow_sqlite): fn for path, fn in writes.items()}
    temps: dict[Target, Path] = {}
    try:
        for target, write_fn in targets.items():
            if target.stream:
                continue
            try:
                fd, tmp_name = tempfile.mkstemp(
                    prefix=f".{target.path.name}.", suffix=".tmp", dir=target.path.parent
                )
            except OSError as exc:
                raise ProjectError(
                    f"cannot write {target.given}: folder {target.path.parent} is not writable "
                    f"({exc.strerror or exc})"
                ) from None
            os.close(fd)
            tmp = Path(tmp_name)
            temps[target] = tmp
            try:
                write_fn(tmp)
                os.chmod(tmp, _new_file_mode() if target.mode is None else target.mode)
                with tmp.open("rb+") as fh:  # synced before the rename: a power cut leaves old or whole new
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise ProjectError(describe(exc, target.given)) from None
        for target, write_fn in targets.items():
            if target.stream:
                try:
                    write_fn(target.path)
                except OSError as exc:
                    if exc.errno == errno.EPIPE:
                        raise
                    raise ProjectError(f"could not write {target.given} ({exc.strerror or exc})") from None
        for target, tmp in temps.items():
            try:
                os.replace(tmp, target.path)
            except OSError as exc:
                raise ProjectError(describe(exc, target.given)) from None
    finally:
        for tmp in temps.values():
            with contextlib.suppress(OSError):
                tmp.unlink()


def write_file(
    path: str | os.PathLike[str], write_fn: Callable[[Path], None], *, allow_sqlite: bool = False
) -> None:
    """Write one output safely (see the module docstring)."""
    write_files({Path(path): write_fn}, allow_sqlite=allow_sqlite)

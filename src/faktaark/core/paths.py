"""The one guard every path faktaark reads or writes goes through, and the one translation of
OS errors into the error tree.

- `guard_file(path, within=..., limit=...)`: resolves a path to read; refuses what lies outside
  the folder it belongs to (symlinks included), what is not a regular file (a FIFO, a device such
  as /dev/zero, a folder) and what is bigger than its limit, all *before* the file is opened or
  hashed. `read_bytes` / `read_text` guard, then read at most the limit.
- `guard_inside(folder, name)`: an output path: a plain file name inside `folder`, never a
  folder itself.
- `os_error(exc, path, doing)`: an `OSError` as an `InputError` (reading) or `OutputError`
  (writing), one paragraph naming the path and the reason ("No space left on device",
  "Permission denied", "Is a directory" ...). `reading(path)` / `writing(path)` are the same as
  context managers.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from faktaark.core.limits import MAX_BYTES
from faktaark.core.portable import open_flags
from faktaark.errors import FaktaarkError, InputError, OutputError, UsageError

__all__ = [
    "DISK_FULL",
    "SLUG",
    "check_length",
    "guard_file",
    "guard_inside",
    "guard_out_dir",
    "guard_out_file",
    "os_error",
    "out_folder",
    "read_bytes",
    "read_text",
    "reading",
    "shown",
    "writing",
]

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
DISK_FULL = "No space left on device"  # in the message of every full-disk OutputError


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{DISK_FULL}: the disk is full"
    return exc.strerror or type(exc).__name__


def shown(path: str | Path) -> str:
    """A path as a message names it: whole, unless it is absurdly long (then its start and
    end, and its length)."""
    text = str(path)
    if len(text) <= 200:
        return text
    return f"{text[:60]}...{text[-60:]} ({len(os.fsencode(text))} bytes)"


NAME_MAX = 255  # bytes of one name in a path (characters on Windows), on every file system


def _path_max() -> int:
    return {"win32": 32_767, "darwin": 1024}.get(sys.platform, 4096)


def check_length(path: str | Path, what: str, room: int = 0, reading: bool = False) -> None:
    """Refuse a path with a name longer than file systems allow, or longer as a whole (with
    `room` bytes for the names a run adds) than this system allows: one message naming it,
    before any system call fails on it (`InputError` with `reading`, else `OutputError`)."""
    cls = InputError if reading else OutputError
    p = Path(path)
    for part in p.parts:
        size = len(part) if sys.platform == "win32" else len(os.fsencode(part))
        if size > NAME_MAX:
            name = "" if part == str(path) else f" ({shown(part)})"
            raise cls(
                f"{shown(path)}: the {what} path has a name of {size} bytes{name}; file "
                f"systems allow at most {NAME_MAX}. Use a shorter name."
            )
    total = len(os.fsencode(str(p.absolute()))) + room
    if total > _path_max():
        raise cls(
            f"{shown(path)}: the {what} path is {total - room} bytes long"
            + (f" (+{room} for the file names in it)" if room else "")
            + f"; this system allows at most {_path_max()}. Use a shorter path."
        )


def os_error(exc: OSError, path: str | Path | None = None, doing: str = "read") -> FaktaarkError:
    """`exc` as the error faktaark raises: `OutputError` for writing, else `InputError`."""
    where = shown(path if path is not None else (exc.filename or ""))
    cls = OutputError if doing == "write" else InputError
    verb = {"write": "cannot write", "read": "cannot read"}.get(doing, f"cannot {doing}")
    return cls(f"{where}: {verb}: {_reason(exc)}.")


@contextlib.contextmanager
def reading(path: str | Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise os_error(exc, path, "read") from exc


@contextlib.contextmanager
def writing(path: str | Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise os_error(exc, path, "write") from exc


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO, a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def guard_file(
    path: str | Path,
    *,
    within: Path | None = None,
    limit: int = MAX_BYTES,
    what: str = "file",
) -> Path:
    """The resolved path of a regular file to read, inside `within` when given, at most
    `limit` bytes; raises `InputError` otherwise. Nothing is opened."""
    raw = str(path)
    if raw == "" or "\x00" in raw:
        raise InputError(f"{raw!r}: not a valid {what} path.")
    check_length(raw, what, reading=True)
    p = Path(raw)
    try:
        resolved = p.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise InputError(f"{p}: cannot resolve the {what} path ({exc}).") from exc
    try:
        st: os.stat_result | None = os.stat(resolved)
    except OSError as exc:
        st, missing = None, exc
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise InputError(f"{p}: not a regular file ({_kind(st.st_mode)}); refused.")
    if within is not None:
        base = within.resolve()
        if not resolved.is_relative_to(base):
            raise InputError(f"{p}: the {what} lies outside its folder {base}; refused.")
    if st is None:
        raise os_error(missing, p, "read") from missing
    if st.st_size > limit:
        raise InputError(
            f"{p}: {st.st_size / 1024 / 1024:.1f} MB, more than the limit of "
            f"{limit / 1024 / 1024:.0f} MB for a {what}; refused."
        )
    if not os.access(resolved, os.R_OK):
        raise InputError(f"{p}: cannot read: Permission denied.")
    return resolved


def read_bytes(
    path: str | Path, *, within: Path | None = None, limit: int = MAX_BYTES, what: str = "file"
) -> bytes:
    """Guard, then read at most `limit` bytes (a file that grows meanwhile is refused)."""
    p = guard_file(path, within=within, limit=limit, what=what)
    with reading(path):
        fd = os.open(p, open_flags(os.O_RDONLY, nonblock=True))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since the guard
                raise InputError(f"{path}: not a regular file; refused.")
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{path}: more than {limit // 1024 // 1024} MB; refused.")
    return data


def read_text(
    path: str | Path,
    *,
    within: Path | None = None,
    limit: int = MAX_BYTES,
    what: str = "file",
    encoding: str = "utf-8",
) -> str:
    data = read_bytes(path, within=within, limit=limit, what=what)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"{path}:{line}: not valid UTF-8 at line {line}, column {col} "
            f"(byte {data[exc.start : exc.start + 1]!r})."
        ) from exc


def guard_out_dir(out: str | Path, *, what: str = "output folder") -> Path:
    """Create the output folder (and its parents); `OutputError` naming it when it cannot be."""
    raw = str(out)
    if raw == "" or "\x00" in raw:
        raise OutputError(f"{raw!r}: not a valid {what}.")
    check_length(raw, what, room=64)  # 64: the longest name a run writes in it, and more
    p = Path(raw)
    try:
        st: os.stat_result | None = p.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:  # a parent that is a file, no permission to look ...
        if exc.errno != errno.ENOTDIR:
            raise os_error(exc, p, "write") from exc
        raise OutputError(f"{p}: cannot create the {what}: a parent is a file.") from exc
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{p}: the {what} is a file, not a folder.")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputError(f"{p}: cannot create the {what}: a parent is a file.") from exc
    except NotADirectoryError as exc:
        raise OutputError(f"{p}: cannot create the {what}: a parent is a file.") from exc
    except OSError as exc:
        raise os_error(exc, p, "write") from exc
    if not os.access(p, os.W_OK | os.X_OK):
        raise OutputError(f"{p}: cannot write into the {what}: Permission denied.")
    return p


def guard_out_file(path: str | Path, what: str = "output file") -> Path:
    """A file to write (replace) as a whole: a sane path that is not an existing folder,
    device, FIFO or socket (writing "to" /dev/full or a named pipe is refused, never a
    rename over it); `OutputError` naming it otherwise."""
    raw = str(path)
    if raw == "" or "\x00" in raw:
        raise OutputError(f"{raw!r}: not a valid {what} path.")
    check_length(raw, what)
    p = Path(raw)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return p
    except OSError as exc:
        raise os_error(exc, p, "write") from exc
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{p}: the {what} is {_kind(st.st_mode)}, not a file; refused.")
    return p


def guard_inside(folder: Path, name: str) -> Path:
    """`folder/name` for a plain file name: no separator, not `.` or `..`, no NUL. What
    faktaark writes is always such a name inside the folder it was given."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise OutputError(f"{name!r}: not a plain file name inside {folder}; refused.")
    return folder / name


def out_folder(out: object) -> Path:
    """`out` as a folder path (a str or Path, not empty); a `UsageError` for anything else."""
    if isinstance(out, Path) or (isinstance(out, str) and out.strip()):
        if "\x00" in str(out):
            raise UsageError(f"out: {str(out)!r} is not a folder path.")
        return Path(out)
    raise UsageError(f"out must be a folder path (str or Path), got {out!r}.")

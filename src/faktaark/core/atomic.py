"""Writing files so that no reader ever sees half of one.

`write_atomic` writes next to the target under a temporary name and renames it into place;
`clean_leftovers` removes the temporary files an interrupted run left behind (only names of
exactly the form `write_atomic` makes).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path

from faktaark.core.paths import writing
from faktaark.core.portable import open_flags, pid_alive

__all__ = ["DIR_FD", "TMP_PREFIX", "clean_leftovers", "is_leftover", "is_stale_leftover",
           "remove", "sha256", "write_atomic"]  # fmt: skip

TMP_PREFIX = ".faktaark-tmp-"
# exactly the names `write_atomic` makes: prefix, process id, 16 hex digits, ".part"
_TMP_NAME = re.compile(rf"{re.escape(TMP_PREFIX)}\d+-[0-9a-f]{{16}}\.part")


def is_leftover(name: str) -> bool:
    """Is `name` a temporary file of `write_atomic` (and nothing a user could have named)?"""
    return _TMP_NAME.fullmatch(name) is not None


def is_stale_leftover(name: str) -> bool:
    """A temporary file of `write_atomic` whose writer is gone (not another run's live file)."""
    return is_leftover(name) and not _writer_alive(name)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# writes relative to an open folder (POSIX): they land in that folder even when its path is
# swapped for a symlink meanwhile
DIR_FD = all(f in os.supports_dir_fd for f in (os.open, os.rename, os.unlink))


def write_atomic(path: Path, data: bytes, folder: int | None = None) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename. An OS error
    (a full disk, no permission, a folder where the file belongs) is an `OutputError` naming
    `path`; no temporary file is left behind. `folder`: an open descriptor of `path`'s folder
    (`open_folder`): the file is written into that folder whatever its path names by now."""
    with writing(path):
        _write(path, data, folder if DIR_FD else None)


def _write(path: Path, data: bytes, folder: int | None) -> None:
    if folder is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    # a new name (O_EXCL) in the same folder, created with the ordinary mode less the umask
    name = f"{TMP_PREFIX}{os.getpid()}-{os.urandom(8).hex()}.part"
    tmp, final = (name, path.name) if folder is not None else (path.parent / name, path)
    fd = os.open(tmp, open_flags(os.O_WRONLY | os.O_CREAT | os.O_EXCL), 0o666, dir_fd=folder)
    try:
        try:  # straight to the descriptor: no file object for a single write
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        # rename after a complete write: a killed process (Ctrl-C, kill -9) never leaves a
        # truncated file under the final name. No fsync: that guards against power loss only,
        # and costs more than drawing a page.
        os.replace(tmp, final, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=folder)
        raise


def remove(path: Path, folder: int | None = None) -> None:
    """Remove `path` if it is there (in the open `folder`, when given)."""
    with contextlib.suppress(FileNotFoundError):
        if folder is not None and DIR_FD:
            os.unlink(path.name, dir_fd=folder)
        else:
            path.unlink()


def _writer_alive(name: str) -> bool:
    """Is the process that is writing this temporary file still running (another run)?"""
    pid = int(name[len(TMP_PREFIX) :].split("-", 1)[0])
    return pid != os.getpid() and pid_alive(pid)


def clean_leftovers(folder: Path) -> int:
    """Remove temporary files an interrupted run left behind (exactly the names `write_atomic`
    makes: a user's `.faktaark-tmp-notes.txt` is kept); returns how many."""
    n = 0
    if folder.is_dir():
        for f in folder.glob(f"{TMP_PREFIX}*"):
            if not is_leftover(f.name) or not f.is_file() or _writer_alive(f.name):
                continue
            with contextlib.suppress(OSError):
                f.unlink()
                n += 1
    return n

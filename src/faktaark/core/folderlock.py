"""One run at a time writes into an output folder: a lock file in that folder.

`lock_folder(out)` takes an exclusive lock on `out/.faktaark.lock` for the time a run writes
there (a batch with its manifest and `--clean`, or one sheet of the API). A second run into the
same folder waits until the first has finished, and says so once (`on_wait`); a run in another
folder is not affected. The lock belongs to the open file, so it ends with the process however
that ends (`kill -9` included): there is never a stale lock to remove by hand. The file
is removed when the run ends (a waiting run then locks the new one it makes; one left by a
killed run is simply locked and removed by the next); it holds the process id of the run that
has it, for the message of the one that waits.

The lock also remembers which folder it is in (`FolderLock.same_folder`): a run whose output
folder was removed, renamed or replaced by a symlink while it ran does not report success.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from faktaark.core.atomic import DIR_FD
from faktaark.core.paths import os_error
from faktaark.core.portable import open_flags, try_lock, unlock
from faktaark.errors import OutputError

__all__ = ["LOCK_NAME", "FolderLock", "folder_id", "lock_folder", "open_folder"]

LOCK_NAME = ".faktaark.lock"
FolderId = tuple[int, int]


def folder_id(folder: Path) -> FolderId | None:
    """(device, inode) of `folder` itself (a symlink in its place is not it), or None."""
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


@contextlib.contextmanager
def open_folder(folder: Path, ident: FolderId | None) -> Iterator[int | None]:
    """An open descriptor of `folder`, which must still be the folder `ident` names (not a
    symlink put in its place): what is written through it lands there, whatever the path
    names by then. None where folders cannot be opened so (Windows, whose folders cannot be
    renamed or removed while the run holds its lock file in them). `OutputError` when the
    folder was removed or replaced."""
    if not DIR_FD:
        if ident is None or folder_id(folder) != ident:
            raise OutputError(replaced_message(folder))
        yield None
        return
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(folder, flags)
    except OSError as exc:
        raise OutputError(replaced_message(folder)) from exc
    try:
        st = os.fstat(fd)
        if ident is None or (st.st_dev, st.st_ino) != ident:
            raise OutputError(replaced_message(folder))
        yield fd
    finally:
        os.close(fd)


class FolderLock:
    """The lock of one run on its output folder."""

    def __init__(self, folder: Path, ident: FolderId | None) -> None:
        self.folder = folder
        self.ident = ident

    def same_folder(self) -> bool:
        """Is `folder` still the folder that was locked (not removed, renamed, replaced)?"""
        return self.ident is not None and folder_id(self.folder) == self.ident

    def check(self) -> None:
        """`OutputError` when the folder is no longer the one this run locked."""
        if not self.same_folder():
            raise OutputError(replaced_message(self.folder))


def replaced_message(folder: Path) -> str:
    return (
        f"{folder}: the output folder was removed, renamed or replaced (by a symlink?) while "
        "this run was writing into it; nothing more was written, and no manifest. Run again."
    )


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (process {text})" if text.isdigit() else ""


def _same_file(fd: int, path: Path) -> bool:
    """Is `path` (not followed) still the file open as `fd`?"""
    try:
        st, mine = os.lstat(path), os.fstat(fd)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _open(path: Path) -> int:
    try:
        fd = os.open(path, open_flags(os.O_RDWR | os.O_CREAT, nofollow=True), 0o666)
    except OSError as exc:
        raise os_error(exc, path, "write") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(f"{path}: not a regular file; refused.")
    return fd


def _acquire(path: Path, folder: Path, on_wait: Callable[[str], None] | None, poll: float) -> int:
    """An open lock file that this process holds the lock of, and that is still `path` (a
    run that finished meanwhile removes its lock file: then lock the new one)."""
    waited = False
    while True:
        fd = _open(path)
        while not try_lock(fd):
            if not waited and on_wait is not None:
                on_wait(
                    f"{folder}: another faktaark run{_holder(fd)} is writing into this folder; "
                    "waiting until it has finished ..."
                )
            waited = True
            time.sleep(poll)
        if _same_file(fd, path):
            return fd
        unlock(fd)
        os.close(fd)


@contextlib.contextmanager
def lock_folder(
    folder: Path, on_wait: Callable[[str], None] | None = None, poll: float = 0.05
) -> Iterator[FolderLock]:
    """Hold the lock of `folder` (an existing folder) for the `with` block; wait for another
    run that holds it, calling `on_wait(message)` once. The lock file is removed afterwards
    (one left by a killed run is simply locked and removed by the next)."""
    path = folder / LOCK_NAME
    fd = _acquire(path, folder, on_wait, poll)
    try:
        with contextlib.suppress(OSError):  # for the message of a run that waits
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".encode())
        yield FolderLock(folder, folder_id(folder))
    finally:
        mine = _same_file(fd, path)  # never another folder's lock file (a swapped folder)
        if mine and sys.platform != "win32":  # removed while held: a waiter then locks anew
            with contextlib.suppress(OSError):
                os.unlink(path)
        unlock(fd)
        os.close(fd)
        if mine and sys.platform == "win32":  # Windows removes no open file: after closing
            with contextlib.suppress(OSError):
                os.unlink(path)

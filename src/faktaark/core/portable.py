"""What differs between Linux, macOS and Windows, in one place, each with its fallback.

faktaark runs on CPython 3.11+ on Linux, macOS and Windows. Everything that is not the same
on all three goes through here, so that no other module names a POSIX-only call (`mypy
--strict --platform win32` and `--platform darwin` hold that, in `tools/check.sh`):

- `open_flags(...)`: `os.open` flags, with the ones a platform lacks left out (`O_NONBLOCK`,
  `O_NOFOLLOW`, `O_NOCTTY` are POSIX; `O_BINARY` is Windows', without which a file opened by
  `os.open` is read and written in text mode there);
- `pid_alive(pid)`: is a process running? (`os.kill(pid, 0)` on POSIX; on Windows `os.kill`
  would *terminate* it, so the process is asked for its exit code instead);
- `private_file_ok(st)`: a file only its owner can read and write (POSIX: the owner is this
  user and no group or other bits are set; Windows keeps a user's profile private by its ACL,
  and has neither uids nor meaningful mode bits);
- `try_lock(fd)` / `unlock(fd)`: an exclusive lock on an open file that ends with the process
  (`fcntl.flock` on POSIX, `msvcrt.locking` on Windows).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys

__all__ = ["has_nofollow", "open_flags", "pid_alive", "private_file_ok", "try_lock", "unlock"]


def open_flags(base: int, *, nofollow: bool = False, nonblock: bool = False) -> int:
    """`base` (os.O_RDONLY, os.O_WRONLY | os.O_CREAT ...) with binary mode, no controlling
    terminal, and (when asked and where there is such a flag) no symlink and no blocking."""
    flags = base | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    if nofollow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    if nonblock:  # a FIFO opened for reading does not wait for a writer
        flags |= getattr(os, "O_NONBLOCK", 0)
    return flags


def has_nofollow() -> bool:
    """Can `os.open` refuse a symlink itself (else: check with `lstat` first)?"""
    return hasattr(os, "O_NOFOLLOW")


def pid_alive(pid: int) -> bool:
    """Is process `pid` running (a zombie is not)? Unsure (no permission to ask): True."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _win_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # another user's process
    try:  # a zombie (a killed worker nobody reaped yet) writes nothing any more (Linux)
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _win_pid_alive(pid: int) -> bool:
    if sys.platform != "win32":  # for mypy: the branch below type-checks on Windows only
        return True
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def private_file_ok(st: os.stat_result) -> bool:
    """A regular file that belongs to this user and that nobody else may read or write."""
    if not stat.S_ISREG(st.st_mode):
        return False
    if sys.platform == "win32":
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o077


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on the open file `fd` without waiting; False when another
    process holds it. The lock ends when the file is closed or the process ends."""
    if sys.platform == "win32":
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)  # the lock covers the first byte
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except PermissionError:  # held by another process
            return False
        except OSError:  # a file system without locks: the run goes on unlocked
            return True
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # a file system without locks (some network shares): run unlocked
        return True
    return True


def unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)

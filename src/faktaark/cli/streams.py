"""The command line's standard streams: writing its output never ends in a traceback.

- stdout closed (`>&-`) or failing (`> /dev/full`, a disk that fills): one paragraph on
  stderr, exit 1. A broken pipe (`faktaark list | head -1`) ends quietly.
- stderr closed (`2>&-`): messages go nowhere, the exit code is still the right one.
- An ASCII-only stdout (`PYTHONIOENCODING=ascii`) gets UTF-8, as Typer's own output does:
  never a `UnicodeEncodeError` for "København".
- File names that are not UTF-8 (bytes Python holds as surrogate escapes) are written as the
  bytes they are, on stdout and stderr; any other character stderr cannot show is escaped.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import sys
from typing import Any

__all__ = ["finish", "prepare", "stdout_failure"]

_HANDLER = "faktaark-display"


def _display(exc: UnicodeError) -> tuple[str | bytes, int]:
    """Error handler for stderr: surrogate-escaped bytes (a file name that is not UTF-8) as
    those bytes, anything else the encoding lacks as a backslash escape."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    if all(0xDC80 <= ord(c) <= 0xDCFF for c in chunk):
        return bytes(ord(c) - 0xDC00 for c in chunk), exc.end
    return codecs.backslashreplace_errors(exc)


class _Watched(io.RawIOBase):
    """stdout's file descriptor, remembering the error of a write that failed (so that the
    command line can tell a failing stdout from any other OSError)."""

    error: OSError | None = None

    def __init__(self, fd: int | None, name: str = "standard output") -> None:
        super().__init__()
        self.fd = fd
        self.name = name

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        try:
            if self.fd is None:
                raise OSError(errno.EBADF, f"{self.name} is closed")
            return os.write(self.fd, data)
        except OSError as exc:
            _Watched.error = exc
            raise

    def fileno(self) -> int:
        if self.fd is None:
            raise OSError(errno.EBADF, f"{self.name} is closed")
        return self.fd

    def isatty(self) -> bool:
        return self.fd is not None and os.isatty(self.fd)


def _fd(stream: Any) -> int | None:
    try:
        return int(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return None


def prepare() -> None:
    """Make the standard streams safe to write to (see the module's docstring)."""
    try:
        codecs.lookup_error(_HANDLER)
    except LookupError:
        codecs.register_error(_HANDLER, _display)
    if sys.stderr is None:  # closed: messages go nowhere
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    out: Any = sys.stdout
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        if codecs.lookup(encoding).name == "ascii":
            encoding = "utf-8"  # as Typer's own output does
    except LookupError:
        encoding = "utf-8"
    fd = None if out is None else _fd(out)
    if out is None or (fd is not None and not os.isatty(fd)):  # a terminal is left as it is
        if out is not None:
            with contextlib.suppress(OSError, ValueError):
                out.flush()
        raw = _Watched(fd)  # unbuffered as the stream was (PYTHONUNBUFFERED), else buffered
        buffered = isinstance(getattr(out, "buffer", None), io.BufferedWriter)
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(raw) if buffered else raw,
            encoding=encoding,
            errors="surrogateescape",
            line_buffering=bool(getattr(out, "line_buffering", False)),
            write_through=bool(getattr(out, "write_through", False)),  # PYTHONUNBUFFERED
        )
    else:
        with contextlib.suppress(AttributeError, ValueError, LookupError):
            out.reconfigure(encoding=encoding, errors="surrogateescape")
    with contextlib.suppress(AttributeError, ValueError, LookupError):
        sys.stderr.reconfigure(errors=_HANDLER)  # type: ignore[union-attr]


def stdout_failure(exc: BaseException) -> str | None:
    """The message for `exc` when it is a failure to write stdout, else None: any other
    error is not the stream's."""
    if isinstance(exc, OSError) and exc is _Watched.error:
        return _message(exc)
    return None


def finish() -> str | None:
    """Write what stdout still holds; the message when that fails (None: all written)."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        return _message(exc)
    except ValueError:
        return None
    return None


def _message(exc: OSError) -> str:
    if exc.errno == errno.EPIPE:
        return ""  # the reader has gone (`| head`): nothing to say
    reason = exc.strerror or str(exc)
    return f"Error: cannot write to standard output: {reason}; the output is incomplete."

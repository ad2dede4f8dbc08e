"""A worker process of the batch: faktaark's own entry point, never the caller's `__main__`.

The pool (`faktaark.builder.pool`) starts each worker as a fresh interpreter running `BOOT`
(`python -c ...`): it reads the parent's `sys.path`, imports this module and runs `main`. So a
worker never imports the script, notebook or program that called faktaark (a script without an
`if __name__ == "__main__":` guard, `python - < script.py`, a Jupyter kernel, a thread of
another program or a worker of another process pool all work alike), and it behaves the same on
Linux, macOS and Windows: the standard library's subprocess and pipes, nothing POSIX-only.

The protocol is frames on the worker's stdin and stdout: an 8-byte length, then a pickle.
The parent sends `("init", function, args)` once and then `("job", function, job)`; the
worker says `("ready", pid)` once it has run the init, then answers each job, in order, with
`("ok", result)` or `("error", text)`. End of input
(the parent closed the pipe, or died in any way, `kill -9` included) ends the worker: no worker
outlives the process that started it by more than the sheet it is building.

While the parent prepares the data, the worker imports what drawing needs (`PRELOAD`) and
parses the fonts, so that this time overlaps with the parent's own start-up; meanwhile a
thread of the worker takes the parent's frames off the pipe as they arrive, so the parent never
waits for a pipe the worker is too busy to read.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import sys
import threading
from typing import IO, Any

__all__ = ["BOOT", "PRELOAD", "main", "receive", "send"]

# what each worker imports before its first sheet (render and fonts import these ReportLab
# modules only when they first draw: without them here, each worker paid ~15 ms on its first sheet)
PRELOAD = [
    "faktaark.api",
    "faktaark.plan.planner",
    "faktaark.pdf.render",
    "faktaark.pdf.pdfa",
    "faktaark.pdf.validate",
    "faktaark.pdf.scan",
    "faktaark.builder.batch",
    "faktaark.builder.sheet",
    "reportlab.pdfgen.canvas",
    "reportlab.pdfbase.ttfonts",
    "reportlab.lib.colors",
]

_HEAD = struct.Struct("<Q")
MAX_FRAME = 1 << 30  # a sheet's result is well under 1 MB; anything bigger is a broken stream

# The worker's first lines, run with `python -c`: the parent's sys.path comes first (as one
# frame), so that faktaark is found exactly where the parent found it. At the end of its input
# it leaves without the interpreter's clean-up (every file it wrote is closed, every answer
# flushed): tearing down a few hundred modules took 25-40 ms, which the batch's parent waited
# for before it could write the manifest.
BOOT = (
    "import sys, pickle, struct; "
    "n, = struct.unpack('<Q', sys.stdin.buffer.read(8)); "
    "sys.path[:] = pickle.loads(sys.stdin.buffer.read(n)); "
    "from faktaark.builder.worker import main; "
    "main(); "
    "import os; os._exit(0)"
)


def send(stream: IO[bytes], message: object) -> None:
    """Write one frame and flush it; `OSError` when the other side has gone."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEAD.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """Read one frame; None at the end of the stream (the other side has gone)."""
    return _message(_frame(stream))


def _frame(stream: IO[bytes]) -> bytes | None:
    """The bytes of one frame; None at the end of the stream or when it is broken."""
    try:
        head = stream.read(_HEAD.size)
        if len(head) < _HEAD.size:
            return None
        (size,) = _HEAD.unpack(head)
        if size > MAX_FRAME:
            return None
        data = stream.read(size)
        return data if len(data) == size else None
    except Exception:  # a broken stream: the other side has gone
        return None


def _message(data: bytes | None) -> Any:
    try:
        return None if data is None else pickle.loads(data)
    except Exception:  # a class the other side cannot find: as good as gone
        return None


def _take_in(stream: IO[bytes], frames: queue.SimpleQueue[bytes | None]) -> None:
    """Take each frame off the input as it arrives, None at its end (a thread). The parent's
    first message (the prepared data, about 160 KB) is more than a pipe holds: read here
    while this worker still imports, the parent never waits for it (it did, 40-50 ms,
    before building its own first sheet)."""
    while True:
        data = _frame(stream)
        frames.put(data)
        if data is None:
            return


def _quiet_signals() -> None:
    """A Ctrl-C or a hang-up reaches the whole process group: the parent handles them and ends
    its workers; a worker only ever stops at the end of its input (or when terminated)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    hup = getattr(signal, "SIGHUP", None)  # POSIX only
    if hup is not None:
        signal.signal(hup, signal.SIG_IGN)


def _warm_up() -> None:
    import contextlib
    import importlib

    for name in PRELOAD:
        with contextlib.suppress(ImportError):  # a missing module costs time later, not the run
            importlib.import_module(name)
    from faktaark.text.fonts import metrics

    metrics()  # parse the fonts once per worker


def main() -> None:
    """Serve jobs until the end of the input."""
    _quiet_signals()
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    # the protocol owns stdout: a library that prints must not corrupt a frame
    sys.stdout = sys.stderr
    frames: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    threading.Thread(target=_take_in, args=(inp, frames), daemon=True).start()
    _warm_up()
    while True:
        message = _message(frames.get())
        if message is None:
            return
        kind, fn, arg = message
        if kind == "init":
            try:
                fn(*arg)
            except Exception as exc:  # nothing can be built: say so for every job
                _fail_all(frames, out, ("error", f"{type(exc).__name__}: {exc}"))
                return
            answer: tuple[str, object] = ("ready", os.getpid())
        else:
            try:
                answer = ("ok", fn(arg))
            except Exception as exc:  # a bug: reported with the sheet, never as a traceback
                answer = ("error", f"{type(exc).__name__}: {exc}")
        try:
            send(out, answer)
        except OSError:  # the parent has gone
            return


def _fail_all(
    frames: queue.SimpleQueue[bytes | None], out: IO[bytes], answer: tuple[str, object]
) -> None:
    while _message(frames.get()) is not None:
        try:
            send(out, answer)
        except OSError:
            return


if __name__ == "__main__":
    main()

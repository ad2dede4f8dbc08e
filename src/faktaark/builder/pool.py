"""Running sheets in worker processes of faktaark's own, and noticing when one of them dies.

Each worker is a fresh interpreter started from faktaark's own entry point
(`faktaark.builder.worker`), never from the caller's `__main__`: a script without a main guard,
`python -`, `python -c`, a notebook kernel, pytest, a thread of another program and a worker of
another process pool all start the same workers, on Linux, macOS and Windows (what
`multiprocessing` calls the `spawn` start method, made with `subprocess` and two pipes).

`run_in_workers` feeds one sheet at a time to each worker. A worker that dies (kill -9, the
out-of-memory killer) fails the sheet it had; the others go on, and when none is left the
sheets not yet built fail too ("a worker process died ..."): the batch never waits for a dead
worker. A Ctrl-C (or SIGTERM, SIGHUP: the command line turns them into one) ends the workers at
once. A worker whose parent is gone (even after `kill -9`) sees its input end and exits.

`start_early(n)` starts workers before the caller has loaded its data, so that their imports
overlap with it; `run_in_workers` takes them, and `stop_standby` ends those never used.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import logging
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from faktaark.builder.jobs import check_jobs, worker_count
from faktaark.builder.worker import BOOT, receive, send

if TYPE_CHECKING:
    from faktaark.builder.manifest import SheetOutcome

__all__ = ["WORKER_DIED", "PoolUnavailable", "check_jobs", "run_in_workers", "start_early",
           "stop_standby", "worker_count"]  # fmt: skip

WORKER_DIED = (
    "a worker process died while building this sheet (killed, or out of memory); not built"
)
Job = tuple[int, str, str]
log = logging.getLogger("faktaark")
# Jobs a worker holds: the one it builds and two more. This process builds sheets too, and
# only gives out jobs between its own; with one job in reserve a worker ran dry whenever a
# sheet here took longer than one there (a process's first sheets do), idle for a sixth of a
# 98-sheet run. Near the end it is given two at most, so that it is not left with the last
# few sheets while this process has none.
_AHEAD, _AHEAD_AT_END = 3, 2
_POLL = 0.25  # seconds: how often a wait wakes up (a Ctrl-C is handled within this on Windows)


class PoolUnavailable(Exception):
    """No worker process can be started here (no Python executable to run, no free process
    or file slot): the batch then builds in its own process and says so."""


class _Worker:
    __slots__ = ("jobs", "proc", "ready")

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.jobs: collections.deque[Job] = collections.deque()  # given, not yet answered
        self.ready = False  # it has started and run the init: it builds what it is given


def _executable() -> str:
    exe = sys.executable
    if not exe or getattr(sys, "frozen", False):
        raise PoolUnavailable("this Python has no interpreter to start workers with")
    return exe


def _spawn() -> subprocess.Popen[bytes]:
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # Windows: no console window per worker
    try:
        proc = subprocess.Popen(
            [_executable(), "-c", BOOT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, close_fds=True, creationflags=flags,
        )  # fmt: skip
    except OSError as exc:  # EMFILE, EAGAIN, ENOMEM, a missing executable
        raise PoolUnavailable(f"cannot start a worker process: {exc.strerror or exc}") from exc
    assert proc.stdin is not None
    with contextlib.suppress(OSError):  # it died at once: noticed when it is given work
        send(proc.stdin, list(sys.path))
    return proc


_STANDBY: list[subprocess.Popen[bytes]] = []
_LOCK = threading.Lock()


def start_early(n: int) -> None:
    """Have `n` workers started (they import and parse the fonts while the caller loads its
    data): those already waiting count; `run_in_workers` takes them. Never raises: the batch
    starts them itself later."""
    with _LOCK:
        missing = max(0, n) - sum(1 for p in _STANDBY if p.poll() is None)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(missing):
            procs.append(_spawn())
    except PoolUnavailable:
        pass
    with _LOCK:
        _STANDBY.extend(procs)


def stop_standby() -> None:
    """End the workers started early and never used."""
    with _LOCK:
        procs = list(_STANDBY)
        _STANDBY.clear()
    _end([_Worker(p) for p in procs], at_once=False)


atexit.register(stop_standby)


def _take(n: int) -> list[_Worker]:
    with _LOCK:
        mine = [p for p in _STANDBY if p.poll() is None][:n]
        rest = [p for p in _STANDBY if p not in mine]
        _STANDBY.clear()
    _end([_Worker(p) for p in rest], at_once=True)
    workers = [_Worker(p) for p in mine]
    try:
        while len(workers) < n:
            workers.append(_Worker(_spawn()))
    except PoolUnavailable:
        if not workers:
            raise
    return workers


def _end(workers: Sequence[_Worker], at_once: bool) -> None:
    """Close every worker's input (it exits); `at_once`: terminate them too (an interrupt,
    a stop). Waits until each has exited, killing what does not within 2 s."""
    for w in workers:
        if at_once and w.proc.poll() is None:
            with contextlib.suppress(OSError):
                w.proc.terminate()
        with contextlib.suppress(OSError, ValueError):
            if w.proc.stdin is not None:
                w.proc.stdin.close()
    for w in workers:
        try:
            w.proc.wait(2)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                w.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                w.proc.wait(2)
    for w in workers:  # it has exited: its reader has its end of output, or gets it now
        with contextlib.suppress(OSError, ValueError):
            if w.proc.stdout is not None:
                w.proc.stdout.close()


def _reader(w: _Worker, inbox: queue.Queue[tuple[_Worker, Any]]) -> None:
    """Pass each answer of `w` to the inbox; None once its output ends (it has exited)."""
    assert w.proc.stdout is not None
    while True:
        answer = receive(w.proc.stdout)
        inbox.put((w, answer))
        if answer is None:
            return


def _give(w: _Worker, kind: str, fn: Callable[..., Any], arg: object) -> bool:
    assert w.proc.stdin is not None
    try:
        send(w.proc.stdin, (kind, fn, arg))
    except (OSError, ValueError):  # it has died (its reader reports it)
        return False
    return True


def run_in_workers(
    jobs: int,
    todo: Sequence[Job],
    build: Callable[[Job], SheetOutcome],
    init: Callable[..., None],
    initargs: tuple[Any, ...],
    failed: Callable[[Job, str], SheetOutcome],
    stop_early: Callable[[SheetOutcome], bool],
    local: Callable[[Job], SheetOutcome] | None = None,
) -> Iterator[SheetOutcome]:
    """The outcome of every job of `todo`, as they finish, from `jobs` worker processes (each
    first runs `init(*initargs)`) and, with `local`, from this process too: between the
    answers of its workers it builds a sheet itself (so `--jobs 2` is this process and one
    worker; a worker's start costs more than a sheet). `stop_early(outcome)` True stops the
    run (fail-fast, a full disk): the remaining jobs are not started. Without `local`,
    raises `PoolUnavailable`, before any outcome, when no worker can be started or every one
    exits before it is ready; with it, this process then builds them all."""
    try:
        workers = _take(jobs) if jobs > 0 else []
    except PoolUnavailable as exc:
        if local is None:
            raise
        log.warning("%s; building the sheets in this process instead.", exc)
        workers = []
    inbox: queue.Queue[tuple[_Worker, Any]] = queue.Queue()
    live = [w for w in workers if _give(w, "init", init, initargs)]
    if workers and not live and local is None:
        _end(workers, at_once=True)
        raise PoolUnavailable("the worker processes exited as they started")
    for w in workers:
        threading.Thread(target=_reader, args=(w, inbox), daemon=True).start()
    waiting = collections.deque(todo)
    try:
        while (live or local is not None) and (waiting or any(w.jobs for w in live)):
            # each worker holds its sheet and the next ones, so it never waits for this loop
            ahead = _AHEAD if len(waiting) > 2 * _AHEAD * len(live) else _AHEAD_AT_END
            for w in list(live):
                while waiting and len(w.jobs) < ahead:
                    job = waiting.popleft()
                    w.jobs.append(job)
                    if not _give(w, "job", build, job):  # it has died: its reader says so
                        break
            mine = local is not None and bool(waiting)
            for w, answer in _answers(inbox, block=not mine):
                outcome = _settle(w, answer, live, workers, waiting, failed, local is None)
                if outcome is not None:
                    yield outcome
                    if stop_early(outcome):
                        return
            if mine and waiting and local is not None:  # this process builds one itself
                outcome = local(waiting.popleft())
                yield outcome
                if stop_early(outcome):
                    return
        while waiting:  # no worker left: the rest cannot be built
            outcome = failed(waiting.popleft(), WORKER_DIED)
            yield outcome
            if stop_early(outcome):
                return
    finally:
        _end(workers, at_once=any(w.jobs for w in workers) or bool(waiting))


def _answers(inbox: queue.Queue[tuple[_Worker, Any]], block: bool) -> list[tuple[_Worker, Any]]:
    """The answers that have arrived; with `block`, wait up to `_POLL` for the first."""
    got = []
    try:
        got.append(inbox.get(timeout=_POLL) if block else inbox.get_nowait())
        while True:
            got.append(inbox.get_nowait())
    except queue.Empty:
        pass
    return got


def _settle(
    w: _Worker, answer: Any, live: list[_Worker], workers: Sequence[_Worker],
    waiting: collections.deque[Job], failed: Callable[[Job, str], SheetOutcome], alone: bool,
) -> SheetOutcome | None:  # fmt: skip
    """What an answer of `w` means: the outcome of its sheet, or None (it is ready, or it
    exited between sheets). `alone`: no local builder (every worker gone unready: no pool)."""
    if answer is None:  # the worker has exited: it is given nothing more
        if w in live:
            live.remove(w)
        if not w.ready:  # it never started: what it was given goes back in line
            waiting.extendleft(reversed(w.jobs))
            w.jobs.clear()
            if not live and not any(x.ready for x in workers):
                why = "the worker processes exited as they started"
                if alone:
                    raise PoolUnavailable(why)
                log.warning("%s; building the sheets in this process instead.", why)
            return None
        if not w.jobs:
            return None
        # the sheet it was building failed; those it had not started go back in line
        job, *unstarted = w.jobs
        w.jobs.clear()
        waiting.extendleft(reversed(unstarted))
        return failed(job, WORKER_DIED)
    if answer[0] == "ready":
        w.ready = True
        return None
    job = w.jobs.popleft()
    kind, value = answer
    return value if kind == "ok" else failed(job, f"internal error: {value}")

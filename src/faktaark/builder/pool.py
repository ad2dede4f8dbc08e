"""Running sheets in worker processes, and noticing when one of them dies.

`run_in_workers` feeds one sheet per task to a `ProcessPoolExecutor` made from the fork
server's context. A worker that dies (kill -9, the out-of-memory killer) breaks the pool: every
sheet not finished by then comes back as a failed outcome naming the dead worker, instead of
the wait that never ends with `multiprocessing.Pool`. A Ctrl-C (or SIGTERM, which the command
line turns into one) terminates the workers at once, so none is left behind.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from faktaark.builder.manifest import SheetOutcome

__all__ = ["WORKER_DIED", "run_in_workers"]

WORKER_DIED = (
    "a worker process died while building this sheet (killed, or out of memory); not built"
)

Job = tuple[int, str, str]
_STOPS = {signal.SIGINT, signal.SIGTERM}


def _stop(ex: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end every worker now."""
    procs = list((getattr(ex, "_processes", None) or {}).values())
    manager = getattr(ex, "_executor_manager_thread", None)
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    ex.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(2)
            if p.is_alive():
                p.kill()
                p.join(1)
    if manager is not None:
        # CPython 3.11 wakes every executor's manager thread at exit, also one that has ended
        # and closed its pipe ("OSError: handle is closed"); forget ours once it has ended
        manager.join(2)
        if not manager.is_alive():
            import concurrent.futures.process as cfp

            with contextlib.suppress(Exception):
                getattr(cfp, "_threads_wakeups", {}).pop(manager, None)


def run_in_workers(
    ctx: Any,
    jobs: int,
    todo: Sequence[Job],
    build: Callable[[Job], SheetOutcome],
    init: Callable[..., None],
    initargs: tuple[Any, ...],
    failed: Callable[[Job, str], SheetOutcome],
    stop_early: Callable[[SheetOutcome], bool],
) -> Iterator[SheetOutcome]:
    """The outcome of every job of `todo`, as they finish. `stop_early(outcome)` True stops
    the run (fail-fast, a full disk): the remaining jobs are not started."""
    # the workers start with the first submit: an interrupt in the middle of that would leave a
    # half-started worker that the executor waits for at exit, so it waits until they run
    pending: dict[Future[SheetOutcome], Job] = {}
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        ex = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=init, initargs=initargs)
        # workers ended by an interrupt close the pipe its feeder thread writes to: that is
        # expected then, not a BrokenPipeError traceback (set before the thread starts)
        calls = getattr(ex, "_call_queue", None)
        if calls is not None:
            calls._ignore_epipe = True
    except BaseException:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
        raise
    try:
        unsent: list[Job] = []
        try:
            for i, job in enumerate(todo):
                try:
                    pending[ex.submit(build, job)] = job
                except BrokenProcessPool:  # a worker (or the fork server) died meanwhile
                    unsent = list(todo[i:])
                    break
        finally:  # an interrupt that came meanwhile is raised here, inside the clean-up below
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
        for job in unsent:
            outcome = failed(job, WORKER_DIED)
            yield outcome
            if stop_early(outcome):
                _stop(ex)
                return
        while pending:
            done, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                job = pending.pop(fut)
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    broken = True
                    outcome = failed(job, WORKER_DIED)
                yield outcome
                if stop_early(outcome):
                    _stop(ex)
                    return
            if broken:  # the pool cannot run anything more: the rest failed with it
                for job in list(pending.values()):
                    yield failed(job, WORKER_DIED)
                pending.clear()
        ex.shutdown(wait=True)
    except BaseException:
        _stop(ex)
        raise

"""What a process of a batch does with each sheet it is given (`builder.batch`): make it,
write it, and say how it went (a `SheetOutcome`).

A worker process (`builder.pool`) builds each sheet it is sent in turn (`build`). A batch in
one process makes the next sheet while a thread writes the last one (`one_process`): writing
is mostly the kernel's work, creating and renaming files (about a millisecond a sheet, an
eighth of a warm sheet's time), which then runs on another core. The files and their bytes
are the same either way; only when each is written differs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.builder.manifest import SheetOutcome
from faktaark.core.folderlock import FolderId
from faktaark.errors import FaktaarkError
from faktaark.layout.model import Layout
from faktaark.layout.rules import is_print
from faktaark.values.prepared import Prepared

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from faktaark.builder.sheet import BuildResult, MadeSheet

__all__ = ["GC_THRESHOLDS", "build", "init", "init_worker", "one_process"]

Job = tuple[int, str, str]  # kommunekode, input key, validation ("full", "fast", "none")

_WORKER: dict[str, Any] = {}

# A sheet allocates many small objects that die young; the default thresholds make the cyclic
# collector run every few hundred allocations (about 4 ms of 25 per sheet, measured).
GC_THRESHOLDS = (50_000, 50, 50)


def init(
    prep: Prepared,
    layout: Layout,
    out: Path,
    variants: tuple[str, ...],
    validate: str,
    keep_results: bool = False,
    folder: FolderId | None = None,
) -> None:
    """What every sheet of this process shares: data, layout, output folder, fonts."""
    from faktaark.text.fonts import metrics

    metrics()  # parse the fonts once per worker
    _WORKER.update(
        prep=prep, layout=layout, out=out, variants=variants, validate=validate, validated=set(),
        keep=keep_results, folder=folder,
    )  # fmt: skip


def init_worker(*args: Any) -> None:
    """Initializer of a worker process (`faktaark.builder.worker`): the data, layout and
    fonts prepared once are frozen out of the garbage collector's way."""
    import gc

    init(*args)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def build(job: Job) -> SheetOutcome:
    """One sheet, made and written."""
    outcome, made = _make(job)
    return _outcome(outcome, made.write if made is not None else None)


def one_process(
    todo: Sequence[Job], stop: Callable[[SheetOutcome], bool]
) -> Generator[SheetOutcome, None, None]:
    """Every sheet in this process, each sheet's files written by a thread while the next one
    is made. Outcomes come in order, each once its files are written; a sheet's write starts
    only after the one before it was reported and did not stop the run (`stop`: fail-fast, a
    full disk). At an end (a stop, an interrupt, the caller closes the generator) the write
    under way finishes, also through a second Ctrl-C, and no other starts: a sheet made but
    not reported has no files, and one written but not reported is the batch's to take back
    (`batch._remove_unrecorded`), as when a worker process dies."""
    pool = _writer() if len(todo) > 1 else None
    if pool is None:  # one sheet, or no thread to be had (a process or thread limit)
        for job in todo:
            o = build(job)
            yield o
            if stop(o):
                return
        return
    pending: tuple[SheetOutcome, Future[BuildResult]] | None = None
    try:
        for job in todo:
            outcome, made = _make(job)  # while the sheet before it is written
            if pending is not None:
                done, pending = pending, None
                o = _outcome(done[0], partial(_result, done[1]))
                yield o
                if stop(o):
                    return
            if made is None:  # not made: nothing to write
                yield outcome
                if stop(outcome):
                    return
                continue
            pending = (outcome, pool.submit(made.write))
        if pending is not None:
            done, pending = pending, None
            yield _outcome(done[0], partial(_result, done[1]))
    finally:
        if pending is not None:
            _ended(pending[1])
        pool.shutdown(wait=True)


def _writer() -> ThreadPoolExecutor | None:
    """The thread that writes, started now; None when no thread can be started."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1, thread_name_prefix="faktaark-write")
    try:
        pool.submit(int).result()  # the thread starts here, or not at all
    except RuntimeError:  # "can't start new thread"
        pool.shutdown(wait=False, cancel_futures=True)
        return None
    return pool


_POLL = 0.25  # seconds: how often a wait wakes up (a Ctrl-C is handled within this on Windows)


def _result(writing: Future[BuildResult]) -> BuildResult:
    """A write's result, waited for in steps (a wait without one cannot be interrupted on
    Windows)."""
    while True:
        try:
            return writing.result(timeout=_POLL)
        except TimeoutError:
            continue


def _ended(writing: Future[BuildResult]) -> None:
    """Wait until a write under way has ended, whatever arrives meanwhile: the batch then
    takes back what was written for sheets it did not report, which must not race the
    thread. A Ctrl-C meanwhile is raised once it has."""
    from concurrent.futures import wait

    interrupted = False
    while not writing.done():
        try:
            wait([writing], timeout=_POLL)
        except KeyboardInterrupt:
            interrupted = True
    if interrupted:
        raise KeyboardInterrupt


def _make(job: Job) -> tuple[SheetOutcome, MadeSheet | None]:
    """A sheet made and checked, not yet written, with its outcome so far (failed, and no
    sheet, when it could not be made)."""
    from faktaark.builder.sheet import make_sheet
    from faktaark.core.kommuner import register

    kode, key, mode = job
    w = _WORKER
    k = register().get(kode)
    t0 = time.perf_counter()
    outcome = SheetOutcome(kode, k.navn, key)
    try:
        printed = next((v for v in w["variants"] if is_print(v)), False)
        made = make_sheet(k, w["prep"], w["layout"], w["out"], printed, mode, w["folder"])
    except FaktaarkError as exc:
        outcome.status, outcome.error, outcome.exit_code = "failed", str(exc), exc.exit_code
        outcome.duration_ms = (time.perf_counter() - t0) * 1000
        return outcome, None
    outcome.validation = mode
    outcome.duration_ms = made.made_ms  # the write's time is added once it is written
    return outcome, made


def _outcome(outcome: SheetOutcome, write: Callable[[], BuildResult] | None) -> SheetOutcome:
    """A made sheet's outcome once `write()` has written its files (or failed to: then none
    of them is there, and its duration is the time it took to make); `write` None: it could
    not be made."""
    if write is None:
        return outcome
    try:
        res = write()
    except FaktaarkError as exc:
        outcome.status, outcome.error, outcome.exit_code = "failed", str(exc), exc.exit_code
        outcome.validation = ""
        return outcome
    outcome.duration_ms = res.duration_ms
    outcome.files = [
        {"file": f.path.name, "variant": f.variant, "sha256": f.sha256, "pages": f.pages,
         "bytes": f.bytes}
        for f in res.files
    ]  # fmt: skip
    outcome.eksempel = res.eksempel
    outcome.warnings = [str(x) for x in res.warnings]
    if _WORKER["keep"]:
        outcome.result = res
    return outcome

"""Many sheets at once: worker processes, an incremental manifest, safe interruption.

`run_batch` plans and renders the requested sheets in `jobs` worker processes (started once,
fed many sheets; data, indicators, layout and fonts are prepared once per worker), keeps going
when one sheet fails (unless `fail_fast`), skips sheets whose inputs are unchanged since the
manifest was written, and writes `manifest.json` atomically: sorted, without timestamps, so
two identical runs give identical manifests. The output does not depend on the number of jobs.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from faktaark.builder import work
from faktaark.builder.jobs import worker_count
from faktaark.builder.keys import fonts_digest, shared_key, sheet_key
from faktaark.builder.manifest import SheetOutcome, files_present, manifest_doc, read_manifest
from faktaark.builder.outputs import check_combine_target
from faktaark.core.atomic import clean_leftovers, write_atomic
from faktaark.core.folderlock import FolderId, FolderLock, lock_folder, open_folder
from faktaark.core.kommuner import Kommune, register
from faktaark.core.paths import DISK_FULL, guard_out_dir
from faktaark.layout.model import Layout
from faktaark.layout.rules import compares_municipalities, manifest_name
from faktaark.values.prepared import Prepared

if TYPE_CHECKING:
    from faktaark.builder.runplan import PlannedFile

__all__ = ["DISK_FULL", "BatchReport", "SheetOutcome", "check_combine_target", "run_batch",
           "shared_key", "sheet_key"]  # fmt: skip


def _warn(message: str) -> None:
    """A note on the `faktaark` logger (imported when there is one to give)."""
    import logging

    logging.getLogger("faktaark").warning(message)


@dataclass
class BatchReport:
    outcomes: list[SheetOutcome]
    seconds: float
    manifest: Path | None
    interrupted: bool = False
    removed: list[PlannedFile] = field(default_factory=list)  # by `clean`

    @property
    def failed(self) -> list[SheetOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def built(self) -> list[SheetOutcome]:
        return [o for o in self.outcomes if o.status == "built"]

    @property
    def skipped(self) -> list[SheetOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]


SAMPLE_EVERY = 32  # "sample" validation: the full validator on sheet 1, 33, 65, ... of a run


# ----------------------------------------------------------------------------- the run


def run_batch(
    kommuner: Sequence[Kommune],
    prep: Prepared,
    layout: Layout,
    out: Path,
    *,
    variants: tuple[str, ...] = ("screen",),
    jobs: int | None = None,
    validate: str = "sample",
    force: bool = False,
    fail_fast: bool = False,
    timings: bool = False,
    progress: Callable[[SheetOutcome], None] | None = None,
    manifest: bool = True,
    keep_results: bool = False,
    clean: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> BatchReport:
    """Build `kommuner` into `out/`. With `manifest` (the command line's way), skip the sheets
    whose inputs are unchanged since `out/manifest.json` was written (unless `force`) and write
    it anew; with `clean`, then remove the files no manifest lists (`runplan.clean`).
    `keep_results`: each outcome carries its sheet's `BuildResult` (the Python API).

    One run at a time writes into a folder (`core.folderlock`): a run that finds another one
    at work there waits for it, telling `on_wait` (default: the `faktaark` logger) once."""
    t0 = time.perf_counter()
    guard_out_dir(out)  # a file, a file as parent, no permission: one clear OutputError
    shared = shared_key(prep, layout, variants, validate, fonts_digest())  # SOURCE_DATE_EPOCH
    with lock_folder(out, on_wait or _warn) as lock:
        report = _run_locked(
            lock, kommuner, prep, layout, shared, variants, jobs, validate, force, fail_fast,
            timings, progress, manifest, keep_results,
        )  # fmt: skip
        if clean and manifest and not report.interrupted:
            from faktaark.builder.runplan import clean as clean_folder

            report.removed = clean_folder(out, layout.name)
    report.seconds = time.perf_counter() - t0
    return report


def _run_locked(
    lock: FolderLock, kommuner: Sequence[Kommune], prep: Prepared, layout: Layout, shared: str,
    variants: tuple[str, ...], jobs: int | None, validate: str, force: bool, fail_fast: bool,
    timings: bool, progress: Callable[[SheetOutcome], None] | None, manifest: bool,
    keep_results: bool,
) -> BatchReport:  # fmt: skip
    out = lock.folder
    started = time.time_ns()
    clean_leftovers(out)
    manifest_path = out / manifest_name(layout.name)
    known = {k.kode for k in register()}
    old = {} if force or not manifest else read_manifest(manifest_path, known)
    outcomes: dict[int, SheetOutcome] = {}
    todo: list[tuple[int, str, str]] = []
    compares = bool(prep.dataset.blocked) and compares_municipalities(layout, prep.dataset.fields)
    for k in kommuner:
        stop = prep.blocked_for(k, compares) if prep.dataset.blocked else None
        if stop is not None:  # its row (or, for a comparing layout, any row) has errors
            outcomes[k.kode] = o = SheetOutcome(k.kode, k.navn, "", "failed", error=str(stop),
                                                exit_code=1)  # fmt: skip
            if progress:
                progress(o)
            continue
        key = sheet_key(prep, k, shared)
        prev = old.get(k.kode)
        if prev is not None and prev.get("input_key") == key and files_present(out, prev):
            o = SheetOutcome(
                k.kode, k.navn, key, "skipped", prev["files"], bool(prev.get("eksempel")),
                list(prev.get("warnings", [])), validation=str(prev.get("validation", "")),
            )  # fmt: skip
            outcomes[k.kode] = o
            if progress:
                progress(o)
        else:
            mode = validate
            if validate == "sample":  # which sheets get the full validator: by position
                mode = "full" if len(todo) % SAMPLE_EVERY == 0 else "fast"
            todo.append((k.kode, key, mode))
    jobs = worker_count(jobs, len(todo))
    interrupted = False
    running = _execute(todo, prep, layout, out, variants, validate, jobs, fail_fast,
                       keep_results, lock.ident)  # fmt: skip
    try:
        for o in running:
            outcomes[o.kommunekode] = o
            if progress:
                progress(o)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        running.close()  # an interrupt while the caller had the outcome: the workers end now
    lock.check()  # removed or replaced meanwhile: nothing more is done there, no success
    clean_leftovers(out)  # what a killed worker was writing
    for o in outcomes.values():
        _gone(out, o)
    unfinished = [k for k in kommuner if k.kode not in outcomes or _failed_o(outcomes, k)]
    _remove_unrecorded(out, layout.name, unfinished, started)
    report_outcomes = sorted(outcomes.values(), key=lambda o: o.kommunekode)
    kept = [o for o in report_outcomes if o.status != "failed"]
    # keep entries of sheets not part of this run (e.g. `--kommune 101` after `--all`)
    requested = {k.kode for k in kommuner}
    carried = [s for c, s in old.items() if c not in requested and files_present(out, s)]
    if not manifest:
        return BatchReport(report_outcomes, 0.0, None, interrupted)
    doc = manifest_doc(kept, layout, prep, timings, carried)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    with open_folder(out, lock.ident) as fd:  # the folder locked, never a symlink in its place
        write_atomic(manifest_path, text.encode(errors="backslashreplace"), fd)  # any name
    return BatchReport(report_outcomes, 0.0, manifest_path, interrupted)


def _gone(out: Path, o: SheetOutcome) -> None:
    """A built sheet whose file is no longer there as it was written (removed, replaced by
    someone else meanwhile) is failed, so that the manifest never lists a missing file."""
    if o.status != "built":
        return
    for f in o.files:
        try:
            st = os.lstat(out / f["file"])
            ok = stat.S_ISREG(st.st_mode) and st.st_size == f["bytes"]
        except OSError:
            ok = False
        if not ok:
            o.status, o.exit_code = "failed", 1
            o.error = f"{out / f['file']}: removed or changed by someone else during the run."
            return


def _remove_unrecorded(out: Path, layout_name: str, todo: Sequence[Kommune], since: int) -> None:
    """Remove the files this run wrote for sheets it did not finish (a worker ended between a
    sheet's PDF and its sidecar): what is on disk is then exactly what the manifest records."""
    from faktaark.builder.provenance import sidecar_path
    from faktaark.builder.sheet import output_path

    for k in todo:
        for variant in ("screen", "print"):
            pdf = output_path(out, k, variant, layout_name)
            for f in (pdf, sidecar_path(pdf)):
                try:
                    if f.is_file() and f.stat().st_mtime_ns >= since:
                        f.unlink()
                except OSError:
                    pass


def _failed_o(outcomes: dict[int, SheetOutcome], k: Kommune) -> bool:
    o = outcomes.get(k.kode)
    return o is not None and o.status == "failed"


def _stops_the_run(fail_fast: bool) -> Callable[[SheetOutcome], bool]:
    def stop(o: SheetOutcome) -> bool:
        return o.status == "failed" and (fail_fast or DISK_FULL in o.error)

    return stop


def _failed(job: tuple[int, str, str], why: str) -> SheetOutcome:
    kode, key, _ = job
    return SheetOutcome(kode, register().get(kode).navn, key, "failed", error=why, exit_code=1)


def _execute(
    todo: Sequence[tuple[int, str, str]],
    prep: Prepared,
    layout: Layout,
    out: Path,
    variants: tuple[str, ...],
    validate: str,
    jobs: int,
    fail_fast: bool,
    keep_results: bool = False,
    folder: FolderId | None = None,
) -> Generator[SheetOutcome, None, None]:
    if not todo:
        return
    import gc

    if jobs > 1:  # the workers start first: their start-up overlaps with this one's
        from faktaark.builder.pool import start_early

        start_early(jobs - 1)
    work.init(prep, layout, out, variants, validate, keep_results, folder)
    before = gc.get_threshold()
    gc.freeze()  # what is prepared once stays out of the collector's way, as in a worker
    gc.set_threshold(*work.GC_THRESHOLDS)
    try:
        if jobs == 1:
            yield from work.one_process(todo, _stops_the_run(fail_fast))
            return
        # this process and `jobs - 1` worker processes of faktaark's own (`builder.pool`):
        # fresh interpreters, never the caller's __main__; each prepares the data, layout and
        # fonts once. When none can be started, this process builds every sheet (a note says
        # so).
        from faktaark.builder.pool import run_in_workers

        yield from run_in_workers(
            jobs - 1, todo, work.build, work.init_worker,
            (prep, layout, out, variants, validate, keep_results, folder), _failed,
            _stops_the_run(fail_fast), local=work.build,
        )  # fmt: skip
    finally:
        # what the batch left young joins the frozen objects first (freezing zeroes the young
        # generation's count): with the usual thresholds back, the collector would otherwise
        # go through its tens of thousands of young objects at once (9 ms at the end of a
        # run, for nothing: a sheet leaves no cyclic garbage, a test holds it; any other
        # waits for the next full collection)
        gc.freeze()
        gc.set_threshold(*before)
        gc.unfreeze()

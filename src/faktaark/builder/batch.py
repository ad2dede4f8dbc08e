"""Many sheets at once: worker processes, an incremental manifest, safe interruption.

`run_batch` plans and renders the requested sheets in `jobs` worker processes (started once,
fed many sheets; data, indicators, layout and fonts are prepared once per worker), keeps going
when one sheet fails (unless `fail_fast`), skips sheets whose inputs are unchanged since the
manifest was written, and writes `manifest.json` atomically: sorted, without timestamps, so
two identical runs give identical manifests. The output does not depend on the number of jobs.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faktaark._version import __version__
from faktaark.builder.manifest import SheetOutcome, files_present, manifest_doc, read_manifest
from faktaark.builder.outputs import check_combine_target
from faktaark.core.atomic import clean_leftovers, write_atomic
from faktaark.core.kommuner import Kommune, register
from faktaark.core.limits import MAX_JOBS
from faktaark.core.paths import DISK_FULL, guard_out_dir
from faktaark.core.resources import data_file, fonts_dir
from faktaark.errors import FaktaarkError
from faktaark.layout.model import Layout
from faktaark.layout.rules import compares_municipalities, is_print, manifest_name
from faktaark.values.prepared import Prepared

__all__ = ["DISK_FULL", "BatchReport", "SheetOutcome", "check_combine_target", "run_batch",
           "shared_key", "sheet_key"]  # fmt: skip


@dataclass
class BatchReport:
    outcomes: list[SheetOutcome]
    seconds: float
    manifest: Path | None
    interrupted: bool = False

    @property
    def failed(self) -> list[SheetOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def built(self) -> list[SheetOutcome]:
        return [o for o in self.outcomes if o.status == "built"]

    @property
    def skipped(self) -> list[SheetOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]


# ----------------------------------------------------------------------------- keys


def _fonts_digest() -> str:
    h = hashlib.sha256()
    for f in sorted(fonts_dir().glob("*.ttf")):
        h.update(f.read_bytes())
    h.update(data_file("kommuner.csv").read_bytes())
    return h.hexdigest()[:16]


def shared_key(
    prep: Prepared, layout: Layout, variants: Sequence[str], validate: str, fonts: str
) -> str:
    """The inputs every sheet of a run shares: version, fonts, layout, options, the facts
    and, for a layout that prints comparisons with other municipalities, the whole edition."""
    parts = [
        __version__,
        fonts,
        layout.digest,
        ",".join(variants),
        validate,
        str(prep.dataset.folketal_aar),
        json.dumps(
            sorted((f.id, f.tekst, f.kilde) for f in prep.dataset.fakta.values()),
            ensure_ascii=False,
        ),
    ]
    parts.append(prep.dataset.fields.digest)  # the kit's formulas and declarations
    if compares_municipalities(layout, prep.dataset.fields):
        parts.append(prep.dataset.digest())
    return "\x1f".join(parts)


def sheet_key(prep: Prepared, k: Kommune, shared: str) -> str:
    """The hash of every input of one sheet: the shared part, its row and its population."""
    rec = prep.dataset.record(k.kode, prep.udgave)
    own = f"{rec.digest()}\x1f{prep.dataset.folketal.get(k.kode)}"
    return hashlib.sha256(f"{shared}\x1f{own}".encode()).hexdigest()[:24]


# ----------------------------------------------------------------------------- workers

_WORKER: dict[str, Any] = {}


def _init(
    prep: Prepared,
    layout: Layout,
    out: Path,
    variants: tuple[str, ...],
    validate: str,
    keep_results: bool = False,
) -> None:
    from faktaark.text.fonts import metrics

    metrics()  # parse the fonts once per worker
    _WORKER.update(
        prep=prep, layout=layout, out=out, variants=variants, validate=validate, validated=set(),
        keep=keep_results,
    )  # fmt: skip


SAMPLE_EVERY = 32  # "sample" validation: the full validator on sheet 1, 33, 65, ... of a run


def _init_worker(*args: Any) -> None:
    """Initializer of a worker process: Ctrl-C is the parent's to handle; the data, layout and
    fonts prepared once are frozen out of the garbage collector's way."""
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init(*args)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


# A sheet allocates many small objects that die young; the default thresholds make the cyclic
# collector run every few hundred allocations (about 4 ms of 25 per sheet, measured).
GC_THRESHOLDS = (50_000, 50, 50)


def _build(job: tuple[int, str, str]) -> SheetOutcome:
    from faktaark.builder.sheet import build_sheet
    from faktaark.core.kommuner import register

    kode, key, mode = job
    w = _WORKER
    k = register().get(kode)
    t0 = time.perf_counter()
    outcome = SheetOutcome(kode, k.navn, key)
    try:
        printed = next((v for v in w["variants"] if is_print(v)), False)
        res = build_sheet(k, w["prep"], w["layout"], w["out"], printed, mode)
    except FaktaarkError as exc:
        outcome.status, outcome.error, outcome.exit_code = "failed", str(exc), exc.exit_code
    else:
        outcome.files = [
            {
                "file": f.path.name,
                "variant": f.variant,
                "sha256": f.sha256,
                "pages": f.pages,
                "bytes": f.bytes,
            }
            for f in res.files
        ]
        outcome.eksempel = res.eksempel
        outcome.warnings = [str(x) for x in res.warnings]
        outcome.validation = mode
        if w["keep"]:
            outcome.result = res
    outcome.duration_ms = (time.perf_counter() - t0) * 1000
    return outcome


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
) -> BatchReport:
    """Build `kommuner` into `out/`. With `manifest` (the command line's way), skip the sheets
    whose inputs are unchanged since `out/manifest.json` was written (unless `force`) and write
    it anew. `keep_results`: each outcome carries its sheet's `BuildResult` (the Python API)."""
    t0 = time.perf_counter()
    started = time.time_ns()
    guard_out_dir(out)  # a file, a file as parent, no permission: one clear OutputError
    clean_leftovers(out)
    manifest_path = out / manifest_name(layout.name)
    known = {k.kode for k in register()}
    old = {} if force or not manifest else read_manifest(manifest_path, known)
    shared = shared_key(prep, layout, variants, validate, _fonts_digest())
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
                k.kode,
                k.navn,
                key,
                "skipped",
                prev["files"],
                bool(prev.get("eksempel")),
                list(prev.get("warnings", [])),
                validation=str(prev.get("validation", "")),
            )
            outcomes[k.kode] = o
            if progress:
                progress(o)
        else:
            mode = validate
            if validate == "sample":  # which sheets get the full validator: by position
                mode = "full" if len(todo) % SAMPLE_EVERY == 0 else "fast"
            todo.append((k.kode, key, mode))
    cores = os.cpu_count() or 1
    jobs = max(1, min(jobs or cores, len(todo) or 1, 4 * cores, MAX_JOBS))
    interrupted = False
    running = _execute(todo, prep, layout, out, variants, validate, jobs, fail_fast, keep_results)
    try:
        for o in running:
            outcomes[o.kommunekode] = o
            if progress:
                progress(o)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        running.close()  # an interrupt while the caller had the outcome: the workers end now
    clean_leftovers(out)  # what a killed worker was writing
    unfinished = [k for k in kommuner if k.kode not in outcomes or _failed_o(outcomes, k)]
    _remove_unrecorded(out, layout.name, unfinished, started)
    report_outcomes = sorted(outcomes.values(), key=lambda o: o.kommunekode)
    kept = [o for o in report_outcomes if o.status != "failed"]
    # keep entries of sheets not part of this run (e.g. `--kommune 101` after `--all`)
    requested = {k.kode for k in kommuner}
    carried = [s for c, s in old.items() if c not in requested and files_present(out, s)]
    doc = manifest_doc(kept, layout, prep, timings, carried)
    if not manifest:
        return BatchReport(report_outcomes, time.perf_counter() - t0, None, interrupted)
    write_atomic(manifest_path, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode())
    return BatchReport(report_outcomes, time.perf_counter() - t0, manifest_path, interrupted)


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
) -> Generator[SheetOutcome, None, None]:
    if not todo:
        return
    if jobs == 1:
        import gc

        _init(prep, layout, out, variants, validate, keep_results)
        before = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLDS)
        stop = _stops_the_run(fail_fast)
        try:
            for job in todo:
                o = _build(job)
                yield o
                if stop(o):
                    return
        finally:
            gc.set_threshold(*before)
        return
    # forkserver, not fork: the parent may already run thread pools (Polars, and the Rust
    # validator's), and a forked child of a threaded process can deadlock on their locks. The
    # server preloads the heavy modules once; each worker is forked from that clean process.
    from faktaark.builder.pool import run_in_workers
    from faktaark.builder.workers import start_workers_early

    ctx = start_workers_early()
    # one sheet per task: a Ctrl-C leaves at most one unrecorded sheet per worker, and a dead
    # worker fails the sheets not finished (the batch never waits for it)
    yield from run_in_workers(
        ctx, jobs, todo, _build, _init_worker,
        (prep, layout, out, variants, validate, keep_results), _failed,
        _stops_the_run(fail_fast),
    )  # fmt: skip

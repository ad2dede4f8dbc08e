"""Running a batch from the command line: progress on stderr, summary, exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.builder.batch import (
    DISK_FULL,
    BatchReport,
    SheetOutcome,
    check_combine_target,
    run_batch,
)
from faktaark.cli.common import (
    _api,
    _err_console,
    _fail,
    _run,
    _settings,
    _settings_columns,
    _state,
    _usage,
    interrupted_exit,
)
from faktaark.errors import FaktaarkError

if TYPE_CHECKING:
    from faktaark.core.kommuner import Kommune
    from faktaark.layout.model import Layout
    from faktaark.values.prepared import Prepared

__all__ = ["build_and_report", "build_command", "report_dry_run"]


def _outcome_json(o: SheetOutcome, out: Path) -> dict[str, Any]:
    return {
        "kommunekode": o.kommunekode, "kommune": o.kommune, "status": o.status,
        "eksempel": o.eksempel, "error": o.error or None, "validation": o.validation,
        "duration_ms": round(o.duration_ms, 1), "warnings": o.warnings,
        "files": [{**f, "path": str(out / f["file"])} for f in o.files],
    }  # fmt: skip


def build_command(
    *, kommune: list[str] | None, all_: bool, out: Path | None, data: list[str] | None,
    layout: str | None, udgave: int | None, print_: bool | None, print_standard: str,
    column: list[str] | None, columns_file: Path | None, sheet: str | None, no_validate: bool,
    validate: str | None, jobs: int | None, force: bool, fail_fast: bool, combine: Path | None,
    quiet: bool, timings: bool, dry_run: bool, clean: bool, strict: bool, as_json: bool,
    fmt: str | None,
) -> None:  # fmt: skip
    """`faktaark build` with its options as parsed (by Typer, `faktaark.cli.app.build`, or for
    a plain command line by `faktaark.cli.handoff`): checks them, loads the data and the
    layout, runs the batch and reports; exits through `SystemExit`."""
    if not kommune and not all_:
        _usage("Say which sheets to build: --kommune NAME (repeatable) or --all.")
    if kommune and all_:
        _usage("Use either --kommune or --all, not both.")
    if no_validate:
        if validate not in (None, "none"):
            _usage(f"--no-validate and --validate {validate} contradict each other; give one.")
        validate = "none"
    s = _settings(
        data=data, sheet=sheet, columns_file=columns_file,
        column=column, layout=layout, udgave=udgave, out=out,
        jobs=jobs, validate=validate, print=print_,
    )  # fmt: skip
    if s["validate"] not in ("full", "sample", "fast", "none"):
        _usage(f"--validate must be full, sample, fast or none, got {s['validate']!r}")
    from faktaark.core.config import source_date_epoch

    _run(source_date_epoch)  # the date every sheet carries: a bad value stops here (exit 2)
    machine = as_json or fmt is not None
    if dry_run:
        from faktaark.cli.output import choose_format

        fmt = choose_format(fmt, as_json, ("table", "csv", "json"))
    elif fmt not in (None, "json"):
        _usage("build prints its result as --format json (or --json); tables are for --dry-run.")
    jobs = s["jobs"]
    if jobs is not None and jobs < 1:
        _usage(f"--jobs must be 1 or more, got {jobs}.")
    wanted = 98 if all_ else len(set(kommune or []))
    if not dry_run and wanted > 1 and jobs != 1:
        from faktaark.builder.jobs import worker_count
        from faktaark.builder.pool import start_early

        # their imports overlap with loading the API and the data below
        start_early(worker_count(jobs, wanted) - 1)  # this process builds sheets too
    api = _api()
    err = _err_console()
    targets = _run(lambda: api.resolve_kommuner(kommune or []) if kommune else None)
    prep = _run(
        lambda: api.prepare(
            s["data"],
            columns=_settings_columns(s),
            sheet=s["sheet"],
            udgave=s["udgave"],
            strict=strict,
            layout=s["layout"],
        )
    )
    for w in [] if machine else (*prep.dataset.warnings, *prep.blocked_warnings()):
        err.print(f"Warning: {w}", markup=False)
    lay = _run(lambda: api.load_layout_for(s["layout"], prep.dataset))
    todo = targets if targets is not None else api.resolve_kommuner()
    if prep.dataset.blocked:  # rows with errors: stop here when no requested sheet is left
        from faktaark.builder.runplan import all_blocked

        stop = all_blocked(todo, prep, lay)
        if stop is not None:
            raise _fail(stop)
    if print_standard not in ("x4", "x1a"):
        _usage(f"--print-standard must be x4 or x1a, got {print_standard!r}")
    if print_standard != "x4" and not s["print"]:
        _usage("--print-standard needs --print.")
    printed = "print" if print_standard == "x4" else "print-x1a"  # faktaark.layout.rules
    variants = ("screen", printed) if s["print"] else ("screen",)
    if dry_run:
        report_dry_run(todo, prep, lay, Path(s["out"]), variants=variants,
                       validate=s["validate"], force=force, clean=clean, fmt=fmt or "table",
                       err=err)  # fmt: skip
        return
    build_and_report(
        todo, prep, lay, Path(s["out"]), variants=variants, jobs=jobs, validate=s["validate"],
        force=force, fail_fast=fail_fast, timings=timings, quiet=quiet, as_json=machine,
        combine=combine, err=err, clean=clean,
        inputs=[*(s["data"] or []), *([s["columns-file"]] if s["columns-file"] else []), lay.path],
    )  # fmt: skip


def build_and_report(
    todo: Sequence[Kommune], prep: Prepared, lay: Layout, out: Path, *, variants: tuple[str, ...],
    jobs: int | None, validate: str, force: bool, fail_fast: bool, timings: bool, quiet: bool,
    as_json: bool, combine: Path | None, err: Any, clean: bool = False,
    inputs: Sequence[str | Path] = (),
) -> None:  # fmt: skip
    """Run the batch with a progress display, print the summary, exit 1/130 on failure."""
    if len(todo) > 1:  # only a run of several sheets has workers to tell about (one: no logging)
        notes_to(err)
    tty = sys.stderr.isatty() and not quiet and not as_json
    bar: Any = None
    task = None
    if tty:  # rich only on a terminal: its import costs a single sheet 40 ms
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn("[bold]faktaark"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
        )
        task = bar.add_task("", total=len(todo))

    def progress(o: SheetOutcome) -> None:
        if bar is not None and task is not None:
            bar.update(task, advance=1, description=o.kommune)
        elif not quiet and not as_json:
            files = " ".join(f["file"] for f in o.files)
            note = f" ({o.error})" if o.error else " (eksempeldata)" if o.eksempel else ""
            err.print(
                f"{o.status:8} {o.kommunekode:>3} {o.kommune}: {files}{note}",
                markup=False,
                highlight=False,
            )

    if combine is not None:
        try:  # before anything is built: never onto an input or a file of the run
            combine = check_combine_target(combine, out, inputs)
        except FaktaarkError as exc:
            raise _fail(exc) from None
    if bar is not None:
        bar.start()
    try:
        report = run_batch(
            todo,
            prep,
            lay,
            out,
            variants=variants,
            jobs=jobs,
            validate=validate,
            force=force,
            fail_fast=fail_fast,
            timings=timings,
            progress=progress,
            clean=clean,
            on_wait=lambda message: err.print(message, markup=False),
        )
    except FaktaarkError as exc:  # the output folder or the manifest cannot be written
        if _state["debug"]:
            raise
        raise _fail(exc) from None
    finally:
        if bar is not None:
            bar.stop()
    if combine is not None and not report.interrupted:
        from faktaark.api import combine_pdfs

        variant = variants[-1]  # with --print the print pages (PDF/X), else the screen pages
        sheets = [
            (out / f["file"], o.kommune)
            for o in report.outcomes
            if o.status != "failed"
            for f in o.files
            if f["variant"] == variant
        ]
        try:
            combine_pdfs([p for p, _ in sheets], combine, labels=[k for _, k in sheets])
        except FaktaarkError as exc:
            _summary(report, out, validate, as_json, quiet, None, err)
            raise _fail(exc) from None
    left = len(todo) - len(report.outcomes)
    if left and not report.interrupted and any(DISK_FULL in o.error for o in report.failed):
        err.print(f"Stopped: the disk is full ({out}); {left} sheet(s) not attempted.")
    removed = report.removed
    if not as_json:
        for f in removed:
            err.print(f"removed  {f.path.name} ({f.reason})", markup=False)
    _summary(report, out, validate, as_json, quiet, combine, err, removed)


def notes_to(err: Any) -> None:
    """What the batch engine tells its logger (`faktaark`: e.g. that it builds in this process
    because no worker process could be started) as a note on stderr."""
    import logging

    class Notes(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            err.print(f"Note: {record.getMessage()}", markup=False)

    log = logging.getLogger("faktaark")
    if not any(type(h).__name__ == "Notes" for h in log.handlers):
        log.addHandler(Notes(logging.WARNING))
        log.propagate = False


def report_dry_run(
    todo: Sequence[Kommune], prep: Prepared, lay: Layout, out: Path, *, variants: tuple[str, ...],
    validate: str, force: bool, clean: bool, fmt: str, err: Any,
) -> None:  # fmt: skip
    """`build --dry-run`: what would be built, skipped and removed, and why. Writes nothing."""
    from faktaark.builder.runplan import plan_run
    from faktaark.cli.output import emit_rows

    plan = plan_run(todo, prep, lay, out, variants=variants, validate=validate, force=force,
                    clean=clean)  # fmt: skip
    rows: list[dict[str, Any]] = [
        {"action": s.action, "kommunekode": s.kommunekode, "kommune": s.kommune,
         "files": list(s.files), "reason": s.reason}
        for s in plan.sheets
    ] + [
        {"action": "remove", "kommunekode": None, "kommune": None, "files": [f.path.name],
         "reason": f.reason}
        for f in plan.remove
    ]  # fmt: skip
    columns = [("action", "Action"), ("kommunekode", "Code"), ("kommune", "Kommune"),
               ("files", "Files"), ("reason", "Why")]  # fmt: skip
    emit_rows(rows, columns, fmt, title=f"Dry run: {out}/", json_doc=plan.as_dict(),
              right=("kommunekode",))  # fmt: skip
    if fmt != "json":
        err.print(
            f"dry run: {len(plan.to_build)} to build, {len(plan.to_skip)} unchanged (skipped), "
            f"{len(plan.remove)} to remove; nothing was written.",
            markup=False,
        )


def _summary(
    report: BatchReport,
    out: Path,
    validate: str,
    as_json: bool,
    quiet: bool,
    combine: Path | None,
    err: Any,
    removed: Sequence[Any] = (),
) -> None:
    eksempel = sum(1 for o in report.outcomes if o.eksempel and o.status != "failed")
    if as_json:
        import typer  # only for --json (the hand-off leaves that to Typer)

        typer.echo(json.dumps({
            "ok": not report.failed and not report.interrupted,
            "seconds": round(report.seconds, 3), "manifest": str(report.manifest),
            "built": len(report.built), "skipped": len(report.skipped),
            "failed": len(report.failed), "eksempel": eksempel,
            "interrupted": report.interrupted,
            "removed": [{"file": str(f.path), "reason": f.reason} for f in removed],
            "sheets": [_outcome_json(o, out) for o in report.outcomes],
        }, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        for o in report.failed:
            err.print(
                f"[bold red]Failed:[/] {o.kommunekode} {o.kommune}: {o.error}",
                markup=True,
                highlight=False,
            )
        # the summary, also with --quiet (which drops the per-sheet lines only)
        removed_note = f", {len(removed)} stale file(s) removed" if removed else ""
        err.print(
            f"{len(report.built)} built, {len(report.skipped)} unchanged (skipped), "
            f"{len(report.failed)} failed in {report.seconds:.2f} s -> {out}/ "
            f"(manifest: {report.manifest}){removed_note}",
            markup=False,
            highlight=False,
        )
        if eksempel:
            err.print(
                f"{eksempel} sheet(s) carry example data (eksempeldata, marked on every page): "
                "not for publishing.",
                markup=False,
            )
        if combine is not None and not report.interrupted:
            err.print(f"Combined: {combine}", markup=False)
        if validate == "none":
            err.print("Not validated (--no-validate): drafts, not for publishing.")
    if report.interrupted:
        err.print(
            "Interrupted: finished sheets are kept and recorded in the manifest; the files of "
            "unfinished sheets were removed."
        )
        raise interrupted_exit()
    if report.failed:
        raise SystemExit(max(o.exit_code for o in report.failed) or 1)

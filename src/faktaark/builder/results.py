"""A batch's results as the Python API returns them: a `BuildResult` per sheet, in the order
asked for, and every failure collected into one `BatchError` after the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from faktaark.builder.batch import SheetOutcome, run_batch
from faktaark.builder.provenance import sidecar_path
from faktaark.builder.sheet import BuildResult, OutputFile
from faktaark.core.kommuner import Kommune
from faktaark.errors import BatchError, Issue
from faktaark.layout.model import Layout
from faktaark.values.prepared import Prepared

__all__ = ["build_results", "outcome_result"]


def outcome_result(o: SheetOutcome, layout_name: str, out: Path) -> BuildResult | None:
    """A sheet's `BuildResult`: the one its worker made, or (skipped) one from the manifest."""
    if o.status == "built" and isinstance(o.result, BuildResult):
        return o.result
    if o.status != "skipped":
        return None
    files = tuple(
        OutputFile(out / f["file"], f["variant"], f["pages"], f["bytes"], f["sha256"])
        for f in o.files
    )
    return BuildResult(
        o.kommunekode, o.kommune, layout_name, files, o.eksempel,
        warnings=tuple(Issue(w) for w in o.warnings), skipped=True,
        provenance_path=sidecar_path(files[0].path) if files else None,
    )  # fmt: skip


def build_results(
    todo: Sequence[Kommune],
    prep: Prepared,
    lay: Layout,
    out: Path,
    *,
    variants: tuple[str, ...],
    jobs: int | None,
    validate: str,
    force: bool,
    fail_fast: bool,
    manifest: bool,
    on_result: Callable[[BuildResult], None] | None = None,
) -> list[BuildResult]:
    """Run the batch engine and return the sheets' results in the order of `todo`; raise
    `BatchError` (every failure in `issues`, the built sheets in `results`) when any failed
    or the run was interrupted."""
    results: dict[int, BuildResult] = {}

    def arrived(o: SheetOutcome) -> None:
        res = outcome_result(o, lay.name, out)
        if res is not None:
            results[o.kommunekode] = res
            if on_result is not None:
                on_result(res)

    report = run_batch(
        todo, prep, lay, out, variants=variants, jobs=jobs, validate=validate, force=force,
        fail_fast=fail_fast, progress=arrived, manifest=manifest, keep_results=True,
    )  # fmt: skip
    built = [results[k.kode] for k in todo if k.kode in results]
    if report.failed or report.interrupted:
        issues = [Issue(o.error, kommune=o.kommune) for o in report.failed]
        what = f"{len(report.failed)} of {len(todo)} sheets failed"
        if report.interrupted:
            what = f"interrupted after {len(built)} of {len(todo)} sheets"
        raise BatchError(f"{what}.", issues, results=built)
    return built

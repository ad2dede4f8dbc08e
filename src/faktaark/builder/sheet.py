"""One sheet, from prepared values to files on disk: plan, make the PDF(s), ask for a verdict
on their bytes, write them atomically, and write the provenance sidecar next to them.

Nothing is written until every variant has been made and has passed the checks asked for:
`make_sheet` makes and checks, `MadeSheet.write` writes (a batch in one process writes one
sheet while it makes the next, `builder.work`).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from faktaark.builder.provenance import Provenance, collect, sidecar_path
from faktaark.builder.verdicts import check_bytes
from faktaark.core.atomic import remove, sha256, write_atomic
from faktaark.core.folderlock import FolderId, lock_folder, open_folder
from faktaark.core.kommuner import Kommune
from faktaark.core.paths import guard_inside, guard_out_dir
from faktaark.errors import Issue
from faktaark.layout.model import Layout
from faktaark.layout.rules import compares_municipalities, sheet_stem
from faktaark.values.prepared import Prepared

__all__ = ["BuildResult", "MadeSheet", "OutputFile", "build_into", "make_sheet", "output_path"]


@dataclass(frozen=True)
class OutputFile:
    path: Path
    variant: str  # "screen" | "print"
    pages: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class BuildResult:
    """One municipality's sheet(s): files written, warnings, timing, and the provenance of
    every printed value (also written next to the PDF as `161-glostrup.json`)."""

    kommunekode: int
    kommune: str
    layout: str
    files: tuple[OutputFile, ...]
    eksempel: bool
    warnings: tuple[Issue, ...] = ()
    duration_ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    provenance: Provenance | None = None
    provenance_path: Path | None = None  # the sidecar JSON
    skipped: bool = False  # an incremental batch found it unchanged and did not rebuild it

    @property
    def path(self) -> Path:
        """The screen (default) PDF."""
        return self.files[0].path

    @property
    def pages(self) -> int:
        return self.files[0].pages

    @property
    def sha256(self) -> str:
        return self.files[0].sha256


def output_path(out: Path, k: Kommune, variant: str, layout_name: str) -> Path:
    """Where a sheet's PDF goes in `out/`."""
    return guard_inside(out, f"{sheet_stem(layout_name, k, variant)}.pdf")


class MadeSheet(NamedTuple):
    """A sheet made and checked (`make_sheet`), its files not yet written."""

    result: BuildResult  # what `write` returns, but for its duration
    files: tuple[tuple[Path, bytes], ...]  # (path, bytes): the PDFs, then the sidecar
    folder: FolderId | None
    made_ms: float

    def write(self) -> BuildResult:
        """Write the files, each atomically, all or none: an OS error (a full disk, a folder
        in the way) is an `OutputError`, and the files already written are taken back. The
        result's duration is the time taken to make and to write the sheet."""
        t0 = time.perf_counter()
        out = self.files[0][0].parent
        done: list[Path] = []
        folder = self.folder
        with open_folder(out, folder) if folder is not None else contextlib.nullcontext() as fd:
            try:
                for path, data in self.files:
                    write_atomic(path, data, fd)
                    done.append(path)
            except BaseException:
                for path in done:
                    remove(path, fd)
                raise
        ms = self.made_ms + (time.perf_counter() - t0) * 1000
        return replace(self.result, duration_ms=ms)


def make_sheet(
    k: Kommune,
    prep: Prepared,
    lay: Layout,
    out: Path,
    print_variant: bool | str = False,
    validate: str = "full",
    folder: FolderId | None = None,
) -> MadeSheet:
    """One municipality's sheet for `out/`, made and checked, its files not yet written
    (`MadeSheet.write`): the screen PDF (and with `print_variant` the print PDF: `True` or
    "x4" PDF/X-4, "x1a" PDF/X-1a:2003, or a print variant's name), each checked as
    `validate` says ("full", "fast", "none"), and the provenance sidecar. `folder`: the
    identity of `out` when a batch locked it; then `out` is never created again, and a sheet
    whose folder was removed or replaced fails (nothing written)."""
    from faktaark.layout.rules import variants_for
    from faktaark.pdf.make import make_pdf
    from faktaark.plan.planner import make_plan

    t0 = time.perf_counter()
    if folder is None:
        guard_out_dir(out)
    if prep.dataset.blocked:  # rows left out as invalid: this sheet may depend on them
        stop = prep.blocked_for(k, compares_municipalities(lay, prep.dataset.fields))
        if stop is not None:
            raise stop
    sd = prep.sheet_data(k)
    sheet = make_plan(lay, sd)
    writes: list[tuple[Path, bytes]] = []
    files: list[OutputFile] = []
    for variant in variants_for(print_variant):
        pdf = make_pdf(sheet, variant)
        check_bytes(pdf, variant, validate, sheet.title)
        path = output_path(out, k, variant, lay.name)
        writes.append((path, pdf))
        files.append(OutputFile(path, variant, len(sheet.pages), len(pdf), sha256(pdf)))
    prov = collect(sheet, sd.record, sd.dictionary, files[0].path.name, files[0].sha256)
    sidecar = sidecar_path(files[0].path)
    writes.append((sidecar, prov.to_json()))
    result = BuildResult(
        k.kode,
        k.navn,
        lay.name,
        tuple(files),
        sheet.eksempel,
        warnings=(
            *(w for w in prep.dataset.warnings if w.kommune in (None, k.navn)),
            *prep.blocked_warnings(),
        ),
        provenance=prov,
        provenance_path=sidecar,
    )
    return MadeSheet(result, tuple(writes), folder, (time.perf_counter() - t0) * 1000)


def build_into(
    k: Kommune, prep: Prepared, lay: Layout, out: Path, print_variant: bool | str = False,
    validate: str = "full",
) -> BuildResult:  # fmt: skip
    """One sheet made (`make_sheet`) and written into `out` (created if missing) while holding
    the folder's lock: one run at a time writes into a folder (`core.folderlock`); a run that
    finds another at work there waits for it (and says so on the `faktaark` logger)."""
    import logging

    from faktaark.core.config import source_date_epoch

    source_date_epoch()  # a bad SOURCE_DATE_EPOCH stops before anything is written
    folder = guard_out_dir(out)
    with lock_folder(folder, logging.getLogger("faktaark").warning) as lock:
        return make_sheet(k, prep, lay, folder, print_variant, validate, lock.ident).write()

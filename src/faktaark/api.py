"""The public Python API: what the CLI calls, and what a data pipeline calls.

Functions return result objects and raise `FaktaarkError`s; they never print. `data` may be
None (the bundled data), a path or list of paths (files or folders), an already loaded
`Dataset`, or a Polars/pandas DataFrame with the columns the kit's data dictionary declares.
`layout` names a sheet kit (a shipped one, or a kit folder); its `fields.toml` decides which
columns the data has and how every figure is computed (the default kit when None).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.builder.jobs import check_jobs
from faktaark.builder.sheet import BuildResult, OutputFile, build_into, output_path
from faktaark.builder.verdicts import check_mode
from faktaark.core.atomic import write_atomic
from faktaark.core.config import source_date_epoch
from faktaark.core.kommuner import Kommune, register
from faktaark.core.paths import guard_out_file, out_folder
from faktaark.data.dataset import Dataset
from faktaark.layout.model import Layout
from faktaark.layout.rules import variants_for
from faktaark.plan.model import SheetPlan
from faktaark.values.prepared import Prepared

# isort: off
from faktaark.kits import (Field, available_layouts, bundled_data, checked_layout,
                           data_dictionary, describe_layout, example_data, fit_check,
                           kit_fields, load_layout_for, new_kit, proof)  # fmt: skip
# isort: on

if TYPE_CHECKING:
    import polars as pl  # noqa: TID251 (a type only)

    from faktaark.data.editions import DiffReport
    from faktaark.pdf.examine import PdfReport
    from faktaark.pdf.preflight_report import Preflight
    from faktaark.review.compare import CompareReport
    from faktaark.review.contact import ContactSheet
    from faktaark.review.watch import PreviewServer

__all__ = [
    "BuildResult",
    "Field",
    "OutputFile",
    "available_layouts",
    "build",
    "build_many",
    "bundled_data",
    "check_pdf",
    "combine_pdfs",
    "compare",
    "contact_sheet",
    "data_dictionary",
    "describe_layout",
    "diff_editions",
    "example_data",
    "fit_check",
    "indicators",
    "kit_fields",
    "list_kommuner",
    "load",
    "load_layout_for",
    "new_kit",
    "plan_sheet",
    "preflight",
    "prepare",
    "preview_pages",
    "preview_server",
    "proof",
    "read_columns_file",
    "resolve_kommuner",
    "statbank_import",
    "validate",
    "write_file",
    "write_indicators",
]  # fmt: skip

DataLike = Dataset | str | Path | Sequence[str | Path] | Any | None
LayoutLike = str | Path | Layout | None
PdfPaths = Sequence[str | Path] | str | Path  # one PDF or several
DEFAULT_OUT = Path("faktaark")


def load(
    data: DataLike = None,
    *,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
    source: str | None = None,
    strict: bool = True,
    layout: LayoutLike = None,
) -> Dataset:
    """Read and validate figures (bundled data when `data` is None) by the data dictionary of
    the kit `layout`. Raises `DataError`. A DataFrame updates rows of the bundled data or of
    the files before it (`faktaark.data.frames`), named `source`; `strict=False`: rows with
    errors are left out (`Dataset.blocked`)."""
    from faktaark.data.frames import load_any

    if isinstance(data, Dataset):
        return data
    return load_any(data, columns, sheet, source, strict, data_dictionary(layout))


def validate(
    data: DataLike = None,
    *,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
    previous: Sequence[str | Path] = (),
    layout: LayoutLike = None,
) -> Dataset:
    """`load`, and with `previous` (the files of the edition before) the implausible changes
    since it added to the warnings: what `faktaark validate` checks, building nothing."""
    ds = load(data, columns=columns, sheet=sheet, layout=layout)
    if not previous:
        return ds
    from faktaark.data.editions import with_flags

    return with_flags(list(previous), ds, columns, sheet)


def prepare(
    data: DataLike = None,
    *,
    udgave: int | None = None,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
    source: str | None = None,
    strict: bool = False,
    layout: LayoutLike = None,
) -> Prepared:
    """Load (if needed) and compute every indicator once for one edition, by the data
    dictionary of the kit `layout`; unless `strict`, a row with errors stops only the sheets
    that need it (its own; all, if a layout compares).

    For data given as files (or the bundled data) the result is cached per user, keyed by
    the files' bytes, the options and the faktaark version (see `faktaark.core.cache`)."""
    from faktaark.values.prepared import prepare_edition

    if isinstance(data, Prepared):
        return data
    d = data.fields if isinstance(data, Dataset) else data_dictionary(layout)
    if (
        data is None
        or isinstance(data, (str, Path))
        or (isinstance(data, Sequence) and all(isinstance(p, (str, Path)) for p in data))
    ):
        from faktaark.data.loader import input_files
        from faktaark.values.prepared import cached_prepare

        paths = None if data is None else [data] if isinstance(data, (str, Path)) else list(data)
        options = f"{udgave}|{sorted((columns or {}).items())}|{sheet}|{strict}|{d.digest}"
        return cached_prepare(input_files(paths, d), options, lambda: prepare_edition(
            load(paths, columns=columns, sheet=sheet, strict=strict, layout=layout), udgave
        ))  # fmt: skip
    ds = load(data, columns=columns, sheet=sheet, source=source, strict=strict, layout=layout)
    return prepare_edition(ds, udgave)


def indicators(
    data: DataLike = None,
    *,
    kommune: str | int | Sequence[str | int] | None = None,
    udgave: int | None = None,
    layout: LayoutLike = None,
) -> pl.DataFrame:
    """The derived indicators of the kit `layout` (its data dictionary) as a Polars
    DataFrame, one row per municipality (all, or `kommune`: a code or name, or a list of
    them), by code. Columns: kommunekode, kommune, region, udgave, datakilde, folketal, then
    one per indicator."""
    from faktaark.values.indicators import frame

    ds = data.dataset if isinstance(data, Prepared) else load(data, layout=layout)
    udgave = data.udgave if isinstance(data, Prepared) and udgave is None else udgave
    queries = [kommune] if isinstance(kommune, (str, int)) else kommune
    codes = None if queries is None else [k.kode for k in resolve_kommuner(list(queries))]
    return frame(ds, udgave, codes)


def write_indicators(
    frame: pl.DataFrame, fmt: str | None = None, out: str | Path | None = None
) -> str | None:
    """Write an `indicators()` frame as CSV, JSON (a list of row objects) or Parquet, every
    number at full precision: to `out` (atomically; `fmt` defaults to its suffix) or returned."""
    from faktaark.values.indicators import write_frame

    return write_frame(frame, fmt, None if out is None else guard_out_file(out, "indicators file"))


def list_kommuner(
    data: DataLike = None, *, udgave: int | None = None, layout: LayoutLike = None
) -> list[dict[str, object]]:
    """The 98 municipalities with code, names, region and the data source of their figures."""
    return load(data, layout=layout).kommune_rows(udgave)


def resolve_kommuner(queries: Sequence[str | int] | None = None) -> list[Kommune]:
    """Codes or names -> municipalities (raises `UnknownKommune`), duplicates dropped; all 98
    when `queries` is None."""
    reg = register()
    return list(reg) if queries is None else list(dict.fromkeys(reg.get(q) for q in queries))


def plan_sheet(
    kommune: str | int,
    *,
    data: DataLike = None,
    layout: str | Path | Layout | None = None,
    udgave: int | None = None,
) -> SheetPlan:
    """Plan one sheet without drawing it (what goes where, at which size)."""
    from faktaark.plan.planner import make_plan

    prep = prepare(data, udgave=udgave, layout=layout)
    k = register().get(kommune)
    return make_plan(checked_layout(layout, prep.dataset), prep.sheet_data(k))


def build(
    kommune: str | int,
    *,
    data: DataLike = None,
    layout: str | Path | Layout | None = None,
    out: str | Path = DEFAULT_OUT,
    print_variant: bool | str = False,
    udgave: int | None = None,
    validate: str = "full",
    source: str | None = None,
    strict: bool = False,
) -> BuildResult:
    """Build one municipality's sheet into `out/` (created if missing) and return the result.

    `print_variant`: also the print PDF (`True` or "x4": PDF/X-4, "x1a": PDF/X-1a:2003).
    `validate`: "full" (structural check + PDF/A and PDF/UA validator), "fast" (structural
    check only) or "none". `source`, `strict`: see `load`."""
    check_mode(validate)
    prep = prepare(data, udgave=udgave, source=source, strict=strict, layout=layout)
    lay = checked_layout(layout, prep.dataset)
    return build_into(register().get(kommune), prep, lay, out_folder(out), print_variant, validate)


def build_many(
    kommuner: Sequence[str | int] | None = None,
    *,
    data: DataLike = None,
    layout: str | Path | Layout | None = None,
    out: str | Path = DEFAULT_OUT,
    print_variant: bool | str = False,
    udgave: int | None = None,
    validate: str = "sample",
    jobs: int | None = None,
    manifest: bool = False,
    force: bool = False,
    fail_fast: bool = False,
    on_result: Callable[[BuildResult], None] | None = None,
) -> list[BuildResult]:
    """Build several sheets (all 98 when `kommuner` is None) through the batch engine, as
    `faktaark build --all` does: `jobs` at a time (this process and `jobs - 1` worker processes;
    default: one per core; the files do not depend on it), the data and layout prepared once.

    - One failing sheet does not stop the others (unless `fail_fast`): when any failed, a
      `BatchError` is raised after the run, listing every failure in `issues` and carrying
      the sheets that were built in `results`.
    - `manifest`: write `out/manifest.json` and skip the sheets whose inputs are unchanged
      since it was written (incremental; `force` rebuilds). A skipped sheet's result has
      `skipped=True` and no provenance object (its sidecar is `provenance_path`).
    - `validate`: "sample" (the command line's default: the full validator on the first sheet
      and every 32nd), "full", "fast" or "none". `on_result(result)`: progress, as they finish;
      `print_variant` as for `build`."""
    from faktaark.builder.results import build_results

    check_mode(validate, batch=True)
    check_jobs(jobs)
    prep = prepare(data, udgave=udgave, layout=layout)
    return build_results(
        resolve_kommuner(kommuner), prep, checked_layout(layout, prep.dataset), out_folder(out),
        variants=variants_for(print_variant), jobs=jobs, validate=validate, force=force,
        fail_fast=fail_fast, manifest=manifest, on_result=on_result,
    )  # fmt: skip


def preview_pages(
    kommune: str | int,
    *,
    data: DataLike = None,
    layout: str | Path | Layout | None = None,
    udgave: int | None = None,
    out: str | Path = DEFAULT_OUT,
    dpi: float = 100,
) -> list[Path]:
    """Render a sheet (without writing its PDF) to one PNG per page in `out/`:
    `161-glostrup-side1.png`, `161-glostrup-side2.png`. Returns their paths."""
    from faktaark.pdf.make import make_pdf
    from faktaark.plan.planner import make_plan
    from faktaark.review.pages import write_pngs

    source_date_epoch()
    prep = prepare(data, udgave=udgave, layout=layout)
    lay = checked_layout(layout, prep.dataset)
    k = register().get(kommune)
    pdf = make_pdf(make_plan(lay, prep.sheet_data(k)))
    folder = out_folder(out)
    return write_pngs(pdf, folder, output_path(folder, k, "screen", lay.name).stem, dpi)


def preview_server(kommuner: Sequence[str | int], *, data: DataLike = None,
                   layout: str | Path | None = None, **options: Any) -> PreviewServer:  # fmt: skip
    """`preview --watch`: `options` go to `prepare` and `faktaark.review.watch.serve_sheets`."""
    from faktaark.review.watch import SERVE_OPTIONS, serve_sheets

    source_date_epoch()
    own = {k: options.pop(k) for k in SERVE_OPTIONS if k in options}
    fresh = (lambda: prepare(data, layout=layout, **options), lambda ds: checked_layout(layout, ds))
    return serve_sheets(resolve_kommuner(kommuner), *fresh, data=data, layout=layout, **own)


def contact_sheet(
    folder: str | Path, out: str | Path = "oversigt.pdf", *, png: bool = False, columns: int = 5,
    rows: int = 4, thumb_dpi: float = 40, png_dpi: float = 100,
) -> ContactSheet:  # fmt: skip
    """One overview of every sheet in `folder`, labelled with code and name, `columns` x `rows`
    (1-20) sheets per A3 page; `png`: a PNG of each page too. PDFs are read within bounds."""
    from faktaark.review.contact import contact_sheet as make  # building a sheet needs none of it

    return make(folder, out, png=png, columns=columns, rows=rows, thumb_dpi=thumb_dpi,
                png_dpi=png_dpi)  # fmt: skip


def compare(
    old: str | Path, new: str | Path, out: str | Path = "sammenligning", *, dpi: float = 72
) -> CompareReport:
    """Compare two batches page by page: the sheets in `old` and `new` (matched by file name)
    at `dpi` (10-300), a difference image per changed page in `out/`, the values changed."""
    from faktaark.review.compare import compare as compare_batches

    return compare_batches(old, new, out, dpi=dpi)


def check_pdf(paths: PdfPaths, *, validate: bool = True,
              profile: str | Sequence[str] = "auto") -> list[PdfReport]:  # fmt: skip
    """Inspect PDFs, judged by what each claims ("auto") or `profile` (`faktaark.pdf.profiles`)."""
    from faktaark.pdf.examine import check_files

    return check_files(paths, validate=validate, profile=profile)


def preflight(paths: PdfPaths) -> list[Preflight]:
    """Preflight print PDFs (one path or a list; a `Preflight` each, a bad file gets `.error`)."""
    from faktaark.pdf.preflight import preflight_files

    return preflight_files(paths)


def read_columns_file(path: str | Path) -> dict[str, str]:
    """A column-mapping file (TOML, `[kolonner] ny = "gammel"`) -> {our name: your name}."""
    from faktaark.data.sources import read_column_map

    return read_column_map(path)


def diff_editions(
    data: Sequence[str | Path], *, columns: dict[str, str] | None = None,
    sheet: str | None = None, layout: LayoutLike = None,
) -> DiffReport:  # fmt: skip
    """Compare two editions: two files or folders (old, new), or one holding two editions;
    what is flagged is declared in the kit's data dictionary (`diff` of each figure)."""
    from faktaark.data.editions import compare_editions, load_pair

    old, new = load_pair(list(data), columns, sheet, data_dictionary(layout))
    return compare_editions(old, new)


def write_file(path: str | Path, data: bytes) -> None:
    """Write a file atomically (a temporary name, then a rename)."""
    write_atomic(Path(path), data)


def statbank_import(table: str, out: str | Path, *, tid: str | None = None, fmt: str = "csv",
                    timeout: float = 30.0, response: str | Path | None = None,
                    layout: LayoutLike = None) -> Any:  # fmt: skip
    """Fetch FOLK1A (population) or a table the kit's data dictionary maps columns to (e.g.
    BOL101 for `boligmasse`) from Statbank (or convert a saved answer, `response`) into the
    CSV file `out`, with a provenance note next to it (`out.SOURCE.txt`). Returns the fetched
    table (`statbank.Fetched`)."""
    from faktaark.data.statbank import import_table

    return import_table(table, Path(out), tid=tid, fmt=fmt, timeout=timeout, response=response,
                        dictionary=data_dictionary(layout))  # fmt: skip


def combine_pdfs(paths: PdfPaths, out: str | Path, *, labels: Sequence[str] | None = None,
                 title: str | None = None) -> None:  # fmt: skip
    """`build --combine`: one PDF of faktaark's sheets, of their standards (`pdf.combine`)."""
    from faktaark.pdf.combine import combine

    combine(paths, Path(out), labels=labels, title=title)

"""The public Python API: what the CLI calls, and what a data pipeline calls.

Functions return result objects and raise `FaktaarkError`s; they never print. `data` may be
None (the bundled data), a path or list of paths (files or folders), an already loaded
`Dataset`, or a Polars/pandas DataFrame with the columns of `data/almene.csv`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.builder.sheet import BuildResult, OutputFile, build_sheet, output_path
from faktaark.builder.verdicts import check_mode
from faktaark.core.atomic import write_atomic
from faktaark.core.kommuner import Kommune, register
from faktaark.core.paths import out_folder
from faktaark.data.dataset import Dataset
from faktaark.errors import BatchError, Issue
from faktaark.layout.model import Layout
from faktaark.plan.model import SheetPlan
from faktaark.values.prepared import Prepared

if TYPE_CHECKING:
    import polars as pl  # noqa: TID251 (a type only)

    from faktaark.builder.batch import SheetOutcome
    from faktaark.data.editions import DiffReport
    from faktaark.pdf.inspect import PdfReport
    from faktaark.plan.fitcheck import FitReport
    from faktaark.review.compare import CompareReport
    from faktaark.review.contact import ContactSheet

__all__ = ["BuildResult", "OutputFile", "available_layouts", "build", "build_many", "check_pdf",
           "combine_pdfs", "compare", "contact_sheet", "describe_layout", "diff_editions",
           "example_data_csv", "fit_check", "flag_against_previous", "indicators",
           "list_kommuner", "load", "load_layout_for", "plan_sheet", "prepare", "preview_pages",
           "read_columns_file", "resolve_kommuner", "statbank_import", "validate", "write_file",
           "write_indicators"]  # fmt: skip

DataLike = Dataset | str | Path | Sequence[str | Path] | Any | None
DEFAULT_OUT = Path("faktaark")


def load(
    data: DataLike = None, *, columns: dict[str, str] | None = None, sheet: str | None = None
) -> Dataset:
    """Read and validate figures (bundled data when `data` is None). Raises `DataError`."""
    from faktaark.data.loader import load_dataset

    if isinstance(data, Dataset):
        return data
    if data is None:
        return load_dataset(None, columns, sheet)
    if isinstance(data, (str, Path)):
        return load_dataset([data], columns, sheet)
    if isinstance(data, Sequence) and all(isinstance(p, (str, Path)) for p in data):
        return load_dataset(list(data), columns, sheet)
    from faktaark.data.frames import dataset_from_frame

    return dataset_from_frame(data, columns)


validate = load  # `faktaark validate` is loading without building


def prepare(
    data: DataLike = None,
    *,
    udgave: int | None = None,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
) -> Prepared:
    """Load (if needed) and compute every indicator once for one edition.

    For data given as files (or the bundled data) the result is cached per user, keyed by
    the files' bytes, the options and the faktaark version (see `faktaark.core.cache`)."""
    from faktaark.values.prepared import prepare_edition

    if isinstance(data, Prepared):
        return data
    if (
        data is None
        or isinstance(data, (str, Path))
        or (isinstance(data, Sequence) and all(isinstance(p, (str, Path)) for p in data))
    ):
        from faktaark.data.loader import input_files
        from faktaark.values.prepared import cached_prepare

        paths = None if data is None else [data] if isinstance(data, (str, Path)) else list(data)
        files = input_files(paths)
        options = f"{udgave}|{sorted((columns or {}).items())}|{sheet}"
        return cached_prepare(
            files,
            options,
            lambda: prepare_edition(load(paths, columns=columns, sheet=sheet), udgave),
        )
    return prepare_edition(load(data, columns=columns, sheet=sheet), udgave)


def indicators(
    data: DataLike = None,
    *,
    kommune: str | int | Sequence[str | int] | None = None,
    udgave: int | None = None,
) -> pl.DataFrame:
    """The derived indicators (`fields.INDICATORS`) as a Polars DataFrame, one row per
    municipality (all, or `kommune`: a code or name, or a list of them), by code. Columns:
    kommunekode, kommune, region, udgave, datakilde, then one per indicator."""
    from faktaark.values.indicators import frame

    ds = data.dataset if isinstance(data, Prepared) else load(data)
    udgave = data.udgave if isinstance(data, Prepared) and udgave is None else udgave
    codes = None
    if kommune is not None:
        queries = [kommune] if isinstance(kommune, (str, int)) else list(kommune)
        codes = [k.kode for k in resolve_kommuner(queries)]
    return frame(ds.edition(udgave), ds.folketal, codes)


def write_indicators(
    frame: pl.DataFrame, fmt: str | None = None, out: str | Path | None = None
) -> str | None:
    """Write an `indicators()` frame as CSV, JSON (a list of row objects) or Parquet, with
    every number at full precision: to the file `out` (atomically; `fmt` defaults to its
    suffix) or, for CSV and JSON, returned as text when `out` is None."""
    from faktaark.values.indicators import write_frame

    return write_frame(frame, fmt, out)


def list_kommuner(data: DataLike = None, *, udgave: int | None = None) -> list[dict[str, object]]:
    """The 98 municipalities with code, names, region and the data source of their figures."""
    ds = load(data)
    source = {r.kommunekode: r.values.get("datakilde") for r in ds.edition(udgave)}
    return [
        {"kommunekode": k.kode, "kommune": k.navn, "officielt_navn": k.officielt_navn,
         "region": k.region, "region_fra_2027": k.region_fra_2027, "slug": k.slug,
         "datakilde": source.get(k.kode)}
        for k in register()
    ]  # fmt: skip


def _layout(layout: str | Path | Layout | None, ds: Dataset) -> Layout:
    from faktaark.layout.load import cached_layout
    from faktaark.values.sheet import known_names

    return cached_layout(layout, known_names(ds.fakta))


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

    prep = prepare(data, udgave=udgave)
    k = register().get(kommune)
    return make_plan(_layout(layout, prep.dataset), prep.sheet_data(k))


def build(
    kommune: str | int,
    *,
    data: DataLike = None,
    layout: str | Path | Layout | None = None,
    out: str | Path = DEFAULT_OUT,
    print_variant: bool = False,
    udgave: int | None = None,
    validate: str = "full",
) -> BuildResult:
    """Build one municipality's sheet into `out/` (created if missing) and return the result.

    `validate`: "full" (structural check + PDF/A and PDF/UA validator), "fast" (structural
    check only) or "none"."""
    check_mode(validate)
    prep = prepare(data, udgave=udgave)
    lay = _layout(layout, prep.dataset)
    return build_sheet(register().get(kommune), prep, lay, out_folder(out), print_variant, validate)


def build_many(
    kommuner: Sequence[str | int] | None = None,
    *,
    data: DataLike = None,
    layout: str | Path | Layout | None = None,
    out: str | Path = DEFAULT_OUT,
    print_variant: bool = False,
    udgave: int | None = None,
    validate: str = "sample",
    jobs: int | None = None,
    manifest: bool = False,
    force: bool = False,
    fail_fast: bool = False,
    on_result: Callable[[BuildResult], None] | None = None,
) -> list[BuildResult]:
    """Build several sheets (all 98 when `kommuner` is None) through the batch engine, as
    `faktaark build --all` does: `jobs` worker processes (default: one per core; the files do
    not depend on it), the data, indicators and layout prepared once.

    - One failing sheet does not stop the others (unless `fail_fast`): when any failed, a
      `BatchError` is raised after the run, listing every failure in `issues` and carrying
      the sheets that were built in `results`.
    - `manifest`: write `out/manifest.json` and skip the sheets whose inputs are unchanged
      since it was written (incremental; `force` rebuilds). A skipped sheet's result has
      `skipped=True` and no provenance object (its sidecar is `provenance_path`).
    - `validate`: "sample" (the command line's default: the full validator on the first sheet
      and every 32nd), "full", "fast" or "none". `on_result(result)`: progress, as they finish.
    """
    from faktaark.builder.batch import outcome_result, run_batch

    check_mode(validate, batch=True)
    prep = prepare(data, udgave=udgave)
    lay = _layout(layout, prep.dataset)
    todo = resolve_kommuner(kommuner)
    target = out_folder(out)
    results: dict[int, BuildResult] = {}

    def arrived(o: SheetOutcome) -> None:
        res = outcome_result(o, lay.name, target)
        if res is not None:
            results[o.kommunekode] = res
            if on_result is not None:
                on_result(res)

    report = run_batch(
        todo, prep, lay, target, variants=("screen", "print") if print_variant else ("screen",),
        jobs=jobs, validate=validate, force=force, fail_fast=fail_fast, progress=arrived,
        manifest=manifest, keep_results=True,
    )  # fmt: skip
    built = [results[k.kode] for k in todo if k.kode in results]
    if report.failed or report.interrupted:
        issues = [Issue(o.error, kommune=o.kommune) for o in report.failed]
        what = f"{len(report.failed)} of {len(todo)} sheets failed"
        if report.interrupted:
            what = f"interrupted after {len(built)} of {len(todo)} sheets"
        raise BatchError(f"{what}.", issues, results=built)
    return built


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

    prep = prepare(data, udgave=udgave)
    lay = _layout(layout, prep.dataset)
    k = register().get(kommune)
    pdf = make_pdf(make_plan(lay, prep.sheet_data(k)))
    folder = out_folder(out)
    return write_pngs(pdf, folder, output_path(folder, k, "screen", lay.name).stem, dpi)


def contact_sheet(
    folder: str | Path, out: str | Path = "oversigt.pdf", *, png: bool = False, columns: int = 5,
    rows: int = 4, thumb_dpi: float = 40, png_dpi: float = 100,
) -> ContactSheet:  # fmt: skip
    """One overview of every sheet in `folder`: all pages of each side by side, labelled with
    code and name, `columns` x `rows` sheets per A3 landscape page. `png`: also a PNG per page
    (`oversigt.png`, or `oversigt-1.png` ... when several)."""
    from faktaark.review.contact import contact_sheet as make  # building a sheet needs none of it

    return make(
        folder, out, png=png, columns=columns, rows=rows, thumb_dpi=thumb_dpi, png_dpi=png_dpi
    )


def compare(
    old: str | Path, new: str | Path, out: str | Path = "sammenligning", *, dpi: float = 72
) -> CompareReport:
    """Compare two batches page by page: render the sheets in `old` and `new` (matched by file
    name) at `dpi` and report those whose pages differ, with a difference image per changed
    page in `out/` and the printed values that changed (from the provenance sidecars)."""
    from faktaark.review.compare import compare as compare_batches

    return compare_batches(old, new, out, dpi=dpi)


def load_layout_for(layout: str | Path | Layout | None, data: DataLike = None) -> Layout:
    """Load and check a layout against the placeholders the data provides."""
    return _layout(layout, load(data))


def describe_layout(layout: str | Path) -> str:
    """One line about a layout folder (its description)."""
    from faktaark.layout.load import describe

    return describe(layout)


def fit_check(
    layout: str | Path | Layout | None = None, *, data: DataLike = None, udgave: int | None = None
) -> FitReport:
    """Plan a layout for all 98 municipalities and synthetic worst cases -> `FitReport`."""
    from faktaark.plan.fitcheck import check_fit

    ds = load(data)
    return check_fit(_layout(layout, ds), ds, udgave)


def check_pdf(paths: Sequence[str | Path], *, validate: bool = True) -> list[PdfReport]:
    """Inspect PDFs as a print shop would (`check.PdfReport` per file)."""
    from faktaark.pdf.inspect import inspect_pdf

    return [inspect_pdf(p, validate=validate) for p in paths]


def available_layouts() -> list[Path]:
    """The layout folders shipped with faktaark."""
    from faktaark.layout.load import available

    return available()


def read_columns_file(path: str | Path) -> dict[str, str]:
    """A column-mapping file (TOML, `[kolonner] ny = "gammel"`) -> {our name: your name}."""
    from faktaark.data.sources import read_column_map

    return read_column_map(path)


def diff_editions(
    data: Sequence[str | Path], *, columns: dict[str, str] | None = None, sheet: str | None = None
) -> DiffReport:
    """Compare two editions: two files or folders (old, new), or one holding two editions."""
    from faktaark.data.editions import compare_editions, load_pair

    old, new = load_pair(list(data), columns, sheet)
    return compare_editions(old, new)


def flag_against_previous(
    previous: Sequence[str | Path],
    data: Dataset,
    columns: dict[str, str] | None = None,
    sheet: str | None = None,
) -> Dataset:
    """`data` with the implausible changes since the `previous` edition added as warnings."""
    from faktaark.data.editions import with_flags

    return with_flags(list(previous), data, columns, sheet)


def example_data_csv() -> str:
    """The bundled example figures, regenerated (deterministic), as CSV text."""
    from faktaark.data.eksempeldata import generate, to_csv

    return to_csv(generate())


def write_file(path: str | Path, data: bytes) -> None:
    """Write a file atomically (a temporary name, then a rename)."""
    write_atomic(Path(path), data)


def statbank_import(
    table: str,
    out: str | Path,
    *,
    tid: str | None = None,
    fmt: str = "csv",
    timeout: float = 30.0,
    response: str | Path | None = None,
) -> Any:
    """Fetch FOLK1A (population) or BOL101 (dwellings) from Statbank (or convert a saved
    answer, `response`) into the CSV file `out`, with a provenance note next to it
    (`out.SOURCE.txt`). Returns the fetched table (`statbank.Fetched`)."""
    from faktaark.data.statbank import import_table

    return import_table(table, Path(out), tid=tid, fmt=fmt, timeout=timeout, response=response)


def combine_pdfs(paths: Sequence[Path], out: str | Path) -> None:
    """One PDF of all `paths`, in order (`build --combine`)."""
    from faktaark.pdf.combine import combine

    combine(list(paths), Path(out))

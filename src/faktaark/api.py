"""The public Python API: what the CLI calls, and what a data pipeline calls.

Functions return result objects and raise `FaktaarkError`s; they never print. `data` may be
None (the bundled data), a path or list of paths (files or folders), an already loaded
`Dataset`, or a Polars/pandas DataFrame with the columns of `data/almene.csv`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.dataset import Dataset
from faktaark.errors import Issue, UsageError
from faktaark.kommuner import Kommune, register
from faktaark.layout import Layout, load_layout
from faktaark.pipeline import Prepared, make_pdf, sha256, write_atomic
from faktaark.plan import SheetPlan
from faktaark.provenance import Provenance, collect, sidecar_path

if TYPE_CHECKING:
    import polars as pl  # noqa: TID251 (a type only)

    from faktaark.preview import CompareReport, ContactSheet

__all__ = ["BuildResult", "OutputFile", "build", "build_many", "compare", "contact_sheet",
           "indicators", "list_kommuner", "load", "plan_sheet", "prepare", "preview_pages",
           "validate", "write_indicators"]  # fmt: skip

DataLike = Dataset | str | Path | Sequence[str | Path] | Any | None
DEFAULT_OUT = Path("faktaark")
INDICATOR_ID_COLUMNS = ("kommunekode", "kommune", "region", "udgave", "datakilde")
INDICATOR_FORMATS = ("csv", "json", "parquet")


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


def load(
    data: DataLike = None, *, columns: dict[str, str] | None = None, sheet: str | None = None
) -> Dataset:
    """Read and validate figures (bundled data when `data` is None). Raises `DataError`."""
    from faktaark.loader import load_dataset

    if isinstance(data, Dataset):
        return data
    if data is None:
        return load_dataset(None, columns, sheet)
    if isinstance(data, (str, Path)):
        return load_dataset([data], columns, sheet)
    if isinstance(data, Sequence) and all(isinstance(p, (str, Path)) for p in data):
        return load_dataset(list(data), columns, sheet)
    from faktaark.frames import dataset_from_frame

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
    the files' bytes, the options and the faktaark version (see `faktaark.cache`)."""
    from faktaark.pipeline import prepare as _prepare

    if isinstance(data, Prepared):
        return data
    if (
        data is None
        or isinstance(data, (str, Path))
        or (isinstance(data, Sequence) and all(isinstance(p, (str, Path)) for p in data))
    ):
        from faktaark.cache import cached_prepare
        from faktaark.loader import input_files

        paths = None if data is None else [data] if isinstance(data, (str, Path)) else list(data)
        files = input_files(paths)
        options = f"{udgave}|{sorted((columns or {}).items())}|{sheet}"
        return cached_prepare(
            files, options, lambda: _prepare(load(paths, columns=columns, sheet=sheet), udgave)
        )
    return _prepare(load(data, columns=columns, sheet=sheet), udgave)


def indicators(
    data: DataLike = None,
    *,
    kommune: str | int | Sequence[str | int] | None = None,
    udgave: int | None = None,
) -> pl.DataFrame:
    """The derived indicators (`fields.INDICATORS`) as a Polars DataFrame, one row per
    municipality (all, or `kommune`: a code or name, or a list of them), by code. Columns:
    kommunekode, kommune, region, udgave, datakilde, then one per indicator."""
    from faktaark import derive
    from faktaark.fields import INDICATOR_NAMES

    ds = data.dataset if isinstance(data, Prepared) else load(data)
    udgave = data.udgave if isinstance(data, Prepared) and udgave is None else udgave
    df = derive.compute(ds.edition(udgave), ds.folketal, register())
    names = {k.kode: k.navn for k in register()}
    df = df.with_columns(df["kommunekode"].replace_strict(names).alias("kommune"))
    if kommune is not None:
        queries = [kommune] if isinstance(kommune, (str, int)) else list(kommune)
        df = df.filter(df["kommunekode"].is_in([k.kode for k in resolve_kommuner(queries)]))
    return df.select(*INDICATOR_ID_COLUMNS, *INDICATOR_NAMES)


def write_indicators(
    frame: pl.DataFrame, fmt: str | None = None, out: str | Path | None = None
) -> str | None:
    """Write an `indicators()` frame as CSV, JSON (a list of row objects) or Parquet, with
    every number at full precision: to the file `out` (atomically; `fmt` defaults to its
    suffix) or, for CSV and JSON, returned as text when `out` is None."""
    import io

    fmt = fmt or (Path(out).suffix.lstrip(".").lower() if out is not None else "csv")
    fmt = {"pq": "parquet"}.get(fmt, fmt)
    if fmt not in INDICATOR_FORMATS:
        raise UsageError(f"Unknown format {fmt!r}: use {', '.join(INDICATOR_FORMATS)}.")
    if fmt == "parquet":
        if out is None:
            raise UsageError("Parquet is a binary format: give a file to write (--out x.parquet).")
        buf = io.BytesIO()
        frame.write_parquet(buf)
        data = buf.getvalue()
    else:
        text = frame.write_csv() if fmt == "csv" else frame.write_json() + "\n"
        if out is None:
            return text
        data = text.encode("utf-8")
    write_atomic(Path(out), data)
    return None


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
    if isinstance(layout, Layout):
        return layout
    from faktaark.cache import cached_layout
    from faktaark.context import known_names
    from faktaark.layout import resolve

    known = known_names(ds.fakta)
    folder = resolve(layout)
    return cached_layout(folder, sorted(known), lambda: load_layout(folder, known))


def resolve_kommuner(queries: Sequence[str | int]) -> list[Kommune]:
    """Codes or names -> municipalities (raises `UnknownKommune`), duplicates dropped."""
    reg = register()
    out = [reg.get(q) for q in queries]
    return list(dict.fromkeys(out))


def plan_sheet(
    kommune: str | int,
    *,
    data: DataLike = None,
    layout: str | Path | Layout | None = None,
    udgave: int | None = None,
) -> SheetPlan:
    """Plan one sheet without drawing it (what goes where, at which size)."""
    from faktaark.planner import plan_sheet

    prep = prepare(data, udgave=udgave)
    k = register().get(kommune)
    return plan_sheet(_layout(layout, prep.dataset), prep.sheet_data(k))


def output_path(out: Path, k: Kommune, variant: str, layout_name: str | None = None) -> Path:
    suffix = "-tryk" if variant == "print" else ""
    stem = k.filnavn if layout_name in (None, "almene-boliger") else f"{k.filnavn}-{layout_name}"
    return out / f"{stem}{suffix}.pdf"


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
    prep = prepare(data, udgave=udgave)
    lay = _layout(layout, prep.dataset)
    return build_one(register().get(kommune), prep, lay, Path(out), print_variant, validate)


def build_one(
    k: Kommune,
    prep: Prepared,
    lay: Layout,
    out: Path,
    print_variant: bool = False,
    validate: str = "full",
) -> BuildResult:
    from faktaark.planner import plan_sheet

    t0 = time.perf_counter()
    sd = prep.sheet_data(k)
    sheet = plan_sheet(lay, sd)
    files = []
    for variant in ("screen", "print") if print_variant else ("screen",):
        pdf = make_pdf(sheet, variant, validate)
        path = output_path(out, k, variant, lay.name)
        write_atomic(path, pdf)
        files.append(OutputFile(path, variant, len(sheet.pages), len(pdf), sha256(pdf)))
    if not files:
        raise UsageError("nothing to build")
    prov = collect(sheet, sd.record, files[0].path.name, files[0].sha256)
    write_atomic(sidecar_path(files[0].path), prov.to_json())
    return BuildResult(
        k.kode,
        k.navn,
        lay.name,
        tuple(files),
        sheet.eksempel,
        warnings=tuple(w for w in prep.dataset.warnings if w.kommune in (None, k.navn)),
        duration_ms=(time.perf_counter() - t0) * 1000,
        provenance=prov,
        provenance_path=sidecar_path(files[0].path),
    )


def build_many(
    kommuner: Sequence[str | int] | None = None,
    *,
    data: DataLike = None,
    layout: str | Path | Layout | None = None,
    out: str | Path = DEFAULT_OUT,
    print_variant: bool = False,
    udgave: int | None = None,
    on_result: Callable[[BuildResult], None] | None = None,
) -> list[BuildResult]:
    """Build several sheets (all 98 when `kommuner` is None) one after the other, loading the
    data, computing the indicators and checking the layout once. `on_result` is called after
    each sheet (progress). Stops at the first error."""
    prep = prepare(data, udgave=udgave)
    lay = _layout(layout, prep.dataset)
    todo = resolve_kommuner(kommuner) if kommuner is not None else all_kommuner()
    results = []
    for k in todo:
        res = build_one(k, prep, lay, Path(out), print_variant)
        results.append(res)
        if on_result is not None:
            on_result(res)
    return results


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
    from faktaark import preview
    from faktaark.planner import plan_sheet as _plan

    prep = prepare(data, udgave=udgave)
    lay = _layout(layout, prep.dataset)
    k = register().get(kommune)
    pdf = make_pdf(_plan(lay, prep.sheet_data(k)))
    return preview.write_pngs(
        pdf, Path(out), output_path(Path(out), k, "screen", lay.name).stem, dpi
    )


def contact_sheet(
    folder: str | Path, out: str | Path = "oversigt.pdf", *, png: bool = False, columns: int = 5,
    rows: int = 4, thumb_dpi: float = 40, png_dpi: float = 100,
) -> ContactSheet:  # fmt: skip
    """One overview of every sheet in `folder`: all pages of each side by side, labelled with
    code and name, `columns` x `rows` sheets per A3 landscape page. `png`: also a PNG per page
    (`oversigt.png`, or `oversigt-1.png` ... when several)."""
    from faktaark import preview  # imported when used: building a sheet needs none of it

    return preview.contact_sheet(
        folder, out, png=png, columns=columns, rows=rows, thumb_dpi=thumb_dpi, png_dpi=png_dpi
    )


def compare(
    old: str | Path, new: str | Path, out: str | Path = "sammenligning", *, dpi: float = 72
) -> CompareReport:
    """Compare two batches page by page: render the sheets in `old` and `new` (matched by file
    name) at `dpi` and report those whose pages differ, with a difference image per changed
    page in `out/` and the printed values that changed (from the provenance sidecars)."""
    from faktaark import preview

    return preview.compare(old, new, out, dpi=dpi)


def load_layout_for(layout: str | Path | Layout | None, data: DataLike = None) -> Layout:
    """Load and check a layout against the placeholders the data provides."""
    return _layout(layout, load(data))


def describe_layout(layout: str | Path) -> str:
    """One line about a layout folder (its description)."""
    import tomllib

    folder = Path(layout) if Path(layout).is_dir() else None
    if folder is None:
        from faktaark.layout import resolve

        folder = resolve(str(layout))
    raw = tomllib.loads((folder / "layout.toml").read_text(encoding="utf-8"))
    return str(raw.get("layout", {}).get("description", ""))


def all_kommuner() -> list[Kommune]:
    return list(register())


def check_layout(
    layout: str | Path | Layout | None = None, *, data: DataLike = None, udgave: int | None = None
) -> Any:
    """Plan a layout for all 98 municipalities and synthetic worst cases -> `FitReport`."""
    from faktaark.fitcheck import check_fit

    ds = load(data)
    return check_fit(_layout(layout, ds), ds, udgave)


def check_pdf(paths: Sequence[str | Path], *, validate: bool = True) -> list[Any]:
    """Inspect PDFs as a print shop would (`check.PdfReport` per file)."""
    from faktaark.check import inspect_pdf

    return [inspect_pdf(p, validate=validate) for p in paths]

"""The public Python API: what the CLI calls, and what a data pipeline calls.

Functions return result objects and raise `FaktaarkError`s; they never print. `data` may be
None (the bundled data), a path or list of paths (files or folders), an already loaded
`Dataset`, or a Polars/pandas DataFrame with the columns of `data/almene.csv`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.dataset import Dataset
from faktaark.errors import Issue, UsageError
from faktaark.kommuner import Kommune, register
from faktaark.layout import Layout, load_layout
from faktaark.pipeline import Prepared, make_pdf, sha256, write_atomic
from faktaark.plan import SheetPlan

if TYPE_CHECKING:
    import polars as pl  # noqa: TID251 (a type only)

__all__ = [
    "BuildResult",
    "OutputFile",
    "build",
    "indicators",
    "list_kommuner",
    "load",
    "plan_sheet",
    "prepare",
    "validate",
]

DataLike = Dataset | str | Path | Sequence[str | Path] | Any | None
DEFAULT_OUT = Path("faktaark")


@dataclass(frozen=True)
class OutputFile:
    path: Path
    variant: str  # "screen" | "print"
    pages: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class BuildResult:
    """One municipality's sheet(s): files written, warnings, timing."""

    kommunekode: int
    kommune: str
    layout: str
    files: tuple[OutputFile, ...]
    eksempel: bool
    warnings: tuple[Issue, ...] = ()
    duration_ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

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


def prepare(data: DataLike = None, *, udgave: int | None = None) -> Prepared:
    """Load (if needed) and compute every indicator once for one edition."""
    from faktaark.pipeline import prepare as _prepare

    if isinstance(data, Prepared):
        return data
    return _prepare(load(data), udgave)


def indicators(data: DataLike = None, *, udgave: int | None = None) -> pl.DataFrame:
    """The derived indicators of every municipality as a Polars DataFrame."""
    from faktaark import derive as ind

    ds = load(data)
    return ind.compute(ds.edition(udgave), ds.folketal, register())


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
    from faktaark.context import known_names

    return load_layout(layout, known_names(ds.fakta))


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
) -> BuildResult:
    """Build one municipality's sheet into `out/` (created if missing) and return the result."""
    prep = prepare(data, udgave=udgave)
    lay = _layout(layout, prep.dataset)
    return build_one(register().get(kommune), prep, lay, Path(out), print_variant)


def build_one(
    k: Kommune, prep: Prepared, lay: Layout, out: Path, print_variant: bool = False
) -> BuildResult:
    from faktaark.planner import plan_sheet

    t0 = time.perf_counter()
    sd = prep.sheet_data(k)
    sheet = plan_sheet(lay, sd)
    files = []
    for variant in ("screen", "print") if print_variant else ("screen",):
        pdf = make_pdf(sheet, variant)
        path = output_path(out, k, variant, lay.name)
        write_atomic(path, pdf)
        files.append(OutputFile(path, variant, len(sheet.pages), len(pdf), sha256(pdf)))
    if not files:
        raise UsageError("nothing to build")
    return BuildResult(
        k.kode,
        k.navn,
        lay.name,
        tuple(files),
        sheet.eksempel,
        duration_ms=(time.perf_counter() - t0) * 1000,
    )


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

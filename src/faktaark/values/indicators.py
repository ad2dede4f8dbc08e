"""Derived indicators for all municipalities at once, as one Polars frame.

`compute()` takes the validated records of one edition and returns one row per municipality
with every indicator and region/country figure the kit's data dictionary declares (computed by
`faktaark.dictionary.evaluate`); `scopes()` gives the country's and each region's figures;
`frame()` is what the API hands out; `write_frame()` writes a frame as CSV, JSON or Parquet.
Missing inputs give missing outputs, never zeros.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from faktaark.core.atomic import write_atomic
from faktaark.core.kommuner import Register, register
from faktaark.data.dataset import Dataset, Record
from faktaark.dictionary import evaluate
from faktaark.dictionary.model import Dictionary
from faktaark.errors import UsageError

__all__ = ["FORMATS", "ID_COLUMNS", "compute", "frame", "rows", "scopes", "write_frame"]

_SCOPED = ("__land__", "__region__")


def compute(
    records: Sequence[Record], folketal: Mapping[int, int], reg: Register, d: Dictionary
) -> pl.DataFrame:
    """One row per municipality: the record's columns plus every indicator, sorted by code."""
    regions = [reg.get(r.kommunekode).region for r in records]
    pop = [folketal.get(r.kommunekode) for r in records]
    df = evaluate.frame([r.values for r in records], d, regions, pop)
    return evaluate.compute(df, d).sort("kommunekode")


def scopes(df: pl.DataFrame, d: Dictionary) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The country's figures (`land.x`) and each region's (`region.x`)."""
    return evaluate.scope_values(df, d)


def rows(df: pl.DataFrame) -> dict[int, dict[str, object]]:
    """The frame as plain dicts keyed by kommunekode (what the planner reads): the columns,
    indicators, the values as printed and the example flags (not the scope columns)."""
    keep = [c for c in df.columns if not c.startswith(_SCOPED)]
    return {int(r["kommunekode"]): r for r in df.select(keep).iter_rows(named=True)}


ID_COLUMNS = ("kommunekode", "kommune", "region", "udgave", "datakilde")


def frame(
    ds: Dataset, udgave: int | None = None, codes: Sequence[int] | None = None
) -> pl.DataFrame:
    """The indicators of one edition as the API returns them: the columns `ID_COLUMNS` (with
    the municipality's name and where its figures come from), then one per indicator; all
    98, or the municipalities `codes`."""
    d = ds.fields
    records = ds.edition(udgave)
    df = compute(records, ds.folketal, register(), d)
    names = {k.kode: k.navn for k in register()}
    source = {r.kommunekode: ds.datakilde(r) for r in records}
    df = df.with_columns(
        df["kommunekode"].replace_strict(names).alias("kommune"),
        df["kommunekode"].replace_strict(source, return_dtype=pl.String).alias("datakilde"),
    )
    if codes is not None:
        df = df.filter(df["kommunekode"].is_in(list(codes)))
    return whole_numbers(df.select(*ID_COLUMNS, *d.indicators, "folketal"), d)


def whole_numbers(df: pl.DataFrame, d: Dictionary) -> pl.DataFrame:
    """The counts and ranks as integers (Int64) where every value is whole, as `frame` hands
    them out: CSV says 4614, not 4614.0. (The planner keeps its floats.)"""
    casts = []
    for ind in d.indicators.values():
        if ind.kind not in ("count", "rank") or ind.name not in df.columns:
            continue
        col = df[ind.name]
        if col.dtype.is_float() and bool(((col - col.round(0)).abs().fill_null(0) == 0).all()):
            casts.append(col.cast(pl.Int64))
    return df.with_columns(casts) if casts else df


FORMATS = ("csv", "json", "parquet")


def write_frame(
    frame: pl.DataFrame, fmt: str | None = None, out: str | Path | None = None
) -> str | None:
    """Write an indicator frame as CSV, JSON (a list of row objects) or Parquet, every number
    at full precision: to the file `out` (atomically; `fmt` defaults to its suffix) or, for
    CSV and JSON, returned as text when `out` is None."""
    import io

    fmt = fmt or (Path(out).suffix.lstrip(".").lower() if out is not None else "csv")
    fmt = {"pq": "parquet"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise UsageError(f"Unknown format {fmt!r}: use {', '.join(FORMATS)}.")
    if fmt == "parquet":
        if out is None:
            raise UsageError(
                "Parquet is a binary format: give a file to write it to.",
                advice="Use --out x.parquet.",
            )
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

"""Figures handed over as a DataFrame (Polars, or pandas via Polars) instead of a file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faktaark.data.dataset import Dataset
from faktaark.data.loader import assemble
from faktaark.data.table import Row, Table
from faktaark.errors import InputError, UsageError

__all__ = ["dataset_from_frame", "table_from_frame"]


def table_from_frame(frame: Any, name: str = "<DataFrame>") -> Table:
    import polars as pl

    if not isinstance(frame, pl.DataFrame):
        try:
            frame = pl.from_pandas(frame)
        except Exception as exc:  # anything that is not a frame
            raise UsageError(
                f"data must be a path, a list of paths, a Dataset or a Polars/pandas DataFrame; "
                f"got {type(frame).__name__}"
            ) from exc
    if frame.height == 0:
        raise InputError(f"{name}: the DataFrame has columns but no rows; nothing to build.")
    header = [str(c) for c in frame.columns]
    rows = [Row(i, dict(r)) for i, r in enumerate(frame.iter_rows(named=True), start=1)]
    return Table(name, header, rows, [], "frame")


def dataset_from_frame(frame: Any, columns: Mapping[str, str] | None = None) -> Dataset:
    return assemble([table_from_frame(frame)], columns)

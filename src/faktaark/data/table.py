"""A table read from a figures file: the header and each row as raw cells, each row with the
line it came from, whatever the format. Cells stay text (or the typed value a binary format
gives); parsing Danish numbers and checking them is the schema's job."""

from __future__ import annotations

from dataclasses import dataclass, field

from faktaark.core.limits import MAX_COLUMNS, MAX_ROWS
from faktaark.errors import InputError

__all__ = ["Cell", "Row", "Table", "check_size"]

Cell = str | int | float | None


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line (CSV: header is line 1) or record number
    cells: dict[str, Cell]
    # Cells merged in from another file: column -> (file, line) they came from.
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass
class Table:
    path: str
    header: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)  # e.g. "read as cp1252"
    fmt: str = "csv"
    # cells a workbook shows formatted, by (line, column): "percent" (shows 12,4 %, holds
    # 0.124) or "fraction" (shows 1/8, holds 0.125); `data.percent` decides what they mean
    formats: dict[tuple[int, str], str] = field(default_factory=dict)


def check_size(name: str, rows: int, columns: int, what: str) -> None:
    """The limits of a figures table, for files and DataFrames alike: `MAX_ROWS` rows and
    `MAX_COLUMNS` columns (a figures table has 98 rows per edition and a few dozen columns)."""
    if rows > MAX_ROWS:
        raise InputError(
            f"{name}: {rows} rows, more than the {MAX_ROWS} of a figures table (98 "
            f"municipalities, many editions); not a figures {what}. Refused before reading."
        )
    if columns > MAX_COLUMNS:
        raise InputError(
            f"{name}: {columns} columns, more than the {MAX_COLUMNS} a figures table can have; "
            f"not a figures {what}. Refused before reading."
        )

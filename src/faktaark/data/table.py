"""A table read from a figures file: the header and each row as raw cells, each row with the
line it came from, whatever the format. Cells stay text (or the typed value a binary format
gives); parsing Danish numbers and checking them is the schema's job."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Cell", "Row", "Table"]

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

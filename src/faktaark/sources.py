"""Reading figure files into rows of cells that remember where they came from.

`read_table(path)` returns a `Table`: the header and each row as a dict of raw cells with its
line number, whatever the format. Cells stay text (or the typed value a binary format gives);
parsing Danish numbers and checking them is `schema.py`'s job. The formats and their
detection live in `readers.py`; this module is the entry point and the file-level guards
(exists, not empty, not binary, not absurdly large).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from faktaark.errors import InputError

__all__ = ["MAX_BYTES", "Cell", "Row", "Table", "collect_files", "read_table"]

MAX_BYTES = 20 * 1024 * 1024  # 98 municipalities x many editions is a few hundred KB

Cell = str | int | float | None


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line (CSV: header is line 1) or record number
    cells: dict[str, Cell]


@dataclass
class Table:
    path: str
    header: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)  # e.g. "read as cp1252"
    fmt: str = "csv"


def _guard(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; expected a data file.")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: the file is empty; expected a header row and data rows.")
    if size > MAX_BYTES:
        raise InputError(
            f"{path}: the file is {size / 1024 / 1024:.0f} MB; a figures file is at most "
            f"{MAX_BYTES // 1024 // 1024} MB (98 municipalities, some editions). Refusing to "
            "read it."
        )


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read one figures file (CSV/TSV, XLSX, Parquet or JSON) into a `Table`."""
    from faktaark import readers

    p = Path(path)
    _guard(p)
    return readers.read(p, sheet=sheet)


DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".json")


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the figure files they hold (sorted); keep files as given."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f
                for f in p.iterdir()
                if f.suffix.lower() in DATA_SUFFIXES and f.is_file() and not f.name.startswith(".")
            )
            if not found:
                raise InputError(
                    f"{p}: the folder holds no data files ({', '.join(DATA_SUFFIXES)})."
                )
            out.extend(found)
        else:
            out.append(p)
    return out

"""What a workbook cell formatted as a percentage or a fraction means: the number its reader
sees, never the one the file stores.

A cell that Excel shows as "12,4 %" holds 0.124; read as it is stored, a percentage column
would print "0 pct." without a word. So the reader records such cells (`Table.formats`) and
this one function decides, by the kind of the column they are in:

- a percentage cell in a `pct` column is multiplied by 100 (0.124 -> 12.4, what the user
  sees) and a warning says so;
- a percentage cell in any other column, and a fraction cell ("1/8", holds 0.125) in any
  column, is refused: that column does not hold percentages, and which number was meant
  cannot be known.

`kind_of(column)` gives a column's kind (None: not one of ours; such a cell is left as it
is). Called once per table by the loader, before the cells are validated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from faktaark.data.table import Row, Table
from faktaark.errors import Issue

__all__ = ["apply_percent_cells"]


def _shown(value: float) -> str:
    return f"{value * 100:.10g}".replace(".", ",")


def apply_percent_cells(
    table: Table, kind_of: Callable[[str], str | None]
) -> tuple[Table, list[Issue]]:
    """`table` with its percentage cells in `pct` columns as the percentages they show, and
    the issues: a warning per converted column, an error per refused cell."""
    if not table.formats:
        return table, []
    issues: list[Issue] = []
    converted: dict[str, list[tuple[int, float]]] = {}
    rows: list[Row] = []
    for row in table.rows:
        cells = dict(row.cells)
        for column, value in row.cells.items():
            fmt = table.formats.get((row.line, column))
            kind = kind_of(column) if fmt else None
            if fmt is None or kind is None or not isinstance(value, (int, float)):
                continue
            if isinstance(value, bool) or not math.isfinite(value):
                continue
            if fmt == "percent" and kind == "pct":
                cells[column] = round(value * 100, 10)
                converted.setdefault(column, []).append((row.line, value))
                continue
            if fmt == "percent":
                why = (
                    f"formatted as a percentage in the workbook (it shows {_shown(value)} %, it "
                    f"holds {value:g}), but this is a {kind} column, not a percentage"
                )
            else:
                why = (
                    f"formatted as a fraction in the workbook (it holds {value:g}): which "
                    "number is meant cannot be told"
                )
            issues.append(
                Issue(
                    f"the cell is {why}; enter the number itself (or clear the cell's number "
                    "format)",
                    table.path,
                    row.line,
                    column,
                )
            )
        rows.append(replace(row, cells=cells) if cells != row.cells else row)
    for column, done in converted.items():
        line, value = done[0]
        where = ", ".join(str(n) for n, _ in done[:5]) + (" ..." if len(done) > 5 else "")
        issues.append(
            Issue(
                f"{len(done)} cell(s) formatted as percentages in the workbook, read as the "
                f"percentages they show, not the fractions they hold (line {line} shows "
                f"{_shown(value)} %, holds {value:g}: read as {_shown(value)}); lines {where}",
                table.path,
                line,
                column,
                severity="warning",
            )
        )
    return replace(table, rows=rows), issues

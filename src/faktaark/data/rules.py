"""Checks across the columns of a row, as the kit's data dictionary declares them.

- the row rules (`[[rules]]`: `boligmasse >= almene_boliger_i_alt`), each an SQL condition
  that must hold, reported at its declared column with its message filled from the row;
- an indicator a file carries as a column of its own (`almene_boliger_i_alt`): it must agree
  with what faktaark derives, within the indicator's declared `check` tolerance.

Run on all rows at once (Polars, through `faktaark.dictionary.evaluate`), before the edition
is complete: only the indicators of one row are computed here, nothing that compares.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from faktaark.core.kommuner import Register
from faktaark.data.dataset import Record
from faktaark.dictionary.model import Dictionary
from faktaark.errors import Issue

__all__ = ["row_issues"]

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() or abs(value) >= 100 else f"{value:.1f}"
    return "–" if value is None else str(value)


def _filled(message: str, row: Mapping[str, object]) -> str:
    return _PLACEHOLDER.sub(lambda m: _shown(row.get(m[1])), message)


def row_issues(
    records: Sequence[Record], d: Dictionary, folketal: Mapping[int, int], reg: Register
) -> dict[int, list[Issue]]:
    """The problems of each record (by its index in `records`) that cross columns."""
    checked = d.checked()
    if not records or not (d.rules or checked):
        return {}
    from faktaark.dictionary import evaluate

    rows = [r.values for r in records]
    df = evaluate.frame(rows, d, [reg.get(r.kommunekode).region for r in records],
                        [folketal.get(r.kommunekode) for r in records])  # fmt: skip
    df = evaluate.compute(df, d, row_only=True)
    out: dict[int, list[Issue]] = {}

    def add(i: int, column: str, message: str, severity: str = "error") -> None:
        rec = records[i]
        file, line = rec.where(column)
        issue = Issue(message, file, line, column, str(rec.values.get("kommune")), severity)
        out.setdefault(i, []).append(issue)

    for i, rule in evaluate.failed_rules(df, d.rules):
        add(i, rule.column, _filled(rule.message, df.row(i, named=True)), rule.severity)
    for name, ind in checked.items():
        derived = df[name].to_list()
        for i, rec in enumerate(records):
            given, got = rec.values.get(name), derived[i]
            if not isinstance(given, int | float) or got is None:
                continue
            tolerance = float(ind.check or 0)
            if abs(float(given) - got) > tolerance + 1e-9:
                within = f" (at most {tolerance:g} apart)" if tolerance else ""
                add(i, name, f"is {_shown(given)}, but {ind.formula} gives {_shown(got)}{within}")
    return out

"""Running a dictionary's declarations on the figures of one edition (Polars, all rows at once).

- `frame(rows, dictionary)`: one row per municipality, the declared columns typed by kind,
  plus `region`, `folketal` and, per source, whether the row's figures are example data;
- `compute(df, dictionary)`: every indicator and every region and country figure, in the
  dictionary's order (`land.x` becomes the column `__land__x`, `region.x` `__region__x`). A
  result that is not a finite number (a zero denominator, a missing input) is missing — never
  `inf`, `NaN` or 0. A figure computed from an *estimate* also gets `__printed__<name>`: the
  same formula on the estimate as the sheet prints it (`ca. 360` ledige -> `ca. 90`), so the
  page adds up;
- `failed_rules(df, dictionary)`: the rows that break a row rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from faktaark.core.formatting import estimate_value
from faktaark.dictionary import expressions as ex
from faktaark.dictionary.model import EXAMPLE, NUMBER_KINDS, PRINTED, Dictionary, Rule

__all__ = [
    "compute",
    "evaluate_row",
    "failed_rules",
    "frame",
    "scope_values",
]

_EST = "__est__"


def frame(
    rows: Sequence[Mapping[str, object]],
    dictionary: Dictionary,
    regions: Sequence[str],
    folketal: Sequence[int | None],
) -> pl.DataFrame:
    """The declared columns of `rows` as a typed frame, with region, population and the
    example flag of each source."""
    d = dictionary
    schema: dict[str, Any] = {"kommunekode": pl.Int64, "udgave": pl.Int64, "kommune": pl.String}
    for c in d.columns.values():
        schema[c.name] = pl.String if c.kind == "text" else pl.Float64
    for col in d.control_columns():
        schema[col] = pl.String
    data: dict[str, list[object]] = {name: [r.get(name) for r in rows] for name in schema}
    data["region"], data["folketal"] = list(regions), list(folketal)
    schema.update({"region": pl.String, "folketal": pl.Int64})
    for sid in d.sources:
        data[EXAMPLE + sid] = [d.is_example(r, sid) for r in rows]
        schema[EXAMPLE + sid] = pl.Boolean
    return pl.DataFrame(data, schema=schema)


def _finite(expr: pl.Expr, kind: str) -> pl.Expr:
    if kind not in NUMBER_KINDS:
        return expr.cast(pl.String)
    x = expr.cast(pl.Float64)
    return pl.when(x.is_finite()).then(x).otherwise(None)


def _sql(text: str, rename: Mapping[str, str] | None = None, aggregate: bool = False) -> pl.Expr:
    parsed = ex.parse(text, aggregate=aggregate)
    sql = parsed.sql
    if rename:
        sql = ex.parse(ex.renamed(text, rename), aggregate=aggregate).sql
    return pl.sql_expr(sql)


def compute(df: pl.DataFrame, dictionary: Dictionary, *, row_only: bool = False) -> pl.DataFrame:
    """`df` with every indicator and region/country figure (`row_only`: only the indicators
    of one row, for checking rows before the edition is complete)."""
    d = dictionary
    estimates: dict[str, str] = {}  # estimate indicator -> its column as printed (rounded)
    for kind, name in d.order:
        if kind == "aggregate":
            if row_only:
                continue
            agg = d.aggregates[name]
            e = _finite(_sql(agg.expr, aggregate=True), agg.kind)
            df = df.with_columns(
                e.alias(ex.column_id(f"land.{name}")),
                e.over("region").alias(ex.column_id(f"region.{name}")),
            )
            continue
        ind = d.indicators[name]
        if row_only and d.compares(name):
            continue
        if ind.rank is not None:
            r = ind.rank
            ranked = pl.col(r.by).rank("min", descending=r.descending)
            df = df.with_columns((ranked.over("region") if r.within == "region" else ranked)
                                 .alias(name))  # fmt: skip
            continue
        assert ind.expr is not None
        cols = [_finite(_sql(ind.expr), ind.kind).alias(name)]
        used = {n: estimates[n] for n in ind.inputs if n in estimates}
        if used:
            cols.append(_finite(_sql(ind.expr, used), ind.kind).alias(PRINTED + name))
        df = df.with_columns(cols)
        if ind.kind == "estimate":  # what the sheet prints of it, for the figures made from it
            source = PRINTED + name if used else name
            rounded = [None if v is None else estimate_value(v) for v in df[source].to_list()]
            estimates[name] = _EST + name
            df = df.with_columns(pl.Series(_EST + name, rounded, dtype=pl.Float64))
    return df


def scope_values(
    df: pl.DataFrame, dictionary: Dictionary
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The country's figures and each region's (`land.x`, `region.x`), from a computed frame."""
    names = list(dictionary.aggregates)
    land = {n: df[ex.column_id(f"land.{n}")][0] if df.height else None for n in names}
    regions: dict[str, dict[str, Any]] = {}
    for row in (
        df.select("region", *(ex.column_id(f"region.{n}") for n in names))
        .unique("region", keep="first", maintain_order=True)
        .iter_rows(named=True)
    ):
        regions[str(row["region"])] = {n: row[ex.column_id(f"region.{n}")] for n in names}
    return land, regions


def failed_rules(df: pl.DataFrame, rules: Iterable[Rule]) -> list[tuple[int, Rule]]:
    """(row index, rule) of every row rule a row breaks (a rule whose inputs are missing in
    that row is not judged)."""
    out: list[tuple[int, Rule]] = []
    for rule in rules:
        ok = df.select(_sql(rule.check).alias("ok"))["ok"]
        out += [(i, rule) for i, v in enumerate(ok.to_list()) if v is False]
    return out


def evaluate_row(text: str, values: Mapping[str, float | None]) -> float | None:
    """A per-row expression on one set of values (`land.x` and `region.x` by those names):
    the number it gives, or None when it gives no finite number."""
    import math

    parsed = ex.parse(text)
    data = {ex.column_id(n): [values.get(n)] for n in parsed.names}
    schema = dict.fromkeys(data, pl.Float64)
    df = pl.DataFrame(data, schema=schema) if data else pl.DataFrame({"_": [0]})
    out = df.select(pl.sql_expr(parsed.sql).alias("v"))["v"][0]
    if isinstance(out, int | float) and math.isfinite(float(out)):
        return float(out)
    return None

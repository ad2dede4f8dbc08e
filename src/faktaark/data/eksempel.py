"""Example figures for any kit, made from its data dictionary's declarations.

A new kit can be previewed before its data exists: `faktaark data eksempel --layout NAME`
writes a plausible, deterministic value for every column of the kit's sources (or of the
sources asked for), as each column's `eksempel` declares it: a range times another column
(`per = "folketal"`: per capita; a column of a source not asked for is read from `base`, the
figures that source already has), a fixed value, a year relative to the edition, or empty; a
column that declares none gets a range by its kind (a count per capita, a percentage 5–40).
Every row says `eksempel` in its source's `datakilde` column and gives the example source
line, so every sheet built from it is marked as example data.

The same municipality, column and seed give the same value on every machine (the random
numbers are seeded by name, not by process). Standard library only.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Mapping, Sequence

from faktaark.core.kommuner import register
from faktaark.dictionary.model import Column, Dictionary, Example
from faktaark.errors import UsageError

__all__ = ["EKSEMPEL_KILDE", "SEED", "generate", "to_csv"]

SEED = 20250101
EKSEMPEL_KILDE = "Eksempeldata til afprøvning – ikke officielle tal."


def _order(columns: Sequence[Column]) -> list[Column]:
    """Columns so that each comes after the column its example is `per`."""
    names = {c.name: c for c in columns}
    done: dict[str, Column] = {}

    def visit(c: Column, depth: int = 0) -> None:
        if c.name in done or depth > len(names):
            return
        per = c.example.per if c.example else None
        if per in names:
            visit(names[per], depth + 1)
        done[c.name] = c

    for c in columns:
        visit(c)
    return list(done.values())


# what a column without an `eksempel` declaration gets, by kind: a range (times `per`)
DEFAULTS: Mapping[str, Example] = {
    "count": Example(per="folketal", min=0.0005, max=0.005),
    "pct": Example(min=5.0, max=40.0, decimals=1),
    "mio_kr": Example(per="folketal", min=0.00003, max=0.0001),
    "rate": Example(min=1.0, max=20.0, decimals=1),
    "decimal": Example(min=1.0, max=20.0, decimals=1),
}


def _value(c: Column, rng: random.Random, row: Mapping[str, object], udgave: int) -> object:
    ex = c.example
    if c.kind == "year":
        if ex is not None and ex.value is not None:
            return int(ex.value)
        return udgave + (ex.offset if ex is not None and ex.offset is not None else -1)
    ex = ex or DEFAULTS.get(c.kind)
    if ex is None or ex.empty:
        return None
    if ex.value is not None:
        return ex.value
    draw = rng.uniform(ex.min, ex.max)
    if ex.per is not None:
        base = row.get(ex.per)
        if not isinstance(base, int | float):
            return None
        draw *= float(base)
    if c.kind == "pct":
        draw = min(draw, 100.0)
    if c.integer:
        return round(draw)
    return round(draw, ex.decimals)


def generate(
    d: Dictionary,
    folketal: Mapping[int, int],
    udgave: int,
    sources: Sequence[str] | None = None,
    seed: int = SEED,
    base: Mapping[int, Mapping[str, object]] | None = None,
) -> tuple[list[str], list[dict[str, object]]]:
    """The header and 98 rows of example figures for the columns of `sources` (all the
    dictionary's sources when None). `base`: per municipality code, figures of other sources
    that an example may be `per` (e.g. afdelinger per familieboliger); not written."""
    chosen = list(sources or d.sources)
    unknown = [s for s in chosen if s not in d.sources]
    if unknown:
        raise UsageError(
            f"Kit {d.name!r} has no source {unknown[0]!r}; its sources are {', '.join(d.sources)}."
        )
    fixed = [s for s in chosen if d.sources[s].datakilde == "officiel"]
    if fixed:
        raise UsageError(
            f"Kit {d.name!r}: source {fixed[0]!r} declares its figures official "
            '(datakilde = "officiel"), so example figures for it would be marked as real. '
            'Give it a datakilde column (datakilde = { column = "..." }) or datakilde = '
            '"eksempel".'
        )
    columns = [c for c in d.columns.values() if c.source in chosen]
    header = ["kommunekode", "kommune", "udgave"]
    for s in chosen:
        src = d.sources[s]
        header += [c.name for c in columns if c.source == s] + list(src.control_columns)
    rows = []
    for k in register():
        row: dict[str, object] = {**(base or {}).get(k.kode, {}), "kommunekode": k.kode,
                                  "kommune": k.navn, "udgave": udgave,
                                  "folketal": folketal.get(k.kode)}  # fmt: skip
        for c in _order(columns):
            rng = random.Random(f"{seed}:{d.name}:{c.name}:{k.kode}")
            row[c.name] = _value(c, rng, row, udgave)
        for s in chosen:
            src = d.sources[s]
            if src.datakilde_column:
                row[src.datakilde_column] = "eksempel"
            if src.kilde_column:
                row[src.kilde_column] = EKSEMPEL_KILDE
        rows.append({h: row.get(h) for h in header})
    return header, rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_csv(header: Sequence[str], rows: Sequence[Mapping[str, object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in header])
    return buf.getvalue()

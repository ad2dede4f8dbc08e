"""Load a data set: figures, population and national facts -> a validated `Dataset`.

With no paths, the bundled `data/` is used. Paths may be files or folders; each file is
classified by its content: a TOML file with `[fakta...]` is the national facts, a table with
a `folketal` column is the population, anything else is figures. Parts not given come from
the bundled data (population, facts), so a user's own figures file is enough.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from faktaark.core.fields import COLUMNS
from faktaark.core.kommuner import register
from faktaark.core.paths import read_text
from faktaark.core.resources import data_dir
from faktaark.data.dataset import Dataset, Fact
from faktaark.data.percent import apply_percent_cells
from faktaark.data.sources import collect_files, is_supplement, merge_supplements, read_table
from faktaark.data.table import Row, Table
from faktaark.errors import DataError, InputError, Issue, UsageError

__all__ = ["assemble", "load_dataset"]

BUNDLED_FIGURES = "almene.csv"
BUNDLED_POPULATION = "folketal.csv"
BUNDLED_FACTS = "landsfakta.toml"
REGISTER_COLUMNS = {"officielt_navn", "region_fra_2027"}


def _load_facts(path: Path) -> dict[str, Fact]:
    import tomllib  # here: a cached run reads no TOML

    text = read_text(path, limit=1024 * 1024, what="facts file")  # a FIFO would hang
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: cannot read the national facts: {exc}") from exc
    facts = raw.get("fakta")
    if not isinstance(facts, dict) or not facts:
        raise InputError(f"{path}: expected [fakta.<id>] tables with tekst and kilde.")
    out: dict[str, Fact] = {}
    issues = []
    for fid, f in facts.items():
        if (
            not isinstance(f, dict)
            or not isinstance(f.get("tekst"), str)
            or not isinstance(f.get("kilde"), str)
        ):
            issues.append(Issue("needs tekst and kilde (texts)", str(path), None, f"fakta.{fid}"))
            continue
        unknown = set(f) - {"tekst", "kilde", "beskrivelse"}
        if unknown:
            issues.append(
                Issue(f"unknown key(s) {sorted(unknown)}", str(path), None, f"fakta.{fid}")
            )
            continue
        out[fid] = Fact(fid, f["tekst"].strip(), f["kilde"].strip(), f.get("beskrivelse", ""))
    if issues:
        raise DataError(issues)
    return out


def _population(table: Table) -> tuple[dict[int, int], int]:
    reg = register()
    pop: dict[int, int] = {}
    years: set[int] = set()
    issues = []
    for row in table.rows:
        code = row.cells.get("kommune_kode", row.cells.get("kommunekode"))
        k = reg.find(str(code).removesuffix(".0")) if code is not None else None
        if k is None:
            msg = f"{code!r} is not one of the 98 municipalities"
            issues.append(Issue(msg, table.path, row.line, "kommune_kode"))
            continue
        try:
            n, year = (_whole(row.cells.get(c), c) for c in ("folketal", "aar"))
        except ValueError as exc:
            issues.append(Issue(str(exc), table.path, row.line, exc.args[1], k.navn))
            continue
        if n <= 0:
            issues.append(Issue(f"must be > 0, got {n}", table.path, row.line, "folketal", k.navn))
        pop[k.kode] = n
        years.add(year)
    if len(years) > 1:
        issues.append(Issue(f"mixes years {sorted(years)}; one year per file", table.path))
    missing = [k.navn for k in reg if k.kode not in pop]
    if missing and not issues:
        issues.append(
            Issue(f"lacks {len(missing)} municipalities ({', '.join(missing[:5])})", table.path)
        )
    if issues:
        raise DataError(issues)
    return pop, years.pop()


def _whole(cell: object, column: str) -> int:
    from faktaark.core.formatting import parse_number

    try:
        value = parse_number(cell)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ValueError(str(exc), column) from exc
    if value is None or not value.is_integer():
        raise ValueError(f"must be a whole number, got {cell!r}", column)
    return int(value)


def _bundled_population() -> tuple[dict[int, int], int]:
    path = data_dir() / BUNDLED_POPULATION
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pop = {int(r["kommune_kode"]): int(r["folketal"]) for r in rows}
    return pop, int(rows[0]["aar"])


def input_files(paths: Sequence[str | Path] | None) -> list[Path]:
    """Every file a data set is made from (the bundled ones included): a cache key's input."""
    bundled = [
        data_dir() / n for n in (BUNDLED_FIGURES, BUNDLED_POPULATION, BUNDLED_FACTS, "kommuner.csv")
    ]
    if not paths:
        return bundled
    return [*collect_files(paths), *bundled[1:]]


def check_columns(columns: object) -> None:
    """`columns` is None or a mapping of their column name to ours (both text)."""
    if columns is None:
        return
    if not isinstance(columns, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise UsageError(
            "columns must be a mapping of your column name to ours, e.g. "
            f'{{"Boliger i alt": "boligmasse"}}; got {type(columns).__name__}'
        )


def load_dataset(
    paths: Sequence[str | Path] | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    require_all: bool = True,
    isolate: bool = False,
) -> Dataset:
    """Read and validate figures, population and facts (bundled data when `paths` is empty).
    `isolate`: a municipality's row with errors is kept out (`Dataset.blocked`) instead of
    failing the whole load."""
    check_columns(columns)
    files = collect_files(paths) if paths else [data_dir() / BUNDLED_FIGURES]
    figures: list[Table] = []
    population: tuple[dict[int, int], int] | None = None
    facts: dict[str, Fact] | None = None
    notes: list[Issue] = []
    supplements: list[Table] = []
    mapping = dict(columns or {})
    seen_columns: set[str] = set()
    kinds = {c.name: c.kind for c in COLUMNS}  # percent cells: by the kind of their column
    for f in files:
        if f.suffix.lower() == ".toml":
            facts = _load_facts(f)
            continue
        table = read_table(f, sheet=sheet)
        table, marked = apply_percent_cells(table, lambda c: kinds.get(mapping.get(c, c)))
        notes += marked if all(i.severity == "warning" for i in marked) else _stop(marked)
        notes += [Issue(n, table.path, severity="warning") for n in table.notes]
        seen_columns.update(table.header)
        cols = {mapping.get(h, h) for h in table.header}
        if "folketal" in cols:
            population = _population(_renamed(table, mapping))
        elif cols >= REGISTER_COLUMNS:
            continue  # the municipality register itself (a bundled data folder was given)
        elif is_supplement(cols):
            supplements.append(_renamed(table, mapping))
        else:
            figures.append(table)
    unused = sorted(set(mapping) - seen_columns)
    if unused:
        raise InputError(
            f"The column mapping names {', '.join(map(repr, unused))}, but no file has such a "
            f"column (files: {', '.join(map(str, files))}). Check the column mapping.",
            advice="See --column / --columns-file.",
        )
    if not figures:
        raise InputError(
            f"No figures file among {', '.join(map(str, files))}: expected a table "
            "with the columns of data/almene.csv (see README: The data columns)."
        )
    if supplements:
        notes += [Issue(n, severity="warning") for n in merge_supplements(figures, supplements)]
    return assemble(figures, columns, population, facts, notes, require_all, isolate)


def _stop(issues: list[Issue]) -> list[Issue]:
    raise DataError([i for i in issues if i.severity == "error"])


def _renamed(table: Table, mapping: Mapping[str, str]) -> Table:
    if not any(h in mapping for h in table.header):
        return table
    rows = [Row(r.line, {mapping.get(h, h): v for h, v in r.cells.items()}) for r in table.rows]
    return Table(table.path, [mapping.get(h, h) for h in table.header], rows, table.notes)


def assemble(
    figures: Sequence[Table],
    columns: Mapping[str, str] | None = None,
    population: tuple[dict[int, int], int] | None = None,
    facts: dict[str, Fact] | None = None,
    notes: Sequence[Issue] = (),
    require_all: bool = True,
    isolate: bool = False,
) -> Dataset:
    """Validate figure tables; population and facts default to the bundled ones."""
    check_columns(columns)
    from faktaark.data import schema

    pop, pop_year = population or _bundled_population()
    fakta = facts if facts is not None else _load_facts(data_dir() / BUNDLED_FACTS)
    blocked: dict[tuple[int, int], tuple[Issue, ...]] | None = {} if isolate else None
    records, warnings = schema.validate_tables(
        figures, register(), pop, columns, require_all, blocked
    )
    return Dataset(
        tuple(records),
        pop,
        pop_year,
        fakta,
        tuple(t.path for t in figures),
        (*notes, *warnings),
        blocked or {},
    )

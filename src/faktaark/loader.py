"""Load a data set: figures, population and national facts -> a validated `Dataset`.

With no paths, the bundled `data/` is used. Paths may be files or folders; each file is
classified by its content: a TOML file with `[fakta...]` is the national facts, a table with
a `folketal` column is the population, anything else is figures. Parts not given come from
the bundled data (population, facts), so a user's own figures file is enough.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from faktaark.dataset import Dataset, Fact
from faktaark.errors import DataError, InputError, Issue
from faktaark.kommuner import register
from faktaark.resources import data_dir
from faktaark.sources import Table, collect_files, read_table

__all__ = ["assemble", "load_dataset"]

BUNDLED_FIGURES = "almene.csv"
BUNDLED_POPULATION = "folketal.csv"
BUNDLED_FACTS = "landsfakta.toml"
REGISTER_COLUMNS = {"officielt_navn", "region_fra_2027"}


def _load_facts(path: Path) -> dict[str, Fact]:
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
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
        k = reg.find(str(code)) if code is not None else None
        try:
            n = int(str(row.cells.get("folketal")))
            year = int(str(row.cells.get("aar")))
        except ValueError:
            issues.append(Issue("folketal and aar must be whole numbers", table.path, row.line))
            continue
        if k is None:
            issues.append(Issue(f"unknown municipality code {code!r}", table.path, row.line))
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


def _bundled_population() -> tuple[dict[int, int], int]:
    path = data_dir() / BUNDLED_POPULATION
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pop = {int(r["kommune_kode"]): int(r["folketal"]) for r in rows}
    return pop, int(rows[0]["aar"])


def load_dataset(
    paths: Sequence[str | Path] | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> Dataset:
    """Read and validate figures, population and facts (bundled data when `paths` is empty)."""
    files = collect_files(paths) if paths else [data_dir() / BUNDLED_FIGURES]
    figures: list[Table] = []
    population: tuple[dict[int, int], int] | None = None
    facts: dict[str, Fact] | None = None
    notes: list[Issue] = []
    for f in files:
        if f.suffix.lower() == ".toml":
            facts = _load_facts(f)
            continue
        table = read_table(f, sheet=sheet)
        notes += [Issue(n, table.path, severity="warning") for n in table.notes]
        cols = set(table.header)
        if "folketal" in cols:
            population = _population(table)
        elif cols >= REGISTER_COLUMNS:
            continue  # the municipality register itself (a bundled data folder was given)
        else:
            figures.append(table)
    if not figures:
        raise InputError(
            f"No figures file among {', '.join(map(str, files))}: expected a table "
            "with the columns of data/almene.csv (see README: The data columns)."
        )
    return assemble(figures, columns, population, facts, notes)


def assemble(
    figures: Sequence[Table],
    columns: Mapping[str, str] | None = None,
    population: tuple[dict[int, int], int] | None = None,
    facts: dict[str, Fact] | None = None,
    notes: Sequence[Issue] = (),
) -> Dataset:
    """Validate figure tables; population and facts default to the bundled ones."""
    from faktaark import schema

    pop, pop_year = population or _bundled_population()
    fakta = facts if facts is not None else _load_facts(data_dir() / BUNDLED_FACTS)
    records, warnings = schema.validate_tables(figures, register(), pop, columns)
    return Dataset(
        tuple(records),
        pop,
        pop_year,
        fakta,
        tuple(t.path for t in figures),
        (*notes, *warnings),
    )


def iter_codes(dataset: Dataset, udgave: int | None = None) -> Iterable[int]:
    return (r.kommunekode for r in dataset.edition(udgave))

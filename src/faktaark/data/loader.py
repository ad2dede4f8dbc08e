"""Load a data set: figures, population and national facts -> a validated `Dataset`.

The figures are checked by a kit's data dictionary (the default kit's when none is given).
With no paths, the bundled files of the dictionary's sources are read. Paths may be files or
folders; each file is classified by its content: a TOML file with `[fakta...]` is the national
facts, a table with a `folketal` column is the population, anything else is figures (tables
are put together by `faktaark.data.merge`). Parts not given come from the bundled data: the
population, the facts, and the figures of a source none of the given tables has a column of.
So a user's own figures file is enough, and a new kit's data file needs only its new columns.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from faktaark.core.kommuner import register
from faktaark.core.paths import read_text
from faktaark.core.resources import data_dir
from faktaark.data.dataset import Dataset, Fact
from faktaark.data.merge import combine, renamed
from faktaark.data.percent import apply_percent_cells
from faktaark.data.sources import collect_files, read_table
from faktaark.data.table import Table
from faktaark.dictionary.model import Dictionary
from faktaark.errors import DataError, InputError, Issue, UsageError

__all__ = [
    "assemble",
    "bundled_figures",
    "bundled_population",
    "input_files",
    "load_dataset",
    "load_facts",
    "load_facts_udgave",
]

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


def bundled_population() -> tuple[dict[int, int], int]:
    path = data_dir() / BUNDLED_POPULATION
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pop = {int(r["kommune_kode"]): int(r["folketal"]) for r in rows}
    return pop, int(rows[0]["aar"])


def _dictionary(d: Dictionary | None) -> Dictionary:
    if d is not None:
        return d
    from faktaark.dictionary.load import default_dictionary

    return default_dictionary()  # type: ignore[no-any-return]


def load_facts() -> dict[str, Fact]:
    """The bundled national facts (data/landsfakta.toml)."""
    return _load_facts(data_dir() / BUNDLED_FACTS)


def load_facts_udgave() -> int:
    """The edition the bundled facts are for (`udgave` in data/landsfakta.toml)."""
    import tomllib

    raw = tomllib.loads(read_text(data_dir() / BUNDLED_FACTS, limit=1024 * 1024))
    return int(raw.get("udgave", 0)) or 2025


def bundled_figures(d: Dictionary) -> list[Path]:
    """The bundled files of a dictionary's sources (what is read without --data)."""
    return list(dict.fromkeys(Path(s.file) for s in d.sources.values() if s.file))


def input_files(
    paths: Sequence[str | Path] | None, dictionary: Dictionary | None = None
) -> list[Path]:
    """Every file a data set may be made from (the bundled ones included): a cache key's
    input."""
    d = _dictionary(dictionary)
    bundled = [data_dir() / n for n in (BUNDLED_POPULATION, BUNDLED_FACTS, "kommuner.csv")]
    given = collect_files(paths) if paths else []
    return [*given, *bundled_figures(d), *bundled, *(Path(f) for f in d.files)]


def check_columns(columns: object) -> None:
    """`columns` is None or a mapping of their column name to ours (both text)."""
    if columns is None:
        return
    if not isinstance(columns, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise UsageError(
            "columns must be a mapping of your column name to ours, e.g. "
            f'{{"Boliger i alt": "<our column>"}}; got {type(columns).__name__}'
        )


def load_dataset(
    paths: Sequence[str | Path] | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    require_all: bool = True,
    isolate: bool = False,
    dictionary: Dictionary | None = None,
) -> Dataset:
    """Read and validate figures, population and facts (the bundled data when `paths` is
    empty) by the data dictionary `dictionary` (the default kit's when None).
    `isolate`: a municipality's row with errors is kept out (`Dataset.blocked`) instead of
    failing the whole load."""
    check_columns(columns)
    d = _dictionary(dictionary)
    files = collect_files(paths) if paths else []
    figures: list[Table] = []
    population: tuple[dict[int, int], int] | None = None
    facts: dict[str, Fact] | None = None
    notes: list[Issue] = []
    mapping = dict(columns or {})
    seen_columns: set[str] = set()
    for f in files:
        if f.suffix.lower() == ".toml":
            facts = _load_facts(f)
            continue
        table = read_table(f, sheet=sheet)
        table, marked = apply_percent_cells(table, lambda c: _kind(d, mapping.get(c, c)))
        notes += marked if all(i.severity == "warning" for i in marked) else _stop(marked)
        notes += [Issue(n, table.path, severity="warning") for n in table.notes]
        seen_columns.update(table.header)
        cols = {mapping.get(h, h) for h in table.header}
        if "folketal" in cols:
            population = _population(renamed(table, mapping))
        elif cols >= REGISTER_COLUMNS:
            continue  # the municipality register itself (a bundled data folder was given)
        elif cols <= {"kommunekode", "kommune", "udgave"}:
            raise InputError(
                f"{table.path}: has no figures, only {', '.join(sorted(cols))}; expected the "
                "columns of the kit's data dictionary (see `faktaark layouts fields`)."
            )
        else:
            figures.append(table)
    unused = sorted(set(mapping) - seen_columns)
    if unused:
        raise InputError(
            f"The column mapping names {', '.join(map(repr, unused))}, but no file has such a "
            f"column (files: {', '.join(map(str, files))}). Check the column mapping.",
            advice="See --column / --columns-file.",
        )
    figures += _bundled_for(figures, d, notes, mapping)
    _every_source_given(figures, d, mapping)
    if not figures:
        raise InputError(
            f"No figures file among {', '.join(map(str, files))}: expected a table "
            "with the columns of the kit's data dictionary (see `faktaark layouts fields`)."
        )
    ignored = _other_kits(figures, mapping, d)
    figures, joined = combine(figures, d, mapping, ignored)
    notes += [Issue(n, severity="warning") for n in joined]
    return assemble(figures, columns, population, facts, notes, require_all, isolate, d)


def _other_kits(
    tables: Sequence[Table], mapping: Mapping[str, str], d: Dictionary
) -> frozenset[str]:
    """The columns other shipped kits declare and this one does not read (a file may carry
    them; they are left out, not reported as unknown). Only worked out when a table has a
    column this kit does not know: it means building every shipped kit's dictionary, about
    12 ms of a first build."""
    known = d.known_columns()
    if all(mapping.get(h, h) in known for t in tables for h in t.header):
        return frozenset()
    from faktaark.dictionary.load import shipped_columns

    return shipped_columns() - known


def _kind(d: Dictionary, column: str) -> str | None:
    """A column's kind in the dictionary (what a workbook's percentage cell may mean)."""
    col = d.columns.get(column)
    return None if col is None else col.kind


def _stop(issues: list[Issue]) -> list[Issue]:
    raise DataError([i for i in issues if i.severity == "error"])


def _bundled_for(
    given: Sequence[Table], d: Dictionary, notes: list[Issue], mapping: Mapping[str, str]
) -> list[Table]:
    """The bundled tables of the sources none of the `given` tables with an edition (udgave)
    has a column of (a table without one only supplements or replaces some columns)."""
    named = [[mapping.get(h, h) for h in t.header] for t in given]
    have = {h for header in named if "udgave" in header for h in header}
    out: list[Table] = []
    read: set[str] = set()
    for s in d.sources.values():
        cols = {c.name for c in d.columns_of(s.id)} | set(s.control_columns)
        if not s.file or cols & have or s.file in read:
            continue
        read.add(s.file)
        if not Path(s.file).exists():
            raise InputError(
                f"{s.file}: the bundled file of source {s.id!r} of kit {d.name!r} does not exist "
                "yet. Give the figures with --data, or make example figures there: faktaark "
                f"data eksempel --layout {d.name} --source {s.id} -o {s.file}"
            )
        out.append(read_table(s.file))
        if given:
            notes.append(Issue(f"{s.label}: no file given has them; taken from the bundled "
                               f"{Path(s.file).name}", s.file, severity="warning"))  # fmt: skip
    return out


def _every_source_given(tables: Sequence[Table], d: Dictionary, mapping: Mapping[str, str]) -> None:
    """A source with required columns that no table has, and no bundled file: one error that
    says how to get its data (before every column is reported missing)."""
    have = {mapping.get(h, h) for t in tables for h in t.header}
    for s in d.sources.values():
        need = [c.name for c in d.columns_of(s.id) if c.required]
        if need and not have & {*need, *s.control_columns}:
            raise InputError(
                f"Kit {d.name!r}: no data file has the columns of source {s.id!r} "
                f"({', '.join(need[:4])}{' ...' if len(need) > 4 else ''}), and it has no bundled "
                "file. Give its figures with --data, or example figures to try the kit: "
                f"faktaark data eksempel --layout {d.name} --source {s.id} -o {s.id}.csv",
                advice=f"Then: --data {s.id}.csv",
            )


def assemble(
    figures: Sequence[Table],
    columns: Mapping[str, str] | None = None,
    population: tuple[dict[int, int], int] | None = None,
    facts: dict[str, Fact] | None = None,
    notes: Sequence[Issue] = (),
    require_all: bool = True,
    isolate: bool = False,
    dictionary: Dictionary | None = None,
) -> Dataset:
    """Validate figure tables; population and facts default to the bundled ones."""
    check_columns(columns)
    from faktaark.data import schema

    d = _dictionary(dictionary)
    pop, pop_year = population or bundled_population()
    fakta = facts if facts is not None else _load_facts(data_dir() / BUNDLED_FACTS)
    blocked: dict[tuple[int, int], tuple[Issue, ...]] | None = {} if isolate else None
    ignored = _other_kits(figures, columns or {}, d)
    records, warnings = schema.validate_tables(
        figures, register(), pop, d, columns, require_all, blocked, ignored
    )
    return Dataset(
        tuple(records), pop, pop_year, fakta, tuple(t.path for t in figures),
        (*notes, *warnings), blocked or {}, d,
    )  # fmt: skip

"""Putting figure tables together into rows of one edition each, before validation.

A kit's figures may come in several tables: one per source (the housing figures in
`almene.csv`, the resident democracy figures in `faellesskaber.csv`), one per edition, or a
*supplement* without an edition that supplies some columns per municipality and year (e.g.
Statbank's housing stock). The rules:

- tables with the same columns are kept apart (more rows: other editions);
- a table with an `udgave` column and other columns than the first is *joined* to it, row by
  row on (municipality, udgave);
- a table without `udgave` is a supplement: each row of the figures gets the supplement's row
  of the same municipality with the newest year not after the row's edition; its columns
  replace those of the figures (e.g. the official housing stock from Statbank);
- otherwise a column may come from one table only, and every column must be one the kit
  declares (or another shipped kit does: those are not read).

Joined cells remember the file and line they came from (`Row.origin`), so every error and every
provenance record names the right file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from faktaark.data.table import Cell, Row, Table
from faktaark.dictionary.model import KEY_COLUMNS, Dictionary
from faktaark.errors import DataError, Issue

__all__ = ["combine", "is_supplement", "renamed"]

MUNICIPALITY = ("kommunekode", "kommune")


def is_supplement(header: Iterable[str]) -> bool:
    """A table that supplies columns per municipality (and year), without an edition."""
    cols = set(header)
    return "udgave" not in cols and bool(cols & set(MUNICIPALITY))


def _int(cell: Cell) -> int | None:
    from faktaark.core.formatting import parse_number

    try:
        value = parse_number(cell)
    except ValueError:
        return None
    return int(value) if value is not None and value.is_integer() else None


def _get(row: Row, name: str, mapping: Mapping[str, str]) -> Cell:
    """A cell of a row by the kit's column name (the row may use the file's own names)."""
    if name in row.cells:
        return row.cells[name]
    theirs = next((h for h, ours in mapping.items() if ours == name), None)
    return row.cells.get(theirs) if theirs is not None else None


def _kommune(row: Row, mapping: Mapping[str, str] | None = None) -> int | None:
    from faktaark.core.kommuner import register

    m = mapping or {}
    key = _get(row, "kommunekode", m) or _get(row, "kommune", m)
    k = register().find(str(key).removesuffix(".0")) if key not in (None, "") else None
    return k.kode if k is not None else None


def renamed(table: Table, mapping: Mapping[str, str]) -> Table:
    """The table with its columns named as the kit names them (`--column`)."""
    if not any(h in mapping for h in table.header):
        return table
    rows = [Row(r.line, {mapping.get(h, h): v for h, v in r.cells.items()}) for r in table.rows]
    return Table(table.path, [mapping.get(h, h) for h in table.header], rows, table.notes)


def _own(table: Table) -> frozenset[str]:
    return frozenset(h for h in table.header if h not in KEY_COLUMNS)


def combine(
    tables: Sequence[Table], d: Dictionary, mapping: Mapping[str, str] | None = None,
    ignored: frozenset[str] = frozenset(),
) -> tuple[list[Table], list[str]]:  # fmt: skip
    """The edition tables with every other table's columns joined in (in place), and notes.
    The first edition tables keep their own column names (the schema maps them, `mapping`);
    the tables joined into them are renamed first."""
    mapping = dict(mapping or {})
    editions = [t for t in tables if not is_supplement(renamed(t, mapping).header)]
    supplements = [renamed(t, mapping) for t in tables if t not in editions]
    issues: list[Issue] = []
    notes: list[str] = []
    shapes: list[list[Table]] = []
    for t in editions:
        shape = _own(renamed(t, mapping))
        same = next((s for s in shapes if _own(renamed(s[0], mapping)) == shape), None)
        if same is not None:
            same.append(t)
        else:
            shapes.append([t])
    base = shapes[0] if shapes else []
    owner = dict.fromkeys(_own(renamed(base[0], mapping)), base[0].path) if base else {}
    shapes[1:] = [[renamed(t, mapping) for t in group] for group in shapes[1:]]
    known = d.known_columns() | ignored
    for t in [*(g[0] for g in shapes[1:]), *supplements]:
        issues += [Issue(f"unknown column {c!r}; no kit declares it", t.path, 1, c)
                   for c in sorted(_own(t) - known)]  # fmt: skip
    for group in shapes[1:]:
        _check_disjoint(group[0], owner, issues)
        notes += _join(base, group, issues, mapping)
    for supp in supplements:
        notes += _supplement(base, supp, d, issues, mapping)
    if issues:
        raise DataError(issues)
    return base, notes


def _check_disjoint(table: Table, owner: dict[str, str], issues: list[Issue]) -> None:
    for c in sorted(_own(table)):
        if c in owner:
            issues.append(Issue(f"is also a column of {owner[c]}; a column may come from one "
                                "file only", table.path, 1, c))  # fmt: skip
        else:
            owner[c] = table.path


def _join(
    base: Sequence[Table], group: Sequence[Table], issues: list[Issue], mapping: Mapping[str, str]
) -> list[str]:
    """Join the rows of `group` (one set of columns) into the rows of `base` by (municipality,
    edition)."""
    cols = [h for h in group[0].header if h not in KEY_COLUMNS]
    index: dict[tuple[int, int], tuple[Table, Row]] = {}
    for t in group:
        for row in t.rows:
            kode, udgave = _kommune(row), _int(row.cells.get("udgave"))
            if kode is None or udgave is None:
                issues.append(Issue("names no municipality and edition this row belongs to",
                                    t.path, row.line, "kommunekode"))  # fmt: skip
                continue
            if (kode, udgave) in index:
                other = index[(kode, udgave)][1].line
                issues.append(Issue(f"duplicate: also on line {other}", t.path, row.line,
                                    "kommunekode"))  # fmt: skip
            index[(kode, udgave)] = (t, row)
    used = 0
    for table in base:
        table.header.extend(c for c in cols if c not in table.header)
        for row in table.rows:
            kode, udgave = _kommune(row, mapping), _int(_get(row, "udgave", mapping))
            hit = index.pop((kode, udgave), None) if kode and udgave else None
            for c in cols:
                row.cells[c] = hit[1].cells.get(c) if hit else None
                if hit:
                    row.origin[c] = (hit[0].path, hit[1].line)
            used += hit is not None
    for (_, udgave), (t, row) in sorted(index.items()):
        issues.append(Issue(f"has no row of udgave {udgave} in {base[0].path} to join",
                            t.path, row.line, "kommunekode"))  # fmt: skip
    return []  # joining the tables of a kit's sources is the normal case: no note


def _supplement(
    base: Sequence[Table], supp: Table, d: Dictionary, issues: list[Issue],
    mapping: Mapping[str, str],
) -> list[str]:  # fmt: skip
    """Put a supplement's figures into the matching rows of the edition tables."""
    supplied = [h for h in supp.header if h not in MUNICIPALITY]
    declared = [h for h in supplied if h in d.columns]
    years = {y for c in declared if (y := d.columns[c].year)}
    if len(years) > 1 or (years and next(iter(years)) not in supp.header):
        issues.append(Issue(
            f"a table without udgave needs one year column for its figures (its columns "
            f"need {', '.join(sorted(years))})", supp.path, 1, sorted(years)[0]))  # fmt: skip
        return []
    year_col = next(iter(years), None)
    index: dict[int, dict[int, Row]] = {}
    for row in supp.rows:
        kode = _kommune(row)
        if kode is None:
            key = row.cells.get("kommunekode") or row.cells.get("kommune")
            msg = f"{key!r} is not one of the 98 municipalities (a total, region or Christiansø?)"
            issues.append(Issue(msg, supp.path, row.line, "kommunekode"))
            continue
        year = _int(row.cells.get(year_col)) if year_col else 0
        if year is None:
            issues.append(Issue("must be a year", supp.path, row.line, year_col))
            continue
        if year in index.setdefault(kode, {}):
            msg = f"duplicate: the same year is also on line {index[kode][year].line}"
            issues.append(Issue(msg, supp.path, row.line, "kommunekode"))
        index[kode][year] = row
    if issues:
        return []
    used = 0
    from faktaark.core.kommuner import register

    for table in base:
        table.header.extend(c for c in supplied if c not in table.header)
        for row in table.rows:
            kode, udgave = _kommune(row, mapping), _int(_get(row, "udgave", mapping))
            if kode is None or udgave is None:
                continue  # the schema reports these rows
            found = [y for y in index.get(kode, {}) if y <= udgave]
            if not found:
                msg = f"has no {', '.join(supplied[:3])} for udgave {udgave} or earlier"
                issues.append(Issue(msg, supp.path, None, supplied[0], register().get(kode).navn))
                continue
            src = index[kode][max(found)]
            for c in supplied:
                row.cells[c] = src.cells.get(c)
                row.origin[c] = (supp.path, src.line)
            used += 1
    return [f"{', '.join(supplied)} of {used} row(s) taken from {supp.path}."]

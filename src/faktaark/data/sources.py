"""Reading figure files into rows of cells that remember where they came from.

`read_table(path)` returns a `Table`: the header and each row as a dict of raw cells with its
line number, whatever the format. Cells stay text (or the typed value a binary format gives);
parsing Danish numbers and checking them is `schema.py`'s job. The formats and their
detection live in `readers.py`; this module is the entry point, the file-level guards
(exists, a regular file, not empty, not absurdly large), the column-mapping file, and the
merging of supplement tables (e.g. BOL101's housing stock) into the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from faktaark.core.limits import MAX_BYTES
from faktaark.core.paths import check_length, guard_file, read_text, reading
from faktaark.data.table import Cell, Row, Table
from faktaark.errors import DataError, InputError, Issue, UsageError

__all__ = [
    "collect_files",
    "is_supplement",
    "merge_supplements",
    "read_column_map",
    "read_table",
]


def _guard(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; expected a data file.")
    # a regular file (a FIFO or /dev/zero would hang) and readable; its size is checked below
    guard_file(path, limit=1 << 62, what="figures file")
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
    from faktaark.data import readers

    p = Path(path)
    _guard(p)
    try:
        return readers.read(p, sheet=sheet)
    except (OSError, MemoryError) as exc:
        raise InputError(f"{p}: cannot read the file: {exc}") from exc


DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".json")


def _is_data_file(f: Path) -> bool:
    name = f.name
    return (
        f.suffix.lower() in DATA_SUFFIXES
        and not f.is_dir()  # a FIFO or device by a data file's name is refused when read
        and not name.startswith((".", "~$"))  # hidden files, Excel's lock files
        and not name.upper().endswith(".SOURCE.TXT")  # provenance notes
    )


def _folder_files(p: Path) -> list[Path]:
    entries = sorted(p.iterdir())
    return [f for f in entries if _is_data_file(f)] + [
        f for f in entries if f.suffix.lower() == ".toml"
    ]


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the figure files they hold (sorted); keep files as given."""
    out: list[Path] = []
    for raw in paths:
        if not str(raw).strip() or "\x00" in str(raw):
            raise UsageError(f"--data {str(raw)!r}: an empty path; name a figures file or folder.")
        check_length(raw, "data", reading=True)
        p = Path(raw)
        with reading(p):  # a folder that cannot be listed: no permission
            found = _folder_files(p) if p.is_dir() else None
        if found is not None:
            if not found:
                raise InputError(
                    f"{p}: the folder holds no data files ({', '.join(DATA_SUFFIXES)})."
                )
            out.extend(found)
        else:
            out.append(p)
    return out


# --- column mapping -----------------------------------------------------------------------


def read_column_map(path: str | Path, known: Iterable[str] | None = None) -> dict[str, str]:
    """A mapping file `[kolonner]  ny = "gammel"` -> {their column: our column}."""
    import tomllib

    from faktaark.core.fields import CHECK_COLUMNS, COLUMN_NAMES

    if known is None:
        population = ("kommune_kode", "kommune_navn", "folketal", "aar")
        known = (*COLUMN_NAMES, *CHECK_COLUMNS, *population, *INFO_COLUMNS)
    p = Path(path)
    text = read_text(p, limit=1024 * 1024, what="column mapping file").removeprefix("\ufeff")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{p}: not valid TOML: {exc}.") from exc
    except RecursionError as exc:
        raise InputError(f"{p}: nested too deeply; not a column mapping.") from exc
    table = raw.get("kolonner")
    extra = sorted(set(raw) - {"kolonner"})
    if not isinstance(table, dict) or extra:
        raise InputError(
            f'{p}: expected one table [kolonner] with lines like  boligmasse = "Boliger i alt"  '
            f"(our name = your name){f'; unknown: {extra}' if extra else ''}."
        )
    names = set(known)
    out: dict[str, str] = {}
    for ours, theirs in table.items():
        if ours not in names:
            import difflib

            near = difflib.get_close_matches(ours, sorted(names), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise InputError(f"{p}: [kolonner] {ours}: not one of our column names{hint}")
        if not isinstance(theirs, str) or not theirs.strip():
            raise InputError(f'{p}: [kolonner] {ours}: the value must be your column name, "..."')
        if theirs.strip() in out:
            raise InputError(f"{p}: [kolonner]: column {theirs!r} is mapped twice.")
        out[theirs.strip()] = ours
    return out


# --- supplement tables ----------------------------------------------------------------------

KEY_COLUMNS = ("kommunekode", "kommune")
INFO_COLUMNS = frozenset({"almene_boliger_ejer20"})  # carried by the BOL101 import; not used


def is_supplement(header: Iterable[str]) -> bool:
    """A table that supplies some figure columns per municipality and year (no edition)."""
    from faktaark.core.fields import COLUMN_NAMES

    cols = set(header)
    figures = cols & (set(COLUMN_NAMES) - {*KEY_COLUMNS, "udgave", "datakilde", "kilde"})
    edition = {"udgave", "datakilde", "kilde"}  # a figures table, even with columns missing
    return bool(cols & set(KEY_COLUMNS)) and bool(figures) and not cols & edition


def _int(cell: Cell) -> int | None:
    from faktaark.core.formatting import parse_number

    try:
        value = parse_number(cell)
    except ValueError:
        return None
    return int(value) if value is not None and value.is_integer() else None


def _supplement_index(
    table: Table, issues: list[Issue]
) -> tuple[list[str], str | None, dict[int, dict[int, Row]]]:
    """Check a supplement's columns and rows; index its rows by municipality and year."""
    from faktaark.core.fields import COLUMN_NAMES, by_name
    from faktaark.core.kommuner import register

    supplied = [h for h in table.header if h in COLUMN_NAMES and h not in KEY_COLUMNS]
    for h in table.header:
        if h not in (*KEY_COLUMNS, *supplied, *INFO_COLUMNS):
            issues.append(Issue("unknown column in a supplement table", table.path, 1, h))
    years = {by_name(c).year for c in supplied if by_name(c).year}
    year_col = years.pop() if len(years) == 1 else None
    if len(years) > 0 or (year_col and year_col not in table.header):
        issues.append(
            Issue("a supplement table needs one year column for its figures (e.g. "
                  "boligmasse with boligmasse_aar)", table.path, 1, year_col)
        )  # fmt: skip
    index: dict[int, dict[int, Row]] = {}
    reg = register()
    for row in table.rows:
        key = row.cells.get("kommunekode") or row.cells.get("kommune")
        k = reg.find(str(key).removesuffix(".0")) if key is not None else None
        if k is None:
            msg = f"{key!r} is not one of the 98 municipalities (a total, region or Christiansø?)"
            issues.append(Issue(msg, table.path, row.line, "kommunekode"))
            continue
        year = _int(row.cells.get(year_col)) if year_col else 0
        if year is None:
            issues.append(Issue("must be a year", table.path, row.line, year_col, k.navn))
            continue
        if year in index.setdefault(k.kode, {}):
            msg = f"duplicate: {k.navn} {year} is also on line {index[k.kode][year].line}"
            issues.append(Issue(msg, table.path, row.line, "kommunekode", k.navn))
        index[k.kode][year] = row
    return supplied, year_col, index


def merge_supplements(figures: Sequence[Table], supplements: Sequence[Table]) -> list[str]:
    """Put each supplement's figures into the matching rows of the figures tables (in place):
    for each row, the supplement row of the same municipality with the newest year not after
    the row's edition. Returns notes; raises `DataError` on any problem."""
    from faktaark.core.kommuner import register

    reg = register()
    issues: list[Issue] = []
    notes: list[str] = []
    for supp in supplements:
        supplied, year_col, index = _supplement_index(supp, issues)
        if issues:
            continue
        cols = [*supplied, *([year_col] if year_col and year_col not in supplied else [])]
        used = 0
        for table in figures:
            table.header.extend(c for c in cols if c not in table.header)
            for row in table.rows:
                key = row.cells.get("kommunekode") or row.cells.get("kommune")
                k = reg.find(str(key).removesuffix(".0")) if key is not None else None
                udgave = _int(row.cells.get("udgave"))
                if k is None or udgave is None:
                    continue  # the schema reports these rows
                years = [y for y in index.get(k.kode, {}) if y <= udgave]
                if not years:
                    msg = f"has no {', '.join(supplied)} for udgave {udgave} or earlier"
                    issues.append(Issue(msg, supp.path, None, supplied[0], k.navn))
                    continue
                src = index[k.kode][max(years)]
                for c in cols:
                    row.cells[c] = src.cells.get(c)
                    row.origin[c] = (supp.path, src.line)
                used += 1
        notes.append(f"{', '.join(cols)} of {used} row(s) taken from {supp.path}.")
    if issues:
        raise DataError(issues)
    return notes

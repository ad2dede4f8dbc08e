"""Reading figure files into rows of cells that remember where they came from.

`read_table(path)` returns a `Table`: the header and each row as a dict of raw cells with its
line number, whatever the format. Cells stay text (or the typed value a binary format gives);
parsing Danish numbers and checking them is `schema.py`'s job. The formats and their
detection live in `readers.py`; this module is the entry point, the file-level guards
(exists, a regular file, not empty, not absurdly large), the column-mapping file, and the
merging of supplement tables (e.g. BOL101's housing stock) into the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from faktaark.core.limits import MAX_BYTES
from faktaark.core.paths import check_length, guard_file, read_text, reading
from faktaark.data.table import Table
from faktaark.errors import InputError, UsageError

__all__ = [
    "collect_files",
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

POPULATION_COLUMNS = ("kommune_kode", "kommune_navn", "folketal", "aar")


def read_column_map(path: str | Path, known: Iterable[str] | None = None) -> dict[str, str]:
    """A mapping file `[kolonner]  ny = "gammel"` -> {their column: our column}."""
    import tomllib

    if known is None:
        from faktaark.dictionary.load import shipped_columns

        known = (*shipped_columns(), *POPULATION_COLUMNS)
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
            f'{p}: expected one table [kolonner] with lines like  <our column> = "<your column>"  '
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

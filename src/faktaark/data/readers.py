"""Format readers behind `sources.read_table`: CSV/TSV, XLSX, Parquet, JSON.

CSV: UTF-8 with or without BOM, or UTF-16 with a BOM (Excel's "Unicode text"); when the bytes
are not UTF-8, cp1252 (a superset of latin-1 for text) is used and a note says so. Text that
was UTF-8-encoded twice ("KÃ¸benhavn") is refused. The delimiter (`,` `;` tab) is detected
from the header line. CRLF is fine. Cells stay text. XLSX is read with fastexcel (Polars'
Excel engine) keeping each cell's type; Parquet with Polars; JSON is a list of objects or
`{"rows": [...]}`. Row numbers: CSV lines (header = 1), Excel rows (header = 1), JSON and
Parquet record numbers (first record = 1).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from faktaark.core.limits import MAX_ROWS
from faktaark.data.strict import UTF8_SEQ, JsonRefused, int_of_sane_size, no_duplicates, undecodable
from faktaark.data.table import Cell, Row, Table, check_size
from faktaark.errors import InputError, UsageError

__all__ = ["decode", "read", "sniff_delimiter", "typed_cell"]

DELIMITERS = (";", "\t", ",")
_NAMES = {";": "';'", "\t": "tab", ",": "','"}
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a]")
_MAGIC = {
    b"\x1f\x8b": "a gzip-compressed file; unpack it first",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or other Office file; save it as .xlsx or CSV",
    b"\x7fELF": "a program (ELF binary)",
}


def decode(raw: bytes, path: Path) -> tuple[str, list[str]]:
    """Bytes -> text, with notes about the encoding used."""
    notes: list[str] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: broken UTF-16 text (byte {exc.start}).") from exc
        notes.append(f"{path}: read as UTF-16 (Excel's Unicode text); UTF-8 is preferred.")
        return _check_text(text.lstrip("\ufeff"), path), notes
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            raise InputError(f"{path}: this is {what}, not a figures table.")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"{path}: looks like a binary file (a NUL byte at byte {nul}), not "
            "text. Expected CSV, TSV, XLSX, Parquet or JSON (UTF-16 text needs its BOM)."
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return _check_text(raw.decode("utf-8"), path), notes
    except UnicodeDecodeError as exc:
        if UTF8_SEQ.search(raw):  # UTF-8 text with a bad byte: never decode it twice
            raise undecodable(raw, exc.start, path) from exc
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: unknown text encoding: byte 0x{raw[exc.start]:02x} (at byte "
            f"{exc.start}) is neither UTF-8 nor Windows-1252. Save the file as UTF-8."
        ) from exc
    notes.append(f"{path}: not UTF-8; read as Windows-1252 (cp1252/latin-1).")
    return text, notes


def _check_text(text: str, path: Path) -> str:
    m = _MOJIBAKE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        raise InputError(  # the two characters only: never a line of a file (whose?)
            f"{path}:{line}: the text looks encoded twice ({m.group()!r} at column {col}, "
            "e.g. 'KÃ¸benhavn' for 'København'): the file was read as Windows-1252 and saved "
            "again as UTF-8. Export it again from the original."
        )
    return text


def sniff_delimiter(header_line: str, path: Path) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise InputError(  # never quoted: it may be a line of any file (/etc/shadow)
            f"{path}:1: cannot find a column separator in the first line "
            f"({len(header_line)} characters); expected `,`, `;` or tab between column names. "
            "Not a figures table?"
        )
    return best


def _kommune_hint(cells: Sequence[str], header: Sequence[str]) -> str:
    """The municipality a broken row is about, when its code or name can be found."""
    from faktaark.core.kommuner import register

    reg = register()
    parts = [p for c in cells[:3] for p in re.split(r"[;,\t]", c)][:3]
    for i, h in enumerate(header[:3]):
        if h in ("kommunekode", "kommune") and i < len(parts):
            hit = reg.find(parts[i].strip()) if parts[i].strip() else None
            if hit is not None:
                return f"{hit.navn}: "
    return ""


def _row_width_error(
    path: Path, line: int, record: list[str], header: list[str], delim: str
) -> InputError:
    other = [d for d in DELIMITERS if d != delim and sum(c.count(d) for c in record) >= 2]
    if len(record) < len(header) and other:
        hint = f"The rows seem to use {_NAMES[other[0]]} as separator, the header {_NAMES[delim]}."
    elif len(record) < len(header):
        hint = "A truncated file or a missing cell?"
    else:
        hint = "A cell with an unquoted separator (quote cells that contain it)?"
    return InputError(
        f"{path}:{line}: {_kommune_hint(record, header)}the row has {len(record)} cells but the "
        f"header has {len(header)} columns (separator {_NAMES[delim]}). {hint}"
    )


def _read_csv(path: Path) -> Table:
    text, notes = decode(path.read_bytes(), path)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first:
        raise InputError(f"{path}: the file holds only blank lines.")
    delim = sniff_delimiter(first, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    header: list[str] | None = None
    rows: list[Row] = []
    last = 0
    try:
        for record in reader:
            line, last = last + 1, reader.line_num  # a quoted line break: the record's 1st line
            if not any(c.strip() for c in record):
                continue
            if header is None:
                header = [h.strip().lstrip("\ufeff").strip() for h in record]
                _check_header(header, path, line)
                continue
            if len(record) != len(header):
                raise _row_width_error(path, line, record, header, delim)
            cells: dict[str, Cell] = {
                h: (v.strip() or None) for h, v in zip(header, record, strict=True)
            }
            rows.append(Row(line, cells))
            if len(rows) > MAX_ROWS:
                raise InputError(f"{path}: more than {MAX_ROWS} rows; not a figures file.")
    except csv.Error as exc:
        raise InputError(
            f"{path}:{reader.line_num}: broken CSV: {exc} (a quote that is never closed, or "
            "a truncated file?)."
        ) from exc
    if header is None:
        raise InputError(f"{path}: no header row found.")
    if rows and not text.endswith(("\n", "\r")):
        notes.append(
            f"{path}:{rows[-1].line}: the file does not end with a line break; if it was cut "
            "off, this last row may be incomplete."
        )
    return Table(str(path), header, rows, notes, "csv")


def _check_header(header: list[str], path: Path, line: int) -> None:
    seen: set[str] = set()
    for i, h in enumerate(header, start=1):
        if not h:
            raise InputError(f"{path}:{line}: column {i} has an empty name in the header.")
        if h in seen:
            raise InputError(f"{path}:{line}: column {h!r} appears twice in the header.")
        seen.add(h)


def typed_cell(value: object) -> Cell:
    """A typed value from a binary format or a DataFrame -> a cell (numbers stay numbers, a
    Decimal becomes the float it is: never text that a Danish reader takes 333.000 for
    333000)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)  # never silently 1/0: a boolean is not a figure
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return json.dumps(value, default=str)[:200] if isinstance(value, (dict, list)) else str(value)


def _pick_sheet(names: list[str], sheet: str | None, path: Path) -> int:
    if sheet is None:
        return 0
    if sheet in names:
        return names.index(sheet)
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return int(sheet) - 1
    raise UsageError(
        f"{path}: no sheet {sheet!r}; the workbook has {', '.join(map(repr, names))} "
        "(a sheet is a name or a number from 1).",
        advice="Choose one with --sheet NAME or --sheet NUMBER.",
    )


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import logging

    import fastexcel

    from faktaark.data.workbook import cell_formats, first_visible, inspect_workbook

    # sizes, dimensions and hidden sheets from the zip directory, before anything is inflated
    infos = inspect_workbook(path)
    # "Could not determine dtype for column N": an empty column, which is fine here
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    try:
        book = fastexcel.read_excel(path)
        names = list(book.sheet_names)
        if sheet is None and [i.name for i in infos] == names:
            idx = first_visible(infos, path)  # a hidden sheet's stale figures are never read
        else:
            idx = _pick_sheet(names, sheet, path)
        sheet_data = book.load_sheet(idx, schema_sample_rows=None)
        data = sheet_data.to_polars()
        where = {c.name: c.absolute_index + 1 for c in sheet_data.available_columns()}
        texts = book.load_sheet(idx, schema_sample_rows=None, dtypes="string").to_polars()
        text_cols = [c for c, t in data.schema.items() if t == _string_type()]
        # In a column that mixes numbers and text, calamine turns the numbers into text
        # ("7.125"), which a Danish reader would take for 7125. A boolean read is non-null
        # exactly for the cells that hold a number, so those keep their machine meaning.
        probe = (
            book.load_sheet(
                idx, schema_sample_rows=None, dtypes=dict.fromkeys(text_cols, "boolean")
            ).to_polars()
            if text_cols
            else None
        )
    except (UsageError, InputError):
        raise
    except Exception as exc:  # fastexcel raises many kinds; all mean "cannot read this file"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a readable Excel workbook (.xlsx): {first}") from exc
    if data.height == 0:
        which = "the first" if sheet is None else "the chosen"
        others = [n for n in names if n != names[idx]]
        raise InputError(
            f"{path}: sheet {names[idx]!r} ({which} of {len(names)}) has a header but no data "
            "rows"
            + (f"; the workbook also has {', '.join(map(repr, others))}." if others else "."),
            advice="Read another sheet with --sheet NAME (or --sheet NUMBER, from 1)."
            if others
            else "",
        )
    keep = [
        c
        for c in data.columns
        if not (c.startswith("__UNNAMED__") and data[c].null_count() == data.height)
    ]
    header = ["" if c.startswith("__UNNAMED__") else c.strip() for c in keep]
    _check_header(header, path, 1)
    member = infos[idx].member if [i.name for i in infos] == names else None
    top, shown = cell_formats(path, member)  # the header's Excel row; formatted cells
    rows = []
    for n, rec in enumerate(data.select(keep).iter_rows()):
        cells: dict[str, Cell] = {}
        for col, h, v in zip(keep, header, rec, strict=True):
            flag = probe[col][n] if probe is not None and col in text_cols else None
            cells[h] = _xlsx_cell(v, texts[col][n], flag, col in text_cols)
        if any(v is not None for v in cells.values()):
            rows.append(Row(top + 1 + n, cells))  # Excel's own row number
    numbers = {where.get(c): h for c, h in zip(keep, header, strict=True)}
    formats = {(r, numbers[c]): kind for (r, c), kind in shown.items() if c in numbers and r > top}
    return Table(str(path), header, rows, [], "xlsx", formats)


def _xlsx_cell(value: object, text: str | None, is_number: object, text_col: bool) -> Cell:
    """One Excel cell from its typed read, its text read and (text columns) the number probe."""
    cell = typed_cell(value)
    if isinstance(cell, (int, float)) and text:
        return _numeric_text(text, True)  # in a number column TRUE and dates read as numbers
    if isinstance(cell, str):
        cell = cell.strip() or None
        if cell and text_col:
            return _numeric_text(cell, is_number)
    return cell


def _string_type() -> Any:
    import polars as pl

    return pl.String


def _numeric_text(text: str, probe: object) -> Cell:
    if probe is None:
        return text  # a text cell: read as Danish later
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def _read_parquet(path: Path) -> Table:
    import polars as pl

    try:  # the row count and the types from the file's metadata, before reading any row
        n = pl.scan_parquet(path).select(pl.len()).collect().item()
        schema = pl.read_parquet_schema(path)
    except Exception as exc:  # Polars raises many kinds; all mean "cannot read this file"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a readable Parquet file: {first}") from exc
    check_size(str(path), n, len(schema), "file")
    raw = [c for c, t in schema.items() if t == pl.Binary]
    if raw:
        raise InputError(
            f"{path}: column(s) {', '.join(map(repr, raw))} hold raw bytes (Parquet binary), "
            "not text; store them as strings (UTF-8)."
        )
    try:
        df = pl.read_parquet(path)
    except Exception as exc:  # Polars raises many kinds; all mean "cannot read this file"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a readable Parquet file: {first}") from exc
    header = [str(c) for c in df.columns]
    _check_header(header, path, 1)
    rows = [
        Row(i, {k: typed_cell(v) for k, v in rec.items()})
        for i, rec in enumerate(df.iter_rows(named=True), start=1)
    ]
    return Table(str(path), header, rows, [], "parquet")


def _read_json(path: Path) -> Table:
    text, notes = decode(path.read_bytes(), path)
    try:
        data = json.loads(text, object_pairs_hook=no_duplicates, parse_int=int_of_sane_size)
    except JsonRefused as exc:
        raise InputError(f"{path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno}; a truncated "
            "file?)."
        ) from exc
    except RecursionError as exc:
        raise InputError(f"{path}: JSON nested too deeply; not a figures table.") from exc
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(
            f'{path}: expected a JSON list of objects (or {{"rows": [...]}}), one object per '
            "municipality with the column names as keys."
        )
    header: list[str] = []
    for rec in data:
        for k in rec:
            if k not in header:
                header.append(str(k))
    _check_header([h.strip() for h in header], path, 1)
    rows = [Row(i, {h: _text_cell(rec.get(h)) for h in header}) for i, rec in enumerate(data, 1)]
    return Table(str(path), header, rows, notes, "json")


def _text_cell(value: object) -> Cell:
    cell = typed_cell(value)
    return (cell.strip() or None) if isinstance(cell, str) else cell


def read(path: Path, sheet: str | None = None) -> Table:
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path, sheet)
    elif magic == b"PAR1" or suffix == ".parquet":
        table = _read_parquet(path)
    elif suffix == ".json" or magic[:1] in (b"[", b"{"):
        table = _read_json(path)
    else:
        table = _read_csv(path)
    if not table.rows:
        raise InputError(f"{path}: the file has a header but no data rows.")
    check_size(str(path), len(table.rows), len(table.header), "file")
    return table

"""Format readers behind `sources.read_table`: CSV/TSV, XLSX, Parquet, JSON.

CSV: UTF-8 with or without BOM; when the bytes are not UTF-8, cp1252 (a superset of latin-1
for text) is used and a note says so. The delimiter (`,` `;` tab) is detected from the header
line. CRLF is fine. Cells stay text. XLSX and Parquet are read with Polars (lazily imported);
JSON is a list of objects or `{"rows": [...]}`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from faktaark.errors import InputError
from faktaark.sources import Cell, Row, Table

__all__ = ["decode", "read", "sniff_delimiter"]


def decode(raw: bytes, path: Path) -> tuple[str, list[str]]:
    notes: list[str] = []
    if b"\x00" in raw[:4096]:
        raise InputError(
            f"{path}: looks like a binary file (NUL bytes), not text. Expected CSV, TSV, XLSX, "
            "Parquet or JSON."
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), notes
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
        notes.append(f"{path}: not UTF-8; read as Windows-1252 (cp1252/latin-1).")
        return text, notes
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: unknown text encoding (neither UTF-8 nor Windows-1252, byte "
            f"{exc.start}). Save the file as UTF-8."
        ) from exc


def sniff_delimiter(header_line: str, path: Path) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise InputError(
            f"{path}:1: cannot find a column separator in the header line "
            f"{header_line[:80]!r}; expected `,`, `;` or tab between column names."
        )
    return best


def _read_csv(path: Path) -> Table:
    text, notes = decode(path.read_bytes(), path)
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        raise InputError(f"{path}: the file holds only blank lines.")
    delim = sniff_delimiter(first, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header: list[str] | None = None
    rows: list[Row] = []
    try:
        for record in reader:
            line = reader.line_num
            if header is None:
                if not any(c.strip() for c in record):
                    continue
                header = [h.strip() for h in record]
                _check_header(header, path, line)
                continue
            if not any(c.strip() for c in record):
                continue
            if len(record) != len(header):
                raise InputError(
                    f"{path}:{line}: the row has {len(record)} cells but the header has "
                    f"{len(header)} columns (separator {delim!r}). A truncated file, or a cell "
                    "with an unquoted separator?"
                )
            cells: dict[str, Cell] = {
                h: (v.strip() or None) for h, v in zip(header, record, strict=True)
            }
            rows.append(Row(line, cells))
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: broken CSV: {exc}.") from exc
    if header is None:
        raise InputError(f"{path}: no header row found.")
    return Table(str(path), header, rows, notes, "csv")


def _check_header(header: list[str], path: Path, line: int) -> None:
    seen: set[str] = set()
    for h in header:
        if not h:
            raise InputError(f"{path}:{line}: an empty column name in the header.")
        if h in seen:
            raise InputError(f"{path}:{line}: column {h!r} appears twice in the header.")
        seen.add(h)


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, (str, int, float)):
        return value if not isinstance(value, bool) else int(value)
    return str(value)


def _read_frame(path: Path, fmt: str, sheet: str | None) -> Table:
    import polars as pl

    try:
        if fmt == "xlsx":
            df = pl.read_excel(path, sheet_name=sheet) if sheet else pl.read_excel(path)
        else:
            df = pl.read_parquet(path)
    except Exception as exc:  # Polars raises many kinds; all mean "cannot read this file"
        raise InputError(f"{path}: cannot read as {fmt.upper()}: {exc}".splitlines()[0]) from exc
    header = [str(c) for c in df.columns]
    _check_header(header, path, 1)
    first = 2 if fmt == "xlsx" else 1
    rows = [
        Row(i, {k: _cell(v) for k, v in rec.items()})
        for i, rec in enumerate(df.iter_rows(named=True), start=first)
    ]
    return Table(str(path), header, rows, [], fmt)


def _read_json(path: Path) -> Table:
    text, notes = decode(path.read_bytes(), path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}.") from exc
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(f'{path}: expected a JSON list of objects (or {{"rows": [...]}}).')
    header: list[str] = []
    for rec in data:
        for k in rec:
            if k not in header:
                header.append(str(k))
    rows = [Row(i, {h: _cell(rec.get(h)) for h in header}) for i, rec in enumerate(data, 1)]
    return Table(str(path), header, rows, notes, "json")


def read(path: Path, sheet: str | None = None) -> Table:
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04" or suffix == ".xlsx":
        return _read_frame(path, "xlsx", sheet)
    if magic == b"PAR1" or suffix == ".parquet":
        return _read_frame(path, "parquet", None)
    if suffix == ".json":
        return _read_json(path)
    table = _read_csv(path)
    if not table.rows:
        raise InputError(f"{path}: the file has a header but no data rows.")
    return table

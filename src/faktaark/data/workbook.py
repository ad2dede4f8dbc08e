"""Looking into an XLSX before it is read: sizes, sheets, dimensions, from the zip directory.

An XLSX is a zip of XML files. Its directory says how big every member inflates to, the
workbook says which sheets are hidden, and each sheet's cell references say how far it
reaches, all without reading (or inflating) the sheet data into memory. `inspect_workbook`
refuses a zip bomb (more than `MAX_INFLATED` bytes once inflated), a sheet whose cells lie
beyond what a figures table can use (`MAX_ROWS` rows, `MAX_COLUMNS` columns: the reader would
allocate the whole rectangle), and tells which sheet is the first visible one.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from faktaark.core.limits import MAX_COLUMNS, MAX_ROWS
from faktaark.errors import InputError

__all__ = ["MAX_COLUMNS", "MAX_INFLATED", "SheetInfo", "cell_formats", "inspect_workbook"]

MAX_INFLATED = 64 * 1024 * 1024  # a figures workbook inflates to well under 1 MB
_WORKBOOK_MAX = 4 * 1024 * 1024

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_REF = re.compile(rb'<(?:\w+:)?(?:c|row)\b[^>]*?\br="([A-Z]{0,3})(\d+)"')


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str  # visible | hidden | veryHidden
    member: str | None  # the zip member holding its cells


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _sheets(z: zipfile.ZipFile, path: Path) -> list[SheetInfo]:
    try:
        wb = z.read("xl/workbook.xml")[:_WORKBOOK_MAX]
    except KeyError as exc:
        raise InputError(f"{path}: not an Excel workbook (no xl/workbook.xml).") from exc
    rels: dict[bytes, bytes] = {}
    try:
        for m in _REL.finditer(z.read("xl/_rels/workbook.xml.rels")[:_WORKBOOK_MAX]):
            a = dict(_ATTR.findall(m[1]))
            if b"Id" in a and b"Target" in a:
                rels[a[b"Id"]] = a[b"Target"]
    except KeyError:
        pass
    out = []
    for m in _SHEET.finditer(wb):
        a = dict(_ATTR.findall(m[1]))
        rid = next((v for k, v in a.items() if k.endswith(b":id")), None)
        target = rels.get(rid) if rid is not None else None
        member = None
        if target is not None:
            t = target.decode(errors="replace").lstrip("/")
            member = t if t.startswith("xl/") else f"xl/{t}"
        out.append(
            SheetInfo(
                a.get(b"name", b"").decode("utf-8", errors="replace"),
                a.get(b"state", b"visible").decode(errors="replace"),
                member,
            )
        )
    return out


def _reach(z: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The last row and column any cell or row of the sheet names, streaming its XML."""
    rows = cols = 0
    tail = b""
    with z.open(member) as fh:
        while block := fh.read(1 << 20):
            data = tail + block
            for m in _REF.finditer(data):
                rows = max(rows, int(m[2]))
                if m[1]:
                    cols = max(cols, _col_number(m[1]))
            tail = data[-256:]
    return rows, cols


def inspect_workbook(path: Path) -> list[SheetInfo]:
    """The sheets of the workbook at `path`, after checking that reading it is safe."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            inflated = sum(i.file_size for i in infos)
            if inflated > MAX_INFLATED:
                raise InputError(
                    f"{path}: the workbook inflates to {inflated / 1024 / 1024:.0f} MB "
                    f"(more than {MAX_INFLATED // 1024 // 1024} MB; a zip bomb?); not a figures "
                    "file. Refused before reading."
                )
            sheets = _sheets(z, path)
            names = {i.filename for i in infos}
            for s in sheets:
                if s.member is None or s.member not in names:
                    continue
                rows, cols = _reach(z, s.member)
                if rows > MAX_ROWS + 1 or cols > MAX_COLUMNS:
                    raise InputError(
                        f"{path}: sheet {s.name!r} reaches row {rows}, column {cols}: more than "
                        f"the {MAX_ROWS} rows and {MAX_COLUMNS} columns of a figures table; "
                        "refused before reading."
                    )
            return sheets
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path}: not a readable Excel workbook (.xlsx): {exc}") from exc


def first_visible(sheets: list[SheetInfo], path: Path) -> int:
    for i, s in enumerate(sheets):
        if s.state == "visible":
            return i
    names = ", ".join(f"{s.name!r} ({s.state})" for s in sheets)
    raise InputError(f"{path}: every sheet is hidden ({names}); use --sheet to pick one.")


# --- cell formats: percentages and fractions ------------------------------------------------

_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")
_CELLXFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*)/?>")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b")
_BUILTIN = {9: "percent", 10: "percent", 12: "fraction", 13: "fraction"}  # ECMA-376 18.8.30
_STYLES_MAX = 8 * 1024 * 1024


def _format_kind(code: str) -> str | None:
    """ "percent" or "fraction" for an Excel number format code, else None."""
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)  # quoted text, escapes, [colour]
    if "%" in bare:
        return "percent"
    if re.search(r"[#0?]\s*/\s*[#0?1-9]", bare):
        return "fraction"
    return None


def _styles(z: zipfile.ZipFile) -> dict[int, str]:
    """Style index -> "percent" / "fraction", for the cell styles that show one."""
    try:
        xml = z.read("xl/styles.xml")[:_STYLES_MAX]
    except KeyError:
        return {}
    custom: dict[int, str] = {}
    for m in _NUMFMT.finditer(xml):
        a = dict(_ATTR.findall(m[1]))
        kind = _format_kind(a.get(b"formatCode", b"").decode("utf-8", "replace"))
        if kind and a.get(b"numFmtId", b"").isdigit():
            custom[int(a[b"numFmtId"])] = kind
    xfs = _CELLXFS.search(xml)
    out: dict[int, str] = {}
    for i, m in enumerate(_XF.finditer(xfs[1] if xfs else b"")):
        fmt = dict(_ATTR.findall(m[1])).get(b"numFmtId", b"0")
        kind = custom.get(int(fmt), _BUILTIN.get(int(fmt))) if fmt.isdigit() else None
        if kind:
            out[i] = kind
    return out


def cell_formats(path: Path, member: str | None) -> tuple[int, dict[tuple[int, int], str]]:
    """The first row holding a value (what the reader takes for the header) and, by (Excel
    row, column number from 1), each cell formatted as a percentage ("percent": it shows
    12,4 % and holds 0.124) or a fraction ("fraction": 1/8, holds 0.125). (1, {}) when the
    sheet cannot be found."""
    found: dict[tuple[int, int], str] = {}
    first = 0
    if member is None:
        return 1, found
    try:
        with zipfile.ZipFile(path) as z:
            styles = _styles(z)
            tail = b""
            with z.open(member) as fh:
                while block := fh.read(1 << 20):
                    data = tail + block
                    for m in _CELL.finditer(data):
                        a = dict(_ATTR.findall(m[1]))
                        ref = re.fullmatch(rb"([A-Z]{1,3})(\d+)", a.get(b"r", b""))
                        if ref is None or not m[2] or not _VALUE.search(m[2]):
                            continue
                        row = int(ref[2])
                        first = row if not first else min(first, row)
                        kind = styles.get(int(a[b"s"])) if a.get(b"s", b"").isdigit() else None
                        if kind:
                            found[(row, _col_number(ref[1]))] = kind
                    tail = data[-(64 * 1024) :]
    except (zipfile.BadZipFile, KeyError, OSError):
        return 1, {}
    return first or 1, found

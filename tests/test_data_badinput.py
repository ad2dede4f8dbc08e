"""The bad-input corpus: every malformed input is stopped at the door.

Each case writes one malformed input (generated here from data/almene.csv, so the corpus
follows the data contract) and runs `faktaark build --kommune Glostrup --data ... --out OUT`.
For every case: exit code 1, exactly one error message that names the file, the row, the
column and the municipality where they are known, no traceback, and OUT unchanged (it holds an
old sheet that must survive byte for byte, and nothing new may appear). The 200 MB file is
`test_a_200_mb_file_is_refused_without_reading_it` at the end of the file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from faktaark.cli.app import app
from faktaark.core.limits import MAX_ROWS

ROOT = Path(__file__).resolve().parents[1]
ALMENE = ROOT / "data" / "almene.csv"
runner = CliRunner()

with ALMENE.open(encoding="utf-8", newline="") as _fh:
    BASE = list(csv.DictReader(_fh))
HEADER = list(BASE[0])
LINE = {r["kommunekode"]: i for i, r in enumerate(BASE, start=2)}  # header = line 1
RECORD = {r["kommunekode"]: i for i, r in enumerate(BASE, start=1)}  # JSON/Parquet record
with (ROOT / "data" / "folketal.csv").open(encoding="utf-8") as _fh:
    POP = {r["kommune_kode"]: int(r["folketal"]) for r in csv.DictReader(_fh)}

Rows = list[dict[str, str]]
Make = Callable[[Path], tuple[list[str], Path]]  # folder -> (CLI args, the file to be named)


def csv_text(rows: Rows, header: list[str] | None = None, delim: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\n")
    w.writerow(header or HEADER)
    w.writerows([r.get(h, "") for h in header or HEADER] for r in rows)
    return buf.getvalue()


def base() -> Rows:
    return [dict(r) for r in BASE]


def put(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def raw(data: bytes | str | Callable[[], bytes | str], name: str = "almene.csv") -> Make:
    def make(folder: Path) -> tuple[list[str], Path]:
        path = put(folder, name, data() if callable(data) else data)
        return ["--data", str(path)], path

    return make


def rows(edit: Callable[[Rows], Rows], header: list[str] | None = None) -> Make:
    return raw(lambda: csv_text(edit(base()), header))


def edit(code: str, **changes: str) -> Make:
    def change(rs: Rows) -> Rows:
        for r in rs:
            if r["kommunekode"] == code:
                r.update(changes)
        return rs

    return rows(change)


def appended(**row: str) -> Make:
    return rows(lambda rs: [*rs, {**BASE[8], **row}])


def with_column(name: str, value: Callable[[dict[str, str]], str]) -> Make:
    def add(rs: Rows) -> Rows:
        for r in rs:
            r[name] = value(r)
        return rs

    return rows(add, [*HEADER, name])


def without(*columns: str) -> Make:
    return rows(lambda rs: rs, [h for h in HEADER if h not in columns])


def typed(cell: str) -> object:
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            pass
    return cell or None


def xlsx(code: str, column: str, value: object) -> Make:
    def make(folder: Path) -> tuple[list[str], Path]:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(HEADER)
        for r in BASE:
            ws.append([value if (r["kommunekode"], h) == (code, column) else typed(r[h])
                       for h in HEADER])  # fmt: skip
        cell = ws.cell(LINE[code], HEADER.index(column) + 1)
        if isinstance(value, str):
            cell.data_type = "s"  # text, even when it starts with "=" (not a formula)
        wb.save(folder / "almene.xlsx")
        return ["--data", str(folder / "almene.xlsx")], folder / "almene.xlsx"

    return make


def json_rows(code: str, column: str, value: object, nan: bool = False) -> Make:
    data = [{h: typed(r[h]) for h in HEADER} for r in BASE]
    data[RECORD[code] - 1][column] = value
    return raw(lambda: json.dumps(data, ensure_ascii=False, allow_nan=nan), "almene.json")


def parquet(code: str, column: str, value: int) -> Make:
    def make(folder: Path) -> tuple[list[str], Path]:
        data = [{h: typed(r[h]) for h in HEADER} for r in BASE]
        data[RECORD[code] - 1][column] = value
        path = folder / "almene.parquet"
        pl.DataFrame(data).write_parquet(path)
        return ["--data", str(path)], path

    return make


def cut(data: bytes, fraction: float = 0.5) -> bytes:
    return data[: int(len(data) * fraction)]


def xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in [HEADER, *([typed(r[h]) for h in HEADER] for r in BASE)]:
        ws.append(r)
    wb.save(buf)
    return buf.getvalue()


def parquet_bytes() -> bytes:
    buf = io.BytesIO()
    pl.DataFrame([{h: typed(r[h]) for h in HEADER} for r in BASE]).write_parquet(buf)
    return buf.getvalue()


def with_extra(
    name: str, text: str, data_edit: Make | None = None, args: tuple[str, ...] = ()
) -> Make:
    """The bundled figures plus a second file (population, supplement, mapping)."""

    def make(folder: Path) -> tuple[list[str], Path]:
        data_args, _ = (data_edit or raw(ALMENE.read_bytes()))(folder)
        extra = put(folder, name, text)
        flag = ["--columns-file", str(extra)] if name.endswith(".toml") else ["--data", str(extra)]
        return [*data_args, *flag, *args], extra

    return make


def named_data(make: Make) -> Make:
    """The same input, but the message is expected to name the figures file (it searched it)."""

    def wrapped(folder: Path) -> tuple[list[str], Path]:
        args, _ = make(folder)
        return args, folder / "almene.csv"

    return wrapped


def folketal(**changes: tuple[str, str]) -> str:
    text = (ROOT / "data" / "folketal.csv").read_text(encoding="utf-8")
    for old, new in changes.values():
        text = text.replace(old, new, 1)
    return text


def supplement(skip: str = "", **values: str) -> str:
    lines = ["kommunekode,boligmasse,boligmasse_aar"]
    for r in BASE:
        if r["kommunekode"] != skip:
            lines.append(f"{r['kommunekode']},{values.get(r['kommunekode'], r['boligmasse'])},2024")
    return "\n".join(lines) + "\n"


def andel(r: dict[str, str]) -> str:
    total = sum(int(r[c]) for c in ("ungdomsboliger", "familieboliger", "aeldreboliger"))
    return "55" if r["kommunekode"] == "161" else f"{100 * total / int(r['boligmasse']):.1f}"


def i_alt(r: dict[str, str]) -> str:
    total = sum(int(r[c]) for c in ("ungdomsboliger", "familieboliger", "aeldreboliger"))
    return str(total - 14 if r["kommunekode"] == "161" else total)


def cp850_file() -> bytes:
    rs = base()
    for r in rs:
        r["kilde"] = "BL"
        r["kommune"] = r["kommune"] if r["kommunekode"] == "101" else ""
    return csv_text(rs).encode("cp850")


def mojibake() -> bytes:
    text = ALMENE.read_text(encoding="utf-8")
    return text.replace("101,København", "101," + "København".encode().decode("cp1252"), 1).encode()


def truncated_in_quote() -> bytes:
    rs = base()
    rs[-1]["kilde"] = 'BL, "egne" beregninger'
    text = csv_text(rs)
    return text[: text.rindex("egne")].encode()


def too_many_rows() -> bytes:
    line = ALMENE.read_text(encoding="utf-8").splitlines()[1]
    return (",".join(HEADER) + "\n" + (line + "\n") * (MAX_ROWS + 1)).encode()


@dataclass(frozen=True)
class Case:
    id: str
    make: Make
    says: str  # a fragment of the message
    line: int | None = None
    column: str | None = None
    kommune: str | None = None


G, K = "Glostrup", "København"
FORMULA = "=cmd|' /C calc'!A0"
# fmt: off
CASES = [
    # --- the file as a whole: empty, binary, truncated, wrong format or encoding -------------
    Case("empty-file", raw(b""), "the file is empty"),
    Case("blank-lines-only", raw(b"\n  \r\n\t\n"), "only blank lines"),
    Case("header-only", raw(",".join(HEADER) + "\r\n"), "header but no data rows"),
    Case("binary-bytes", raw(bytes(range(256)) * 8), "binary file (a NUL byte at byte 0)"),
    Case("nul-in-the-middle", raw(lambda: ALMENE.read_bytes()[:9000] + b"\x00"
                                  + ALMENE.read_bytes()[9000:]), "NUL byte at byte 9000"),
    Case("png-named-csv", raw(b"\x89PNG\r\n\x1a\n" + bytes(64)), "a PNG image"),
    Case("pdf-named-csv", raw(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "a PDF document"),
    Case("gzipped-csv", raw(lambda: gzip.compress(ALMENE.read_bytes())), "gzip-compressed"),
    Case("old-xls", raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)), "old Excel (.xls)"),
    Case("truncated-xlsx", raw(lambda: cut(xlsx_bytes()), "almene.xlsx"),
         "not a readable Excel workbook"),
    Case("csv-named-xlsx", raw(lambda: ALMENE.read_bytes(), "almene.xlsx"),
         "not a readable Excel workbook"),
    Case("truncated-parquet", raw(lambda: cut(parquet_bytes()), "almene.parquet"),
         "not a readable Parquet file"),
    Case("truncated-json", raw(lambda: cut(json.dumps(BASE, indent=1).encode(), 0.3),
                               "almene.json"), "not valid JSON"),
    Case("json-not-a-list", raw(b"42", "almene.json"), "expected a JSON list of objects"),
    Case("json-list-of-lists", raw(b"[[1, 2], [3, 4]]", "almene.json"),
         "expected a JSON list of objects"),
    Case("file-not-found", lambda f: (["--data", str(f / "nope.csv")], f / "nope.csv"),
         "file not found"),
    Case("folder-without-data", lambda f: (["--data", str(put(f, "README.md", "x").parent)], f),
         "holds no data files"),
    Case("too-many-rows", raw(too_many_rows), f"more than {MAX_ROWS} rows"),
    Case("undefined-cp1252-byte",
         raw(lambda: ALMENE.read_bytes().replace(b"Glostrup", b"Glo\x81strup")),
         "byte 0x81", LINE["161"]),
    Case("double-encoded-utf8", raw(mojibake), "encoded twice", LINE["101"]),
    Case("utf16-without-bom", raw(lambda: ALMENE.read_text("utf-8").encode("utf-16-le")),
         "UTF-16 text needs its BOM"),
    Case("cp850-dos-name", raw(cp850_file), "code 101 is København, but the row names 'K›benhavn'",
         LINE["101"], "kommune", K),
    # --- separators and truncation --------------------------------------------------------
    Case("rows-use-semicolons", raw(lambda: ",".join(HEADER) + "\n" + "".join(
        csv_text(base(), delim=";").splitlines(True)[1:])), "seem to use ';' as separator", 2,
        None, K),
    Case("header-semicolon-rows-tab", raw(lambda: ";".join(HEADER) + "\n" + "".join(
        csv_text(base(), delim="\t").splitlines(True)[1:])), "seem to use tab", 2, None, K),
    Case("pipe-separated", raw(lambda: csv_text(base(), delim="|")),
         "cannot find a column separator", 1),
    Case("truncated-mid-row", raw(lambda: ALMENE.read_bytes()[:-60]), "truncated", LINE["860"],
         None, "Hjørring"),
    Case("truncated-in-a-quote", raw(truncated_in_quote), "a quote that is never closed"),
    Case("unquoted-separator", raw(lambda: ALMENE.read_text("utf-8").replace(
        "161,Glostrup,2025,officiel,BL's", "161,Glostrup,2025,officiel,BL,s")),
        "unquoted separator", LINE["161"], None, G),
    Case("huge-cell", edit("161", kilde="x" * 200_000), "field larger than field limit",
         LINE["161"]),
    # --- columns ------------------------------------------------------------------------
    Case("missing-column", without("boligmasse"), "missing column", 1, "boligmasse"),
    Case("no-municipality-column", without("kommunekode", "kommune"), "missing column", 1,
         "kommunekode"),
    Case("unknown-column", with_column("antal_boliger", lambda r: "1"), "unknown column", 1,
         "antal_boliger"),
    Case("misspelt-column", rows(lambda rs: rs, [h if h != "boligmasse" else "boligmase"
                                                 for h in HEADER]),
         "did you mean 'boligmasse'? (boligmasse is missing)", 1, "boligmase"),
    Case("duplicate-header", raw(lambda: ALMENE.read_text("utf-8").replace(
        "lbf_renovering_til", "boligmasse", 1)), "column 'boligmasse' appears twice", 1),
    Case("empty-header-name", raw(lambda: ALMENE.read_text("utf-8").replace(
        ",kilde,", ",,", 1)), "column 5 has an empty name", 1),
    # --- which municipality -----------------------------------------------------------------
    Case("duplicate-municipality", edit("147", kommunekode="101", kommune="København"),
         "duplicate", LINE["147"], "kommunekode", K),
    Case("99th-municipality-code", appended(kommunekode="999", kommune=""),
         "999 is not the code of one of the 98", 100, "kommunekode"),
    Case("99th-municipality-name", appended(kommunekode="", kommune="Nordstrand"),
         "unknown municipality name 'Nordstrand'", 100, "kommune", "Nordstrand"),
    Case("christiansoe-411", edit("147", kommunekode="411", kommune=""),
         "411 is Christiansø", LINE["147"], "kommunekode"),
    Case("christiansoe-by-name", edit("147", kommunekode="", kommune="Christiansø"),
         "is Christiansø (411), run by the state, not a municipality", LINE["147"], "kommune"),
    Case("region-code", edit("147", kommunekode="084", kommune=""), "084 is a region code",
         LINE["147"], "kommunekode"),
    Case("region-by-name", edit("147", kommunekode="", kommune="Region Hovedstaden"),
         "is a region, not a municipality", LINE["147"], "kommune"),
    Case("hele-landet-code", edit("147", kommunekode="000", kommune=""),
         "national total (Hele landet)", LINE["147"], "kommunekode"),
    Case("hele-landet-by-name", edit("147", kommunekode="", kommune="Hele landet"),
         "the national total (Hele landet), not a municipality", LINE["147"], "kommune"),
    Case("code-with-decimals", edit("161", kommunekode="161.5"), "not a municipality code",
         LINE["161"], "kommunekode"),
    Case("name-disagrees-with-code", edit("161", kommune="Albertslund"),
         "code 161 is Glostrup, but the row names 'Albertslund'", LINE["161"], "kommune", G),
    # --- numbers ----------------------------------------------------------------------------
    Case("negative-count", edit("173", familieboliger="-12"), "must be ≥ 0, got -12",
         LINE["173"], "familieboliger", "Lyngby-Taarbæk"),
    Case("negative-count-unicode-minus", edit("161", aeldreboliger="−40"), "must be ≥ 0",
         LINE["161"], "aeldreboliger", G),
    Case("negative-amount", edit("161", huslejeomsaetning_mio_kr="-5"), "must be ≥ 0",
         LINE["161"], "huslejeomsaetning_mio_kr", G),
    Case("negative-percentage", edit("161", fraflytningsprocent="-3"), "must be ≥ 0",
         LINE["161"], "fraflytningsprocent", G),
    Case("nan", edit("101", beboere="NaN"), "finite", LINE["101"], "beboere", K),
    Case("inf", edit("751", boligmasse="inf"), "finite", LINE["751"], "boligmasse", "Aarhus"),
    Case("minus-infinity", edit("461", huslejeomsaetning_mio_kr="-Infinity"), "finite",
         LINE["461"], "huslejeomsaetning_mio_kr", "Odense"),
    Case("text-in-a-number", edit("400", ungdomsboliger="mange"), "expected a number, got 'mange'",
         LINE["400"], "ungdomsboliger", "Bornholm"),
    Case("number-with-unit", edit("561", familieboliger="12 boliger"), "expected a number",
         LINE["561"], "familieboliger", "Esbjerg"),
    Case("excel-error-value", edit("161", fraflytningsprocent="#DIV/0!"), "expected a number",
         LINE["161"], "fraflytningsprocent", G),
    Case("dots-everywhere", edit("161", boligmasse="1.2.3"), "expected a number",
         LINE["161"], "boligmasse", G),
    Case("1e308", edit("161", boligmasse="1e308"), "implausibly large", LINE["161"],
         "boligmasse", G),
    Case("1e308-mio-kr", edit("161", lbf_renovering_mio_kr="1e308"), "implausibly large",
         LINE["161"], "lbf_renovering_mio_kr", G),
    Case("1e400-overflows", edit("161", beboere="1e400"), "finite", LINE["161"], "beboere", G),
    Case("fraction-of-a-dwelling", edit("161", familieboliger="12,5"), "whole number",
         LINE["161"], "familieboliger", G),
    Case("percentage-over-100", edit("101", fraflytningsprocent="140"), "must be ≤ 100",
         LINE["101"], "fraflytningsprocent", K),
    Case("required-figure-missing", edit("161", familieboliger=""), "this figure is required",
         LINE["161"], "familieboliger", G),
    Case("required-figure-suppressed", edit("161", boligmasse=".."), "this figure is required",
         LINE["161"], "boligmasse", G),
    # --- figures that do not fit together -------------------------------------------------------
    Case("share-does-not-match-parts", with_column("andel_af_boligmassen", andel),
         "is 55, but 100 * almene_boliger_i_alt / boligmasse gives 40 (at most 0.5 apart)",
         LINE["161"], "andel_af_boligmassen", G),
    Case("total-does-not-match-parts", with_column("almene_boliger_i_alt", i_alt),
         "is 4600, but ungdomsboliger + familieboliger + aeldreboliger gives 4614", LINE["161"],
         "almene_boliger_i_alt", G),
    Case("stock-smaller-than-almene", edit("161", boligmasse="4000"),
         "4000 is fewer than the 4614 almene dwellings", LINE["161"], "boligmasse", G),
    Case("residents-above-population", edit("161", beboere=str(POP["161"] + 100)),
         "is more than the population", LINE["161"], "beboere", G),
    Case("period-backwards", edit("161", igangsat_fra="2024"), "starts (2024) after it ends",
         LINE["161"], "igangsat_fra", G),
    # --- years ----------------------------------------------------------------------------
    Case("year-in-the-future", edit("161", beboere_aar="2031"), "is in the future: 2031",
         LINE["161"], "beboere_aar", G),
    Case("edition-in-the-future", edit("161", udgave="2099"), "is in the future: 2099",
         LINE["161"], "udgave", G),
    Case("year-after-the-edition", edit("161", fraflytning_aar="2026"),
         "after the edition (udgave): 2026", LINE["161"], "fraflytning_aar", G),
    Case("year-before-1990", edit("161", boliger_aar="1890"), "from 1990", LINE["161"],
         "boliger_aar", G),
    Case("year-with-a-letter-o", edit("161", boligmasse_aar="2O24"), "expected a number",
         LINE["161"], "boligmasse_aar", G),
    # --- text: control characters, path separators, formulas ----------------------------------
    Case("bell-in-name", edit("161", kommune="Glostrup\x07"), "'Glostrup\\x07'", LINE["161"],
         "kommune", G),
    Case("newline-in-name", edit("161", kommune="Glo\nstrup"), "'Glo\\nstrup'", LINE["161"],
         "kommune", G),
    Case("ansi-escape-in-source", edit("161", kilde="\x1b[31mBL\x1b[0m"),
         "contains control characters", LINE["161"], "kilde", G),
    Case("rtl-override-in-source", edit("161", kilde="BL \u202etal"),
         "contains control characters", LINE["161"], "kilde", G),
    Case("zero-width-space-in-source", edit("161", kilde="BL\u200b"),
         "contains control characters", LINE["161"], "kilde", G),
    Case("path-in-name", edit("161", kommune="../../etc/passwd"), "'../../etc/passwd'",
         LINE["161"], "kommune", G),
    Case("backslash-path-in-name", edit("161", kommune="..\\..\\Windows"), "Windows",
         LINE["161"], "kommune", G),
    Case("path-as-only-name", edit("161", kommunekode="", kommune="Glostrup/Brøndby"),
         "unknown municipality name 'Glostrup/Brøndby'", LINE["161"], "kommune"),
    Case("source-too-long", edit("161", kilde="BL " * 150), "at most 300", LINE["161"], "kilde",
         G),
    Case("formula-in-source", edit("161", kilde=FORMULA), "spreadsheet formula", LINE["161"],
         "kilde", G),
    Case("at-formula-in-source", edit("161", kilde="@SUM(1+1)*cmd|' /C calc'!A0"),
         "spreadsheet formula", LINE["161"], "kilde", G),
    Case("plus-formula-in-source", edit("161", kilde="+cmd|' /C calc'!A0"),
         "spreadsheet formula", LINE["161"], "kilde", G),
    Case("minus-formula-in-source", edit("161", kilde="-2+3+cmd|' /C calc'!A0"),
         "spreadsheet formula", LINE["161"], "kilde", G),
    Case("formula-in-a-number", edit("161", familieboliger="=1+1"), "spreadsheet formula",
         LINE["161"], "familieboliger", G),
    Case("formula-in-datakilde", edit("161", datakilde="=officiel"), "spreadsheet formula",
         LINE["161"], "datakilde", G),
    Case("unknown-datakilde", edit("161", datakilde="måske"),
         'must be "officiel" or "eksempel"', LINE["161"], "datakilde", G),
    # --- the other formats: the row is the Excel row / the record number ------------------
    Case("xlsx-text-in-number", xlsx("161", "familieboliger", "mange"), "expected a number",
         LINE["161"], "familieboliger", G),
    Case("xlsx-formula-text", xlsx("161", "kilde", FORMULA), "spreadsheet formula",
         LINE["161"], "kilde", G),
    Case("xlsx-boolean-count", xlsx("161", "ungdomsboliger", True), "expected a number",
         LINE["161"], "ungdomsboliger", G),
    Case("json-object-in-a-number", json_rows("161", "familieboliger", {"v": 1}),
         "expected a number", RECORD["161"], "familieboliger", G),
    Case("json-nan-literal", json_rows("101", "beboere", float("nan"), nan=True), "finite",
         RECORD["101"], "beboere", K),
    Case("json-formula", json_rows("161", "kilde", FORMULA), "spreadsheet formula",
         RECORD["161"], "kilde", G),
    Case("parquet-negative-count", parquet("101", "ungdomsboliger", -1), "must be ≥ 0",
         RECORD["101"], "ungdomsboliger", K),
    # --- the other files: population, supplement, column mapping ----------------------------
    Case("population-negative",
         with_extra("folketal.csv", folketal(g=("161,Glostrup,", "161,Glostrup,-"))),
         "must be > 0", LINE["161"], "folketal", G),
    Case("population-christiansoe", with_extra("folketal.csv", folketal(
        g=("161,Glostrup,", "411,Christiansø,"))), "is not one of the 98", LINE["161"],
        "kommune_kode"),
    Case("supplement-christiansoe", with_extra("bol101.csv", supplement() + "411,100,2024\n"),
         "not one of the 98 municipalities", 100, "kommunekode"),
    Case("supplement-lacks-a-municipality", with_extra("bol101.csv", supplement(skip="161")),
         "has no boligmasse, boligmasse_aar for udgave 2025", None, "boligmasse", G),
    Case("supplement-negative-stock", with_extra("bol101.csv", supplement(**{"161": "-5"})),
         "must be ≥ 0", LINE["161"], "boligmasse", G),
    Case("mapping-unknown-column", with_extra("kolonner.toml", '[kolonner]\nboliger = "B"\n'),
         "boliger: not one of our column names"),
    Case("mapping-not-toml", with_extra("kolonner.toml", "[kolonner\n"), "not valid TOML"),
    Case("mapping-names-no-column", named_data(with_extra("kolonner.toml",
         '[kolonner]\nbeboere = "B"\n')), "names 'B', but no file has such a column"),
]
# fmt: on


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_stopped(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    args, named = case.make(folder)
    out = tmp_path / "ark"
    out.mkdir()
    (out / "161-glostrup.pdf").write_bytes(b"%PDF- the sheet of the previous edition")
    before = snapshot(out)

    # --strict: any error in the data stops (without it, a row with errors stops only the
    # sheets that depend on it: test_data_isolation.py)
    res = runner.invoke(
        app, ["build", "--kommune", "Glostrup", "--strict", *args, "--out", str(out)]
    )
    err = res.stderr

    assert res.exit_code == 1, err
    assert "Traceback" not in err + res.stdout
    assert err.count("Error:") == 1, err
    if "error(s)" in err:
        assert "The data has 1 error(s)" in err, err
    assert str(named) in err
    if case.line is not None:
        assert f"{named}:{case.line}:" in err, err
    if case.column is not None:
        assert case.column in err, err
    if case.kommune is not None:
        assert case.kommune in err, err
    assert case.says in err, err
    assert snapshot(out) == before


def test_the_corpus_is_big_and_distinct() -> None:
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)


def test_a_200_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    """Generated here, streamed to disk 1 MB at a time; refused by its size, quickly, and
    without faktaark reading it into memory."""
    path = tmp_path / "huge.csv"
    row = ALMENE.read_text(encoding="utf-8").splitlines()[1] + "\n"
    chunk = (row * (1024 * 1024 // len(row) + 1)).encode()[: 1024 * 1024]
    with path.open("wb") as fh:
        fh.write((",".join(HEADER) + "\n").encode())
        for _ in range(200):
            fh.write(chunk)
    assert path.stat().st_size > 200 * 1024 * 1024
    out = tmp_path / "ark"
    out.mkdir()

    tracemalloc.start()
    t0 = time.perf_counter()
    res = runner.invoke(app, ["build", "-k", "Glostrup", "--data", str(path), "--out", str(out)])
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    path.unlink()

    assert res.exit_code == 1
    assert f"{path}: the file is 200 MB" in res.stderr
    assert "Refusing to read it" in res.stderr
    assert "Traceback" not in res.stderr
    assert elapsed < 5
    assert peak < 20 * 1024 * 1024  # far less than the file: it was never read
    assert not list(out.iterdir())


def test_validate_reports_the_same_way(tmp_path: Path) -> None:
    """`faktaark validate` stops the same inputs, and its --json names every part."""
    args, named = edit("173", familieboliger="-12")(tmp_path)
    res = runner.invoke(app, ["validate", *args, "--json"])
    assert res.exit_code == 1
    issue = json.loads(res.stdout)["issues"][0]
    assert issue == {"severity": "error", "file": str(named), "row": LINE["173"],
                     "column": "familieboliger", "kommune": "Lyngby-Taarbæk",
                     "message": "must be ≥ 0, got -12"}  # fmt: skip

"""Every format reads the same figures: one fixture (the bundled data/almene.csv), written as
each format an analyst has, must load into exactly the same records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

import faktaark
from faktaark.cli.app import app
from faktaark.core.formatting import tal
from faktaark.data.dataset import Dataset
from faktaark.data.sources import read_column_map, read_table
from faktaark.errors import InputError, UsageError

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "data" / "almene.csv"
runner = CliRunner()


def rows() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


HEADER = list(rows()[0])


def typed(cell: str) -> int | float | str | None:
    if cell == "":
        return None
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            pass
    return cell


def danish(cell: str, column: str) -> str:
    """How a Danish spreadsheet writes a cell: 4.451 and 7,7; `..` for a missing value."""
    value = typed(cell)
    if value is None:
        return ".."
    if isinstance(value, str) or column.endswith(("aar", "fra", "til", "udgave", "kode")):
        return cell
    return tal(value, 0 if isinstance(value, int) else 1)


def write_csv(path: Path, delim: str, encoding: str, newline: str, cell=None) -> Path:  # type: ignore[no-untyped-def]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator=newline)
    w.writerow(HEADER)
    for r in rows():
        w.writerow([cell(r[h], h) if cell else r[h] for h in HEADER])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def make_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "Noter"
    notes.append(["Kilde: Eksempeldata"])
    ws = wb.create_sheet("Tal")
    ws.append(HEADER)
    for r in rows():
        ws.append([typed(r[h]) for h in HEADER])
    wb.save(path)
    return path


def make_parquet(path: Path) -> Path:
    frame = pl.DataFrame([{h: typed(r[h]) for h in HEADER} for r in rows()])
    frame.write_parquet(path)
    return path


def make_json(path: Path) -> Path:
    data = [{h: typed(r[h]) for h in HEADER} for r in rows()]
    path.write_text(json.dumps({"rows": data}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


FORMATS: dict[str, tuple[str, Callable[[Path], Path], tuple[str, ...]]] = {
    "csv-comma": ("a.csv", lambda p: write_csv(p, ",", "utf-8", "\n"), ()),
    "csv-semicolon-bom-crlf-danish-numbers": (
        "a.csv",
        lambda p: write_csv(p, ";", "utf-8-sig", "\r\n", danish),
        (),
    ),
    "tsv": ("a.tsv", lambda p: write_csv(p, "\t", "utf-8", "\n"), ()),
    "csv-cp1252": ("a.csv", lambda p: write_csv(p, ";", "cp1252", "\r\n"), ()),
    "utf16-excel-unicode-text": ("a.txt", lambda p: write_csv(p, "\t", "utf-16", "\r\n"), ()),
    "xlsx-second-sheet": ("a.xlsx", make_xlsx, ("--sheet", "Tal")),
    "parquet": ("a.parquet", make_parquet, ()),
    "json": ("a.json", make_json, ()),
}


def same_records(got: Dataset, want: Dataset) -> None:
    assert [(r.kommunekode, r.udgave) for r in got.records] == [
        (r.kommunekode, r.udgave) for r in want.records
    ]
    for a, b in zip(got.records, want.records, strict=True):
        assert dict(a.values) == dict(b.values), a.kommunekode


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_reads_the_same_figures(tmp_path: Path, fmt: str) -> None:
    name, make, options = FORMATS[fmt]
    path = make(tmp_path / name)
    sheet = options[1] if options else None
    same_records(faktaark.load(path, sheet=sheet), faktaark.load(FIXTURE))
    res = runner.invoke(app, ["validate", "--data", str(path), *options])
    assert res.exit_code == 0, res.stderr
    assert "OK: 98 rows" in res.stderr
    encoded_note = {"csv-cp1252": "Windows-1252", "utf16-excel-unicode-text": "UTF-16"}
    if fmt in encoded_note:
        assert f"Warning: {path}: " in res.stderr
        assert encoded_note[fmt] in res.stderr
    else:
        assert "Warning" not in res.stderr


def test_the_danish_file_really_is_danish(tmp_path: Path) -> None:
    raw = write_csv(tmp_path / "a.csv", ";", "utf-8-sig", "\r\n", danish).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    line = raw.decode("utf-8-sig").splitlines()[1]
    assert ";136.682;" in line  # thousands dot
    assert ";7,7;" in line  # decimal comma
    assert line.endswith("2023;960;..;3.247;2021;2023")  # `..` for the missing year


def test_xlsx_first_sheet_by_default_and_sheet_by_number(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx")
    with pytest.raises(InputError, match="header but no data rows"):  # the first sheet
        faktaark.load(path)
    same_records(faktaark.load(path, sheet="2"), faktaark.load(FIXTURE))
    with pytest.raises(UsageError, match=r"no sheet 'Ark9'; the workbook has 'Noter', 'Tal'"):
        read_table(path, sheet="Ark9")


def test_xlsx_keeps_the_type_of_each_cell(tmp_path: Path) -> None:
    """In a column mixing numbers and text, a number cell 7.125 stays 7,125 while a text cell
    "4.451" is Danish for 4451 (calamine alone turns both into the same text)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["kommunekode", "x"])
    ws.append([161, 7.125])
    ws.append([101, "4.451"])
    ws.append([147, ".."])
    ws.append([None, None])  # a blank row is skipped
    ws.append([151, True])
    wb.save(tmp_path / "m.xlsx")
    table = read_table(tmp_path / "m.xlsx")
    assert [(r.line, r.cells["x"]) for r in table.rows] == [
        (2, 7.125),
        (3, "4.451"),
        (4, ".."),
        (6, "true"),  # a boolean is text, never 1
    ]


def test_municipalities_by_name_in_any_spelling(tmp_path: Path) -> None:
    spellings = {
        "101": "KØBENHAVN",
        "161": "glostrup",
        "173": "lyngby taarbaek",
        "400": "Bornholms Regionskommune",
        "751": "Århus",
        "825": "Læsø Kommune",
    }
    header = [h for h in HEADER if h != "kommunekode"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows():
        r["kommune"] = spellings.get(r["kommunekode"], r["kommune"])
        w.writerow([r[h] for h in header])
    (tmp_path / "names.csv").write_text(buf.getvalue(), encoding="utf-8")
    same_records(faktaark.load(tmp_path / "names.csv"), faktaark.load(FIXTURE))
    four_digit = write_csv(tmp_path / "codes.csv", ",", "utf-8", "\n",
                           lambda c, h: c.zfill(4) if h == "kommunekode" else c)  # fmt: skip
    same_records(faktaark.load(four_digit), faktaark.load(FIXTURE))


def renamed(tmp_path: Path) -> Path:
    theirs = {"kommunekode": "Kommunenr", "boligmasse": "Boliger i alt", "beboere": "Beboere"}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([theirs.get(h, h) for h in HEADER])
    w.writerows([r[h] for h in HEADER] for r in rows())
    path = tmp_path / "theirs.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_column_mapping_file_and_option(tmp_path: Path) -> None:
    path = renamed(tmp_path)
    mapping = tmp_path / "kolonner.toml"
    mapping.write_text(
        '[kolonner]\nkommunekode = "Kommunenr"\nboligmasse = "Boliger i alt"\n', encoding="utf-8"
    )
    res = runner.invoke(app, ["validate", "--data", str(path), "--columns-file", str(mapping),
                              "--column", "beboere=Beboere"])  # fmt: skip
    assert res.exit_code == 0, res.stderr
    ds = faktaark.load(path, columns=read_column_map(mapping) | {"Beboere": "beboere"})
    same_records(ds, faktaark.load(FIXTURE))
    assert ds.record(161).source_columns["boligmasse"] == "Boliger i alt"
    # without the mapping, the analyst is told which columns are unknown / missing
    res = runner.invoke(app, ["validate", "--data", str(path)])
    assert res.exit_code == 1
    assert "unknown column 'Boliger i alt'" in res.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[kolonner]\nboligmase = "Boliger"\n', "boligmase: not one of our column names; did you "
         "mean 'boligmasse'?"),
        ("[kolonner\n", "not valid TOML"),
        ('[columns]\nboligmasse = "B"\n', "expected one table [kolonner]"),
        ('[kolonner]\nboligmasse = 3\n', "the value must be your column name"),
    ],
)  # fmt: skip
def test_broken_mapping_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "kolonner.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_column_map(path)
    assert message in str(exc.value)
    assert str(path) in str(exc.value)


def test_a_mapping_nothing_uses_is_an_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["validate", "--data", str(FIXTURE), "--column", "beboere=Beboere"])
    assert res.exit_code == 1
    assert "names 'Beboere', but no file has such a column" in res.stderr


def test_two_columns_mapped_onto_one(tmp_path: Path) -> None:
    path = renamed(tmp_path)
    res = runner.invoke(app, ["validate", "--data", str(path), "--column", "kommunekode=Kommunenr",
                              "--column", "boligmasse=Boliger i alt", "--column", "beboere=Beboere",
                              "--column", "beboere=kilde"])  # fmt: skip
    assert res.exit_code == 1
    assert "columns ['kilde', 'Beboere'] all map to 'beboere'" in res.stderr


def test_a_data_folder_skips_provenance_notes_and_lock_files(tmp_path: Path) -> None:
    (tmp_path / "almene.csv").write_bytes(FIXTURE.read_bytes())
    (tmp_path / "almene.csv.SOURCE.txt").write_text("where it came from\n", encoding="utf-8")
    (tmp_path / "~$almene.xlsx").write_bytes(b"lock")
    res = runner.invoke(app, ["validate", "--data", str(tmp_path)])
    assert res.exit_code == 0, res.stderr
    res = runner.invoke(app, ["validate", "--data", str(ROOT / "data")])  # the bundled folder
    assert res.exit_code == 0, res.stderr


def test_indicators_read_a_chosen_xlsx_sheet(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx")
    args = ["indicators", "--data", str(path), "-k", "Glostrup", "--format", "json"]
    res = runner.invoke(app, [*args, "--sheet", "Tal"])
    assert res.exit_code == 0, res.stderr
    (row,) = json.loads(res.stdout)
    assert row["kommune"] == "Glostrup"
    assert row["anvisningsret_pr_aar"] == pytest.approx(4451 * 0.08 / 4)
    res = runner.invoke(app, args)  # the first sheet holds only a note
    assert res.exit_code == 1
    assert "header but no data rows" in res.stderr

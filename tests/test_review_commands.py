"""The review and scripting commands: indicators in four formats, preview, contact sheet,
compare (exit codes, stdout for results, stderr for progress)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from faktaark.cli.app import app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args), env=env)
    return res.exit_code, res.stdout, res.stderr


def _table_values(out: str) -> dict[str, list[str]]:
    """The rows of a transposed rich table: indicator -> values (one per municipality)."""
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)[1:-1]]
        if len(cells) >= 2 and cells[0] and cells[0] != "indikator":
            rows[cells[0]] = cells[1:]
    return rows


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and float(a) == pytest.approx(float(b))  # type: ignore[arg-type]
    return a == b


def test_indicators_same_numbers_in_all_four_formats(tmp_path: Path) -> None:
    who = ["-k", "Glostrup", "-k", "København", "-k", "Læsø"]
    code, csv_text, _ = run("indicators", *who, "--format", "csv")
    assert code == 0
    code, json_text, _ = run("indicators", *who, "--format", "json")
    assert code == 0
    code, _, err = run("indicators", *who, "--out", str(tmp_path / "i.parquet"))
    assert code == 0, err
    code, table, _ = run("indicators", *who, "--format", "table", env={"COLUMNS": "200"})
    assert code == 0

    from_csv = pl.read_csv(csv_text.encode()).to_dicts()
    from_json = json.loads(json_text)
    from_parquet = pl.read_parquet(tmp_path / "i.parquet").to_dicts()
    assert [r["kommune"] for r in from_csv] == ["København", "Glostrup", "Læsø"]
    assert len(from_csv[0]) == 21
    for a, b, c in zip(from_csv, from_json, from_parquet, strict=True):
        assert a.keys() == b.keys() == c.keys()
        for key in a:
            assert _same(a[key], b[key]), (key, a[key], b[key])
            assert _same(a[key], c[key]), (key, a[key], c[key])

    shown = _table_values(table)
    for i, row in enumerate(from_csv):
        for key, value in row.items():
            if key in ("kommune", "udgave"):
                continue
            cell = shown[key][i]
            if isinstance(value, float):
                assert float(cell) == pytest.approx(round(value, 2), abs=0.005), (key, cell)
            else:
                assert cell == str(value), (key, cell)
    assert shown["andel_af_boligmassen"][1] == "40"  # Glostrup: BL's 40 pct.


def test_indicators_csv_in_a_pipe_and_parquet_needs_a_file() -> None:
    code, out, _ = run("indicators")  # not a terminal: CSV
    assert code == 0
    assert out.startswith("kommunekode,kommune,region,udgave,datakilde,almene_boliger_i_alt,")
    assert len(out.strip().splitlines()) == 99
    code, out, err = run("indicators", "--format", "parquet")
    assert code == 2
    assert out == ""
    assert "--out" in err
    code, _, err = run("indicators", "-k", "Glostrupp")
    assert code == 2
    assert "Did you mean: Glostrup?" in err


def test_preview_prints_the_png_paths(tmp_path: Path) -> None:
    code, out, err = run("preview", "--kommune", "Glostrup", "--out", str(tmp_path), "--dpi", "40")
    assert code == 0, err
    assert out.split() == [
        str(tmp_path / "161-glostrup-side1.png"),
        str(tmp_path / "161-glostrup-side2.png"),
    ]
    assert (tmp_path / "161-glostrup-side1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob("*.pdf"))  # rendered in memory
    code, _, err = run("preview", "--out", str(tmp_path))
    assert code == 2
    assert "--kommune" in err


def test_contact_sheet_command(sheets_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "oversigt.pdf"
    code, stdout, err = run("contact-sheet", str(sheets_dir), "--out", str(out), "--png")
    assert code == 0, err
    assert stdout.split() == [str(out), str(tmp_path / "oversigt.png")]
    assert "5 sheet(s) on 1 page(s)" in err
    code, stdout, err = run("contact-sheet", str(sheets_dir), "--out", str(out), "--json")
    assert code == 0, err
    doc = json.loads(stdout)
    assert (doc["pdf"], doc["pages"], doc["sheets"]) == (str(out), 1, 5)
    code, _, err = run("contact-sheet", str(tmp_path / "none"), "--out", str(out))
    assert code == 2


def test_compare_command(sheets_dir: Path, tmp_path: Path) -> None:
    d = str(tmp_path / "d")
    code, out, _ = run("compare", str(sheets_dir), str(sheets_dir), "--out", d, "-f", "table")
    assert code == 0
    assert out.startswith("no changes: 5 sheet(s) compared")
    code, out, _ = run("compare", str(sheets_dir), str(sheets_dir), "--out", d, "--strict")
    assert (code, out) == (0, "sheet,file,status,pages,pixels,values_changed,difference_images\n")
    new = tmp_path / "new"
    shutil.copytree(sheets_dir, new)
    (new / "101-koebenhavn.pdf").unlink()
    code, out, _ = run("compare", str(sheets_dir), str(new), "--out", str(tmp_path / "d"), "--json")
    assert code == 0
    doc = json.loads(out)
    assert [(c["file"], c["status"]) for c in doc["changes"]] == [("101-koebenhavn.pdf", "removed")]
    code, out, err = run("compare", str(sheets_dir), str(new), "--out", d, "--strict")
    assert code == 1  # --strict: any change fails (for CI)
    assert out.splitlines()[1].startswith("København,101-koebenhavn.pdf,removed")
    assert "--strict: 1 sheet(s) changed" in err

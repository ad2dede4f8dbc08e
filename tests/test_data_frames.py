"""The Python API keeps the command line's guarantees for data handed over in memory and for
bad rows: a one-row DataFrame updates that row of the bundled data (or of the files given with
it), `source=` names it in the provenance, pandas needs the `faktaark[pandas]` extra (a clear
error without pyarrow), and a row's error stops only the sheets that depend on it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from faktaark import api
from faktaark.cli.app import app
from faktaark.errors import DataError, UsageError

ROOT = Path(__file__).resolve().parents[1]
ALMENE = ROOT / "data" / "almene.csv"


def bundled() -> pl.DataFrame:
    return pl.read_csv(ALMENE, infer_schema_length=0)


def glostrup_row(familieboliger: str = "4500") -> pl.DataFrame:
    return (
        bundled()
        .filter(pl.col("kommunekode") == "161")
        .with_columns(pl.lit(familieboliger).alias("familieboliger"))
    )


def test_a_one_row_frame_updates_that_row_of_the_bundled_data() -> None:
    ds = api.load(glostrup_row())
    assert len(ds.records) == 98
    glostrup = ds.record(161)
    assert glostrup.values["familieboliger"] == 4500
    assert glostrup.file == "<DataFrame>"
    base = api.load()
    assert ds.record(101).values == base.record(101).values  # the others from the bundled data
    assert ds.record(101).file == base.record(101).file


def test_a_frame_updates_the_files_given_before_it(tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    text = ALMENE.read_text(encoding="utf-8").replace(",4451,", ",4452,")  # Glostrup's row
    mine.write_text(text, encoding="utf-8")
    ds = api.load([mine, bundled().filter(pl.col("kommunekode") == "101")])
    assert ds.record(161).values["familieboliger"] == 4452  # from mine.csv
    assert ds.record(161).file == str(mine)
    assert ds.record(101).file == "<DataFrame>"


def test_a_frame_of_a_new_edition_needs_all_98() -> None:
    new = glostrup_row().with_columns(pl.lit("2026").alias("udgave"))
    with pytest.raises(DataError, match=r"udgave 2026 lacks 97 of the 98"):
        api.load(new)


def test_source_names_the_frame_in_the_provenance(tmp_path: Path) -> None:
    res = api.build("Glostrup", data=glostrup_row(), out=tmp_path, validate="fast",
                    source="statbank-udtraek-2025")  # fmt: skip
    assert res.provenance_path is not None
    doc = json.loads(res.provenance_path.read_text(encoding="utf-8"))
    text = json.dumps(doc, ensure_ascii=False)
    assert "statbank-udtraek-2025" in text
    assert "<DataFrame>" not in text


def test_pandas_without_pyarrow_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    class DataFrame:  # stands for pandas.DataFrame; pandas itself is the extra's to install
        pass

    DataFrame.__module__ = "pandas.core.frame"
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyarrow" else real(name, *a))  # fmt: skip
    with pytest.raises(UsageError, match=r"install faktaark\[pandas\]"):
        api.load(DataFrame())
    with pytest.raises(UsageError, match=r"got builtins\.object"):
        api.load(object())


@pytest.mark.skipif("pandas" not in sys.modules and not __import__("importlib").util.find_spec(
    "pandas"), reason="pandas is the faktaark[pandas] extra; not installed here")  # fmt: skip
def test_pandas_frame_updates_a_row() -> None:  # pragma: no cover - with the extra only
    pytest.importorskip("pyarrow")
    ds = api.load(glostrup_row().to_pandas())
    assert ds.record(161).values["familieboliger"] == 4500


@pytest.fixture
def frederiksberg_bad(tmp_path: Path) -> Path:
    path = tmp_path / "almene.csv"
    lines = ALMENE.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = [_negative(ln) if ln.startswith("147,") else ln for ln in lines]
    path.write_text("".join(bad), encoding="utf-8")
    return path


def _negative(line: str) -> str:
    cells = line.split(",")
    cells[8] = "-5"  # familieboliger
    return ",".join(cells)


def test_a_bad_row_blocks_only_its_own_sheet(frederiksberg_bad: Path, tmp_path: Path) -> None:
    out = tmp_path / "ark"
    res = api.build("Glostrup", data=frederiksberg_bad, out=out, validate="fast")
    assert res.path.is_file()
    assert any("Frederiksberg" in str(w) and "must be ≥ 0" in str(w) for w in res.warnings)
    with pytest.raises(DataError, match="Frederiksberg: its row has errors") as info:
        api.build("Frederiksberg", data=frederiksberg_bad, out=out, validate="fast")
    assert f"{frederiksberg_bad}:3: Frederiksberg, familieboliger" in str(info.value)
    with pytest.raises(DataError, match="compares municipalities"):
        api.build("Glostrup", data=frederiksberg_bad, out=out, layout="kommuneaftale",
                  validate="fast")  # fmt: skip
    with pytest.raises(DataError, match="The data has 1 error"):
        api.build("Glostrup", data=frederiksberg_bad, out=out, validate="fast", strict=True)
    with pytest.raises(DataError):
        api.load(frederiksberg_bad)  # loading (validate) is strict by default


def test_cli_builds_the_others_and_strict_stops(frederiksberg_bad: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["build", "-k", "Glostrup", "-k", "Frederiksberg", "--data", str(frederiksberg_bad),
            "--validate", "fast", "-j", "1"]  # fmt: skip
    res = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert res.exit_code == 1
    assert (tmp_path / "a" / "161-glostrup.pdf").is_file()
    assert not (tmp_path / "a" / "147-frederiksberg.pdf").exists()
    assert "Warning:" in res.stderr
    assert "(this row's sheet is not built)" in res.stderr
    assert "1 built, 0 unchanged (skipped), 1 failed" in res.stderr
    res = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--strict"])
    assert res.exit_code == 1
    assert "The data has 1 error(s)" in res.stderr
    assert not (tmp_path / "b").exists()
    res = runner.invoke(app, ["build", "-k", "Frederiksberg", "--data", str(frederiksberg_bad),
                              "--out", str(tmp_path / "c")])  # fmt: skip
    assert res.exit_code == 1
    assert res.stderr.count("Error:") == 1
    assert not (tmp_path / "c").exists()  # nothing to build: nothing written


def test_build_many_builds_the_others_and_names_the_bad_row(
    frederiksberg_bad: Path, tmp_path: Path
) -> None:
    from faktaark.errors import BatchError

    with pytest.raises(BatchError) as info:
        api.build_many(["Glostrup", "Frederiksberg"], data=frederiksberg_bad, out=tmp_path,
                       validate="fast", jobs=1)  # fmt: skip
    assert [r.kommune for r in info.value.results] == ["Glostrup"]
    assert "Frederiksberg: its row has errors" in str(info.value.issues[0])
    lenient = api.prepare(frederiksberg_bad)
    assert list(lenient.dataset.blocked) == [(147, 2025)]
    with pytest.raises(DataError):
        api.prepare(frederiksberg_bad, strict=True)  # build_many(data=prepare(..., strict=True))

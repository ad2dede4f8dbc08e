"""Command-line conventions: -V/--version, shell completion, global options after the command,
full descriptions and the exit codes in --help, one machine-readable output everywhere (a table
on a terminal, CSV in a pipe, --format table|csv|json with --json as a synonym, integers as
integers), build --dry-run and --clean from the command line, diff's flags first."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faktaark import __version__
from faktaark.cli.app import app
from faktaark.cli.output import choose_format

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


def faktaark(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "faktaark", *args], capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_version_short_and_long() -> None:
    for flag in ("-V", "--version"):
        proc = faktaark(flag)
        assert (proc.returncode, proc.stdout.strip()) == (0, f"faktaark {__version__}")


def test_help_lists_full_descriptions_exit_codes_and_completion() -> None:
    proc = faktaark("--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "…" not in proc.stdout
    assert "Flags implausible jumps, sign flips, sums that no longer add up" in text
    assert "Exit codes: 0 ok; 1 data, layout or build error" in text
    assert "130 interrupted" in text
    assert "--install-completion" in text
    assert "config" in text


def test_debug_is_accepted_after_the_command() -> None:
    proc = faktaark("list", "--debug", "--kommune", "x")  # list has no --kommune
    assert proc.returncode == 2
    assert "No such option: --kommune" in proc.stderr
    assert "--debug" not in proc.stderr
    proc = faktaark("build", "-k", "Atlantis", "--debug")
    assert "Traceback" in proc.stderr  # --debug took effect after the command
    assert "UnknownKommune" in proc.stderr


def test_a_pipe_gets_csv_a_terminal_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run("list")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 98
    assert rows[0]["kommunekode"] == "101"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert choose_format(None) == "table"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert choose_format(None) == "csv"


@pytest.mark.parametrize(
    "command",
    [["list"], ["layouts", "list"], ["config"], ["indicators", "-k", "161"],
     ["diff", "--data", str(ROOT / "data"), "--data", str(ROOT / "data")]],
    ids=["list", "layouts-list", "config", "indicators", "diff"],
)  # fmt: skip
def test_format_json_and_its_synonym(command: list[str]) -> None:
    code, by_format, err = run(*command, "--format", "json")
    assert code == 0, err
    code, by_flag, _ = run(*command, "--json")
    assert code == 0
    assert json.loads(by_format) == json.loads(by_flag)
    code, table, _ = run(*command, "--format", "table")
    assert code == 0
    assert table.strip()
    assert run(*command, "--format", "xml")[0] == 2
    assert run(*command, "--format", "csv", "--json")[0] == 2


def test_indicator_counts_are_integers_in_csv() -> None:
    code, out, _ = run("indicators", "-k", "Glostrup", "--format", "csv")
    assert code == 0
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["almene_boliger_i_alt"] == "4614"
    assert row["folketal"] == "25834"
    assert row["rang_andel"] == "3"
    assert row["andel_af_boligmassen"] == "40.0"  # a share stays a float


def test_dry_run_and_clean_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "ark"
    code, stdout, err = run("build", "-k", "161", "--out", str(out), "--dry-run", "--json")
    assert code == 0, err
    doc = json.loads(stdout)
    assert (doc["dry_run"], doc["build"], doc["skip"]) == (True, 1, 0)
    assert not out.exists()  # nothing written
    assert run("build", "-k", "161", "--out", str(out), "--print", "--validate", "fast")[0] == 0
    code, stdout, _ = run("build", "-k", "161", "--out", str(out), "--validate", "fast",
                          "--dry-run", "--clean", "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert [(r["action"], r["files"]) for r in rows] == [
        ("build", "161-glostrup.pdf; 161-glostrup.json"), ("remove", "161-glostrup-tryk.pdf")
    ]  # fmt: skip
    assert (out / "161-glostrup-tryk.pdf").is_file()
    (out / "mine.txt").write_text("not faktaark's", encoding="utf-8")
    code, _, err = run("build", "-k", "161", "--out", str(out), "--validate", "fast", "--clean")
    assert code == 0, err
    assert "removed  161-glostrup-tryk.pdf" in err
    assert "1 stale file(s) removed" in err
    assert sorted(p.name for p in out.iterdir()) == [
        "161-glostrup.json", "161-glostrup.pdf", "manifest.json", "mine.txt"
    ]  # fmt: skip


def test_quiet_prints_the_summary_with_the_example_data_count(tmp_path: Path) -> None:
    code, _, err = run("build", "-k", "101", "-k", "161", "--out", str(tmp_path), "-q", "-j", "1")
    assert code == 0, err
    assert err.splitlines()[0].startswith("2 built, 0 unchanged (skipped), 0 failed")
    assert "1 sheet(s) carry example data" in err


def test_diff_puts_flags_first_and_summarises_year_moves(tmp_path: Path) -> None:
    old = tmp_path / "almene_2024.csv"
    text = (ROOT / "data" / "almene.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    for r in rows:
        r["udgave"] = "2024"
        for k in [k for k in r if k.endswith("_aar") and r[k]]:
            r[k] = str(int(r[k]) - 1)  # every year one behind: moves +1 with the edition
    rows[5]["familieboliger"] = str(int(rows[5]["familieboliger"]) // 2)  # one real jump
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    old.write_text(buf.getvalue(), encoding="utf-8")
    args = ["diff", "--data", str(old), "--data", str(ROOT / "data" / "almene.csv")]
    code, out, err = run(*args, "--format", "csv")
    assert code == 0, err
    listed = list(csv.DictReader(io.StringIO(out)))
    assert listed[0]["flag"]  # flags first
    assert not any(r["figur"].endswith("_aar") for r in listed)
    assert "year figure(s) (*_aar) only moved on with the edition (+1)" in err
    code, out, _ = run(*args, "--format", "csv", "--all")
    assert any(r["figur"].endswith("_aar") for r in csv.DictReader(io.StringIO(out)))
    assert "procentpoint" not in out  # the messages are English, as the rest of the output


def test_advice_is_the_clis_the_api_message_has_none() -> None:
    from faktaark import api
    from faktaark.errors import UnknownKommune

    with pytest.raises(UnknownKommune) as info:
        api.resolve_kommuner(["Atlantis"])
    assert "faktaark list" not in str(info.value)
    code, _, err = run("build", "-k", "Atlantis")
    assert code == 2
    assert "Run `faktaark list` to see them all." in err


def test_compare_strict_and_contact_sheet_json_are_documented() -> None:
    for command, flag in ((["compare"], "--strict"), (["contact-sheet"], "--json")):
        assert flag in run(*command, "--help")[1]


def test_xlsx_without_rows_names_the_sheet_and_the_option(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Forside"
    book.active.append(["kommunekode", "kommune", "udgave"])
    data = book.create_sheet("Tal")
    for line in (ROOT / "data" / "almene.csv").read_text(encoding="utf-8").splitlines()[:3]:
        data.append(line.split(","))
    path = tmp_path / "tal.xlsx"
    book.save(path)
    code, _, err = run("validate", "--data", str(path))
    assert code == 1
    assert "sheet 'Forside' (the first of 2) has a header but no data rows" in err
    assert "'Tal'" in err
    assert "--sheet" in err
    shutil.rmtree(tmp_path)


def test_layouts_check_lists_the_tightest_boxes_as_data() -> None:
    code, out, err = run("layouts", "check", "almene-boliger")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))  # a pipe: CSV
    assert rows[0]["layout"] == "almene-boliger"
    assert {"side", "boks", "plads_mm", "skala", "strammest_for"} <= set(rows[0])
    assert not any(r["plads_mm"].startswith("-") for r in rows)  # all fit: no negative room
    code, out, _ = run("layouts", "check", "almene-boliger", "--json")
    assert json.loads(out)[0]["boks"] == rows[0]["boks"]
    assert "all 103 sheets fit" in err

"""Editions: `faktaark diff` and `validate --previous` find exactly the planted changes.

The test edition is made here from data/almene.csv: an "old" edition (udgave 2024) that is the
same figures with a few planted changes, and a "new" edition (udgave 2025) that is the bundled
file with one municipality dropped and two small edits. Everything not planted is unchanged,
so any flag beyond the planted ones is a false alarm and fails the test.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import faktaark.api
from faktaark.cli.app import app
from faktaark.data import editions as ed

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

Rows = list[dict[str, str]]


def bundled() -> Rows:
    with (ROOT / "data" / "almene.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(path: Path, rows: Rows) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(bundled()[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def by_code(rows: Rows) -> dict[str, dict[str, str]]:
    return {r["kommunekode"]: r for r in rows}


# what is planted, and the flags each plant must raise (kommunekode, figur, flag)
PLANTED = {
    # Glostrup had 3.800 family dwellings: +17 %, which also moves the total (+16 %), the share
    # (+5,6 procentpoint) and makes the almene stock grow by 651 while the housing stock did not
    (161, "familieboliger", "jump"),
    (161, "almene_boliger_i_alt", "jump"),
    (161, "almene_boliger_i_alt", "sum"),
    (161, "andel_af_boligmassen", "jump"),
    (101, "fraflytningsprocent", "jump"),  # 11,5 -> 7,7 pct.: -3,8 procentpoint
    (151, "ungdomsboliger", "sign"),  # 0 -> 742 (the housing stock grew with it)
    (157, "boligmasse", "jump"),  # +10 %
    (163, "huslejeomsaetning_mio_kr", "jump"),  # doubled
    (147, "beboere", "missing"),  # was there, now missing
    (153, "boliger_aar", "year"),  # 2024 -> 2023
    (563, "*", "new"),  # Fanø is not in the old edition
    (825, "*", "gone"),  # Læsø is not in the new edition
}


def editions(tmp_path: Path) -> tuple[Path, Path]:
    old = by_code(bundled())
    for r in old.values():
        r["udgave"] = "2024"
    old["161"]["familieboliger"] = "3800"
    old["101"]["fraflytningsprocent"] = "11.5"
    old["151"]["ungdomsboliger"] = "0"
    old["151"]["boligmasse"] = str(int(old["151"]["boligmasse"]) - 742)
    old["157"]["boligmasse"] = str(round(int(old["157"]["boligmasse"]) / 1.10))
    old["163"]["huslejeomsaetning_mio_kr"] = str(int(old["163"]["huslejeomsaetning_mio_kr"]) // 2)
    del old["563"]
    new = by_code(bundled())
    new["147"]["beboere"] = ".."
    new["153"]["boliger_aar"] = "2023"
    del new["825"]
    return (
        write(tmp_path / "almene_2024.csv", list(old.values())),
        write(tmp_path / "almene_2025.csv", list(new.values())),
    )


def flags(changes: list[ed.Change]) -> set[tuple[int, str, str]]:
    return {(c.kommunekode, c.figur, f) for c in changes for f in c.flags}


def test_diff_finds_exactly_the_planted_changes(tmp_path: Path) -> None:
    old, new = editions(tmp_path)
    report = ed.compare_editions(*ed.load_pair([old, new]))
    assert (report.old_udgave, report.new_udgave) == (2024, 2025)
    assert flags(report.flagged) == PLANTED
    glostrup = {c.figur: c for c in report.changes if c.kommunekode == 161}
    fam = glostrup["familieboliger"]
    assert (fam.gammel, fam.ny, fam.aendring) == (3800, 4451, 651)
    assert fam.aendring_pct == pytest.approx(17.13, abs=0.01)
    assert fam.besked == "moved +17,1 % (more than ±15 %): 3.800 → 4.451"
    assert fam.file == str(new)
    assert fam.line == 9
    assert glostrup["andel_af_boligmassen"].besked.startswith("moved +5,6 percentage points")
    assert "the parts no longer add up" in glostrup["almene_boliger_i_alt"].besked
    assert glostrup["boligmasse"].aendring == 0
    assert not glostrup["boligmasse"].flags
    national = {c.figur: c for c in report.changes if c.kommune == "Hele landet"}
    assert not any(c.flags for c in national.values())  # the plants are small nationally


def test_same_figures_next_edition_flag_nothing(tmp_path: Path) -> None:
    rows = bundled()
    for r in rows:
        r["udgave"] = "2024"
    old = write(tmp_path / "old.csv", rows)
    report = ed.compare_editions(*ed.load_pair([old, ROOT / "data" / "almene.csv"]))
    assert report.flagged == []
    assert all(c.aendring in (0, None) for c in report.changes)


def test_one_file_with_two_editions(tmp_path: Path) -> None:
    old, new = editions(tmp_path)
    both = tmp_path / "both.csv"
    both.write_text(
        old.read_text(encoding="utf-8") + new.read_text(encoding="utf-8").split("\n", 1)[1],
        encoding="utf-8",
    )
    report = ed.compare_editions(*ed.load_pair([both]))
    assert flags(report.flagged) == PLANTED


def test_one_edition_is_a_usage_error() -> None:
    res = runner.invoke(app, ["diff", "--data", str(ROOT / "data" / "almene.csv")])
    assert res.exit_code == 2
    assert "holds one edition (2025); give two" in res.stderr


def test_swapped_editions_are_flagged(tmp_path: Path) -> None:
    old, new = editions(tmp_path)
    report = ed.compare_editions(*ed.load_pair([new, old]))
    assert (0, "udgave", "year") in flags(report.flagged)


@pytest.mark.parametrize(
    ("figur", "old", "new", "expected"),
    [
        ("ungdomsboliger", 5, 9, ()),  # +80 %, but only 4 dwellings
        ("ungdomsboliger", 100, 114, ()),  # +14 %
        ("ungdomsboliger", 100, 116, ("jump",)),  # +16 %, 16 dwellings
        ("aeldreboliger", 40, 0, ("sign",)),
        ("igangsat_familieboliger", 0, 30, ()),  # construction starts and stops
        ("fraflytningsprocent", 8.0, 10.9, ()),
        ("fraflytningsprocent", 8.0, 11.1, ("jump",)),
        ("andel_af_boligmassen", 20.0, 24.9, ()),
        ("andel_af_boligmassen", 20.0, 25.1, ("jump",)),
        ("beboere", 7900, None, ("missing",)),
        ("beboere", None, 7900, ()),
        ("boliger_aar", 2024, 2023, ("year",)),
    ],
)
def test_thresholds(
    figur: str, old: float | None, new: float | None, expected: tuple[str, ...]
) -> None:
    """The thresholds declared in the default kit's data dictionary (`diff` per figure)."""
    figs = ed._Figures.of(faktaark.api.data_dictionary())
    got, message = ed._judge(figur, old, new, figs.thresholds.get(figur), figs.kinds[figur])
    assert got == expected
    assert bool(message) == bool(expected)


def test_cli_formats(tmp_path: Path) -> None:
    old, new = editions(tmp_path)
    args = ["diff", "--data", str(old), "--data", str(new)]

    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["gammel"]["udgave"] == 2024
    got = {(c["kommunekode"], c["figur"], f) for c in doc["aendringer"] for f in c["flags"]}
    assert got == PLANTED
    assert "12 flag(s) on 11 figure(s): jump 6, sign 1, sum 1" in res.stderr

    res = runner.invoke(app, [*args, "--format", "csv"])
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) > 97 * 20  # every municipality and figure, flagged or not
    g = next(r for r in rows if (r["kommunekode"], r["figur"]) == ("161", "familieboliger"))
    assert (g["gammel"], g["ny"], g["aendring"], g["flag"]) == ("3800", "4451", "651", "jump")

    res = runner.invoke(app, [*args, "--flagged"])
    assert res.exit_code == 0
    assert "Glostrup" in res.stdout
    assert "Ballerup" in res.stdout
    assert "Aabenraa" not in res.stdout  # nothing flagged there

    res = runner.invoke(app, [*args, "--strict", "--format", "csv"])
    assert res.exit_code == 1

    res = runner.invoke(app, [*args, "--format", "xml"])
    assert res.exit_code == 2


def test_validate_previous_warns_and_strict_fails(tmp_path: Path) -> None:
    old, _ = editions(tmp_path)
    args = ["validate", "--previous", str(old)]  # the bundled data against the old edition
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.stderr
    warning = (
        f"Warning: {ROOT / 'data' / 'almene.csv'}:9: Glostrup, familieboliger: jump: moved "
        "+17,1 % (more than ±15 %): 3.800 → 4.451 (since udgave 2024)"
    )
    assert warning in res.stderr
    assert "Fanø" in res.stderr  # new in this edition
    assert runner.invoke(app, [*args, "--strict"]).exit_code == 1
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0
    warned = {(w["kommune"], w["column"]) for w in json.loads(res.stdout)["warnings"]}
    assert ("Glostrup", "familieboliger") in warned
    assert runner.invoke(app, ["validate", "--strict"]).exit_code == 0  # no warnings: ok

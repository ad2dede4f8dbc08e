"""The example data: deterministic, flagged, plausible."""

from __future__ import annotations

from pathlib import Path

from faktaark.data.eksempeldata import GLOSTRUP, generate, to_csv

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_file_is_what_the_generator_makes() -> None:
    assert to_csv(generate()) == (ROOT / "data" / "almene.csv").read_text(encoding="utf-8")


def test_every_row_but_glostrup_is_flagged_example() -> None:
    rows = generate()
    assert len(rows) == 98
    flagged = {r["kommunekode"] for r in rows if r["datakilde"] == "eksempel"}
    assert len(flagged) == 97
    assert 161 not in flagged
    assert next(r for r in rows if r["kommunekode"] == 161) == GLOSTRUP


def test_national_sums_are_near_the_real_totals() -> None:
    rows = generate()
    dwellings = sum(
        int(r["ungdomsboliger"]) + int(r["familieboliger"]) + int(r["aeldreboliger"]) for r in rows
    )
    residents = sum(int(r["beboere"]) for r in rows)
    assert 570_000 <= dwellings <= 630_000
    assert 900_000 <= residents <= 1_100_000

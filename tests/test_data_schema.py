"""Validation: every problem is reported with file, row, column and municipality."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import faktaark
from faktaark.errors import DataError


def edit(path: Path, code: str, **changes: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["kommunekode"] == code:
            r.update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def line_of(path: Path, code: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(code + ","):
            return i
    raise AssertionError(code)


def errors(path: Path) -> list[str]:
    with pytest.raises(DataError) as exc:
        faktaark.load(path)
    return [str(i) for i in exc.value.issues]


def test_bundled_data_is_valid() -> None:
    ds = faktaark.load()
    assert len(ds.records) == 98
    assert sum(1 for r in ds.records if not ds.eksempel_sources(r)) == 1  # only Glostrup is real


def test_negative_count_names_file_row_column_and_kommune(data_copy: Path) -> None:
    edit(data_copy, "173", familieboliger="-12")
    line = line_of(data_copy, "173")
    assert errors(data_copy) == [
        f"{data_copy}:{line}: Lyngby-Taarbæk, familieboliger: must be ≥ 0, got -12"
    ]


def test_all_errors_are_collected(data_copy: Path) -> None:
    edit(data_copy, "101", fraflytningsprocent="140")
    edit(data_copy, "400", beboere_aar="2031", ungdomsboliger="mange")
    msgs = errors(data_copy)
    assert len(msgs) == 3
    assert any(
        "København, fraflytningsprocent: is a percentage and must be ≤ 100, got 140" in m
        for m in msgs
    )
    assert any("Bornholm, ungdomsboliger: expected a number, got 'mange'" in m for m in msgs)
    assert any("Bornholm, beboere_aar: is in the future: 2031" in m for m in msgs)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("411", "411 is Christiansø, which is not a municipality"),
        ("084", "region code"),
        ("0", "national total"),
        ("999", "not the code of one of the 98"),
    ],
)
def test_codes_that_are_not_municipalities(data_copy: Path, code: str, message: str) -> None:
    edit(data_copy, "147", kommunekode=code, kommune="")
    assert any(message in m for m in errors(data_copy))


def test_duplicate_municipality(data_copy: Path) -> None:
    edit(data_copy, "147", kommunekode="101", kommune="København")
    msgs = errors(data_copy)
    assert any("duplicate" in m and "København" in m for m in msgs)


def test_residents_must_fit_the_dwellings(data_copy: Path) -> None:
    edit(data_copy, "161", beboere="100")
    assert any(
        "Glostrup, beboere: 100 residents is fewer than 4614 almene dwellings" in m
        for m in errors(data_copy)
    )


def test_missing_column(data_copy: Path) -> None:
    rows = data_copy.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    i = header.index("boligmasse")
    cut = [",".join(c for j, c in enumerate(r.split(",")) if j != i) for r in rows]
    # the kilde column holds commas only when quoted; the bundled file has none
    data_copy.write_text("\n".join(cut) + "\n", encoding="utf-8")
    assert any(m.endswith(":1: boligmasse: missing column") for m in errors(data_copy))


def test_municipality_name_must_match_code(data_copy: Path) -> None:
    edit(data_copy, "161", kommune="Albertslund")
    assert any(
        "code 161 is Glostrup, but the row names 'Albertslund'" in m for m in errors(data_copy)
    )

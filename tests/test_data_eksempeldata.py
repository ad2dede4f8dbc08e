"""The example data: deterministic, flagged, plausible.

Two generators: the one that made the bundled housing figures (`tools/make_almene_example.py`,
kept because the committed file is what it made), and `faktaark data eksempel`, which makes
example figures for any kit from its data dictionary.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path
from types import ModuleType

import pytest

import faktaark
from conftest import KITS
from faktaark import api

ROOT = Path(__file__).resolve().parents[1]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_almene_example", ROOT / "tools" / "make_almene_example.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_file_is_what_the_generator_makes() -> None:
    tool = _tool()
    assert tool.to_csv(tool.generate()) == (ROOT / "data" / "almene.csv").read_text(
        encoding="utf-8"
    )


def test_every_row_but_glostrup_is_flagged_example() -> None:
    tool = _tool()
    rows = tool.generate()
    assert len(rows) == 98
    flagged = {r["kommunekode"] for r in rows if r["datakilde"] == "eksempel"}
    assert len(flagged) == 97
    assert 161 not in flagged
    assert next(r for r in rows if r["kommunekode"] == 161) == tool.GLOSTRUP


def test_national_sums_are_near_the_real_totals() -> None:
    rows = _tool().generate()
    dwellings = sum(
        int(r["ungdomsboliger"]) + int(r["familieboliger"]) + int(r["aeldreboliger"]) for r in rows
    )
    residents = sum(int(r["beboere"]) for r in rows)
    assert 570_000 <= dwellings <= 630_000
    assert 900_000 <= residents <= 1_100_000


@pytest.mark.parametrize("kit", KITS)
def test_example_data_for_a_kit_validates_and_is_marked(kit: str, tmp_path: Path) -> None:
    """`faktaark data eksempel` makes all 98 rows from the declarations alone; they pass the
    kit's own validation (its rules included) and every row says it is example data."""
    text = api.example_data(kit)
    assert text == api.example_data(kit)  # deterministic
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 98
    assert {r["datakilde"] for r in rows} == {"eksempel"}
    path = tmp_path / "eksempel.csv"
    path.write_text(text, encoding="utf-8")
    ds = faktaark.load(path, layout=kit)
    assert all(ds.eksempel_sources(r) for r in ds.records)
    plan = api.plan_sheet("Glostrup", data=api.prepare(path, layout=kit), layout=kit)
    assert plan.eksempel
    assert "Eksempeldata" in plan.all_text()


def test_example_data_refuses_a_source_declared_official(tmp_path: Path) -> None:
    kit = api.new_kit("officiel-kit", tmp_path)
    fields = kit / "fields.toml"
    fields.write_text('include = ["almene-boliger"]\n\n[sources.egne]\nlabel = "egne tal"\n'
                      'datakilde = "officiel"\n\n[columns.egne]\nkind = "count"\n'
                      'meaning = "Own"\nsource = "egne"\n', encoding="utf-8")  # fmt: skip
    with pytest.raises(faktaark.UsageError, match="would be marked as real"):
        api.example_data(kit, ["egne"])

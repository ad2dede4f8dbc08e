"""Indicators, checked against hand computation."""

from __future__ import annotations

import math

import pytest

from faktaark import api
from faktaark.core.kommuner import register
from faktaark.values import indicators


@pytest.fixture(scope="module")
def rows(prepared: api.Prepared) -> dict[int, dict[str, object]]:
    return prepared.rows


def test_glostrup_by_hand(rows: dict[int, dict[str, object]], prepared: api.Prepared) -> None:
    g = rows[161]
    assert g["almene_boliger_i_alt"] == 73 + 4451 + 90
    assert math.isclose(g["andel_af_boligmassen"], 100 * 4614 / 11535)  # 40,0 pct.
    assert math.isclose(g["ledige_familieboliger_pr_aar"], 4451 * 0.08)  # 356,08
    assert math.isclose(g["anvisningsret_pr_aar"], 4451 * 0.08 / 4)  # 89,02
    pop = prepared.dataset.folketal[161]
    assert math.isclose(g["beboere_pr_1000_indbyggere"], 1000 * 7900 / pop)
    assert g["igangsat_i_alt"] == 0


def test_national_totals_and_ranks(
    rows: dict[int, dict[str, object]], prepared: api.Prepared
) -> None:
    land = prepared.land
    assert land["antal_kommuner"] == 98
    assert land["almene_boliger_i_alt"] == sum(r["almene_boliger_i_alt"] for r in rows.values())
    assert math.isclose(
        land["andel_af_boligmassen"],
        100 * land["almene_boliger_i_alt"] / sum(r["boligmasse"] for r in rows.values()),
    )
    ranks = sorted(int(r["rang_andel"]) for r in rows.values())
    assert ranks[0] == 1
    assert ranks[-1] <= 98
    best = max(rows.values(), key=lambda r: r["andel_af_boligmassen"])
    assert best["rang_andel"] == 1
    shares = sum(r["andel_af_landets_almene_boliger"] for r in rows.values())
    assert math.isclose(shares, 100.0)


def test_region_ranks(rows: dict[int, dict[str, object]]) -> None:
    reg = register()
    hoved = [r for k, r in rows.items() if reg.get(k).region == "Region Hovedstaden"]
    assert len(hoved) == 29
    assert all(r["antal_i_region"] == 29 for r in hoved)
    assert sorted(int(r["rang_anvisningsret_region"]) for r in hoved)[0] == 1


def test_comparison_words(rows: dict[int, dict[str, object]], prepared: api.Prepared) -> None:
    for r in rows.values():
        diff = r["andel_af_boligmassen"] - prepared.land["andel_af_boligmassen"]
        word = "højere end" if diff >= 1 else "lavere end" if diff <= -1 else "på niveau med"
        assert r["sammenligning_andel"] == word


def test_missing_move_out_rate_gives_missing_allocation(prepared: api.Prepared) -> None:
    from dataclasses import replace

    recs = list(prepared.dataset.edition())
    i = next(i for i, r in enumerate(recs) if r.kommunekode == 101)
    recs[i] = replace(recs[i], values={**recs[i].values, "fraflytningsprocent": None})
    df = indicators.compute(recs, prepared.dataset.folketal, register(), prepared.dataset.fields)
    row = indicators.rows(df)[101]
    assert row["anvisningsret_pr_aar"] is None
    assert row["ledige_familieboliger_pr_aar"] is None

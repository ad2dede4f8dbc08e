"""The third shipped kit, `levende-faellesskaber`: resident democracy, volunteering and
communities in the almene boligafdelinger (BL's seeds 000–002).

A user would check here: the committed example data is exactly what the documented command
makes, and plausible (some 7.000–8.000 afdelinger, spread by each municipality's almene
stock); the sheet prints the municipality's figures as the data give them, its region's and
the country's as ratios of sums in a table of three value columns; the mark says which figures
are example data (Glostrup's housing figures are real, its resident-democracy figures are
not); the national figures are BL's, with BL as their source; the AlmenKompas measuring points
are named as BL's board paper names them; all 98 build.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import faktaark
import faktaark.cli.app
from conftest import pdf_text
from faktaark import api
from faktaark.core.kommuner import register
from faktaark.data.eksempel import EKSEMPEL_KILDE
from faktaark.data.loader import load_facts
from faktaark.plan.model import Node, SheetPlan
from faktaark.review.proof import rules, sheet_view

KIT = "levende-faellesskaber"
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "faellesskaber.csv"
NB = "\u00a0"
runner = CliRunner()


def _rows(name: str) -> dict[int, dict[str, str]]:
    with (ROOT / "data" / name).open(encoding="utf-8") as fh:
        return {int(r["kommunekode"]): r for r in csv.DictReader(fh)}


def _tal(n: float) -> str:
    """A whole number as a Danish sheet prints it: 7.900."""
    return f"{round(n):,}".replace(",", ".")


def _flat(text: str) -> str:
    return " ".join(text.replace(NB, " ").replace("\u00ad", "").split())


@pytest.fixture(scope="module")
def lf(kit_prepared: Callable[[str], api.Prepared]) -> api.Prepared:
    return kit_prepared(KIT)


def _plan(name: str, lf: api.Prepared) -> SheetPlan:
    return api.plan_sheet(name, data=lf, layout=KIT)


def _box_nodes(plan: SheetPlan, box: str) -> list[Node]:
    return [n for p in plan.pages for top in p.content for n in top.walk() if n.box == box]


# ---------------------------------------------------------------- the example data


def test_the_committed_data_is_what_the_command_makes() -> None:
    """data/faellesskaber.csv is exactly the output of the command its SOURCE.txt names."""
    args = ["data", "eksempel", "--layout", KIT, "--source", "faellesskab"]
    res = runner.invoke(faktaark.cli.app.app, args)
    assert res.exit_code == 0, res.output
    assert res.stdout == DATA.read_text(encoding="utf-8")
    note = (ROOT / "data" / "faellesskaber.csv.SOURCE.txt").read_text(encoding="utf-8")
    assert "EXAMPLE DATA" in note
    assert "faktaark data eksempel --layout levende-faellesskaber --source faellesskab" in note


def test_the_example_figures_are_marked_and_plausible() -> None:
    rows, almene = _rows("faellesskaber.csv"), _rows("almene.csv")
    assert len(rows) == 98
    assert {r["faellesskab_datakilde"] for r in rows.values()} == {"eksempel"}
    assert {r["faellesskab_kilde"] for r in rows.values()} == {EKSEMPEL_KILDE}
    afdelinger = sum(int(r["afdelinger"]) for r in rows.values())
    assert 7_000 <= afdelinger <= 8_000  # Denmark has about 7.000–8.000 almene boligafdelinger
    dwellings = sum(
        int(a[c]) for a in almene.values() for c in ("ungdomsboliger", "familieboliger",
                                                      "aeldreboliger")
    )  # fmt: skip
    assert 60 <= dwellings / afdelinger <= 110  # some 80 dwellings per afdeling
    for kode, r in rows.items():
        fam = int(almene[kode]["familieboliger"])  # spread by the municipality's almene stock
        assert 0.012 * fam - 0.5 <= int(r["afdelinger"]) <= 0.020 * fam + 0.5, kode
        assert 1 <= int(r["afdelingsbestyrelser"]) <= int(r["afdelinger"]), kode
        assert 0.08 * int(r["lejemaal"]) - 0.5 <= int(r["moede_lejemaal"]), kode
        assert int(r["moede_lejemaal"]) <= 0.22 * int(r["lejemaal"]) + 0.5, kode
        beboere = int(almene[kode]["beboere"])
        assert 0.04 * beboere - 0.5 <= int(r["frivillige"]) <= 0.10 * beboere + 0.5, kode
    ds = faktaark.load(layout=KIT)  # the kit's own rules hold for every row, warnings too
    assert len(ds.records) == 98
    assert [str(w) for w in ds.warnings if "joined from" not in str(w)] == []


def test_example_figures_can_be_per_a_column_of_another_source() -> None:
    """Generating only the kit's own source still spreads it by the housing figures (read
    from the bundled almene.csv): Glostrup's afdelinger follow its real 4.451 family
    dwellings, not its population."""
    text = api.example_data(KIT, ["faellesskab"])
    row = next(r for r in csv.DictReader(text.splitlines()) if r["kommunekode"] == "161")
    assert 0.012 * 4451 <= int(row["afdelinger"]) <= 0.020 * 4451
    assert "familieboliger" not in row  # the other source's columns are not written


# ---------------------------------------------------------------- the national figures


def test_the_national_figures_are_bl_s_with_bl_as_their_source() -> None:
    facts = load_facts()
    want = {
        "engagement_beboerdemokrati": "13 pct.",
        "engagement_boligomraadet": "knap 10 pct.",
        "engagement_frivillige": "20 pct.",
        "engagement_i_alt": "36 pct.",
        "uoensket_alene": "en ud af otte",
    }
    for fid, number in want.items():
        assert facts[fid].tekst.startswith(number), fid
        assert facts[fid].kilde.startswith("BL – "), fid
    assert facts["engagement_i_alt"].kilde == (
        "BL – Frivilligt engagement i landets almene boliger (2023)"
    )


def test_the_national_figures_are_on_the_sheet_with_their_sources(lf: api.Prepared) -> None:
    plan = _plan("Glostrup", lf)
    page1, page2 = (_flat("\n".join(p.texts())) for p in plan.pages)
    assert "blandt den 1 million beboere i landets almene boligområder" in page1
    assert "36 pct. af de almene beboere er engagerede" in page1
    assert "BL – Frivilligt engagement i landets almene boliger (2023)" in page1  # its source
    # page 2: three figures of one report share its footnote; the fourth has its own
    assert "… 13 pct. af de almene beboere er engagerede i det formelle beboerdemokrati.¹" in page2
    assert "… knap 10 pct. af de almene beboere er engagerede i boligområdet" in page2
    assert "… 20 pct. af de almene beboere er frivillige uden for boligområdet.¹" in page2
    assert "føler sig uønsket alene og oplever ikke at være en del af et fællesskab.²" in page2
    assert (
        "Kilde: 1) BL – Frivilligt engagement i landets almene boliger (2023), "
        "2) BL – Almene Mål: Levende demokratiske fællesskaber (2024)"
    ) in page2


def test_almenkompas_points_as_the_board_paper_names_them(lf: api.Prepared) -> None:
    page2 = _flat("\n".join(_plan("Glostrup", lf).pages[1].texts()))
    for theme, points in (
        ("Den almene sektor som demokratisk aktør", "Beboerdemokrati • Frivillighed • Politikker"),
        ("Et relevant og tilgængeligt beboerdemokrati",
         "Beboerdemokrati • Frivillighed • Lokale fællesskaber"),
        ("Kompetencer og støtte til engagement", "Beboerdemokrati • Frivillighed • Livschancer"),
    ):  # fmt: skip
        assert theme in page2
        assert points in page2
    assert page2.upper().count("ALMENKOMPAS MÅLEPUNKTER") == 3  # the label is set in capitals


# ---------------------------------------------------------------- the figures on the sheet


@pytest.mark.parametrize("name", ["Glostrup", "Aalborg", "Læsø"])
def test_the_figures_in_the_pdf_are_the_data_s(name: str, lf: api.Prepared, tmp_path: Path) -> None:
    """Redone from the data files: the counts, the share with a board, the turnout and the
    volunteers per 1.000 residents, as the PDF's text says them."""
    k = register().get(name)
    r, a = _rows("faellesskaber.csv")[k.kode], _rows("almene.csv")[k.kode]
    afd, best = int(r["afdelinger"]), int(r["afdelingsbestyrelser"])
    fremmoede = 100 * int(r["moede_lejemaal"]) / int(r["lejemaal"])
    pr_1000 = 1000 * int(r["frivillige"]) / int(a["beboere"])
    res = faktaark.build(name, data=lf, layout=KIT, out=tmp_path)
    text = _flat(pdf_text(res.path))
    # the area is "<navn> kommune" (the house style; never "i Læsø", which is "på Læsø")
    place = f"{name} kommune"
    assert f"I {place} er der {_tal(afd)} almene boligafdelinger, og {_tal(best)} af dem" in text
    assert "Beboerdemokratiet i kommunen" in text
    assert f"var {round(fremmoede)} pct. af husstandene repræsenteret" in text
    # a key figure and its caption: two paragraphs (pypdf may join them without a space)
    assert re.search(
        rf"{_tal(100 * best / afd)} pct\. ?af de almene boligafdelinger i {name}", text
    )
    assert f"Afdelingerne har {_tal(int(r['frivillige']))} aktive frivillige" in text
    assert (
        f"Det svarer til {_tal(pr_1000)} pr. 1.000 af de {_tal(int(a['beboere']))} beboere" in text
    )
    sted = k.officielt_navn.replace("Kommune", "kommune")  # the area, as BL writes it
    assert f"– {_tal(int(a['beboere']))} af dem bor i {sted}." in text


def test_the_table_has_the_municipality_its_region_and_the_country(lf: api.Prepared) -> None:
    """Three value columns; the region's and the country's figures are ratios of sums."""
    plan = _plan("Glostrup", lf)
    (table,) = [n for n in _box_nodes(plan, "tabel") if n.role == "Table"]
    rows = [[_flat(c.text) for c in tr.children] for tr in table.children]
    assert rows[0] == ["Beboerdemokratiet i tal, 2024", "Glostrup", "Region Hovedstaden",
                       "Hele landet"]  # fmt: skip
    assert all(
        c.role == "TH" and ("Scope", "Column") in c.attrs for c in table.children[0].children
    )
    assert all(len(r) == 4 for r in rows)
    data = _rows("faellesskaber.csv")
    region = [v for kode, v in data.items() if register().get(kode).region == "Region Hovedstaden"]

    def share(rows_: list[dict[str, str]], num: str, den: str) -> str:
        return (
            f"{round(100 * sum(int(x[num]) for x in rows_) / sum(int(x[den]) for x in rows_))} pct."
        )

    by_label = {r[0]: r[1:] for r in rows[1:]}
    g = data[161]
    assert by_label["Almene boligafdelinger"] == [
        _tal(int(g["afdelinger"])), _tal(sum(int(x["afdelinger"]) for x in region)),
        _tal(sum(int(x["afdelinger"]) for x in data.values())),
    ]  # fmt: skip
    assert by_label["Afdelinger med afdelingsbestyrelse"] == [
        share([g], "afdelingsbestyrelser", "afdelinger"),
        share(region, "afdelingsbestyrelser", "afdelinger"),
        share(list(data.values()), "afdelingsbestyrelser", "afdelinger"),
    ]
    assert by_label["Husstande repræsenteret på afdelingsmøderne"] == [
        share([g], "moede_lejemaal", "lejemaal"),
        share(region, "moede_lejemaal", "lejemaal"),
        share(list(data.values()), "moede_lejemaal", "lejemaal"),
    ]


def test_the_chart_ranks_the_turnout_in_the_region(lf: api.Prepared) -> None:
    plan = _plan("Bornholm", lf)
    (fig,) = [n for n in _box_nodes(plan, "diagram") if n.role == "Figure"]
    alt = (fig.alt or "").replace(NB, " ")
    assert alt.startswith("Vandret søjlediagram: andelen af husstandene, der var repræsenteret")
    assert "Bornholm er nr. " in alt
    assert " af 29." in alt  # every municipality of the region
    assert "Region Hovedstaden " in alt
    assert "Hele landet " in alt


# ---------------------------------------------------------------- honesty


def _mark(plan: SheetPlan) -> list[str]:
    return [_flat(n.text) for box in ("eksempel1", "eksempel2") for n in _box_nodes(plan, box)
            if n.text]  # fmt: skip


def test_glostrup_s_mark_names_the_example_figures_and_not_its_real_ones(
    lf: api.Prepared,
) -> None:
    """Glostrup's housing figures are real (BL's published sheet); its resident democracy
    figures are example data, and so are the region's and the country's, which are made of
    them: the mark on both pages says exactly that."""
    plan = _plan("Glostrup", lf)
    assert plan.eksempel
    mark = _mark(plan)
    assert mark.count("Eksempeldata – ikke officielle tal") == 2  # on both pages
    assert mark.count("Det gælder tallene om beboerdemokrati og frivillighed.") == 2
    assert not any("almene boliger" in m for m in mark)
    beboere = [p for p in plan.printed if p.name == "almene.beboere"]
    assert beboere
    assert all(p.text == "7.900" and not p.value.eksempel for p in beboere)
    shown = {p.name for p in plan.printed if p.value.eksempel}
    assert {"indikator.andel_med_bestyrelse", "land.fremmoede"} <= shown


def test_an_example_housing_figure_is_named_too(lf: api.Prepared) -> None:
    mark = _mark(_plan("København", lf))
    want = "Det gælder tallene om almene boliger og tallene om beboerdemokrati og frivillighed."
    assert mark.count(want) == 2


def test_a_worst_case_share_forced_to_100_pct_is_no_calculation_error(lf: api.Prepared) -> None:
    """The worst cases of `layouts check` print every share as 100 pct. beside counts ten
    times the largest; the calculation rule does not hold that synthetic sum against the
    page. On a real sheet the same text is a breach."""
    lay = api.load_layout_for(KIT, lf.dataset)
    k = register().get("Glostrup")
    plan = _plan("Glostrup", lf)
    wrong = tuple(
        p._replace(text=f"100{NB}pct.") if p.name == "indikator.andel_med_bestyrelse" else p
        for p in plan.printed
    )
    forced = plan._replace(printed=wrong)
    (rule,) = [r for r in rules() if r.id == "regnestykke"]
    assert rule.check is not None
    assert list(rule.check(sheet_view(lay, k, k.navn, plan))) == []
    assert list(rule.check(sheet_view(lay, k, k.navn, forced)))  # a real sheet: a breach
    assert list(rule.check(sheet_view(lay, k, f"{k.navn} (10× figures)", forced))) == []


# ---------------------------------------------------------------- the whole series


def test_all_98_build(lf: api.Prepared, tmp_path: Path) -> None:
    results = api.build_many(data=lf, layout=KIT, out=tmp_path, validate="none", jobs=1)
    assert len(results) == 98
    assert all(r.path.is_file() for r in results)
    assert sorted(p.name for p in tmp_path.glob("*.pdf"))[0] == (
        "101-koebenhavn-levende-faellesskaber.pdf"
    )


def test_a_missing_turnout_is_said_on_its_own_page(tmp_path: Path) -> None:
    """Ærø without its turnout: the table prints "–" and the note under it explains it; the
    key figure says "Ikke oplyst" and names what is missing; the text says it in words; page
    2's notes list only page 2's sources."""
    src = DATA.read_text(encoding="utf-8").splitlines()
    header = src[0].split(",")
    col = header.index("moede_lejemaal")
    lines = [src[0]]
    for line in src[1:]:
        cells = line.split(",")
        if cells[0] == "492":
            cells[col] = ""
        lines.append(",".join(cells))
    path = tmp_path / "faellesskaber.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = api.plan_sheet("Ærø", data=api.prepare(path, layout=KIT), layout=KIT)
    table = [_flat(n.text) for n in _box_nodes(plan, "tabel")]
    notes2 = [_flat(n.text) for n in _box_nodes(plan, "vd_noter") if n.role == "P"]
    assert "– betyder, at tallet ikke er oplyst." in table
    assert not any("ikke oplyst" in t for t in notes2)
    kpi = [_flat(n.text) for n in _box_nodes(plan, "kpi_fremmoede") if n.text]
    assert kpi[:2] == ["Ikke oplyst", "fremmøde på de ordinære afdelingsmøder (2024)."]
    assert any(t.startswith("Kilde: 1) BL – Frivilligt engagement") for t in notes2)
    page1 = _flat("\n".join(plan.pages[0].texts()))
    assert "Fremmødet på afdelingsmøderne i 2024 er ikke oplyst." in page1
    assert "af husstandene var repræsenteret" not in page1  # the caption went with its figure

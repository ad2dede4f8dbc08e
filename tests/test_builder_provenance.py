"""Provenance: every value a sheet prints is traceable, and agrees with the printed sheet."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from conftest import NBSP
from faktaark import api
from faktaark.builder import provenance
from faktaark.core.kommuner import register
from faktaark.layout.load import available
from faktaark.pdf.make import make_pdf
from faktaark.text.templates import placeholders


def norm(text: str) -> str:
    """Text compared without whitespace (line breaks, NBSP) and case (upper-case styles)."""
    return "".join(text.replace(NBSP, " ").split()).casefold()


def page_texts(pdf: bytes | Path) -> list[str]:
    import io

    src = io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf)
    return [norm(p.extract_text() or "") for p in pypdf.PdfReader(src).pages]


@pytest.fixture(scope="module")
def sidecar(glostrup_pdf: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads(glostrup_pdf.with_suffix(".json").read_text("utf-8"))
    return doc


def test_sidecar_next_to_the_pdf(glostrup_pdf: Path, sidecar: dict[str, object]) -> None:
    assert glostrup_pdf.with_suffix(".json").name == "161-glostrup.json"
    assert sidecar["kommune"] == "Glostrup"
    assert sidecar["pdf"] == {
        "file": "161-glostrup.pdf",
        "sha256": hashlib.sha256(glostrup_pdf.read_bytes()).hexdigest(),
    }
    assert not list(glostrup_pdf.parent.glob(".faktaark-tmp-*"))


def test_every_figure_of_glostrup_is_in_the_pdf_text(
    glostrup_pdf: Path, sidecar: dict[str, object]
) -> None:
    pages = page_texts(glostrup_pdf)
    figures = sidecar["figures"]
    assert isinstance(figures, list)
    checked = 0
    for fig in figures:
        for where in fig["where"]:
            for text in fig["printed"]:
                assert norm(text) in pages[where["page"] - 1], (fig["name"], text, where)
                checked += 1
        if not fig["where"]:  # only in a chart's or map's alternative text
            assert fig["alt_text"], fig["name"]
    assert checked >= 40
    names = {f["name"] for f in figures}
    # the figures BL's sheet is about, each traced
    assert {
        "almene.beboere", "almene.ungdomsboliger", "almene.familieboliger",
        "almene.aeldreboliger", "almene.fraflytningsprocent", "indikator.andel_af_boligmassen",
        "almene.huslejeomsaetning_mio_kr",
        "almene.lokale_indkoeb_mio_kr", "almene.lbf_renovering_mio_kr", "almene.kilde",
    } <= names  # fmt: skip
    assert "indikator.anvisningsret_pr_aar" not in names  # not on BL's sheet (issue 14)


def test_glostrup_figures_name_file_row_column_and_edition(sidecar: dict[str, object]) -> None:
    figs = {f["name"]: f for f in sidecar["figures"]}  # type: ignore[attr-defined]
    fam = figs["almene.familieboliger"]
    assert fam["printed"] == ["4.451"]
    assert fam["raw"] == 4451
    assert fam["source"] == {
        "file": "data/almene.csv",
        "row": 9,
        "columns": ["familieboliger"],
        "udgave": 2025,
    }
    assert "formula" not in fam
    andel = figs["indikator.andel_af_boligmassen"]
    assert andel["printed"] == [f"40{NBSP}pct."]
    assert andel["formula"] == "100 * almene_boliger_i_alt / boligmasse"
    assert andel["inputs"] == ["almene_boliger_i_alt", "boligmasse"]
    assert andel["source"]["row"] == 9
    fact = figs["fakta.kvadratmeterhusleje"]
    assert fact["source"] == {"file": "data/landsfakta.toml", "key": "fakta.kvadratmeterhusleje"}


def test_footnotes_on_the_sheet_are_the_provenance_fact_sources(
    prepared: api.Prepared, glostrup_pdf: Path
) -> None:
    """The "Kilde: 1) ..." line and the marks in the text come from the same records."""
    k = register().get("Glostrup")
    plan = api.plan_sheet("Glostrup", data=prepared)
    prov = provenance.collect(plan, prepared.sheet_data(k).record, prepared.dataset.fields)
    lines = [n.text for p in plan.pages for n in p.content if n.text.startswith("Kilde: 1)")]
    assert len(lines) == 1
    on_sheet = re.findall(r"(\d+)\) (.+?)(?=, \d+\) |$)", lines[0])
    assert [(int(n), src) for n, src in on_sheet] == [
        (s.number, s.source) for s in prov.fact_sources
    ]
    assert len(prov.fact_sources) == 4
    text = "".join(page_texts(glostrup_pdf))
    assert norm(lines[0]) in text  # the line as planned is the line in the PDF
    for s in prov.fact_sources:  # each fact is followed by its own mark
        fact = prov.figure(f"fakta.{s.fact}")
        assert norm(fact.printed[0] + s.mark) in text, s


def test_derived_figures_recompute_from_their_inputs(prepared: api.Prepared) -> None:
    k = register().get("Glostrup")
    sd = prepared.sheet_data(k)
    d = prepared.dataset.fields
    prov = provenance.collect(api.plan_sheet(k.kode, data=prepared), sd.record, d)
    checked = 0
    for f in prov.figures:
        name = f.name.split(".", 1)[1]
        if f.name.startswith("indikator.") and name in d.indicators:
            checked += 1
            assert f.formula == d.indicators[name].formula  # as the data dictionary says
            assert all(
                n in d.columns or n in d.indicators or n.startswith(("land.", "region."))
                for n in f.inputs
            ), f
    assert checked
    v = sd.record.values
    alt = v["ungdomsboliger"] + v["familieboliger"] + v["aeldreboliger"]  # type: ignore[operator]
    assert prov.figure("indikator.andel_af_boligmassen").raw == pytest.approx(
        100 * alt / v["boligmasse"]  # type: ignore[operator]
    )


def test_everything_the_texts_print_is_in_the_provenance(prepared: api.Prepared) -> None:
    k = register().get("København")
    lay = api.load_layout_for(None, prepared.dataset)
    plan = api.plan_sheet("København", data=prepared, layout=lay)
    prov = provenance.collect(plan, prepared.sheet_data(k).record, prepared.dataset.fields)
    names = {f.name for f in prov.figures}
    metadata = {
        n for key in (lay.title_key, lay.subject_key) for n, _, _ in placeholders(lay.text(key))
    }
    assert set(plan.used) - names <= metadata  # the PDF's title and subject are not on a page
    assert prov.datakilde == "eksempel"
    assert prov.figure("almene.familieboliger").eksempel


@pytest.mark.parametrize("layout", [p.name for p in available()])
@pytest.mark.parametrize("kommune", ["Glostrup", "København", "Ringkøbing-Skjern", "Bornholm"])
def test_visible_figures_are_in_the_pdf_for_every_layout(
    kit_prepared: Callable[[str], api.Prepared], layout: str, kommune: str
) -> None:
    prepared = kit_prepared(layout)
    k = register().get(kommune)
    plan = api.plan_sheet(kommune, data=prepared, layout=layout)
    prov = provenance.collect(plan, prepared.sheet_data(k).record, prepared.dataset.fields)
    pages = page_texts(make_pdf(plan))
    for f in prov.figures:  # a figure may print differently in a chart (its decimals kept)
        for text in f.printed if f.where else ():  # (some are only in an alt text)
            assert any(norm(text) in pages[page - 1] for page, _ in f.where), (f.name, text)
        for page, _ in f.where:
            assert any(norm(text) in pages[page - 1] for text in f.printed), (f.name, page)

"""All 98 municipalities build, each into exactly two A4 pages with its own name."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

import faktaark
from faktaark import api
from faktaark.builder.sheet import make_sheet
from faktaark.core.kommuner import register


@pytest.mark.slow
def test_all_98_build_with_two_pages(tmp_path: Path, prepared: api.Prepared) -> None:
    lay = api.load_layout_for(None, prepared.dataset)
    names = []
    for k in register():
        res = make_sheet(k, prepared, lay, tmp_path).write()
        reader = pypdf.PdfReader(str(res.path))
        assert len(reader.pages) == 2, k.navn
        first = (reader.pages[0].extract_text() or "").replace("\n", " ")
        assert k.officielt_navn.upper() in first.replace("\u00a0", " "), k.navn
        names.append(res.path.name)
    assert len(set(names)) == 98
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(names)
    assert not list(tmp_path.glob(".faktaark-tmp-*"))


def test_build_returns_a_result(tmp_path: Path) -> None:
    res = faktaark.build("0161", out=tmp_path)
    assert res.path == tmp_path / "161-glostrup.pdf"
    assert res.pages == 2
    assert len(res.sha256) == 64
    assert not res.eksempel

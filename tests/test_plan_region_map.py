"""The regional map on page 2 (issue 22): framed on the municipality and its land neighbours,
the names where a cartographer puts them.

A user would check here: that Glostrup is the map's subject, not a speck in Region
Hovedstaden; that no inset of Bornholm appears where nobody needs it; that an island shows
where it lies; that each neighbour's name stands in its own area (Gladsaxe north of
København, as it lies), the municipality's own name inside it where it fits (in two lines,
"Ringkøbing-" / "Skjern", where one does not), and that an enclave (Frederiksberg) is named
with a short leader line.
"""

from __future__ import annotations

import math

import pytest

from faktaark import api
from faktaark.core.kommuner import register
from faktaark.core.units import MM
from faktaark.layout.model import Layout
from faktaark.plan import geodata, maplabels, maps
from faktaark.plan.mapgeom import in_shape, segment_hits_rect, within_shape
from faktaark.plan.model import LineOp, Node, PathOp, RectOp, TextOp

BOX = "kort_region"


@pytest.fixture(scope="module")
def layout(prepared: api.Prepared) -> Layout:
    return api.load_layout_for(None, prepared.dataset)


def _map(name: str, prepared: api.Prepared, layout: Layout) -> Node:
    plan = api.plan_sheet(name, data=prepared, layout=layout)
    return next(n for p in plan.pages for t in p.content for n in t.walk() if n.box == BOX)


def _rect(layout: Layout) -> tuple[float, float, float, float]:
    box = next(b for b in layout.boxes if b.id == BOX)
    x, y, w, h = (round(v, 3) for v in box.rect_pt(layout.height))
    return (x, y, w, h)


def _subject(fig: Node, layout: Layout) -> geodata.BBox:
    brand = layout.colors["brand"]
    (op,) = [o for o in fig.ops if isinstance(o, PathOp) and o.fill == brand]
    return geodata.bbox(op.rings)


def _label(fig: Node, name: str) -> TextOp:
    return next(o for o in fig.ops if isinstance(o, TextOp) and o.text == name)


def _mid(op: TextOp) -> tuple[float, float]:
    size = op.pieces[0].size
    return (op.x + op.width / 2, op.y + 0.26 * size)


@pytest.mark.parametrize(
    "name", ["Glostrup", "København", "Frederiksberg", "Lyngby-Taarbæk", "Ringkøbing-Skjern",
             "Aalborg", "Albertslund", "Herlev"],
)  # fmt: skip
def test_the_map_is_framed_on_the_municipality(
    name: str, prepared: api.Prepared, layout: Layout
) -> None:
    """The municipality spans at least a sixth of the map's width (before: Glostrup 5 mm of
    122), lies wholly inside with room around it, every land neighbour shows, no inset."""
    fig = _map(name, prepared, layout)
    x, y, w, h = _rect(layout)
    x0, y0, x1, y1 = _subject(fig, layout)
    assert (x1 - x0) / w >= 1 / 6, name
    assert x + 5 < x0 < x1 < x + w - 5, name
    assert y + 5 < y0 < y1 < y + h - 5, name
    assert not [o for o in fig.ops if isinstance(o, RectOp)], name  # no inset
    prep = maps.project_map("region", register().get(name).kode, _rect(layout))
    for n in geodata.land_naboer(register().get(name).kode):
        assert prep.shapes[n], (name, n)


def test_glostrup_is_the_subject_not_a_speck(prepared: api.Prepared, layout: Layout) -> None:
    """Before: 7 mm tall among all of Region Hovedstaden and a Bornholm inset, names 6,5 pt."""
    fig = _map("Glostrup", prepared, layout)
    _, y0, _, y1 = _subject(fig, layout)
    assert (y1 - y0) / MM > 30
    sizes = [p.size for o in fig.ops if isinstance(o, TextOp) for p in o.pieces]
    assert min(sizes) >= 7


def test_islands_are_framed_on_themselves(prepared: api.Prepared, layout: Layout) -> None:
    """Læsø shows the nearest coast (where it lies); Bornholm, 130 km from the nearest
    municipality, fills the map alone: no inset, no Region Hovedstaden."""
    rect = _rect(layout)
    laesoe = maps.project_map("region", 825, rect)
    assert laesoe.context  # a piece of Frederikshavn's coast
    assert laesoe.frame is None
    bornholm = maps.project_map("region", geodata.BORNHOLM, rect)
    assert list(bornholm.shapes) == [geodata.BORNHOLM]
    assert bornholm.context == ()
    assert bornholm.frame is None
    fig = _map("Bornholm", prepared, layout)
    x0, _, x1, _ = _subject(fig, layout)
    assert (x1 - x0) / rect[2] > 0.4


def test_gladsaxe_stands_north_of_koebenhavn(prepared: api.Prepared, layout: Layout) -> None:
    """Before: Gladsaxe's name south-west of København though Gladsaxe lies north."""
    fig = _map("København", prepared, layout)
    prep = maps.project_map("region", 101, _rect(layout))
    leaders = [o for o in fig.ops if isinstance(o, LineOp)]
    for name in ("Gladsaxe", "Gentofte", "Herlev", "Hvidovre", "Rødovre", "Tårnby"):
        area = prep.shapes[register().get(name).kode]
        t = _label(fig, name)
        near = [
            ln
            for ln in leaders
            if abs(ln.y1 - _mid(t)[1]) < 6 and t.x - 3 < ln.x1 < t.x + t.width + 3
        ]
        assert in_shape(*_mid(t), area) or any(in_shape(ln.x2, ln.y2, area) for ln in near), name
    _, y0, _, y1 = _subject(fig, layout)
    assert _mid(_label(fig, "Gladsaxe"))[1] > (y0 + y1) / 2


def test_frederiksberg_is_named_with_a_short_leader_line(
    prepared: api.Prepared, layout: Layout
) -> None:
    """Frederiksberg lies inside København: its name stands outside København with a leader
    line into Frederiksberg that crosses no name."""
    fig = _map("København", prepared, layout)
    prep = maps.project_map("region", 101, _rect(layout))
    (line,) = [o for o in fig.ops if isinstance(o, LineOp) and
               in_shape(o.x2, o.y2, prep.shapes[147])]  # fmt: skip
    assert math.hypot(line.x2 - line.x1, line.y2 - line.y1) <= 10 * MM
    for name in [o.text for o in fig.ops if isinstance(o, TextOp)]:
        t = _label(fig, name)
        size = t.pieces[0].size
        ink = (t.x, t.y - 0.22 * size, t.width, 0.97 * size)
        crosses = segment_hits_rect((line.x1, line.y1), (line.x2, line.y2), ink)
        assert not crosses or name == "Frederiksberg", name


def test_the_own_name_stands_inside_in_white(prepared: api.Prepared, layout: Layout) -> None:
    """Where it fits, the municipality's name is set inside it, in the border colour (white
    on the brand colour); København, with Frederiksberg in its middle, is named beside it."""
    fig = _map("Glostrup", prepared, layout)
    brand = layout.colors["brand"]
    (hi,) = [o for o in fig.ops if isinstance(o, PathOp) and o.fill == brand]
    own = _label(fig, "Glostrup")
    size = own.pieces[0].size
    assert within_shape((own.x, own.y - 0.22 * size, own.width, 0.97 * size), hi.rings)
    assert own.pieces[0].color.cmyk == (0.0, 0.0, 0.0, 0.0)
    kbh = _map("København", prepared, layout)
    own = _label(kbh, "København")
    assert own.pieces[0].color == layout.colors["heading"]


def test_a_long_own_name_stands_inside_in_two_lines(prepared: api.Prepared, layout: Layout) -> None:
    """Before: Ringkøbing-Skjern's name in one line did not fit inside it and stood on
    Herning's area, in the accent colour. Now it is set inside in two lines, broken after
    the hyphen (kept on the first line), centred on each other, in white; read as one name."""
    fig = _map("Ringkøbing-Skjern", prepared, layout)
    (hi,) = [o for o in fig.ops if isinstance(o, PathOp) and o.fill == layout.colors["brand"]]
    first, second = _label(fig, "Ringkøbing-"), _label(fig, "Skjern")
    assert first.continued
    assert not second.continued
    assert fig.ops.index(second) == fig.ops.index(first) + 1
    assert not [o for o in fig.ops if isinstance(o, TextOp) and o.text == "Ringkøbing-Skjern"]
    assert second.y < first.y
    assert abs((first.x + first.width / 2) - (second.x + second.width / 2)) < 0.01  # centred
    for op in (first, second):
        size = op.pieces[0].size
        assert within_shape((op.x, op.y - 0.22 * size, op.width, 0.97 * size), hi.rings)
        assert op.pieces[0].color.cmyk == (0.0, 0.0, 0.0, 0.0)
    assert "Ringkøbing-Skjern" in fig.text.split(" ")


def test_a_name_goes_in_two_lines_only_where_one_does_not_fit() -> None:
    """On a square municipality 40 pt wide, a 60 pt name goes inside in its two lines; with no
    place to break it stands outside in one; a name that fits in one line keeps it."""
    square = ((100.0, 100.0), (140.0, 100.0), (140.0, 140.0), (100.0, 140.0))
    shapes = {1: (square,)}
    rect = (0.0, 0.0, 240.0, 240.0)
    long = maplabels.LabelBox(1, (60.0,), 8.0, 9.6, (26.0, 24.0))
    (p,) = maplabels.place(shapes, 1, rect, [long])
    assert (p.inside, p.lines, p.w) == (True, 2, 26.0)
    assert p.h == pytest.approx(9.6 + 0.97 * 8.0)
    (p,) = maplabels.place(shapes, 1, rect, [long._replace(split=())])
    assert (p.inside, p.lines, p.w) == (False, 1, 60.0)
    (p,) = maplabels.place(shapes, 1, rect, [long._replace(widths=(20.0,))])
    assert (p.inside, p.lines, p.w) == (True, 1, 20.0)

"""The locator map (issue 10): shapes, the highlighted municipality, the PDF, the looks.

Golden images live in tests/golden/; regenerate them after an intended visual change with
`FAKTAARK_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_plan_map.py` (and look at them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from conftest import ROOT, pdf_text
from faktaark import api
from faktaark.core.kommuner import register
from faktaark.layout.load import load_layout
from faktaark.layout.model import Box, Layout
from faktaark.plan import geodata, maps
from faktaark.plan.model import Node, PathOp, RectOp, SheetPlan, TextOp
from faktaark.values.sheet import MAP_ATTRIBUTION

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("FAKTAARK_REGEN_GOLDEN") == "1"
ISLANDS = {825: "Læsø", 563: "Fanø", 741: "Samsø", 492: "Ærø", 400: "Bornholm"}
LOOK_AT = ("Glostrup", "København", "Bornholm", "Læsø", "Fanø", "Ringkøbing-Skjern")


def _map_box(lay: Layout) -> Box:
    return next(b for b in lay.boxes if b.kind == "map")


def _figure(plan: SheetPlan, box_id: str) -> Node:
    return next(n for p in plan.pages for n in p.content if n.box == box_id)


def _highlight(fig: Node, lay: Layout) -> PathOp:
    brand = lay.colors["brand"]
    (op,) = [o for o in fig.ops if isinstance(o, PathOp) and o.fill == brand]
    return op


def _extent(rings: tuple[geodata.Ring, ...]) -> geodata.BBox:
    return geodata.bbox(rings)


@pytest.fixture(scope="module")
def layout(prepared: api.Prepared) -> Layout:
    return api.load_layout_for(None, prepared.dataset)


def test_every_municipality_has_a_shape() -> None:
    at = geodata.atlas()
    assert sorted(at.shapes) == sorted(k.kode for k in register())
    for kode, sh in at.shapes.items():
        for level in geodata.atlas().levels:
            assert sh.rings[level], (kode, level)
            assert all(len(r) >= 3 for r in sh.rings[level]), (kode, level)
        assert sh.naboer, kode
    assert 411 not in at.shapes  # Christiansø is not a municipality


def test_a_shapes_bbox_needs_no_decoding() -> None:
    """`Shape.bbox` (from the encoded units) is exactly the bounding box of the decoded rings,
    and the bounding box of points is their extremes."""
    at = geodata.atlas()
    for kode, sh in at.shapes.items():
        for level in at.levels:
            rings = sh.rings[level]
            xs = [x for r in rings for x, _ in r]
            ys = [y for r in rings for _, y in r]
            assert sh.bbox(level) == geodata.bbox(rings) == (min(xs), min(ys), max(xs), max(ys)), (
                kode
            )
    assert (
        geodata.bbox([])
        == geodata.bbox([()])
        == (float("inf"), float("inf"), -float("inf"), -float("inf"))
    )


def test_neighbours_still_meet() -> None:
    """Coverage simplification keeps shared borders shared: neighbours have common vertices."""
    at = geodata.atlas()
    for a, b in ((161, 165), (101, 147), (760, 657), (851, 849)):
        assert b in at.shape(a).naboer
        for level in geodata.atlas().levels:
            pa = {p for r in at.shape(a).rings[level] for p in r}
            pb = {p for r in at.shape(b).rings[level] for p in r}
            assert len(pa & pb) >= 2, (a, b, level)


def test_projection_is_not_stretched() -> None:
    """UTM metres both ways: Denmark without Bornholm is about 300 km wide and 370 km tall."""
    at = geodata.atlas()
    rings = [r for k, s in at.shapes.items() if k != geodata.BORNHOLM for r in s.rings["grov"]]
    x0, y0, x1, y1 = geodata.bbox(rings)
    assert 280_000 < x1 - x0 < 320_000
    assert 350_000 < y1 - y0 < 380_000


def test_islands_stay_visible_on_the_denmark_map(layout: Layout) -> None:
    box = _map_box(layout)
    prep = maps.project_map("danmark", 0, box.rect_pt(layout.height))
    for kode, name in ISLANDS.items():
        x0, y0, x1, y1 = _extent(prep.shapes[kode])
        assert max(x1 - x0, y1 - y0) >= 2.5, name  # at least ~1 mm on paper
    assert prep.frame is not None  # Bornholm's inset
    fx, fy, fw, fh = prep.frame
    bx0, by0, bx1, by1 = _extent(prep.shapes[geodata.BORNHOLM])
    assert fx < bx0 < bx1 < fx + fw
    assert fy < by0 < by1 < fy + fh
    rest = [r for k, rs in prep.shapes.items() if k != geodata.BORNHOLM for r in rs]
    assert not any(fx < x < fx + fw and fy < y < fy + fh for r in rest for x, y in r)


def test_a_cached_map_is_the_map(
    layout: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the per-user cache gives back is exactly what projecting the shapes gives."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("FAKTAARK_CACHE", "1")
    rect = tuple(round(v, 3) for v in _map_box(layout).rect_pt(layout.height))
    for view, kode in (("danmark", 0), ("region", 161)):
        fresh = maps._project(view, kode, rect)
        assert maps._project_cached.__wrapped__(view, kode, rect) == fresh  # computed, stored
        assert maps._project_cached.__wrapped__(view, kode, rect) == fresh  # read back
    assert len(list((tmp_path / "faktaark").glob("map-*.pickle"))) == 2


def test_paths_are_prepared_once_per_process(prepared: api.Prepared, layout: Layout) -> None:
    """The map of Denmark is projected once per process, a region view once per
    municipality (and its names placed once)."""
    maps._project_cached.cache_clear()
    maps.region_map.cache_clear()
    api.plan_sheet("Glostrup", data=prepared, layout=layout)
    before = maps._project_cached.cache_info()
    names = maps.region_map.cache_info()
    api.plan_sheet("Glostrup", data=prepared, layout=layout)
    assert maps._project_cached.cache_info().misses == before.misses
    assert maps.region_map.cache_info().misses == names.misses
    api.plan_sheet("Albertslund", data=prepared, layout=layout)  # Denmark: the same map
    after = maps._project_cached.cache_info()
    assert after.misses == before.misses
    assert after.hits > before.hits
    assert maps.region_map.cache_info().misses == names.misses + 1  # Albertslund's region


@pytest.mark.parametrize("name", LOOK_AT)
def test_the_highlight_is_the_municipality(
    name: str, prepared: api.Prepared, layout: Layout
) -> None:
    k = register().get(name)
    plan = api.plan_sheet(name, data=prepared, layout=layout)
    box = _map_box(layout)
    fig = _figure(plan, box.id)
    assert fig.role == "Figure"
    assert fig.alt == f"Kort: {k.officielt_navn} i {k.region}"
    prep = maps.project_map("danmark", 0, box.rect_pt(layout.height))
    hi = _highlight(fig, layout)
    assert hi.rings == prep.shapes[k.kode]
    others = [o for o in fig.ops if isinstance(o, PathOp) and o.fill == layout.colors["rule"]]
    assert len(others) == 1
    total = sum(len(rs) for rs in prep.shapes.values())
    assert len(others[0].rings) == total - len(prep.shapes[k.kode])
    x, y, w, h = box.rect_pt(layout.height)
    x0, y0, x1, y1 = _extent(hi.rings)
    assert x - 0.1 <= x0 < x1 <= x + w + 0.1
    assert y - 0.1 <= y0 < y1 <= y + h + 0.1
    assert "kort.kilde" in plan.used  # the attribution is printed wherever the map is


def test_glostrup_alt_text(prepared: api.Prepared, layout: Layout) -> None:
    plan = api.plan_sheet("Glostrup", data=prepared, layout=layout)
    assert _figure(plan, _map_box(layout).id).alt == "Kort: Glostrup Kommune i Region Hovedstaden"


def _filled_paths(
    pdf_path: Path, rgb: tuple[float, float, float]
) -> list[tuple[int, geodata.BBox]]:
    """Page 1's filled paths in one colour: (number of subpaths, extent) per paint."""
    out = []
    with pikepdf.open(pdf_path) as pdf:
        fill: tuple[float, ...] = ()
        subpaths, pts = 0, []
        for operands, op in pikepdf.parse_content_stream(pdf.pages[0]):
            name = str(op)
            if name == "rg":
                fill = tuple(round(float(v), 3) for v in operands)
            elif name in ("m", "l"):
                subpaths += name == "m"
                pts.append((float(operands[0]), float(operands[1])))
            elif name in ("f", "f*", "B", "B*", "b", "b*", "S", "s", "n"):
                if subpaths and name not in ("S", "s", "n") and fill == rgb:
                    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                    out.append((subpaths, (min(xs), min(ys), max(xs), max(ys))))
                subpaths, pts = 0, []
    return out


@pytest.mark.parametrize("name", ["Glostrup", "Bornholm", "Ringkøbing-Skjern"])
def test_the_pdf_fills_the_municipality_in_the_brand_colour(
    name: str, sheets_dir: Path, prepared: api.Prepared, layout: Layout
) -> None:
    k = register().get(name)
    brand = tuple(round(v, 3) for v in layout.colors["brand"].rgb)
    paths = _filled_paths(sheets_dir / f"{k.filnavn}.pdf", brand)
    hi = _highlight(_figure(api.plan_sheet(name, data=prepared, layout=layout), "kort"), layout)
    assert len(paths) == 1  # exactly one brand-coloured shape: the municipality
    n, (x0, y0, x1, y1) = paths[0]
    e = _extent(hi.rings)
    assert n == len(hi.rings)
    assert (x0, y0, x1, y1) == pytest.approx(e, abs=0.06)


def test_the_attribution_is_printed(glostrup_pdf: Path) -> None:
    assert MAP_ATTRIBUTION in pdf_text(glostrup_pdf).replace("\n", " ")


def test_the_alt_text_is_in_the_tagged_pdf(glostrup_pdf: Path) -> None:
    with pikepdf.open(glostrup_pdf) as pdf:
        alts = [
            str(o.get("/Alt"))
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/Figure" and "/Alt" in o
        ]
    assert "Kort: Glostrup Kommune i Region Hovedstaden" in alts


def test_the_geo_file_is_small_and_has_its_provenance() -> None:
    f = ROOT / "data" / "geo" / "kommuner.json"
    assert f.stat().st_size < 400 * 1024
    doc = json.loads(f.read_text(encoding="utf-8"))
    assert doc["format"] == "faktaark-geo/1"
    source = f.with_name("kommuner.json.SOURCE.txt").read_text(encoding="utf-8")
    assert MAP_ATTRIBUTION.split(": ", 1)[1] in source
    assert "411" in source
    assert "tolerance" in source


def test_the_package_stays_under_5_mb() -> None:
    shipped = [ROOT / "src" / "faktaark", ROOT / "data", ROOT / "layouts"]
    size = sum(
        p.stat().st_size
        for d in shipped
        for p in d.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert size < 5 * 1024 * 1024


def test_no_shapely_and_no_shared_folder_at_run_time(tmp_path: Path) -> None:
    code = (
        "import sys, faktaark\n"
        "from faktaark.plan import geodata\n"
        "faktaark.build('Læsø', out=sys.argv[1])\n"
        "assert 'shapely' not in sys.modules, 'shapely imported'\n"
        "assert 'shared' not in geodata.atlas().source, geodata.atlas().source\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, cwd=tmp_path)
    assert (tmp_path / "825-laesoe.pdf").is_file()


# ---------------------------------------------------------------- the region view


@pytest.fixture(scope="module")
def region_layout(tmp_path_factory: pytest.TempPathFactory, prepared: api.Prepared) -> Layout:
    """The default layout with its map switched to the region view (and small labels)."""
    folder = tmp_path_factory.mktemp("layouts") / "region"
    shutil.copytree(ROOT / "layouts" / "almene-boliger", folder)
    toml = folder / "layout.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('view = "danmark"', 'view = "region"\nlabel_style = "kortnavn"')
    text += "\n[styles.kortnavn]\nsize = 5\nleading = 5.6\nhyphenate = false\n"
    toml.write_text(text, encoding="utf-8")
    from faktaark.values.sheet import known_names

    return load_layout(folder, known_names(prepared.dataset.fields, prepared.dataset.fakta))


@pytest.mark.slow
def test_region_view_fits_for_all_98(prepared: api.Prepared, region_layout: Layout) -> None:
    box = _map_box(region_layout)
    x, y, w, h = box.rect_pt(region_layout.height)
    for k in register():
        plan = api.plan_sheet(k.kode, data=prepared, layout=region_layout)
        fig = _figure(plan, box.id)
        assert _highlight(fig, region_layout).rings, k.navn
        labels = [o for o in fig.ops if isinstance(o, TextOp)]
        for t in labels:  # names stay inside the map box
            assert x - 0.01 <= t.x <= t.x + t.width <= x + w + 0.01, (k.navn, t.text)
            assert y - 0.01 <= t.y <= y + h + 0.01, (k.navn, t.text)
        assert labels or k.kode == geodata.BORNHOLM, k.navn
        for o in fig.ops:
            if isinstance(o, PathOp) and o.fill is not None:
                packed = tuple(
                    tuple(tuple(float(v) for v in p.split()) for p in t.split("|"))
                    for t in o.packed
                )  # the layers only drawn: the land around, the neighbours
                ex = _extent(o.rings + packed)  # type: ignore[arg-type]
                assert x - 0.2 <= ex[0] <= ex[2] <= x + w + 0.2, k.navn
                assert y - 0.2 <= ex[1] <= ex[3] <= y + h + 0.2, k.navn
        assert fig.alt is not None
        if geodata.land_naboer(k.kode):
            assert fig.alt.startswith(f"Kort: {k.officielt_navn} i {k.region}. Nabokommuner: ")
        else:  # an island: no neighbours across the water
            assert fig.alt.endswith("har ingen landgrænse til andre kommuner."), k.navn


def test_a_small_region_view_still_names_the_municipality(
    prepared: api.Prepared, region_layout: Layout
) -> None:
    """Glostrup in a 27 × 29 mm box: framed on itself (no inset of Bornholm), named, and the
    neighbours named as far as there is room (the rest reported as left out)."""
    plan = api.plan_sheet("Glostrup", data=prepared, layout=region_layout)
    fig = _figure(plan, "kort")
    assert not [o for o in fig.ops if isinstance(o, RectOp)]
    names = {o.text for o in fig.ops if isinstance(o, TextOp)}
    assert "Glostrup" in names
    assert fig.alt is not None
    assert "Nabokommuner: Albertslund, " in fig.alt


# ---------------------------------------------------------------- golden images


def render_map(pdf_path: Path, layout: Layout, dpi: float = 120) -> Image.Image:
    """Page 1's map card (the rect under the map box) as an RGB image."""
    under = [b for b in layout.boxes if b.id in _map_box(layout).overlaps and b.kind == "rect"]
    card = min(under, key=lambda b: b.w * b.h)
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        page = doc[0]
        pw, ph = page.get_size()
        x, y, w, h = card.rect_pt(layout.height)
        crop = (x, y, pw - (x + w), ph - (y + h))  # left, bottom, right, top
        image = page.render(scale=dpi / 72, crop=crop).to_pil().convert("RGB")
        page.close()
    finally:
        doc.close()
    return image


def compare_golden(image: Image.Image, name: str, max_share: float = 0.002) -> None:
    """Compare with tests/golden/<name>.png: at most `max_share` of the pixels may differ
    by more than a little (anti-aliasing differs between renderer versions)."""
    path = GOLDEN / f"{name}.png"
    if REGEN or not path.exists():
        if not REGEN:
            pytest.fail(f"{path} is missing: run with FAKTAARK_REGEN_GOLDEN=1 and look at it")
        GOLDEN.mkdir(exist_ok=True)
        image.save(path, optimize=True)
        return
    golden = Image.open(path).convert("RGB")
    assert golden.size == image.size, f"{name}: size {image.size}, golden {golden.size}"
    diff = ImageChops.difference(golden, image).convert("L")
    hist = diff.histogram()
    off = sum(hist[40:]) / (image.width * image.height)
    assert off <= max_share, f"{name}: {off:.1%} of the pixels differ from {path}"


@pytest.mark.parametrize("name", ["Glostrup", "Bornholm"])
def test_map_looks_like_the_golden_image(name: str, sheets_dir: Path, layout: Layout) -> None:
    k = register().get(name)
    image = render_map(sheets_dir / f"{k.filnavn}.pdf", layout)
    compare_golden(image, f"map-{k.filnavn}")


def test_golden_comparison_catches_a_different_municipality(
    sheets_dir: Path, layout: Layout
) -> None:
    """The tolerance is not so loose that Glostrup's map passes for Bornholm's."""
    if REGEN:
        pytest.skip("regenerating")
    image = render_map(sheets_dir / "161-glostrup.pdf", layout)
    with pytest.raises(AssertionError, match="differ"):
        compare_golden(image, "map-400-bornholm")


def render_region_map(pdf_path: Path, layout: Layout, dpi: float = 100) -> Image.Image:
    """Page 2's regional map box as an RGB image."""
    box = next(b for b in layout.boxes if b.kind == "map" and b.view == "region")
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        page = doc[box.page - 1]
        pw, ph = page.get_size()
        x, y, w, h = box.rect_pt(layout.height)
        crop = (x, y, pw - (x + w), ph - (y + h))
        image = page.render(scale=dpi / 72, crop=crop).to_pil().convert("RGB")
        page.close()
    finally:
        doc.close()
    return image


@pytest.mark.parametrize("name", ["Glostrup", "København", "Bornholm"])
def test_region_map_looks_like_the_golden_image(
    name: str, sheets_dir: Path, layout: Layout
) -> None:
    """Page 2's map (issue 14): the municipality and its land neighbours named, leader lines
    where a name had to move; islands without neighbours."""
    k = register().get(name)
    image = render_region_map(sheets_dir / f"{k.filnavn}.pdf", layout)
    compare_golden(image, f"region-map-{k.filnavn}")

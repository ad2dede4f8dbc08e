"""Plan a `map` box: the municipality highlighted on a map of Denmark or of its region.

The layout says where the box is and which view it shows (`view = "danmark" | "region"`).
The municipality is filled in the highlight colour (`highlight`, default `brand`), the others
in a light grey (`colors[0]`) with thin borders (`colors[1]`, default white), no frame.
Denmark is shown with Bornholm in an inset (a municipality too small to see at its scale gets
a ring around it). A region view is framed on the municipality and its land neighbours
(`mapframe`), the land beyond them lighter (`colors[2]`), all cut at the box's edges, and
names them (`maplabels`: the own name in `header_style`, the neighbours in `label_style`).

The map of Denmark (once per process) and each municipality's region view with its names
placed are kept in the per-user cache: a sheet reads one entry back.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from faktaark.core import resources
from faktaark.core.kommuner import Kommune, collation_key, register
from faktaark.core.units import MM, Color
from faktaark.errors import FitError
from faktaark.layout.model import Box
from faktaark.plan import geodata, mapframe
from faktaark.plan.context import Ctx
from faktaark.plan.mapgeom import area, clip, pack
from faktaark.plan.maplabels import INK_ABOVE, LabelBox, Placed, place
from faktaark.plan.model import BoxFit, LineOp, Node, Op, PathOp, RectOp, TextOp, TextPiece
from faktaark.text import linebreak
from faktaark.text.fonts import ensure_glyphs
from faktaark.text.templates import spoken

__all__ = [
    "GRAENSE",
    "LAND",
    "OMEGN",
    "ProjectedMap",
    "map_alt",
    "plan_map",
    "project_map",
]

Result = tuple[list[Node], list[Op], BoxFit]
Rect = tuple[float, float, float, float]  # x, y, w, h in points

LAND = Color("kort_land", (0.0, 0.0, 0.0, 0.2))  # defaults when the layout names no colours
GRAENSE = Color("kort_graense", (0.0, 0.0, 0.0, 0.0))
OMEGN = Color("kort_omegn", (0.0, 0.0, 0.0, 0.08))
SPECK = 0.8  # pt: rings smaller than this are invisible at the map's scale (not drawn)
TINY = 6.0  # pt: a highlighted municipality smaller than this also gets a ring around it
COARSE = 0.8  # pt: the coarse level is used while its tolerance is at most this on paper
REGION_COARSE = 1.2  # pt: the same for a region view (a larger map, drawn with thin borders)
LEADER_WIDTH = 0.35  # pt
INSIDE_CONTRAST = 4.5  # the own name goes inside the highlight in the border colour from this
CACHE_KEEP = 400  # per-user cache entries of each kind kept: a region view per municipality


class ProjectedMap(NamedTuple):
    """One view in one box, in points: every shape it shows."""

    # Denmark: every municipality (Bornholm shifted into its inset); a region view: the
    # municipality and its land neighbours, cut at the box's edges
    shapes: dict[int, tuple[geodata.Ring, ...]]
    context: tuple[str, ...]  # a region view: the other land it shows, cut likewise, packed
    frame: Rect | None  # the inset's frame
    border: float  # border line width (pt)
    level: str
    naboer: tuple[int, ...]  # a region view: the municipality's land neighbours
    packed: tuple[str, ...] = ()  # read back for a sheet: the neighbours' rings, only drawn


def _size(ring: geodata.Ring) -> float:
    b = geodata.bbox((ring,))
    return max(b[2] - b[0], b[3] - b[1])


def _visible(rings: Sequence[geodata.Ring]) -> tuple[geodata.Ring, ...]:
    """Drop specks too small to see, but never a municipality's last ring."""
    keep = tuple(r for r in rings if _size(r) >= SPECK)
    return keep or (max(rings, key=_size),)


def project_map(view: str, kode: int, rect: Rect) -> ProjectedMap:
    """Project, place and scale a view into a box (`kode`: the municipality a region view is
    framed on; 0 for Denmark): once per process per view and box, and kept in the per-user
    cache (`faktaark.core.cache`, keyed by the shapes, the municipality register and the
    code), so that a single sheet reads it back instead of decoding, projecting and clipping
    the shapes."""
    return _project_cached(view, kode if view == "region" else 0, rect)


@cache
def _inputs() -> str:
    """A digest of what every map is made from (the shapes and the municipality register),
    read once per process: part of each cached map's key, so that a sheet does not hash the
    shapes again for every map it reads back."""
    h = hashlib.sha256()
    for f in (resources.data_file(geodata.GEO_FILE), resources.data_file("kommuner.csv")):
        h.update(f.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=4)  # a region view per municipality: the last few, not all 98 in memory
def _project_cached(view: str, kode: int, rect: Rect) -> ProjectedMap:
    from faktaark.core.cache import cached

    options = f"5\x1f{_inputs()}\x1f{view}\x1f{kode}\x1f{rect!r}"  # 5: framed on it, land packed
    return cached(
        "map", [], options, lambda: _project(view, kode, rect), ProjectedMap, keep=CACHE_KEEP
    )


def _project(view: str, kode: int, rect: Rect) -> ProjectedMap:
    return _project_region(kode, rect) if view == "region" else _project_denmark(rect)


def _project_denmark(rect: Rect) -> ProjectedMap:
    at = geodata.atlas()
    x, y, w, h = rect
    main, inset = geodata.view_codes("danmark", "")
    level = next(iter(at.levels))
    for _ in range(2):  # pick the level of detail from the scale it will be drawn at
        ext = geodata.union(at.shape(c).bbox(level) for c in main)
        main_rings = [r for c in main for r in at.shape(c).rings[level]]
        ib = geodata.union(at.shape(c).bbox(level) for c in inset)
        ins = geodata.place_inset(main_rings, ib, w, h)
        ext = geodata.union((ext, ins.frame))
        tr = geodata.fit(ext, x, y, w, h)
        fine_enough = [lv for lv, tol in at.levels.items() if tr.s * tol <= COARSE]
        want = fine_enough[0] if fine_enough else list(at.levels)[-1]
        if want == level:
            break
        level = want
    t_in = geodata.Transform(tr.s * ins.k, tr.dx + tr.s * ins.shift[0], tr.dy + tr.s * ins.shift[1])
    fx0, fy0 = tr.point(ins.frame[0], ins.frame[1])
    fx1, fy1 = tr.point(ins.frame[2], ins.frame[3])
    frame = (round(fx0, 2), round(fy0, 2), round(fx1 - fx0, 2), round(fy1 - fy0, 2))
    shapes: dict[int, tuple[geodata.Ring, ...]] = {}
    for c in (*main, *inset):
        t = tr if c in main else t_in
        shapes[c] = _visible([t.ring(r) for r in at.shape(c).rings[level]])
    return ProjectedMap(shapes, (), frame, 0.25, level, ())


def _project_region(kode: int, rect: Rect) -> ProjectedMap:
    """The municipality and its land neighbours framed (`mapframe.region_window`), every
    other municipality the window shows as the land around them, all cut at the box's
    edges (the municipality itself always lies inside)."""
    at = geodata.atlas()
    x, y, w, h = rect
    level = next(iter(at.levels))
    for _ in range(2):  # pick the level of detail from the scale it will be drawn at
        win = mapframe.region_window(kode, w, h, level)
        s = w / (win[2] - win[0])
        fine_enough = [lv for lv, tol in at.levels.items() if s * tol <= REGION_COARSE]
        want = fine_enough[0] if fine_enough else list(at.levels)[-1]
        if want == level:
            break
        level = want
    tr = geodata.fit(win, x, y, w, h)
    naboer = geodata.land_naboer(kode)
    shapes: dict[int, tuple[geodata.Ring, ...]] = {}
    context: list[str] = []
    for c, sh in at.shapes.items():
        b = sh.bbox(level)  # without decoding the shapes the window does not show
        if b[2] < win[0] or b[0] > win[2] or b[3] < win[1] or b[1] > win[3]:
            continue
        if c == kode:
            shapes[c] = _visible([tr.ring(r) for r in sh.rings[level]])
            continue
        parts = tuple(cl for r in sh.rings[level] if area(cl := clip(tr.ring(r), rect)) >= 0.5)
        if c in naboer:
            shapes[c] = parts
        else:
            context += [pack(r) for r in parts]
    return ProjectedMap(shapes, tuple(context), None, 0.4, level, naboer)


@lru_cache(maxsize=256)
def _marker(rings: tuple[geodata.Ring, ...], radius: float) -> geodata.Ring:
    """The ring drawn around a municipality too small to see (the same object for the same
    municipality, so the renderer's cache of ring operators does not grow per sheet)."""
    b = geodata.bbox(rings)
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    r = max(radius, max(b[2] - b[0], b[3] - b[1]) / 2 + 1.5)
    n = 28
    return tuple(
        (round(cx + r * math.cos(2 * math.pi * i / n), 2),
         round(cy + r * math.sin(2 * math.pi * i / n), 2))
        for i in range(n)
    )  # fmt: skip


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def map_alt(c: Ctx, box: Box, k: Kommune, naboer: Sequence[str]) -> str:
    """ "Kort: Glostrup Kommune i Region Hovedstaden" (+ the neighbours a region view names)."""
    alt = spoken(c.fill(f"{box.text}.alt"))
    if box.view == "region" and naboer:
        try:
            lead = spoken(c.fill(f"{box.text}.naboer"))
        except KeyError:
            lead = "Nabokommuner:"
        alt = f"{alt.rstrip('.')}. {lead} {_names(naboer)}."
    elif box.view == "region":  # an island: no municipality shares a land border with it
        try:
            none = spoken(c.fill(f"{box.text}.ingen_naboer"))
        except KeyError:
            none = f"{k.navn} har ingen landgrænse til andre kommuner."
        alt = f"{alt.rstrip('.')}. {none}"
    return alt


def _contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours' screen RGB (as `review.composition.contrast`)."""

    def lum(c: Color) -> float:
        ch = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c.rgb]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]

    la, lb = lum(a), lum(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _in_two(name: str, font: str, size: float, c: Ctx) -> list[linebreak.Line]:
    """A name in two lines, broken after a hyphen (kept on the first line) or at a space,
    the longer line as short as can be ([] for a name with neither)."""
    cuts = [(name[: i + 1], name[i + 1 :]) for i, ch in enumerate(name) if ch == "-"]
    cuts += [(name[:i], name[i + 1 :]) for i, ch in enumerate(name) if ch == " "]
    best: list[linebreak.Line] = []
    for parts in cuts:
        if all(p.strip(" -") for p in parts):
            lines = [
                linebreak.break_lines([linebreak.Span(p, font, hyphenate=False)], size, 1e4,
                                      c.metrics, hyphenate=False)[0]
                for p in parts
            ]  # fmt: skip
            if not best or max(ln.width for ln in lines) < max(ln.width for ln in best):
                best = lines
    return best


def _label_boxes(
    box: Box, c: Ctx, k: Kommune, naboer: Sequence[int]
) -> tuple[list[LabelBox], list[tuple[list[linebreak.Line], list[linebreak.Line]]]]:
    """The names a region map prints, measured (and their lines, in one line and in two):
    the municipality's own (`header_style`), then its land neighbours (`label_style`)."""
    where = f'{c.layout.name}, {c.kommune}, page {box.page}, box "{box.id}"'
    own = box.header_style or box.label_style or "chart_label"
    nabo = box.label_style or "chart_label"
    out, all_lines = [], []
    for kode, style in [(k.kode, own), *((n, nabo) for n in naboer)]:
        st = c.layout.styles[style]
        name = register().get(kode).navn
        ensure_glyphs(name, st.font, where)
        span = linebreak.Span(name, st.font, hyphenate=False)
        try:
            lines = linebreak.break_lines([span], st.size, box.w * MM, c.metrics, hyphenate=False)
        except linebreak.Overflow as exc:
            raise FitError(
                c.layout.name, c.kommune, box.page, box.id,
                f'the name "{exc.word}" is {exc.width - exc.room:.0f} pt too wide for the map',
            ) from None  # fmt: skip
        two = _in_two(name, st.font, st.size, c) if len(lines) == 1 else []
        widths = tuple(round(ln.width, 3) for ln in lines)
        split = tuple(round(ln.width, 3) for ln in two)
        out.append(LabelBox(kode, widths, st.size, st.leading, split))
        all_lines.append((lines, two))
    return out, all_lines


@lru_cache(maxsize=4)
def land_naboer(kode: int) -> tuple[int, ...]:
    """`geodata.land_naboer`, kept in the per-user cache: a sheet read back from the cache
    does not decode the shapes to learn its neighbours."""
    from faktaark.core.cache import cached

    options = f"1\x1f{_inputs()}\x1f{kode}"
    return cached("naboer", [], options, lambda: geodata.land_naboer(kode), tuple, keep=CACHE_KEEP)


class RegionMap(NamedTuple):
    """A region view and where its names go: what a sheet reads back from the cache."""

    map: ProjectedMap
    names: tuple[Placed, ...]


@lru_cache(maxsize=4)
def region_map(kode: int, rect: Rect, items: tuple[LabelBox, ...], inside: bool) -> RegionMap:
    """The region view of `kode` in a box (`_project_region`) with its names placed
    (`maplabels.place`): once per process per municipality, box and names, and kept in the
    per-user cache as one entry, so that a sheet reads one file back."""
    from faktaark.core.cache import cached

    options = f"4\x1f{_inputs()}\x1f{kode}\x1f{rect!r}\x1f{items!r}\x1f{inside}"

    def compute() -> RegionMap:
        prep = _project_region(kode, rect)
        names = place(prep.shapes, kode, rect, items, inside)
        packed = tuple(pack(r) for n in prep.naboer if n in prep.shapes for r in prep.shapes[n])
        return RegionMap(prep._replace(shapes={kode: prep.shapes[kode]}, packed=packed), names)

    return cached("regionmap", [], options, compute, RegionMap, keep=CACHE_KEEP)


def _label_ops(
    box: Box,
    c: Ctx,
    k: Kommune,
    items: Sequence[LabelBox],
    lines: Sequence[tuple[list[linebreak.Line], list[linebreak.Line]]],
    names: Sequence[Placed],
    line: Color,
) -> tuple[list[Op], list[str]]:
    """The names of a region map (and their leader lines), and the names left out. The own
    name set inside the municipality is in the border colour (`line`); a name set in two
    lines is two `TextOp`s, the first `continued`."""
    placed = {p.kode: p for p in names}
    own = box.header_style or box.label_style or "chart_label"
    nabo = box.label_style or "chart_label"
    lead = c.color(c.layout.styles[nabo].color)
    leaders: list[Op] = []
    texts: list[Op] = []
    dropped = []
    for it, (one, two) in zip(items, lines, strict=True):
        p = placed.get(it.kode)
        if p is None:
            dropped.append(register().get(it.kode).navn)
            continue
        st = c.layout.styles[own if it.kode == k.kode else nabo]
        color = line if p.inside else c.color(st.color)
        if p.leader is not None:
            leaders.append(LineOp(*p.leader, lead, LEADER_WIDTH))
        its_lines = two if p.lines == 2 and two else one
        for i, ln in enumerate(its_lines):
            base = p.y + p.h - INK_ABOVE * st.size - i * st.leading
            pieces = tuple(TextPiece(q.text, q.font, st.size, color, q.x) for q in ln.pieces)
            more = i + 1 < len(its_lines)
            texts.append(TextOp(p.x + (p.w - ln.width) / 2, base, pieces, ln.width, False, more))
    return leaders + texts, dropped


def plan_map(box: Box, c: Ctx, page_h: float, k: Kommune) -> Result:
    """The map box of one sheet: a Figure with generated alt text. A region view names the
    municipality and its land neighbours; its own name goes inside it, in the border colour,
    where it fits and that colour stands out from the highlight (WCAG 4.5:1), else next to
    it in its style's colour."""
    rect = tuple(round(v, 3) for v in box.rect_pt(page_h))
    assert len(rect) == 4
    names = [*box.colors, "", "", ""]
    land = c.color(names[0]) if names[0] else LAND
    line = c.color(names[1]) if names[1] else GRAENSE
    omegn = c.color(names[2]) if names[2] else OMEGN
    hi = c.color(box.highlight or "brand")
    reg = register()
    naboer: list[int] = []
    if box.view == "region":
        naboer = sorted(land_naboer(k.kode), key=lambda n: collation_key(reg.get(n).navn))
        items, lines = _label_boxes(box, c, k, naboer)
        inside = _contrast(line, hi) >= INSIDE_CONTRAST
        rm = region_map(k.kode, rect, tuple(items), inside)
        prep, placed = rm.map, rm.names
    else:
        prep, items, lines, placed = project_map(box.view, k.kode, rect), [], [], ()
    mine = prep.shapes[k.kode]
    ops: list[Op] = []
    if prep.context:
        ops.append(PathOp((), omegn, line, prep.border, packed=prep.context))
    if prep.frame is not None:
        fx, fy, fw, fh = prep.frame
        ops.append(RectOp(fx, fy, fw, fh, fill=line, stroke=land, line_width=0.4))
    others = tuple(r for code, rings in prep.shapes.items() if code != k.kode for r in rings)
    if others or prep.packed:
        ops.append(PathOp(others, land, line, prep.border, packed=prep.packed))
    mb = geodata.bbox(mine)
    tiny = max(mb[2] - mb[0], mb[3] - mb[1]) < TINY
    ops.append(PathOp(mine, hi, None if tiny else line, prep.border))
    if tiny:
        ops.append(PathOp((_marker(tuple(mine), TINY),), None, hi, 0.7))
    note = ""
    if box.view == "region":
        label_ops, dropped = _label_ops(box, c, k, items, lines, placed, line)
        ops += label_ops
        if dropped:
            note = "names left out (no room): " + ", ".join(dropped)
    alt = map_alt(c, box, k, [reg.get(n).navn for n in naboer])
    node = Node("Figure", tuple(ops), alt=alt, box=box.id)
    return [node], [], BoxFit(box.page, box.id, 0.0, note=note)

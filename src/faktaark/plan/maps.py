"""Plan a `map` box: the municipality highlighted on a map of Denmark or of its region.

The layout says where the box is and which view it shows (`view = "danmark" | "region"`).
The municipality is filled in the highlight colour (`highlight`, default `brand`), the others
in a light grey (`colors[0]`) with thin borders (`colors[1]`, default white), no frame.
Denmark is shown with Bornholm in an inset; a region with the land around it in a lighter
grey (`colors[2]`, clipped to the box) and its neighbours named (`label_style`). A
municipality too small to see at the map's scale gets a ring around it.

Everything that depends only on the view and the box (projected, scaled, rounded rings,
label points, the inset frame, the neighbours) is prepared once per process and kept in the
per-user cache; a sheet only picks its shapes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from faktaark.core import resources
from faktaark.core.kommuner import Kommune, collation_key, register
from faktaark.core.units import Color
from faktaark.layout.model import Box
from faktaark.plan import geodata
from faktaark.plan.context import Ctx
from faktaark.plan.maplabels import place_labels
from faktaark.plan.model import BoxFit, Node, Op, PathOp, RectOp
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
REGION_PAD = 6.0  # pt: a region view keeps this far from the box edge (never clipped)


class ProjectedMap(NamedTuple):
    """One view in one box, in points: every shape it shows, and where labels go."""

    shapes: dict[int, tuple[geodata.Ring, ...]]  # the view's municipalities (inset ones shifted)
    context: tuple[geodata.Ring, ...]  # land outside the region, clipped to the box
    frame: Rect | None  # the inset's frame
    labels: dict[int, tuple[float, float]]
    border: float  # border line width (pt)
    level: str
    naboer: dict[int, tuple[int, ...]]  # the neighbours of the view's municipalities


def _clip(ring: geodata.Ring, r: Rect) -> geodata.Ring:
    """Sutherland-Hodgman: the part of a ring inside an axis-parallel rectangle."""
    x0, y0, x1, y1 = r[0], r[1], r[0] + r[2], r[1] + r[3]
    pts = list(ring)
    for axis, lim, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if not pts:
            break
        out: list[tuple[float, float]] = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            cin = cur[axis] >= lim if keep_above else cur[axis] <= lim
            pin = prev[axis] >= lim if keep_above else prev[axis] <= lim
            if cin != pin:
                t = (lim - prev[axis]) / (cur[axis] - prev[axis])
                p = (prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1]))
                out.append((round(p[0], 2), round(p[1], 2)))
            if cin:
                out.append(cur)
        pts = out
    return tuple(pts)


def _area(ring: geodata.Ring) -> float:
    """Unsigned area (shoelace formula), in square points."""
    twice = sum(ring[i - 1][0] * p[1] - p[0] * ring[i - 1][1] for i, p in enumerate(ring))
    return abs(twice) / 2


def _size(ring: geodata.Ring) -> float:
    b = geodata.bbox((ring,))
    return max(b[2] - b[0], b[3] - b[1])


def _visible(rings: Sequence[geodata.Ring]) -> tuple[geodata.Ring, ...]:
    """Drop specks too small to see, but never a municipality's last ring."""
    keep = tuple(r for r in rings if _size(r) >= SPECK)
    return keep or (max(rings, key=_size),)


@cache
def project_map(view: str, region: str, rect: Rect) -> ProjectedMap:
    """Project, place and scale a view into a box: once per process per view and box, and
    kept in the per-user cache (`faktaark.core.cache`, keyed by the shapes, the municipality
    register and the code), so that a single sheet reads it back instead of decoding,
    projecting and clipping the shapes."""
    from faktaark.core.cache import cached

    files = [resources.data_file(geodata.GEO_FILE), resources.data_file("kommuner.csv")]
    options = f"3\x1f{view}\x1f{region}\x1f{rect!r}"  # 3: land neighbours, label anchors, detail
    return cached("map", files, options, lambda: _project(view, region, rect), ProjectedMap)


def _project(view: str, region: str, rect: Rect) -> ProjectedMap:
    at = geodata.atlas()
    bx, by, bw, bh = rect
    pad = REGION_PAD if view == "region" else 0.0  # a region is drawn whole, inside the box
    x, y, w, h = bx + pad, by + pad, bw - 2 * pad, bh - 2 * pad
    main, inset = geodata.view_codes(view, region)
    level = next(iter(at.levels))
    for _ in range(2):  # pick the level of detail from the scale it will be drawn at
        ext = geodata.union(at.shape(c).bbox(level) for c in main)
        ins: geodata.Inset | None = None
        if inset:
            main_rings = [r for c in main for r in at.shape(c).rings[level]]
            ib = geodata.union(at.shape(c).bbox(level) for c in inset)
            ins = geodata.place_inset(main_rings, ib, w, h)
            ext = geodata.union((ext, ins.frame))
        tr = geodata.fit(ext, x, y, w, h)
        limit = COARSE if view == "danmark" else REGION_COARSE
        fine_enough = [lv for lv, tol in at.levels.items() if tr.s * tol <= limit]
        want = fine_enough[0] if fine_enough else list(at.levels)[-1]
        if want == level:
            break
        level = want
    t_in = tr
    frame = None
    if ins is not None:
        t_in = geodata.Transform(
            tr.s * ins.k, tr.dx + tr.s * ins.shift[0], tr.dy + tr.s * ins.shift[1]
        )
        fx0, fy0 = tr.point(ins.frame[0], ins.frame[1])
        fx1, fy1 = tr.point(ins.frame[2], ins.frame[3])
        frame = (round(fx0, 2), round(fy0, 2), round(fx1 - fx0, 2), round(fy1 - fy0, 2))
    shapes: dict[int, tuple[geodata.Ring, ...]] = {}
    labels: dict[int, tuple[float, float]] = {}
    for c in (*main, *inset):
        sh = at.shape(c)
        t = tr if c in main else t_in
        shapes[c] = _visible([t.ring(r) for r in sh.rings[level]])
        labels[c] = t.point(*sh.label)
    context: list[geodata.Ring] = []
    if view == "region":  # the land around the region, cut at the box's edges
        for c, sh in at.shapes.items():
            if c in shapes:
                continue
            b = sh.bbox(level)  # without decoding the shapes the box does not show
            (bx0, by0), (bx1, by1) = tr.point(b[0], b[1]), tr.point(b[2], b[3])
            if bx1 < bx or bx0 > bx + bw or by1 < by or by0 > by + bh:
                continue
            parts = [cl for r in sh.rings[level] if _area(cl := _clip(tr.ring(r), rect)) >= 0.5]
            context += parts
            lx, ly = tr.point(*sh.label)
            if bx <= lx <= bx + bw and by <= ly <= by + bh:
                labels[c] = (lx, ly)
            elif parts:  # the label point is off the box: the middle of what the box shows
                big = max(parts, key=_area)
                labels[c] = (sum(p[0] for p in big) / len(big), sum(p[1] for p in big) / len(big))
    border = 0.25 if view == "danmark" else 0.4
    naboer = {c: geodata.land_naboer(c) for c in shapes}  # land borders only: no neighbours at sea
    return ProjectedMap(shapes, tuple(context), frame, labels, border, level, naboer)


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


def plan_map(box: Box, c: Ctx, page_h: float, k: Kommune) -> Result:
    """The map box of one sheet: a Figure with generated alt text."""
    rect = tuple(round(v, 3) for v in box.rect_pt(page_h))
    assert len(rect) == 4
    prep = project_map(box.view, k.region if box.view == "region" else "", rect)
    names = [*box.colors, "", "", ""]
    land = c.color(names[0]) if names[0] else LAND
    line = c.color(names[1]) if names[1] else GRAENSE
    omegn = c.color(names[2]) if names[2] else OMEGN
    hi = c.color(box.highlight or "brand")
    mine = prep.shapes[k.kode]
    ops: list[Op] = []
    if prep.context:
        ops.append(PathOp(prep.context, omegn, line, prep.border))
    if prep.frame is not None:
        fx, fy, fw, fh = prep.frame
        ops.append(RectOp(fx, fy, fw, fh, fill=line, stroke=land, line_width=0.4))
    others = tuple(r for code, rings in prep.shapes.items() if code != k.kode for r in rings)
    ops.append(PathOp(others, land, line, prep.border))
    mb = geodata.bbox(mine)
    tiny = max(mb[2] - mb[0], mb[3] - mb[1]) < TINY
    ops.append(PathOp(mine, hi, None if tiny else line, prep.border))
    if tiny:
        ops.append(PathOp((_marker(tuple(mine), TINY),), None, hi, 0.7))
    reg = register()
    naboer = sorted(prep.naboer[k.kode], key=lambda n: collation_key(reg.get(n).navn))
    names_out = [reg.get(n).navn for n in naboer]
    note = ""
    if box.view == "region":
        in_inset = k.kode in geodata.view_codes(box.view, k.region)[1]
        avoid = [prep.frame] if prep.frame and not in_inset else []
        keep_off = [*mine, *ops[-1].rings] if tiny and isinstance(ops[-1], PathOp) else mine
        own = box.header_style or box.label_style or "chart_label"
        nabo = box.label_style or "chart_label"
        items = [(k.kode, own)] + [(n, nabo) for n in naboer if n in prep.labels]
        label_ops, dropped = place_labels(box, c, prep.labels, items, rect, avoid, keep_off)
        ops += label_ops
        if dropped:
            note = "navne udeladt (ingen plads): " + ", ".join(dropped)
    alt = map_alt(c, box, k, names_out)
    node = Node("Figure", tuple(ops), alt=alt, box=box.id)
    return [node], [], BoxFit(box.page, box.id, 0.0, note=note)

"""The proof rules of the regional map (issue 22): what a cartographer checks by eye, measured
on every sheet of every layout with a region map (`view = "region"`).

- `kort_udsnit`: the map is framed on the municipality: it spans at least a sixth of the
  map's width (not the smallest thing on a map of the whole region) and lies wholly on it;
- `kort_indsaet`: an inset only when the view needs it: it shows the municipality or a
  named neighbour;
- `kort_navn_sted`: each name stands in its own area (its middle inside it) or next to it
  with a leader line into it; the municipality's own name inside it or next to it; every
  name inside the map;
- `kort_hjaelpelinje`: a leader line is at most `MAX_LEADER_MM` long;
- `kort_krydser`: a leader line crosses no name (the municipality's own included) and no
  other leader line;
- `kort_over`: a neighbour's leader line does not run across the highlighted municipality
  (unless the neighbour is an enclave of it, as Frederiksberg of København: then every way
  in does);
- `kort_afstand`: two names are at least `MIN_GAP_MM` apart (never touching, never read as
  one);
- `kort_skrift`: every name at least `MIN_SIZE` pt;
- `kort_kontrast`: a name stands out from what it is set on (4.5:1): the own name inside the
  highlighted municipality, the others on the grey of the land.

A name set in two lines ("Ringkøbing-" over "Skjern", `TextOp.continued`) is one name to
every rule: its box holds both lines (`maplabels.label_runs`).

The map is read from the plan as drawn (names, leader lines, the highlighted shape, insets);
where each named municipality lies comes from the same projection the planner drew
(`faktaark.plan.maps.project_map`). `map_views(sheet)` is what the rules read; the measures
(`MapView.share`, `gaps`, `leaders`) are what `bench` and the tests report.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

from faktaark.core.kommuner import register
from faktaark.core.units import MM, Color
from faktaark.plan import geodata, maps
from faktaark.plan.mapgeom import (
    in_outline,
    in_shape,
    rect_gap,
    segment_hits_rect,
    segments_cross,
    within_shape,
)
from faktaark.plan.maplabels import INK_ABOVE, INK_BELOW, label_runs
from faktaark.plan.model import LineOp, Node, PathOp, RectOp, TextOp
from faktaark.review.composition import contrast
from faktaark.review.proof import Finding, Sheet, rule

__all__ = [
    "MAX_LEADER_MM",
    "MIN_CONTRAST",
    "MIN_GAP_MM",
    "MIN_SHARE",
    "MIN_SIZE",
    "NEXT_TO_MM",
    "Label",
    "MapView",
    "map_views",
]

MIN_SHARE = 1 / 6  # of the map's width: the municipality spans at least this
MIN_SIZE = 7.0  # pt: the least size of a name on the map
MIN_GAP_MM = 1.5  # between two names
MAX_LEADER_MM = 10.0  # the longest leader line
NEXT_TO_MM = 3.0  # the own name, outside the municipality, at most this far from it
LEADER_TOUCH = 2.5  # pt: a leader line starts this close to its name, at most
MIN_CONTRAST = 4.5  # WCAG 2.1 1.4.3: text against what it is set on

Rect = tuple[float, float, float, float]  # x, y, w, h in points
Segment = tuple[float, float, float, float]


class Label(NamedTuple):
    name: str
    kode: int | None  # None: not a municipality's name
    ink: Rect  # the box the letters fill (of both lines, for a name set in two)
    size: float
    color: Color


class MapView(NamedTuple):
    """One region map on a sheet, as drawn."""

    page: int
    box: str
    rect: Rect  # the map box
    kode: int  # the municipality
    subject: tuple[geodata.Ring, ...]  # its highlighted shape
    highlight: Color
    land: Color  # the grey of the named neighbours
    labels: tuple[Label, ...]
    leaders: tuple[Segment, ...]
    insets: tuple[Rect, ...]
    areas: dict[int, tuple[geodata.Ring, ...]]  # each named municipality's area as drawn

    @property
    def share(self) -> float:
        """How much of the map's width the municipality spans."""
        b = geodata.bbox(self.subject)
        return (b[2] - b[0]) / self.rect[2]

    def gaps(self) -> Iterator[tuple[Label, Label, float]]:
        for i, a in enumerate(self.labels):
            for b in self.labels[i + 1 :]:
                yield a, b, rect_gap(a.ink, b.ink)

    def owner(self, s: Segment) -> Label | None:
        """The name a leader line starts at."""
        near = [(rect_gap(lb.ink, (s[0], s[1], 0, 0)), lb) for lb in self.labels]
        d, lb = min(near, key=lambda t: t[0], default=(math.inf, None))
        return lb if d <= LEADER_TOUCH else None


def _ink(op: TextOp) -> Rect:
    size = max(p.size for p in op.pieces)
    return (op.x, op.y - INK_BELOW * size, op.width, (INK_BELOW + INK_ABOVE) * size)


def _label(run: tuple[TextOp, ...], names: dict[str, int]) -> Label:
    """One name as drawn: its lines read as one name, their ink boxes as one."""
    inks = [_ink(op) for op in run]
    x0, y0 = min(r[0] for r in inks), min(r[1] for r in inks)
    x1, y1 = max(r[0] + r[2] for r in inks), max(r[1] + r[3] for r in inks)
    name = Node("", run).text
    size = min(p.size for op in run for p in op.pieces)
    return Label(name, names.get(name), (x0, y0, x1 - x0, y1 - y0), size, run[0].pieces[0].color)


def map_views(s: Sheet) -> list[MapView]:
    """Every region map of a sheet."""
    out: list[MapView] = []
    reg = register()
    names = {k.navn: k.kode for k in reg}
    for page in s.plan.pages:
        for top in page.content:
            for n in top.walk():
                box = s.box(n.box)
                if n.role != "Figure" or box is None or box.kind != "map" or box.view != "region":
                    continue
                out.append(_view(s, n, page.number, names))
    return out


def _view(s: Sheet, n: Node, page: int, names: dict[str, int]) -> MapView:
    box = s.box(n.box)
    assert box is not None
    rect = tuple(round(v, 3) for v in box.rect_pt(s.layout.height))
    assert len(rect) == 4
    hi = s.layout.colors[box.highlight or "brand"]
    land = s.layout.colors[box.colors[0]] if box.colors else maps.LAND
    mine = [op for op in n.ops if isinstance(op, PathOp) and op.fill == hi]
    labels = tuple(_label(run, names) for run in label_runs(n.ops))
    leaders = tuple(
        (op.x1, op.y1, op.x2, op.y2) for op in n.ops if isinstance(op, LineOp)
    )  # fmt: skip
    insets = tuple((op.x, op.y, op.w, op.h) for op in n.ops if isinstance(op, RectOp))
    kode = s.plan.kommunekode
    prep = maps.project_map("region", kode, rect)
    areas = {c: rings for c, rings in prep.shapes.items() if c != kode}
    subject = mine[-1].rings if mine else ()
    return MapView(page, n.box, rect, kode, subject, hi, land, labels, leaders, insets, areas)


def _finding(s: Sheet, rule_id: str, v: MapView, detail: str) -> Finding:
    return Finding(rule_id, s.layout.name, s.label, v.page, v.box, "", detail)


@rule("kort_udsnit", "The regional map is not framed on the municipality (under 1/6 of its "
      "width, or cut by its edge)", hard=True)  # fmt: skip
def framing(s: Sheet) -> Iterator[Finding]:
    for v in map_views(s):
        if not v.subject:
            continue
        if v.share < MIN_SHARE:
            detail = f"the municipality spans {v.share:.0%} of the map's width"
            yield _finding(s, "kort_udsnit", v, detail)
        b = geodata.bbox(v.subject)
        x, y, w, h = v.rect
        if b[0] < x - 0.2 or b[1] < y - 0.2 or b[2] > x + w + 0.2 or b[3] > y + h + 0.2:
            yield _finding(s, "kort_udsnit", v, "the municipality is cut by the map's edge")


@rule("kort_indsaet", "The regional map has an inset that shows no named municipality",
      hard=True)  # fmt: skip
def inset(s: Sheet) -> Iterator[Finding]:
    for v in map_views(s):
        for f in v.insets:
            pts = [p for r in v.subject for p in r]
            pts += [(lb.ink[0] + lb.ink[2] / 2, lb.ink[1] + lb.ink[3] / 2) for lb in v.labels]
            pts += [(s_[2], s_[3]) for s_ in v.leaders]
            if not any(f[0] <= x <= f[0] + f[2] and f[1] <= y <= f[1] + f[3] for x, y in pts):
                yield _finding(s, "kort_indsaet", v, "an inset that shows no named municipality")


def _near(r: Rect, rings: tuple[geodata.Ring, ...]) -> float:
    """The distance from a rectangle to a shape's outline (0 when they meet)."""
    best = math.inf
    for ring in rings:
        for i in range(len(ring)):
            a, b = ring[i - 1], ring[i]
            if segment_hits_rect(a, b, r):
                return 0.0
            for px, py in (a, b):
                best = min(best, rect_gap(r, (px, py, 0.0, 0.0)))
    return best


@rule("kort_navn_sted", "A name on the regional map stands away from its area", hard=True)
def placement(s: Sheet) -> Iterator[Finding]:
    for v in map_views(s):
        x, y, w, h = v.rect
        led = {}
        for seg in v.leaders:
            lb = v.owner(seg)
            if lb is not None:
                led[lb.name] = seg
        for lb in v.labels:
            r = lb.ink
            if (
                r[0] < x - 0.01
                or r[1] < y - 0.01
                or r[0] + r[2] > x + w + 0.01
                or r[1] + r[3] > y + h + 0.01
            ):
                yield _finding(s, "kort_navn_sted", v, f"{lb.name} is cut by the map's edge")
            area = v.subject if lb.kode == v.kode else v.areas.get(lb.kode or -1, ())
            line = led.get(lb.name)
            if line is not None and in_shape(line[2], line[3], area):
                continue
            mid = (r[0] + r[2] / 2, r[1] + r[3] / 2)
            if lb.kode == v.kode:
                if within_shape(r, area) or _near(r, area) <= NEXT_TO_MM * MM:
                    continue
                yield _finding(
                    s, "kort_navn_sted", v, f"{lb.name} stands away from the municipality"
                )
            elif not in_shape(*mid, area):
                yield _finding(s, "kort_navn_sted", v, f"{lb.name} stands outside its area")


@rule("kort_hjaelpelinje", "A leader line on the regional map is longer than 10 mm", hard=True)
def leader_length(s: Sheet) -> Iterator[Finding]:
    for v in map_views(s):
        for seg in v.leaders:
            d = math.hypot(seg[2] - seg[0], seg[3] - seg[1]) / MM
            if d > MAX_LEADER_MM:
                lb = v.owner(seg)
                who = lb.name if lb else "a name"
                yield _finding(s, "kort_hjaelpelinje", v, f"the leader line of {who} is {d:.1f} mm")


@rule("kort_krydser", "A leader line crosses a name or another leader line", hard=True)
def crossings(s: Sheet) -> Iterator[Finding]:
    for v in map_views(s):
        for i, seg in enumerate(v.leaders):
            mine = v.owner(seg)
            who = mine.name if mine else "a name"
            for lb in v.labels:
                if lb is not mine and segment_hits_rect(seg[:2], seg[2:], lb.ink):
                    whose = " (the municipality's own)" if lb.kode == v.kode else ""
                    detail = f"the leader line of {who} crosses {lb.name}{whose}"
                    yield _finding(s, "kort_krydser", v, detail)
            for other in v.leaders[i + 1 :]:
                if segments_cross(seg, other):
                    theirs = v.owner(other)
                    detail = f"the leader lines of {who} and {theirs.name if theirs else 'a name'}"
                    yield _finding(s, "kort_krydser", v, detail + " cross")


@rule("kort_over", "A neighbour's leader line runs across the highlighted municipality",
      hard=True)  # fmt: skip
def across_subject(s: Sheet) -> Iterator[Finding]:
    for v in map_views(s):
        for seg in v.leaders:
            lb = v.owner(seg)
            if lb is None or lb.kode is None or lb.kode == v.kode:
                continue
            steps = [(seg[0] + (seg[2] - seg[0]) * t / 20, seg[1] + (seg[3] - seg[1]) * t / 20)
                     for t in range(1, 20)]  # fmt: skip
            if not any(in_shape(x, y, v.subject) for x, y in steps):
                continue
            area = v.areas.get(lb.kode, ())
            if area and all(in_outline(x, y, v.subject) for ring in area for x, y in ring):
                continue  # an enclave: every way in crosses the municipality around it
            detail = f"the leader line of {lb.name} runs across the highlighted municipality"
            yield _finding(s, "kort_over", v, detail)


@rule("kort_afstand", "Two names on the regional map are closer than 1.5 mm", hard=True)
def gaps(s: Sheet) -> Iterator[Finding]:
    for v in map_views(s):
        for a, b, d in v.gaps():
            if d < MIN_GAP_MM * MM:
                detail = f"{a.name} and {b.name} are {d / MM:.1f} mm apart"
                yield _finding(s, "kort_afstand", v, detail)


@rule("kort_skrift", "A name on the regional map is set under 7 pt", hard=True)
def sizes(s: Sheet) -> Iterator[Finding]:
    for v in map_views(s):
        for lb in v.labels:
            if lb.size < MIN_SIZE - 1e-6:
                yield _finding(s, "kort_skrift", v, f"{lb.name} in {lb.size:g} pt")


@rule("kort_kontrast", "A name on the regional map does not stand out from what it is set on",
      hard=True)  # fmt: skip
def legible(s: Sheet) -> Iterator[Finding]:
    for v in map_views(s):
        for lb in v.labels:
            under = v.highlight if within_shape(lb.ink, v.subject) else v.land
            ratio = contrast(lb.color, under)
            if ratio < MIN_CONTRAST:
                detail = f"{lb.name} in {lb.color.name} on {under.name}: {ratio:.1f}:1"
                yield _finding(s, "kort_kontrast", v, detail)

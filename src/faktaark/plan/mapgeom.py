"""Geometry on a map, in points: a ring cut at a box's edges and its area; a point in a
shape, a segment across a rectangle or another segment, a rectangle on, within or near a
shape. Shared by the planner (`maps`, `maplabels`) and the proof rules
(`faktaark.review.proof_maps`, `composition`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from faktaark.plan import geodata

__all__ = [
    "area",
    "clip",
    "grow",
    "in_outline",
    "in_shape",
    "nearest_on",
    "on_shape",
    "overlaps",
    "pack",
    "rect_gap",
    "segment_hits_rect",
    "segments_cross",
    "within_shape",
]

Rect = tuple[float, float, float, float]  # x, y, w, h in points
Segment = tuple[float, float, float, float]  # x1, y1, x2, y2


def _inside(px: float, py: float, ring: geodata.Ring) -> bool:
    """Even-odd point-in-polygon test."""
    hit = False
    j = len(ring) - 1
    for i in range(len(ring)):
        (xi, yi), (xj, yj) = ring[i], ring[j]
        if (yi > py) != (yj > py) and px < (xj - xi) * (py - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def in_shape(px: float, py: float, rings: Sequence[geodata.Ring]) -> bool:
    """Whether a point lies in a shape (even-odd over all its rings, as it is filled)."""
    return sum(_inside(px, py, r) for r in rings) % 2 == 1


def in_outline(px: float, py: float, rings: Sequence[geodata.Ring]) -> bool:
    """Whether a point lies within a shape's outline, its holes counted in (an enclave lies
    within the outline of the municipality around it)."""
    return any(_inside(px, py, r) for r in rings)


def segment_hits_rect(a: tuple[float, float], b: tuple[float, float], r: Rect) -> bool:
    """Whether the segment a-b meets the rectangle (Liang-Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - r[0]), (dx, r[0] + r[2] - a[0]),
                 (-dy, a[1] - r[1]), (dy, r[1] + r[3] - a[1])):  # fmt: skip
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
    return True


def segments_cross(s: Segment, t: Segment) -> bool:
    """Whether two segments meet (touching counts)."""

    def orient(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:
        return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)

    d1 = orient(t[0], t[1], t[2], t[3], s[0], s[1])
    d2 = orient(t[0], t[1], t[2], t[3], s[2], s[3])
    d3 = orient(s[0], s[1], s[2], s[3], t[0], t[1])
    d4 = orient(s[0], s[1], s[2], s[3], t[2], t[3])
    if ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 and d2 and d3 and d4:
        return True
    # collinear or touching: an end of one on the other
    for px, py, seg in ((t[0], t[1], s), (t[2], t[3], s), (s[0], s[1], t), (s[2], s[3], t)):
        o = orient(seg[0], seg[1], seg[2], seg[3], px, py)
        if abs(o) < 1e-9 and segment_hits_rect((px, py), (px, py), _bounds(seg)):
            return True
    return False


def _bounds(s: Segment) -> Rect:
    return (min(s[0], s[2]), min(s[1], s[3]), abs(s[2] - s[0]), abs(s[3] - s[1]))


def on_shape(r: Rect, rings: Sequence[geodata.Ring]) -> bool:
    """Whether a rectangle (x, y, w, h) covers any part of a shape: its outline or inside."""
    for ring in rings:
        b = geodata.bbox((ring,))
        if b[0] > r[0] + r[2] or b[2] < r[0] or b[1] > r[1] + r[3] or b[3] < r[1]:
            continue
        if _inside(r[0] + r[2] / 2, r[1] + r[3] / 2, ring):
            return True
        if any(segment_hits_rect(ring[i - 1], ring[i], r) for i in range(len(ring))):
            return True
    return False


def within_shape(r: Rect, rings: Sequence[geodata.Ring]) -> bool:
    """Whether a rectangle lies wholly inside a shape: its middle inside, no edge across it."""
    if not in_shape(r[0] + r[2] / 2, r[1] + r[3] / 2, rings):
        return False
    return not any(
        segment_hits_rect(ring[i - 1], ring[i], r) for ring in rings for i in range(len(ring))
    )


def rect_gap(a: Rect, b: Rect) -> float:
    """The distance between two rectangles (0 when they touch or overlap)."""
    dx = max(b[0] - (a[0] + a[2]), a[0] - (b[0] + b[2]), 0.0)
    dy = max(b[1] - (a[1] + a[3]), a[1] - (b[1] + b[3]), 0.0)
    return math.hypot(dx, dy)


def overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def grow(r: Rect, d: float) -> Rect:
    """The rectangle grown by `d` on every side."""
    return (r[0] - d, r[1] - d, r[2] + 2 * d, r[3] + 2 * d)


def nearest_on(r: Rect, px: float, py: float) -> tuple[float, float]:
    """The point of a rectangle nearest (px, py)."""
    return (min(max(px, r[0]), r[0] + r[2]), min(max(py, r[1]), r[1] + r[3]))


def clip(ring: geodata.Ring, r: Rect) -> geodata.Ring:
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


def area(ring: geodata.Ring) -> float:
    """Unsigned area (shoelace formula), in square points."""
    twice = sum(ring[i - 1][0] * p[1] - p[0] * ring[i - 1][1] for i, p in enumerate(ring))
    return abs(twice) / 2


def pack(ring: geodata.Ring) -> str:
    """A ring as text, `x y|x y|...` with two decimals (`PathOp.packed`)."""
    return "|".join(map("%.2f %.2f".__mod__, ring))

"""Names on a map: where the municipality's and its neighbours' names go, never on each other
or on the highlighted shape, with a leader line when a name had to move from its point.

`on_shape` is the exact test (a rectangle against a shape's outline and inside), used by the
composition check; `Footprint` is the fast, conservative one the planner places names with.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from faktaark.core.kommuner import register
from faktaark.errors import FitError
from faktaark.layout.model import Box
from faktaark.plan import geodata
from faktaark.plan.context import Ctx
from faktaark.plan.model import LineOp, Op, TextOp, TextPiece
from faktaark.text import linebreak
from faktaark.text.fonts import ensure_glyphs

__all__ = ["Footprint", "on_shape", "overlaps", "place_labels"]

Rect = tuple[float, float, float, float]  # x, y, w, h in points


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


def _crosses(a: tuple[float, float], b: tuple[float, float], r: Rect) -> bool:
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


def on_shape(r: Rect, rings: Sequence[geodata.Ring]) -> bool:
    """Whether a rectangle (x, y, w, h) covers any part of a shape: its outline or inside."""
    for ring in rings:
        b = geodata.bbox((ring,))
        if b[0] > r[0] + r[2] or b[2] < r[0] or b[1] > r[1] + r[3] or b[3] < r[1]:
            continue
        if _inside(r[0] + r[2] / 2, r[1] + r[3] / 2, ring):
            return True
        if any(_crosses(ring[i - 1], ring[i], r) for i in range(len(ring))):
            return True
    return False


class Footprint:
    """Where a shape lies on a grid of `cell`-point squares (inside and outline), so that a
    label's rectangle is tested against it with a few lookups, not against every edge. It
    errs on the safe side: a rectangle within a cell of the shape counts as on it."""

    def __init__(self, rings: Sequence[geodata.Ring], cell: float = 2.0) -> None:
        b = geodata.bbox(rings)
        self.x0, self.y0, self.cell = b[0] - cell, b[1] - cell, cell
        self.cols = int((b[2] - self.x0) / cell) + 2
        nrows = int((b[3] - self.y0) / cell) + 2
        self.rows = [bytearray(self.cols) for _ in range(nrows)]
        crossings: list[list[float]] = [[] for _ in range(nrows)]
        rows, x0, y0 = self.rows, self.x0, self.y0
        for ring in rings:
            for i in range(len(ring)):
                (ax, ay), (bx, by) = ring[i - 1], ring[i]
                rows[int((ay - y0) / cell)][int((ax - x0) / cell)] = 1  # the outline
                steps = int(max(abs(bx - ax), abs(by - ay)) / cell)
                for k in range(1, steps + 1):  # a long edge, a cell at a time
                    f = k / (steps + 1)
                    rows[int((ay + (by - ay) * f - y0) / cell)][
                        int((ax + (bx - ax) * f - x0) / cell)
                    ] = 1
                if ay == by:
                    continue
                lo, hi = (ay, by) if ay < by else (by, ay)
                r0 = max(int((lo - self.y0) / cell - 0.5) + 1, 0)
                r1 = min(int((hi - self.y0) / cell - 0.5), nrows - 1)
                for r in range(r0, r1 + 1):  # where the edge crosses each row's middle
                    yc = self.y0 + (r + 0.5) * cell
                    if lo <= yc < hi:
                        crossings[r].append(ax + (bx - ax) * (yc - ay) / (by - ay))
        for r, xs in enumerate(crossings):  # even-odd: inside between pairs of crossings
            xs.sort()
            row = self.rows[r]
            for a, bb in zip(xs[::2], xs[1::2], strict=False):
                c0, c1 = int((a - self.x0) / cell), int((bb - self.x0) / cell)
                row[c0 : c1 + 1] = b"\x01" * (c1 - c0 + 1)

    def covers(self, rect: Rect) -> bool:
        """Whether the rectangle (x, y, w, h) touches the shape."""
        cell = self.cell
        c0 = max(int((rect[0] - self.x0) / cell), 0)
        c1 = min(int((rect[0] + rect[2] - self.x0) / cell), self.cols - 1)
        r0 = max(int((rect[1] - self.y0) / cell), 0)
        r1 = min(int((rect[1] + rect[3] - self.y0) / cell), len(self.rows) - 1)
        if c0 > c1:
            return False
        return any(self.rows[r].find(1, c0, c1 + 1) != -1 for r in range(r0, r1 + 1))


_DIRS = tuple(
    (math.cos(math.radians(a)), math.sin(math.radians(a)))
    for a in (90, 270, 0, 180, 45, 135, 315, 225, 20, 160, 340, 200, 70, 110, 250, 290)
)


def place_labels(
    box: Box,
    c: Ctx,
    anchors: Mapping[int, tuple[float, float]],
    items: Sequence[tuple[int, str]],
    rect: Rect,
    avoid: Sequence[Rect],
    keep_off: Sequence[geodata.Ring],
) -> tuple[list[Op], list[str]]:
    """Names at their label points or, when that spot is taken, at the nearest free spot
    around it (with a thin leader line when it moved away), inside the box, never on each
    other, on what `avoid` lists (the inset frame) or on the highlighted shape
    (`keep_off`). `items` are (code, style name). A name that finds no spot is reported."""
    x, y, w, h = rect
    taken: list[Rect] = list(avoid)
    ops: list[Op] = []
    leaders: list[Op] = []
    dropped: list[str] = []
    where = f'{c.layout.name}, {c.kommune}, side {box.page}, boks "{box.id}"'
    lead_color = c.color(c.layout.styles[box.label_style or "chart_label"].color)
    foot = Footprint(keep_off)
    for kode, style in items:
        st = c.layout.styles[style]
        color = c.color(st.color)
        name = register().get(kode).navn
        ensure_glyphs(name, st.font, where)
        span = linebreak.Span(name, st.font, hyphenate=False)
        try:
            lines = linebreak.break_lines([span], st.size, w, c.metrics, hyphenate=False)
        except linebreak.Overflow as exc:
            raise FitError(
                c.layout.name, c.kommune, box.page, box.id,
                f'"{exc.word}" er {exc.width - exc.room:.0f} pt for bredt til kortet',
            ) from None  # fmt: skip
        lw = max(ln.width for ln in lines)
        lh = len(lines) * st.leading
        ax, ay = anchors[kode]
        spot = None
        step = lh * 0.9
        for ring in range(0, 9):
            for ux, uy in _DIRS if ring else ((0.0, 0.0),):
                dist = ring * step
                cx = ax + ux * (dist + lw / 2 * abs(ux))
                cy = ay + uy * (dist + lh / 2 * abs(uy))
                lx = min(max(cx - lw / 2, x + 0.8), x + w - lw - 0.8)
                top = min(max(cy + lh / 2, y + lh), y + h)
                r = (lx - 0.8, top - lh, lw + 1.6, lh)
                if lh > h or any(overlaps(r, t) for t in taken) or foot.covers(r):
                    continue
                spot = (lx, top, r)
                break
            if spot is not None:
                break
        if spot is None:
            dropped.append(name)
            continue
        lx, top, r = spot
        taken.append(r)
        # a name moved off its point points back at it
        nx = min(max(ax, r[0]), r[0] + r[2])
        ny = min(max(ay, r[1]), r[1] + r[3])
        if math.hypot(nx - ax, ny - ay) > 3.0:
            leaders.append(LineOp(nx, ny, ax, ay, lead_color, 0.35))
        for i, ln in enumerate(lines):
            base = top - i * st.leading - (st.leading + st.size * 0.61) / 2
            pieces = tuple(TextPiece(p.text, p.font, st.size, color, p.x) for p in ln.pieces)
            ops.append(TextOp(lx + (lw - ln.width) / 2, base, pieces, ln.width))
    return leaders + ops, dropped


def overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]

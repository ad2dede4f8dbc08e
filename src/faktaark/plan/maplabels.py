"""Names on a region map: the municipality's own name inside it where it fits (in one line,
else in two, broken after a hyphen or at a space; else next to it), each neighbour's name
inside its own area (in two lines where one does not fit), as near the municipality as there
is room; an area too narrow for its name gets it over its edge (most of it on the area) or
next to it with a short leader line into it.

Placement is greedy on a grid (`mapgrid`): the own name first, then the neighbours, the one
with the fewest free spots first. A name never touches the highlighted municipality (unless
it is the own name, wholly inside), another name (`GAP` apart; `OWN_CLEAR` from the own name
set outside), a leader line, or the box's edge; a leader line never crosses a name or
another leader line and is at most `MAX_LEADER` long. A name that finds no spot is left
out (and reported). The geometry is `mapgeom`'s, shared with the proof rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from faktaark.plan import geodata
from faktaark.plan.mapgeom import Rect, Segment, grow, nearest_on, segment_hits_rect, segments_cross
from faktaark.plan.mapgrid import Grid, Mask
from faktaark.plan.model import TextOp

__all__ = [
    "GAP",
    "INK_ABOVE",
    "INK_BELOW",
    "MAX_LEADER",
    "LabelBox",
    "Placed",
    "label_runs",
    "place",
]

INK_BELOW, INK_ABOVE = 0.22, 0.75  # of the font size: the ink box around a baseline
CELL = 2.0  # pt: the grid the names are placed on
EDGE = 2.0  # pt: names keep this far from the box's edge
GAP = 6.0  # pt: between two names, at least
OWN_CLEAR = 10.0  # pt: between the own name, set outside the municipality, and the others
OWN_GAP = 1  # cells (2 pt): the own name from the municipality's outline, at least
NABO_GAP = 2  # cells (4 pt): a neighbour's name from the municipality's outline, at least
OWN_INSET = 2  # cells (4 pt): the own name set inside the municipality keeps off its outline
OWN_NEAR = (2, 4, 7, 11)  # cells: how far the own name may stand off, nearest first
BODY = 0.25  # a part of the municipality at least this share of its largest part's size
LEADER_GAP = 1.0  # pt between a leader line and its name
LEADER_MIN = 6.0  # pt: a leader line at least this long (shorter reads as a dash, not a line)
MOSTLY = 0.6  # a name over its area's edge has at least this share of itself in the area
MAX_LEADER = 28.0  # pt (about 10 mm): a leader line is at most this long


class LabelBox(NamedTuple):
    """A name to place: its lines' widths, font size and leading (points), and the widths of
    its two lines where it may be set in two (`split`; empty when it has no place to break:
    a hyphen, kept on the first line, or a space)."""

    kode: int
    widths: tuple[float, ...]
    size: float
    leading: float
    split: tuple[float, ...] = ()

    def in_two(self) -> LabelBox:
        """The name set in its two lines (`split`)."""
        return self._replace(widths=self.split, split=())

    @property
    def w(self) -> float:
        return max(self.widths)

    @property
    def h(self) -> float:
        return (len(self.widths) - 1) * self.leading + (INK_BELOW + INK_ABOVE) * self.size


class Placed(NamedTuple):
    """Where a name went: its ink box (x, y = lower left) and its leader line, if any."""

    kode: int
    x: float
    y: float
    w: float
    h: float
    leader: Segment | None
    inside: bool = False  # the own name, set inside the municipality (in a light colour)
    lines: int = 1  # 2: set in two lines (`LabelBox.split`), centred on each other


# ---------------------------------------------------------------- placement


class _State:
    """What is placed so far on one map."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.taken: Mask = grid.empty()  # cells a new name must not touch
        self.rects: list[Rect] = []
        self.leaders: list[Segment] = []

    def free(self, r: Rect, leader: Segment | None) -> bool:
        """A name at `r` with `leader` crosses no leader and no name placed so far."""
        if any(segment_hits_rect(s[:2], s[2:], grow(r, LEADER_GAP)) for s in self.leaders):
            return False
        if leader is not None:
            a, b = leader[:2], leader[2:]
            if any(segment_hits_rect(a, b, grow(o, LEADER_GAP)) for o in self.rects):
                return False
            if any(segments_cross(leader, s) for s in self.leaders):
                return False
        return True

    def add(self, p: Placed, gap: float = GAP) -> None:
        r = (p.x, p.y, p.w, p.h)
        self.rects.append(r)
        for row, bits in enumerate(self.grid.rect(grow(r, gap))):
            self.taken[row] |= bits
        if p.leader is not None:
            self.leaders.append(p.leader)


def _or(a: Mask, b: Mask) -> Mask:
    return [x | y for x, y in zip(a, b, strict=True)]


def _spots(ok: Mask) -> int:
    return sum(m.bit_count() for m in ok)


def _extent(ring: geodata.Ring) -> float:
    b = geodata.bbox((ring,))
    return max(b[2] - b[0], b[3] - b[1])


def _deepest(grid: Grid, mask: Mask, toward: tuple[float, float]) -> tuple[float, float]:
    """The point (a cell's centre) deepest inside the mask, the one nearest `toward` among
    the deepest."""
    last = mask
    while True:
        inner = grid.shrink(last)
        if not any(inner):
            break
        last = inner
    c, r = min(
        grid.cells(last),
        key=lambda cr: math.hypot(
            grid.x + (cr[0] + 0.5) * grid.cell - toward[0],
            grid.y + (cr[1] + 0.5) * grid.cell - toward[1],
        ),
    )
    return (grid.x + (c + 0.5) * grid.cell, grid.y + (r + 0.5) * grid.cell)


class _Placer:
    """One map's names, placed one at a time."""

    def __init__(
        self, shapes: Mapping[int, Sequence[geodata.Ring]], kode: int, rect: Rect,
        naboer: Sequence[int],
    ) -> None:  # fmt: skip
        self.grid = grid = Grid(grow(rect, -EDGE), CELL)
        mine = shapes[kode]
        self.subj = grid.fill(mine, outline=True)
        # its body: the own name stands next to that, not next to an islet or a fort at sea
        big = max(_extent(r) for r in mine)
        body = [r for r in mine if _extent(r) >= BODY * big]
        self.body = grid.fill(body, outline=True)
        self.interior = grid.fill(body)
        self.sb = sb = geodata.bbox(body)
        self.centre = ((sb[0] + sb[2]) / 2, (sb[1] + sb[3]) / 2)
        self.keep_own = grid.grow(self.subj, OWN_GAP)
        self.keep_nabo = grid.grow(self.subj, NABO_GAP)
        self.areas = {n: grid.fill(shapes.get(n, ())) for n in naboer}
        self.inner = {n: grid.shrink(m) for n, m in self.areas.items()}
        self.st = _State(grid)

    def size(self, it: LabelBox) -> tuple[int, int]:
        return math.ceil(it.w / self.grid.cell), math.ceil(it.h / self.grid.cell)

    def at(self, it: LabelBox, c: int, r: int) -> Rect:
        x, y = self.grid.point(c, r)
        return (x, y, it.w, it.h)

    def _dist(self, it: LabelBox, c: int, r: int) -> float:
        wc, hc = self.size(it)
        x, y = self.grid.point(c + wc / 2, r + hc / 2)
        return math.hypot(x - self.centre[0], y - self.centre[1])

    def nabo_spots(self, it: LabelBox) -> Mask:
        """Where a neighbour's name lies wholly inside its area (a cell in from its border
        where there is room), off the municipality and every name so far."""
        g = self.grid
        wc, hc = self.size(it)
        bad = g.touching(_or(self.keep_nabo, self.st.taken), wc, hc)
        for area in (self.inner[it.kode], self.areas[it.kode]):
            ok = [a & ~b for a, b in zip(g.inside(area, wc, hc), bad, strict=True)]
            if any(ok):
                return ok
        return ok

    def in_area(self, it: LabelBox) -> Placed | None:
        """A neighbour's name wholly in its area, as near the municipality as there is room."""
        ok = self.nabo_spots(it)
        for c, r in sorted(self.grid.cells(ok), key=lambda cr: self._dist(it, *cr)):
            box = self.at(it, c, r)
            if self.st.free(box, None):
                return Placed(it.kode, *box, None, lines=len(it.widths))
        return None

    def nabo(self, it: LabelBox) -> Placed | None:
        """A neighbour's name in its area (in two lines where one does not fit), as near the
        municipality as there is room; else over its edge or next to it with a leader line."""
        p = self.in_area(it) or (self.in_area(it.in_two()) if it.split else None)
        if p is not None or not any(self.areas[it.kode]):
            return p
        return self.mostly(it) or self.with_leader(it, self.areas[it.kode], self.keep_nabo)

    def mostly(self, it: LabelBox) -> Placed | None:
        """A neighbour's name over the edge of an area too narrow for it: its middle in the
        area and at least `MOSTLY` of it, as much as can be."""
        g = self.grid
        wc, hc = self.size(it)
        area = self.areas[it.kode]
        bad = g.touching(_or(self.keep_nabo, self.st.taken), wc, hc)
        bits = (1 << wc) - 1
        cands = []
        for r in range(g.rows - hc + 1):
            m = ~bad[r] & (area[r + hc // 2] >> (wc // 2)) & g.full
            while m:
                low = m & -m
                c = low.bit_length() - 1
                m ^= low
                cover = sum(((area[rr] >> c) & bits).bit_count() for rr in range(r, r + hc))
                if cover >= MOSTLY * wc * hc:
                    cands.append((-cover, self._dist(it, c, r), c, r))
        for _, _, c, r in sorted(cands):
            box = self.at(it, c, r)
            if self.st.free(box, None):
                return Placed(it.kode, *box, None)
        return None

    def own_inside(self, it: LabelBox) -> Placed | None:
        """The municipality's own name inside it, as near its middle as it goes, where it
        fits with `OWN_INSET` cells to spare."""
        g = self.grid
        wc, hc = self.size(it)
        room = self.interior
        for _ in range(OWN_INSET):
            room = g.shrink(room)
        ok = g.inside(room, wc, hc)
        if not any(ok):
            return None
        tx, ty = _deepest(g, self.interior, self.centre)

        def off(cr: tuple[int, int]) -> float:
            x, y = g.point(cr[0] + wc / 2, cr[1] + hc / 2)
            return math.hypot(x - tx, y - ty)

        c, r = min(g.cells(ok), key=off)
        return Placed(it.kode, *self.at(it, c, r), None, inside=True, lines=len(it.widths))

    def own(self, it: LabelBox) -> Placed | None:
        """The municipality's own name: next to it, outside it, to the right or above it
        where it can be, covering as little of a small neighbour's area as it can."""
        g = self.grid
        wc, hc = self.size(it)
        bad = g.touching(_or(self.keep_own, self.st.taken), wc, hc)
        totals = {k: max(_spots(m), 1) for k, m in self.areas.items()}

        def cost(cr: tuple[int, int]) -> float:
            c, r = cr
            x, y, w, h = self.at(it, c, r)
            dx, dy = x + w / 2 - self.centre[0], y + h / 2 - self.centre[1]
            d = math.hypot(dx, dy) or 1.0
            direction = (1 - dx / d) * 0.6 + (1 - dy / d) * 0.4  # right, then above
            bits = ((1 << wc) - 1) << c
            covered = sum(
                g.count(m, r, r + hc - 1, bits) / totals[k] for k, m in self.areas.items()
            )
            sb = self.sb
            bay = sb[0] < x + w / 2 < sb[2] and sb[1] < y + h / 2 < sb[3]  # in a bay of it
            land = sum(g.count(m, r, r + hc - 1, bits) for m in self.areas.values()) / (wc * hc)
            return direction + 4 * covered + 0.5 * land + d / 400 + 0.6 * bay

        for near in OWN_NEAR:
            ring = g.touching(g.grow(self.body, near), wc, hc)
            ok = [a & ~b for a, b in zip(ring, bad, strict=True)]
            for c, r in sorted(g.cells(ok), key=cost):
                box = self.at(it, c, r)
                leader = None
                if near > OWN_NEAR[1]:  # further off: a leader into the municipality
                    mid = (box[0] + box[2] / 2, box[1] + box[3] / 2)
                    tx, ty = _deepest(g, self.body, mid)
                    nx, ny = nearest_on(grow(box, LEADER_GAP), tx, ty)
                    leader = (nx, ny, tx, ty)
                if self.st.free(box, leader):
                    return Placed(it.kode, *box, leader)
        return None

    def with_leader(self, it: LabelBox, area: Mask, keep: Mask) -> Placed | None:
        """A name next to an area too small for it, with a leader line into it."""
        g = self.grid
        wc, hc = self.size(it)
        tx, ty = _deepest(g, area, self.centre)
        bad = g.touching(_or(keep, self.st.taken), wc, hc)
        reach = MAX_LEADER + max(it.w, it.h)
        c0, r0, c1, r1 = g.span((tx - reach, ty - reach, 2 * reach, 2 * reach))
        cands = []
        for r in range(r0, r1 + 1):
            free = ~bad[r] & g.full
            for c in range(c0, c1 + 1):
                if free >> c & 1:
                    nx, ny = nearest_on(grow(self.at(it, c, r), LEADER_GAP), tx, ty)
                    d = math.hypot(nx - tx, ny - ty)
                    if LEADER_MIN <= d <= MAX_LEADER:
                        cands.append((d, c, r, nx, ny))
        for _, c, r, nx, ny in sorted(cands):
            box = self.at(it, c, r)
            leader = (nx, ny, tx, ty)
            if self.st.free(box, leader):
                return Placed(it.kode, *box, leader)
        return None


def place(
    shapes: Mapping[int, Sequence[geodata.Ring]],
    kode: int,
    rect: Rect,
    items: Sequence[LabelBox],
    inside: bool = True,
) -> tuple[Placed, ...]:
    """Place the names `items` (the first is the municipality's own) on a map of `rect`
    whose `shapes` (points) hold the municipality `kode` and each neighbour named. With
    `inside`, the own name goes inside the municipality where it fits: in one line, else in
    two (`LabelBox.split`); else next to it, in one line."""
    own, naboer = items[0], list(items[1:])
    pl = _Placer(shapes, kode, rect, [it.kode for it in naboer])
    counts = {it.kode: _spots(pl.nabo_spots(it)) for it in naboer}
    out: list[Placed] = []
    for it in [own, *sorted(naboer, key=lambda it: (counts[it.kode], it.kode))]:
        if it is not own:
            p = pl.nabo(it)
        else:
            p = pl.own_inside(it) if inside else None
            p = p or (pl.own_inside(it.in_two()) if inside and it.split else None)
            p = p or pl.own(it)
        if p is not None:
            out.append(p)
            # the own name outside stands clear of the others: not read as one with them
            pl.st.add(p, OWN_CLEAR if it is own and not p.inside else GAP)
    return tuple(out)


def label_runs(ops: Sequence[object]) -> list[tuple[TextOp, ...]]:
    """The names a region map draws, each as its lines (`TextOp`s, in order): a name set in
    two lines is one run (its first line `continued`). Shared by the proof rules."""
    runs: list[tuple[TextOp, ...]] = []
    run: list[TextOp] = []
    for op in ops:
        if isinstance(op, TextOp):
            run.append(op)
            if not op.continued:
                runs.append(tuple(run))
                run = []
    if run:
        runs.append(tuple(run))
    return runs

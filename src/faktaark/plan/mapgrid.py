"""A map box on a grid of small squares, for placing names: each shape as one integer
bitmask per row (bit c = column c, row 0 at the bottom), so that "which spots of a label's
size lie wholly inside this area, free of everything placed so far" is a handful of integer
operations per row instead of a polygon test per spot.

A cell belongs to a shape when its centre lies inside it (even-odd, as the map is filled);
`outline` also marks every cell an edge passes through (for what a label must stay off).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

__all__ = ["Grid", "Mask"]

Rect = tuple[float, float, float, float]  # x, y, w, h in points
Ring = tuple[tuple[float, float], ...]
Mask = list[int]  # one bitmask per row


class Grid:
    """The box `rect` in squares of `cell` points."""

    def __init__(self, rect: Rect, cell: float = 2.0) -> None:
        self.x, self.y, self.cell = rect[0], rect[1], cell
        self.cols = max(int(rect[2] / cell), 1)
        self.rows = max(int(rect[3] / cell), 1)
        self.full = (1 << self.cols) - 1

    def empty(self) -> Mask:
        return [0] * self.rows

    def fill(self, rings: Sequence[Ring], outline: bool = False) -> Mask:
        """The cells whose centres lie inside the rings (even-odd over all of them), and
        with `outline` every cell an edge passes through."""
        cell, x0, y0, n = self.cell, self.x, self.y, self.rows
        crossings: list[list[float]] = [[] for _ in range(n)]
        for ring in rings:
            for i in range(len(ring)):
                (ax, ay), (bx, by) = ring[i - 1], ring[i]
                if ay == by:
                    continue
                lo, hi = (ay, by) if ay < by else (by, ay)
                r0 = max(math.ceil((lo - y0) / cell - 0.5), 0)
                r1 = min(math.ceil((hi - y0) / cell - 0.5) - 1, n - 1)
                for r in range(r0, r1 + 1):
                    yc = y0 + (r + 0.5) * cell
                    crossings[r].append((ax + (bx - ax) * (yc - ay) / (by - ay) - x0) / cell)
        mask = [0] * n
        for r, xs in enumerate(crossings):
            xs.sort()
            m = 0
            for a, b in zip(xs[::2], xs[1::2], strict=False):
                c0, c1 = max(math.ceil(a - 0.5), 0), min(math.ceil(b - 0.5) - 1, self.cols - 1)
                if c1 >= c0:
                    m |= ((1 << (c1 - c0 + 1)) - 1) << c0
            mask[r] = m
        if outline:
            for ring in rings:
                for i in range(len(ring)):
                    self._segment(mask, ring[i - 1], ring[i])
        return mask

    def _segment(self, mask: Mask, a: tuple[float, float], b: tuple[float, float]) -> None:
        cell = self.cell
        steps = int(max(abs(b[0] - a[0]), abs(b[1] - a[1])) / (cell / 2)) + 1
        for k in range(steps + 1):
            f = k / steps
            c = int((a[0] + (b[0] - a[0]) * f - self.x) // cell)
            r = int((a[1] + (b[1] - a[1]) * f - self.y) // cell)
            if 0 <= r < self.rows and 0 <= c < self.cols:
                mask[r] |= 1 << c

    def rect(self, r: Rect) -> Mask:
        """The cells a rectangle (x, y, w, h) touches."""
        mask = [0] * self.rows
        c0, r0, c1, r1 = self.span(r)
        if c1 >= c0:
            bits = ((1 << (c1 - c0 + 1)) - 1) << c0
            for row in range(r0, r1 + 1):
                mask[row] = bits
        return mask

    def span(self, r: Rect) -> tuple[int, int, int, int]:
        """The columns and rows (first, first, last, last) a rectangle touches, in the grid."""
        cell = self.cell
        c0 = max(int((r[0] - self.x) // cell), 0)
        r0 = max(int((r[1] - self.y) // cell), 0)
        c1 = min(int((r[0] + r[2] - self.x) // cell), self.cols - 1)
        r1 = min(int((r[1] + r[3] - self.y) // cell), self.rows - 1)
        return c0, r0, c1, r1

    def grow(self, mask: Mask, k: int) -> Mask:
        """The mask and every cell within `k` cells of it (a square neighbourhood)."""
        if k <= 0:
            return list(mask)
        full = self.full
        wide = []
        for m in mask:
            w = m
            for i in range(1, k + 1):
                w |= (m << i) | (m >> i)
            wide.append(w & full)
        n = self.rows
        out = []
        for r in range(n):
            v = 0
            for rr in range(max(r - k, 0), min(r + k, n - 1) + 1):
                v |= wide[rr]
            out.append(v)
        return out

    def shrink(self, mask: Mask) -> Mask:
        """The cells whose four neighbours are in the mask too."""
        n = self.rows
        return [
            mask[r] & (mask[r] << 1) & (mask[r] >> 1)
            & (mask[r - 1] if r else 0) & (mask[r + 1] if r + 1 < n else 0)
            for r in range(n)
        ]  # fmt: skip

    def inside(self, mask: Mask, wc: int, hc: int) -> Mask:
        """Spots (bit c of row r = lower-left cell) where a window of wc × hc cells lies
        wholly in the mask."""
        n, out = self.rows, [0] * self.rows
        for r in range(n - hc + 1):
            a = mask[r]
            for rr in range(r + 1, r + hc):
                if not a:
                    break
                a &= mask[rr]
            e = a
            for i in range(1, wc):
                if not e:
                    break
                e &= a >> i
            out[r] = e
        return out

    def touching(self, mask: Mask, wc: int, hc: int) -> Mask:
        """Spots where a window of wc × hc cells touches the mask (or leaves the grid)."""
        n = self.rows
        out = [self.full] * n
        edge = self.full >> (wc - 1) if wc <= self.cols else 0  # the window fits in the row
        for r in range(n - hc + 1):
            a = 0
            for rr in range(r, r + hc):
                a |= mask[rr]
            t = a
            for i in range(1, wc):
                t |= a >> i
            out[r] = (t | ~edge) & self.full
        return out

    def cells(self, mask: Mask) -> Iterator[tuple[int, int]]:
        """(column, row) of every cell in the mask."""
        for r, m in enumerate(mask):
            while m:
                low = m & -m
                yield low.bit_length() - 1, r
                m ^= low

    def count(self, mask: Mask, r0: int = 0, r1: int | None = None, bits: int = -1) -> int:
        """How many cells of rows r0..r1 (and of the columns in `bits`) the mask holds."""
        last = self.rows - 1 if r1 is None else r1
        return sum((mask[r] & bits).bit_count() for r in range(r0, last + 1))

    def point(self, c: float, r: float) -> tuple[float, float]:
        """The lower-left corner of a cell, in points."""
        return (self.x + c * self.cell, self.y + r * self.cell)

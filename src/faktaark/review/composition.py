"""Rules of a sheet's composition (issue 14): plain functions over a planned sheet
(`SheetPlan`), for `faktaark proof`, `layouts check` and the tests.

- `empty_bands(plan, figures=figure_frames(layout))`: empty rectangles in a page's content
  area taller than 15 mm and at least 40 mm wide (gutters and ragged line ends never count;
  a map's sea and the room above a short bar belong to their figure);
- `panel_gaps(plan, figures=figure_frames(layout))`: a filled panel with an empty strip across
  it taller than 8 mm (a call to action larger than its sentence, a key figure without its
  figure, a gap under "Vidste du");
- `pale_bars(plan)`: chart bars under 3:1 contrast against the panel they stand on, or too
  small to see;
- `map_problems(plan)`: the regional map's labels, its alt text and the municipalities that
  share a land border with it disagree; the municipality has no label; labels overlap each
  other or lie on the highlighted municipality (its own name may lie wholly inside it).

Each returns a list of `Finding`s (empty = the rule holds); `Finding.rule` names the rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from faktaark.core.kommuner import register
from faktaark.core.units import MM, Color
from faktaark.plan import geodata
from faktaark.plan.mapgeom import on_shape, within_shape
from faktaark.plan.maplabels import label_runs
from faktaark.plan.model import LineOp, Node, PathOp, RectOp, SheetPlan, TextOp

__all__ = [
    "BAND_MM",
    "FIGURE_KINDS",
    "Finding",
    "alt_neighbours",
    "contrast",
    "empty_bands",
    "figure_frames",
    "map_problems",
    "pale_bars",
    "panel_gaps",
    "plan_findings",
    "text_columns",
]

BAND_MM = 15.0  # an empty band taller than this is a hole in the page
BAND_WIDTH_MM = 40.0  # ... when it is at least this wide (less is a gutter or a line end)


class Finding(NamedTuple):
    rule: str  # "band", "calculation", "dash", "map"
    page: int
    box: str
    detail: str


# ------------------------------------------------------------------ empty bands


def _op_boxes(ops: Iterable[object]) -> Iterable[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) in points of everything an operation paints."""
    for op in ops:
        if isinstance(op, TextOp):
            size = max((p.size for p in op.pieces), default=0.0)
            yield (op.x, op.y - 0.22 * size, op.x + op.width, op.y + 0.75 * size)
        elif isinstance(op, RectOp):
            if op.fill is not None or op.stroke is not None:
                yield (op.x, op.y, op.x + op.w, op.y + op.h)
        elif isinstance(op, LineOp):
            yield (min(op.x1, op.x2), min(op.y1, op.y2), max(op.x1, op.x2), max(op.y1, op.y2))
        elif isinstance(op, PathOp):
            pts = [p for r in op.rings for p in r]
            if pts:
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                yield (min(xs), min(ys), max(xs), max(ys))


def _node_ops(nodes: Iterable[Node]) -> Iterable[object]:
    for n in nodes:
        for d in n.walk():
            yield from d.ops


def empty_bands(
    plan: SheetPlan,
    margin_mm: float = 12.0,
    min_h_mm: float = BAND_MM,
    min_w_mm: float = BAND_WIDTH_MM,
    figures: Sequence[tuple[int, float, float, float, float]] = (),
    columns: Mapping[str, Sequence[tuple[float, float]]] | None = None,
) -> list[Finding]:
    """Empty rectangles taller than `min_h_mm` and at least `min_w_mm` wide inside the
    content area (the page less its margins), one finding per connected hole, on a 1 mm
    grid. Filled panels count as content (they are visible); white space inside them does
    not count as a hole of the page. `figures` (page, x, y, w, h in mm from the top left:
    `figure_frames(layout)`) are boxes whose whole area is the figure: a map's sea.
    `columns` (box id -> its columns' x0, x1 in mm: `text_columns(layout)`): a line of text
    fills its column to the right edge (a ragged line end, a list's short lines: no hole)."""
    out: list[Finding] = []
    cols = int(plan.width / MM - 2 * margin_mm)
    rows = int(plan.height / MM - 2 * margin_mm)
    need_h, need_w = int(min_h_mm) + 1, int(min_w_mm)
    for page in plan.pages:
        full = [[False] * cols for _ in range(rows)]
        frames = [
            (x * MM, plan.height - (y + h) * MM, (x + w) * MM, plan.height - y * MM)
            for pg, x, y, w, h in figures if pg == page.number
        ]  # fmt: skip
        boxes = [
            _to_column(b, (columns or {}).get(n.box, ()))
            for top in page.content for n in top.walk() for b in _op_boxes(n.ops)
        ]  # fmt: skip
        for x0, y0, x1, y1 in [*_op_boxes(page.artifacts), *boxes, *frames]:
            # to the grid: column from the left margin, row from the top margin
            c0 = max(int(x0 / MM - margin_mm), 0)
            c1 = min(int(x1 / MM - margin_mm + 0.999), cols)
            r0 = max(int((plan.height - y1) / MM - margin_mm), 0)
            r1 = min(int((plan.height - y0) / MM - margin_mm + 0.999), rows)
            for r in range(r0, r1):
                row = full[r]
                for c in range(c0, c1):
                    row[c] = True
        hole = [[False] * cols for _ in range(rows)]
        height = [0] * cols
        for r in range(rows):
            row = full[r]
            for c in range(cols):
                height[c] = 0 if row[c] else height[c] + 1
            c = 0
            while c < cols:
                if height[c] < need_h:
                    c += 1
                    continue
                start = c
                while c < cols and height[c] >= need_h:
                    c += 1
                if c - start >= need_w:
                    for rr in range(r - need_h + 1, r + 1):
                        hr = hole[rr]
                        for cc in range(start, c):
                            hr[cc] = True
        seen = [[False] * cols for _ in range(rows)]
        for r in range(rows):
            for c in range(cols):
                if hole[r][c] and not seen[r][c]:
                    stack = [(r, c)]
                    seen[r][c] = True
                    rmin = rmax = r
                    cmin = cmax = c
                    while stack:
                        a, b = stack.pop()
                        rmin, rmax, cmin, cmax = (
                            min(rmin, a),
                            max(rmax, a),
                            min(cmin, b),
                            max(cmax, b),
                        )
                        for na, nb in ((a + 1, b), (a - 1, b), (a, b + 1), (a, b - 1)):
                            if (
                                0 <= na < rows
                                and 0 <= nb < cols
                                and hole[na][nb]
                                and not seen[na][nb]
                            ):
                                seen[na][nb] = True
                                stack.append((na, nb))
                    out.append(
                        Finding(
                            "band", page.number, "",
                            f"{cmax - cmin + 1} × {rmax - rmin + 1} mm empty at "
                            f"x = {cmin + margin_mm:.0f}, y = {rmin + margin_mm:.0f} mm",
                        )
                    )  # fmt: skip
    return out


def _to_column(
    box: tuple[float, float, float, float], cols: Sequence[tuple[float, float]]
) -> tuple[float, float, float, float]:
    """A text line's box widened to the right edge of its column (in points)."""
    x0, y0, x1, y1 = box
    for a, b in cols:
        if a * MM - 0.5 <= x0 <= b * MM and x1 <= b * MM + 0.5:
            return (x0, y0, max(x1, b * MM), y1)
    return box


def text_columns(layout: object) -> dict[str, list[tuple[float, float]]]:
    """The columns of a layout's text boxes (box id -> x0, x1 in mm), as
    `empty_bands(columns=...)` takes them."""
    out: dict[str, list[tuple[float, float]]] = {}
    for b in getattr(layout, "boxes", ()):
        if b.kind not in ("text", "logo"):
            continue
        inner = b.w - 2 * b.padding
        col = (inner - b.gutter * (b.columns - 1)) / b.columns
        starts = [b.x + b.padding + i * (col + b.gutter) for i in range(b.columns)]
        out[b.id] = [(x0, x0 + col) for x0 in starts]
    return out


FIGURE_KINDS = ("map", "bar_chart", "ranking_chart", "image", "logo")


def figure_frames(layout: object) -> list[tuple[int, float, float, float, float]]:
    """The map and chart boxes of a layout, as `empty_bands(figures=...)` takes them: a
    map's sea and the room above a short bar belong to the figure."""
    boxes = getattr(layout, "boxes", ())
    return [(b.page, b.x, b.y, b.w, b.h) for b in boxes if b.kind in FIGURE_KINDS]


# ------------------------------------------------------------------ panels

PANEL_GAP_MM = 8.0  # no empty strip taller than this across a filled panel
PANEL_MIN_MM = (30.0, 12.0)  # panels at least this wide and tall are checked


def panel_gaps(
    plan: SheetPlan,
    figures: Sequence[tuple[int, float, float, float, float]] = (),
    gap_mm: float = PANEL_GAP_MM,
) -> list[Finding]:
    """Filled panels (a key figure's box, a call to action, a "Vidste du" panel) with an empty
    strip across them taller than `gap_mm`: above their content, inside it or below it. Bands
    that touch the page's edge (the header band) and panels without content are not checked;
    `figures` (as `empty_bands` takes them) count as content over their whole frame."""
    out: list[Finding] = []
    for page in plan.pages:
        frames = [
            (x * MM, plan.height - (y + h) * MM, (x + w) * MM, plan.height - y * MM)
            for pg, x, y, w, h in figures if pg == page.number
        ]  # fmt: skip
        content = [*_op_boxes(_node_ops(page.content)), *frames]
        for rect in page.artifacts:
            if not isinstance(rect, RectOp) or rect.fill is None or any(rect.bleed):
                continue
            x0, y0, x1, y1 = rect.x, rect.y, rect.x + rect.w, rect.y + rect.h
            if x0 <= 0.01 or y1 >= plan.height - 0.01:
                continue
            if rect.w < PANEL_MIN_MM[0] * MM or rect.h < PANEL_MIN_MM[1] * MM:
                continue
            spans = sorted(
                (max(b, y0), min(t, y1)) for lf, b, r, t in content
                if lf < x1 - 0.5 and r > x0 + 0.5 and b < y1 - 0.5 and t > y0 + 0.5
                and not (lf <= x0 + 0.5 and r >= x1 - 0.5 and b <= y0 + 0.5 and t >= y1 - 0.5)
            )  # fmt: skip
            if not spans:
                continue
            gaps, top = [], y1
            for b, t in sorted(spans, key=lambda s: -s[1]):
                if t < top:
                    gaps.append((top - t, top))
                top = min(top, b)
            gaps.append((top - y0, top))
            size, at = max(gaps)
            if size > gap_mm * MM:
                out.append(Finding(
                    "panel", page.number, "",
                    f"{size / MM:.0f} mm empty in the panel at x = {x0 / MM:.0f}, "
                    f"y = {(plan.height - at) / MM:.0f} mm ({rect.w / MM:.0f} × "
                    f"{rect.h / MM:.0f} mm)",
                ))  # fmt: skip
    return out


# ------------------------------------------------------------------ bars

MIN_CONTRAST = 3.0  # WCAG 2.1 1.4.11: graphical objects against what is next to them


def _luminance(rgb: tuple[float, float, float]) -> float:
    def ch(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)


def contrast(a: Color, b: Color | None) -> float:
    """WCAG contrast ratio of two colours (their screen RGB); None is the white page."""
    la = _luminance(a.rgb)
    lb = 1.0 if b is None else _luminance(b.rgb)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def pale_bars(plan: SheetPlan, minimum: float = MIN_CONTRAST) -> list[Finding]:
    """Chart bars (filled rectangles inside a Figure) below `minimum` contrast against the
    panel they stand on (the smallest filled background rectangle around them, else the
    page), and bars too small to see (under 0,5 mm in both directions)."""
    out: list[Finding] = []
    for page in plan.pages:
        panels = [a for a in page.artifacts if isinstance(a, RectOp) and a.fill is not None]
        for top in page.content:
            for n in top.walk():
                if n.role != "Figure" or "søjlediagram" not in (n.alt or "").lower():
                    continue
                for op in n.ops:
                    if not isinstance(op, RectOp) or op.fill is None:
                        continue
                    under = [
                        p for p in panels
                        if p.x <= op.x + 0.01 and p.y <= op.y + 0.01
                        and p.x + p.w >= op.x + op.w - 0.01 and p.y + p.h >= op.y + op.h - 0.01
                    ]  # fmt: skip
                    bg = min(under, key=lambda p: p.w * p.h).fill if under else None
                    ratio = contrast(op.fill, bg)
                    if ratio < minimum:
                        detail = f"bar in {op.fill.name}: contrast {ratio:.2f}:1"
                        out.append(Finding("bar", page.number, n.box, detail))
                    if max(op.w, op.h) < 0.5 * MM:
                        out.append(Finding("bar", page.number, n.box, "bar too small to see"))
    return out


# ------------------------------------------------------------------ the regional map

_ALT_NABOER = re.compile(r"Nabokommuner: (.*?)\.?$")


def alt_neighbours(alt: str) -> list[str]:
    """The neighbour names a map's alt text gives ("Nabokommuner: A, B og C.")."""
    m = _ALT_NABOER.search(alt)
    if not m:
        return []
    parts = re.split(r", | og ", m.group(1))
    return [p.strip() for p in parts if p.strip()]


def map_problems(plan: SheetPlan, highlight: str | None = None) -> list[Finding]:
    """For every region map on the sheet: the municipality is labelled; the labelled
    neighbours, the neighbours in the alt text and the municipalities that share a land
    border with it are the same; labels do not overlap each other or the highlighted
    shape, and stay inside the map's extent."""
    reg = register()
    me = reg.get(plan.kommunekode)
    want = sorted(reg.get(n).navn for n in geodata.land_naboer(plan.kommunekode))
    out: list[Finding] = []
    for page in plan.pages:
        for top in page.content:
            for n in top.walk():
                if n.role != "Figure" or not n.alt or not n.alt.startswith("Kort:"):
                    continue
                if "nabo" not in n.alt:
                    continue
                runs = label_runs(n.ops)  # a name set in two lines is one label
                names = [Node("", run).text for run in runs]
                alt = alt_neighbours(n.alt)

                def f(detail: str, pg: int = page.number, box: str = n.box) -> None:
                    out.append(Finding("map", pg, box, detail))

                if me.navn not in names:
                    f(f"{me.navn} has no label")
                if sorted(alt) != want:
                    f(f"neighbours in the alt text {alt} ≠ along the land border {want}")
                got = sorted(x for x in names if x != me.navn)
                if got != want:
                    f(f"labels {got} ≠ neighbours {want}")
                rects = [
                    (
                        min(op.x for op in run),
                        run[-1].y - 0.22 * run[-1].pieces[0].size,
                        max(op.x + op.width for op in run),
                        run[0].y + 0.75 * run[0].pieces[0].size,
                    )
                    for run in runs
                ]
                for i, a in enumerate(rects):
                    for j in range(i + 1, len(rects)):
                        b = rects[j]
                        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                            f(f"the labels {names[i]} and {names[j]} overlap")
                paths = [op for op in n.ops if isinstance(op, PathOp)]
                hi = [
                    p
                    for p in paths
                    if p.fill is not None and (highlight is None or p.fill.name == highlight)
                ]
                mine = hi[-1] if hi else None
                if mine is not None:
                    for name, r in zip(names, rects, strict=True):
                        box = (r[0], r[1], r[2] - r[0], r[3] - r[1])
                        if name == me.navn and within_shape(box, mine.rings):
                            continue  # the own name set inside it (its contrast: proof_maps)
                        if on_shape(box, mine.rings):
                            f(f"the label {name} lies on the highlighted municipality")
    return out


def plan_findings(plan: SheetPlan, layout: object) -> list[Finding]:
    """Every composition rule on one planned sheet (what `faktaark proof` runs per sheet)."""
    return [
        *empty_bands(plan, figures=figure_frames(layout), columns=text_columns(layout)),
        *pale_bars(plan),
        *map_problems(plan),
    ]

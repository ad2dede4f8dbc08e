"""Tables, charts, images and decorations: planned as geometry, with generated alt text.

Charts are drawn from the same numbers their alt text names, so the description cannot go
stale. Value axes start at 0; axis and bar labels are Danish-formatted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import suppress

from faktaark.core.units import MM
from faktaark.errors import FitError, LayoutError
from faktaark.layout.model import Box, Layout, Style
from faktaark.plan.context import Ctx
from faktaark.plan.model import BoxFit, LineOp, Node, Op, RectOp, TextOp, TextPiece
from faktaark.plan.sender import black
from faktaark.plan.textbox import segments_to_spans
from faktaark.text import linebreak
from faktaark.text.fonts import ensure_glyphs
from faktaark.text.templates import Seg, Val, format_value, plain, spoken

__all__ = [
    "label_decimals",
    "nice_ticks",
    "plan_bar_chart",
    "plan_ranking_chart",
]

Result = tuple[list[Node], list[Op], BoxFit]
MIN_BAR = 0.8 * MM  # the shortest bar drawn for a figure above 0
MISSING_LABEL = "ikke oplyst"  # a ranking chart's row without a figure


def nice_ticks(top_value: float, max_steps: int = 5) -> list[float]:
    """Axis ticks from 0: steps of 1, 2, 2,5 or 5 x 10^k, at most `max_steps` steps."""
    if top_value <= 0:
        return [0.0, 1.0]
    raw = top_value / max_steps
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    if step < 1:
        step = 1.0
    n = math.ceil(top_value / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _where(box: Box, c: Ctx) -> tuple[str, str, int, str]:
    return (c.layout.name, c.kommune, box.page, box.id)


def _text_op(
    segs: Sequence[Seg],
    st: Style,
    x: float,
    base: float,
    width: float,
    c: Ctx,
    box: Box,
    align: str | None = None,
) -> list[TextOp]:
    """Lines of one cell or label, wrapped to `width`, first baseline at `base`."""
    lines = _wrapped(tuple(segs), st, width, c, box)
    out = []
    color = c.color(st.color)
    for i, ln in enumerate(lines):
        lx = x
        a = align or st.align
        if a == "right":
            lx = x + width - ln.width
        elif a == "center":
            lx = x + (width - ln.width) / 2
        pieces = tuple(TextPiece(p.text, p.font, st.size, color, p.x) for p in ln.pieces)
        out.append(TextOp(lx, base - i * st.leading, pieces, ln.width))
    return out


# (segments, style, width, layout digest) -> lines: labels and cells are mostly the same text
# on every sheet (a column's head, a row's name), broken once per process
_WRAPPED: dict[tuple[tuple[Seg, ...], Style, float, str], tuple[linebreak.Line, ...]] = {}


def _wrapped(
    segs: tuple[Seg, ...], st: Style, width: float, c: Ctx, box: Box
) -> tuple[linebreak.Line, ...]:
    key = (segs, st, width, c.layout.digest)  # the digest: its words' hyphenation too
    hit = _WRAPPED.get(key)
    if hit is not None:
        return hit
    spans = segments_to_spans(segs, st)
    for sp in spans:
        ensure_glyphs(sp.text, sp.font, f'{c.layout.name}, page {box.page}, box "{box.id}"')
    try:
        lines = tuple(
            linebreak.break_lines(
                spans, st.size, width, c.metrics, hyphenate=st.hyphenate,
                known=c.layout.hyphenation,
            )
        )  # fmt: skip
    except linebreak.Overflow as exc:
        raise FitError(
            *_where(box, c), f'the word "{exc.word}" is {exc.width - exc.room:.0f} pt too wide'
        ) from None
    if len(_WRAPPED) > 20_000:
        _WRAPPED.clear()
    _WRAPPED[key] = lines
    return lines


def _height(ops: Sequence[TextOp], st: Style) -> float:
    return max(1, len(ops)) * st.leading


def _style(c: Ctx, name: str | None, fallback: str) -> Style:
    return c.layout.styles[name or fallback]


def _numbers(c: Ctx, names: Sequence[str], box: Box) -> list[Val]:
    vals = []
    for n in names:
        v = c.values.get(n)
        if v is None:
            raise LayoutError(f'{c.layout.name}: box "{box.id}": unknown value {n!r} in series')
        if v.eksempel:
            c.notes.example(v)
        if v.raw is not None and not isinstance(v.raw, (int, float)):
            raise LayoutError(f'{c.layout.name}: box "{box.id}": {n!r} is not a number')
        vals.append(v)
    return vals


def _units(c: Ctx, key: str, n: int) -> list[tuple[str, str]]:
    units = []
    for u in c.layout.text(key):
        one, _, many = str(u).partition("|")
        units.append((one, many or one))
    return (units + [("", "")] * n)[:n]


def plan_bar_chart(box: Box, c: Ctx, page_h: float) -> Result:
    """Vertical bars of a few figures of one municipality (e.g. dwellings by type)."""
    x, y, w, h = box.rect_pt(page_h)
    sec = str(box.text)
    title_st = _style(c, box.header_style, "chart_title")
    lab_st = _style(c, box.label_style, "chart_label")
    vals = _numbers(c, box.series, box)
    labels = [plain(c.fill(t, template=True)) for t in c.layout.text(f"{sec}.etiketter")]
    title = _text_op(c.fill(f"{sec}.titel"), title_st, x, y + h - title_st.size, w, c, box)
    plot_top = y + h - _height(title, title_st) - 3 * MM
    nums = [float(v.raw) if isinstance(v.raw, (int, float)) else 0.0 for v in vals]
    ticks = nice_ticks(max(nums))
    tick_labels = [format_value(Val(t, "count")) for t in ticks]
    axis_w = max(c.metrics.width(t, lab_st.font, lab_st.size) for t in tick_labels) + 3 * MM
    px, pw = x + axis_w, w - axis_w - 2 * MM
    py = y + lab_st.leading + 2 * MM
    ph = plot_top - py - lab_st.leading
    if ph < 15 * MM:
        raise FitError(*_where(box, c), f"{15 * MM - ph:.0f} pt too short for a chart")
    top = ticks[-1]
    ops: list[Op] = []
    grid = c.layout.colors.get("rule") or c.color(lab_st.color)
    slot = pw / len(vals)
    bw = min(slot * 0.56, 22 * MM)
    # a small figure stays visible as a bar
    heights = [max(ph * n / top, MIN_BAR) if n > 0 else 0.0 for n in nums]
    cuts = []  # a gridline stops short of the value labels above the bars (never through them)
    for i, v in enumerate(vals):
        half = c.metrics.width(format_value(v), lab_st.font, lab_st.size) / 2 + 1 * MM
        base = py + heights[i] + 1.5 * MM
        mid = px + slot * i + slot / 2
        cuts.append((mid - half, mid + half, base - 0.25 * lab_st.size - 1.2 * MM,
                     base + 0.8 * lab_st.size + 1.2 * MM))  # fmt: skip
    for t, tick_label in zip(ticks, tick_labels, strict=True):
        ty = py + ph * t / top
        gaps = [(a, b) for a, b, lo, hi in cuts if t and lo < ty < hi]
        for a, b in _segments(px, px + pw, gaps):
            ops.append(LineOp(a, ty, b, ty, grid, 0.6 if t == 0 else 0.3))
        ops += _text_op([Seg(tick_label)], lab_st, x, ty - lab_st.size * 0.3, axis_w - 2 * MM,
                        c, box, "right")  # fmt: skip
    colors = [c.color(n) for n in (box.colors or ("brand",))]
    for i, (v, label) in enumerate(zip(vals, labels, strict=False)):
        bx = px + slot * i + (slot - bw) / 2
        bh = heights[i]
        if nums[i] > 0:
            ops.append(RectOp(bx, py, bw, bh, fill=colors[i % len(colors)]))
        ops += _text_op([Seg(format_value(v))], lab_st, bx - 4 * MM, py + bh + 1.5 * MM,
                        bw + 8 * MM, c, box, "center")  # fmt: skip
        ops += _text_op(
            [Seg(label)], lab_st, bx - 6 * MM, py - lab_st.leading, bw + 12 * MM, c, box, "center"
        )
    units = _units(c, f"{sec}.alt_enheder", len(vals))
    desc = ", ".join(
        f"{format_value(v, 'tal')} {one if v.raw == 1 else many}".strip()
        for v, (one, many) in zip(vals, units, strict=False)
    )
    alt = f"Søjlediagram: {spoken(c.fill(f'{sec}.alt_titel'))}: {desc}."
    nodes = [
        Node("Caption" if box.tag is None else box.tag, tuple(title), box=box.id),
        Node("Figure", tuple(ops), alt=alt, box=box.id),
    ]
    return nodes, [], BoxFit(box.page, box.id, ph - 15 * MM)


def _segments(
    x0: float, x1: float, gaps: Sequence[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The parts of x0..x1 outside the gaps."""
    out, at = [], x0
    for a, b in sorted(gaps):
        if a > at:
            out.append((at, min(a, x1)))
        at = max(at, b)
    return [*out, (at, x1)] if at < x1 else out


def plan_ranking_chart(
    box: Box, c: Ctx, page_h: float, peers: Sequence[tuple[int, str, object]], me: int
) -> Result:
    """Horizontal bars of one figure for every municipality in scope, this one highlighted."""
    x, y, w, h = box.rect_pt(page_h)
    sec = str(box.text)
    title_st = _style(c, box.header_style, "chart_title")
    lab_st = _style(c, box.label_style, "chart_label")
    val = c.values[str(box.value)]
    decimals = label_decimals(box, c.layout)
    if decimals is not None:
        val = val._replace(decimals=decimals)
    title = _text_op(c.fill(f"{sec}.titel"), title_st, x, y + h - title_st.size, w, c, box)
    top = y + h - _height(title, title_st) - 2 * MM
    data = sorted(
        (
            (float(v) if isinstance(v, (int, float)) else -1.0, name, kode)
            for kode, name, v in peers
        ),
        key=lambda t: (-t[0], t[1]),
    )
    levels = _levels(c, sec)  # the regional and national level, below the municipalities
    rows = len(data) + (len(levels) + 0.5 if levels else 0)
    row_h = (top - y) / max(1, rows)
    thick = min(row_h * 0.64, 4.5 * MM)  # bars stay bars when a region has few rows
    if row_h < lab_st.size * 1.05:
        short = (lab_st.size * 1.05 - row_h) * len(data)
        raise FitError(*_where(box, c), f"{short:.0f} pt too tall ({len(data)} municipalities)")
    name_w, val_w = 30 * MM, 14 * MM
    bar_x, bar_w = x + name_w + 1.5 * MM, w - name_w - val_w - 3 * MM
    vmax = max([d[0] for d in data] + [v for _, v in levels], default=1.0) or 1.0
    hi = c.color(box.highlight or "brand")
    lo = c.color(box.colors[0]) if box.colors else c.layout.colors.get("rule") or hi
    ref = c.color(box.colors[1]) if len(box.colors) > 1 else black(c)
    ops: list[Op] = []
    for i, (v, name, kode) in enumerate(data):
        ry = top - (i + 1) * row_h
        base = ry + (row_h - lab_st.size * 0.7) / 2
        mine = kode == me
        st = lab_st
        font_st = Style(**{**st.__dict__, "font": st.bold_font}) if mine else st
        ops += _text_op([Seg(name, value=True)], font_st, x, base, name_w, c, box, "right")
        if v < 0:  # a missing figure: said in words, no bar
            ops += _text_op([Seg(MISSING_LABEL)], lab_st, bar_x, base, bar_w, c, box, "left")
        else:
            bl = max(MIN_BAR, bar_w * v / vmax) if v > 0 else 0.0
            if bl:
                ops.append(
                    RectOp(bar_x, ry + (row_h - thick) / 2, bl, thick, fill=hi if mine else lo)
                )
            label = format_value(Val(v, val.kind, decimals=val.decimals))
            ops += _text_op(
                [Seg(label)], font_st, bar_x + bl + 1.2 * MM, base, val_w, c, box, "left"
            )
    bold = Style(**{**lab_st.__dict__, "font": lab_st.bold_font})
    for j, (name, v) in enumerate(levels):
        ry = top - (len(data) + 0.5 + j + 1) * row_h
        base = ry + (row_h - lab_st.size * 0.7) / 2
        if j == 0:
            ly = ry + row_h * 1.25
            ops.append(LineOp(x + name_w - 12 * MM, ly, x + w, ly, lo, 0.5))
        ops += _text_op([Seg(name, value=True)], bold, x, base, name_w, c, box, "right")
        bl = max(MIN_BAR, bar_w * v / vmax) if v > 0 else 0.0
        if bl:
            ops.append(RectOp(bar_x, ry + (row_h - thick * 0.6) / 2, bl, thick * 0.6, fill=ref))
        label = format_value(Val(v, val.kind, decimals=val.decimals))
        ops += _text_op([Seg(label)], bold, bar_x + bl + 1.2 * MM, base, val_w, c, box, "left")
    rank = next(i for i, d in enumerate(data, 1) if d[2] == me)
    listing = "; ".join(
        f"{n} {format_value(Val(v, val.kind, decimals=val.decimals))}" for v, n, _ in data if v >= 0
    )
    if levels:
        listing += ". " + "; ".join(
            f"{n} {format_value(Val(v, val.kind, decimals=val.decimals))}" for n, v in levels
        )
    given = [d for d in data if d[0] >= 0]
    place = (
        f"{c.kommune} er nr. {rank} af {len(given)}"
        if data[rank - 1][0] >= 0
        else f"{c.kommune}: {MISSING_LABEL}"
    )
    alt = f"Vandret søjlediagram: {spoken(c.fill(f'{sec}.alt_titel'))}. {place}. {listing}."
    nodes = [
        Node("Caption", tuple(title), box=box.id),
        Node("Figure", tuple(ops), alt=alt, box=box.id),
    ]
    return nodes, [], BoxFit(box.page, box.id, row_h - lab_st.size * 1.05)


def label_decimals(box: Box, layout: Layout) -> int | None:
    """A ranking chart's `<sec>.decimaler`: its labels' precision, as the sheet prints the
    figure elsewhere (None: the figure's own)."""
    if box.kind != "ranking_chart" or box.text is None:
        return None
    with suppress(KeyError):
        return int(layout.text(f"{box.text}.decimaler"))
    return None


def _levels(c: Ctx, sec: str) -> list[tuple[str, float]]:
    """`<sec>.niveauer = [["{kommune.region}", "region.x"], ["Hele landet", "land.x"]]`:
    reference rows (label template, value name) drawn under a ranking chart's bars."""
    try:
        rows = c.layout.text(f"{sec}.niveauer")
    except KeyError:
        return []
    out = []
    for label, name in rows:
        v = c.values[str(name)]
        if isinstance(v.raw, (int, float)):
            out.append((plain(c.fill(str(label), template=True)), float(v.raw)))
    return out

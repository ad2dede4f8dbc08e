"""Text boxes: fill items into lines, flow them into the box's columns, and fit.

A text box holds items (paragraphs, lists, the notes, spaces, column breaks). Each is broken
into lines at its style's size, then the lines flow top to bottom and column to column:
a heading stays with what follows it, and a paragraph never leaves a single first line at the
bottom of a column. If the content is taller than the box, styles with a `min_size` shrink
step by step; if it still does not fit, `FitError` says by how much.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from faktaark.core.units import MM
from faktaark.errors import FitError
from faktaark.layout.model import Box, Style
from faktaark.plan.context import Ctx
from faktaark.plan.model import BoxFit, LinkOp, Node, Op, TextOp, TextPiece
from faktaark.text import linebreak
from faktaark.text.fonts import ensure_glyphs
from faktaark.text.templates import Seg, plain

__all__ = ["plan_text_box", "segments_to_spans"]

EPS = 0.01


@dataclass
class _Block:
    kind: str  # para | li | space | break
    style: Style | None = None
    lines: Sequence[linebreak.Line] = ()
    height: float = 0.0
    list_id: int | None = None
    text: str = ""


def segments_to_spans(segs: Sequence[Seg], style: Style) -> list[linebreak.Span]:
    spans = []
    for s in segs:
        text = s.text.upper() if style.upper else s.text
        font = style.bold_font if s.bold else style.font
        spans.append(linebreak.Span(text, font, s.link, hyphenate=not s.value and style.hyphenate))
    return spans


def _scaled(style: Style, s: float) -> Style:
    if style.min_size is None or s >= 1:
        return style
    k = max(s, style.min_size / style.size)
    return replace(
        style,
        size=style.size * k,
        leading=style.leading * k,
        space_before=style.space_before * k,
        space_after=style.space_after * k,
    )


def _paragraph(segs: Sequence[Seg], style: Style, width: float, c: Ctx, where: str) -> _Block:
    lines = _lines(tuple(segs), style, round(width, 3), c, where)
    return _Block("para", style, lines, len(lines) * style.leading, text=plain(segs))


_LINES: dict[tuple[tuple[Seg, ...], Style, float], tuple[linebreak.Line, ...]] = {}


def _lines(
    segs: tuple[Seg, ...], style: Style, width: float, c: Ctx, where: str
) -> tuple[linebreak.Line, ...]:
    """Line breaking, done once per process for a text that is the same on many sheets."""
    key = (segs, style, width)
    hit = _LINES.get(key)
    if hit is not None:
        return hit
    spans = segments_to_spans(segs, style)
    for sp in spans:
        ensure_glyphs(sp.text, sp.font, where)
    lines = tuple(
        linebreak.break_lines(
            spans,
            style.size,
            width - style.indent,
            c.metrics,
            hyphenate=style.hyphenate,
            known=c.layout.hyphenation,
        )
    )
    if len(_LINES) > 20_000:
        _LINES.clear()
    _LINES[key] = lines
    return lines


def _notes_segs(c: Ctx) -> list[list[Seg]]:
    parts = [f"{i}) {src}" for i, (_, src) in enumerate(c.notes.sources, 1)]
    out = [[*c.fill("noter.kilder"), Seg(" " + ", ".join(parts))]] if parts else []
    if c.notes.missing:
        out.append(c.fill("noter.mangler"))
    return out


def _blocks(box: Box, c: Ctx, s: float, width: float) -> list[_Block]:
    blocks: list[_Block] = []
    # a box is one unit: when one of its texts lacks its figure (a KPI's number), every
    # text of the box that has a gap form uses it (the caption too)
    gap = any(c.lacks(it.text) for it in box.content if it.text is not None)
    for n, it in enumerate(box.content):
        where = f'{c.layout.name}, {c.kommune}, side {box.page}, boks "{box.id}"'
        if it.space is not None:
            blocks.append(_Block("space", height=it.space * MM))
            continue
        if it.column_break:
            blocks.append(_Block("break"))
            continue
        style = _scaled(c.layout.styles[str(it.style)], s)
        if it.text is not None:
            segs = c.fill(it.text, gap=gap)
            if segs:  # an empty text (a figure's gap form) is left out
                blocks.append(_paragraph(segs, style, width, c, where))
        elif it.list is not None:
            for entry in c.layout.text(it.list):
                b = _paragraph(c.fill(entry, template=True), style, width, c, where)
                b.kind, b.list_id = "li", n
                blocks.append(b)
        elif it.notes:  # the sources on one line, the "–" note on its own
            for segs in _notes_segs(c):
                blocks.append(_paragraph(segs, style, width, c, where))
    return blocks


class _Placed(NamedTuple):
    block: int
    line: int
    col: int
    y: float  # top of the line, from the top of the content area


def _flow(
    blocks: Sequence[_Block], height: float, ncols: int
) -> tuple[list[_Placed], float, float]:
    """Place lines into columns. Returns placements, overflow (pt) and spare room (pt)."""
    placed: list[_Placed] = []
    col, y = 0, 0.0
    overflow = 0.0

    def next_col() -> bool:
        nonlocal col, y
        if col + 1 < ncols:
            col, y = col + 1, 0.0
            return True
        return False

    for bi, b in enumerate(blocks):
        if b.kind == "break":
            next_col()
            continue
        if b.kind == "space":
            y += b.height if y > 0 else 0
            continue
        assert b.style is not None
        st = b.style
        if b.kind == "li" and not _same_list(blocks, bi):  # keep a list in one column
            n = bi
            total = 0.0
            while n < len(blocks) and blocks[n].kind == "li" and blocks[n].list_id == b.list_id:
                total += blocks[n].height
                n += 1
            if y > 0 and y + st.space_before + total > height + EPS and total <= height:
                next_col()
        y += st.space_before if y > 0 and not (b.kind == "li" and _same_list(blocks, bi)) else 0
        for li in range(len(b.lines)):
            need = st.leading
            if li == 0:
                if len(b.lines) >= 2:
                    need = 2 * st.leading  # no orphaned first line
                if st.tag.startswith("H") and bi + 1 < len(blocks):
                    nb = blocks[bi + 1]
                    if nb.style is not None and nb.lines:
                        need = (
                            b.height
                            + nb.style.space_before
                            + min(2, len(nb.lines)) * nb.style.leading
                        )  # keep a heading with its text
            if y + min(need, height) > height + EPS and y > 0 and not next_col():
                pass  # last column: keep placing below the box to measure the overflow
            placed.append(_Placed(bi, li, col, y))
            y += st.leading
        y += st.space_after
    used = max(
        (p.y + blocks[p.block].style.leading for p in placed if p.col == col),  # type: ignore[union-attr]
        default=0.0,
    )
    if used > height + EPS:
        overflow = used - height
    return placed, overflow, height - used


def _balance(blocks: Sequence[_Block], height: float, ncols: int) -> list[_Placed]:
    """The placement with the shortest columns that still fits (balanced columns)."""
    lo, hi = 0.0, height
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        if _flow(blocks, mid, ncols)[1] > 0:
            lo = mid
        else:
            hi = mid
    return _flow(blocks, hi, ncols)[0]


def _same_list(blocks: Sequence[_Block], i: int) -> bool:
    return i > 0 and blocks[i - 1].kind == "li" and blocks[i - 1].list_id == blocks[i].list_id


def _line_ops(line: linebreak.Line, x: float, base: float, st: Style, c: Ctx) -> list[Op]:
    color = c.color(st.color)
    pieces = tuple(
        TextPiece(p.text, p.font, st.size, c.color(p.color) if p.color else color, p.x)
        for p in line.pieces
    )
    ops: list[Op] = [TextOp(x, base, pieces, line.width)]
    asc = st.size * 0.8
    for p in line.pieces:
        if p.link:
            ops.append(
                LinkOp(x + p.x, base - st.size * 0.25, x + p.x + p.width, base + asc, p.link)
            )
    return ops


def _nodes(
    box: Box,
    blocks: Sequence[_Block],
    placed: Sequence[_Placed],
    c: Ctx,
    geom: tuple[float, float, float, float],
    offset: float,
) -> list[Node]:
    x0, top, col_w, gutter = geom
    per_block: dict[int, list[Op]] = {}
    bullets: dict[int, list[Op]] = {}
    for p in placed:
        b = blocks[p.block]
        st = b.style
        assert st is not None
        line = b.lines[p.line]
        lx = x0 + p.col * (col_w + gutter) + st.indent
        avail = col_w - st.indent
        if st.align == "right":
            lx += avail - line.width
        elif st.align == "center":
            lx += (avail - line.width) / 2
        base = top - offset - p.y - (st.leading + st.size * 0.61) / 2
        per_block.setdefault(p.block, []).extend(_line_ops(line, lx, base, st, c))
        if p.line == 0 and b.kind == "li" and st.bullet:
            bcol = c.color(st.bullet_color or st.color)
            bx = x0 + p.col * (col_w + gutter)
            bullets[p.block] = [
                TextOp(bx, base, (TextPiece(st.bullet, st.font, st.size, bcol, 0.0),), 0.0)
            ]
    nodes: list[Node] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind == "para" and i in per_block:
            assert b.style is not None
            nodes.append(Node(box.tag or b.style.tag, tuple(per_block[i]), box=box.id))
        elif b.kind == "li":
            items = []
            while i < len(blocks) and blocks[i].kind == "li" and blocks[i].list_id == b.list_id:
                lbl = Node("Lbl", tuple(bullets.get(i, ())), box=box.id)
                body = Node("LBody", tuple(per_block.get(i, ())), box=box.id)
                items.append(Node("LI", (), (lbl, body), box=box.id))
                i += 1
            nodes.append(
                Node("L", (), tuple(items), box=box.id, attrs=(("ListNumbering", "Disc"),))
            )
            continue
        i += 1
    return nodes


def _try(
    box: Box, c: Ctx, s: float, geom: tuple[float, float, float, float], height: float
) -> tuple[list[_Block], list[_Placed], float, float]:
    blocks = _blocks(box, c, s, geom[2])
    placed, overflow, room = _flow(blocks, height, box.columns)
    return blocks, placed, overflow, room


def plan_text_box(box: Box, c: Ctx, page_h: float) -> tuple[list[Node], list[Op], BoxFit]:
    """Plan one text box: its structure nodes, its background, and how well it fits."""
    x, y, w, h = box.rect_pt(page_h)
    pad = box.padding * MM
    gutter = box.gutter * MM
    inner_w, inner_h = w - 2 * pad, h - 2 * pad
    col_w = (inner_w - gutter * (box.columns - 1)) / box.columns
    geom = (x + pad, y + h - pad, col_w, gutter)
    styles = [c.layout.styles[str(it.style)] for it in box.content if it.style]
    shrinkable = [st for st in styles if st.min_size is not None]
    s_min = max((st.min_size / st.size for st in shrinkable if st.min_size), default=1.0)
    where = (c.layout.name, c.kommune, box.page, box.id)
    notes_before = (list(c.notes.sources), c.notes.missing, len(c.notes.used))

    def attempt(s: float) -> tuple[list[_Block], list[_Placed], float, float]:
        c.notes.sources[:], c.notes.missing = list(notes_before[0]), notes_before[1]
        del c.notes.used[notes_before[2] :]
        try:
            return _try(box, c, s, geom, inner_h)
        except linebreak.Overflow as exc:
            raise FitError(
                *where, f'ordet "{exc.word}" er {exc.width - exc.room:.0f} pt for bredt til boksen'
            ) from None

    s = 1.0
    blocks, placed, overflow, room = attempt(s)
    if overflow > 0 and shrinkable:
        lo, hi = s_min, 1.0  # largest scale that fits, by bisection on a 0,25 pt grid
        best = attempt(lo)
        if best[2] > 0:
            blocks, placed, overflow, room = best
            s = lo
        else:
            for _ in range(12):
                mid = (lo + hi) / 2
                res = attempt(mid)
                if res[2] > 0:
                    hi = mid
                else:
                    lo, best = mid, res
                if (hi - lo) * shrinkable[0].size < 0.25:
                    break
            blocks, placed, overflow, room = attempt(lo) if best[2] > 0 else best
            s = lo
    if overflow > 0:
        smallest = ", ".join(f"{st.min_size:g} pt" for st in shrinkable if st.min_size)
        at = f" ved mindste skriftstørrelse {smallest}" if shrinkable else ""
        raise FitError(*where, f"{math.ceil(overflow)} pt for højt{at}")
    if box.columns > 1 and not any(it.column_break for it in box.content):
        placed = _balance(blocks, inner_h, box.columns)
    offset = 0.0
    if box.valign != "top" and box.columns == 1:
        offset = room / (2 if box.valign == "middle" else 1)
    nodes = _nodes(box, blocks, placed, c, geom, offset)
    background: list[Op] = []
    fit = BoxFit(box.page, box.id, room, s)
    return nodes, background, fit

"""Text boxes: set a box's filled items (`faktaark.plan.filled`) into lines, flow them into
the box's columns, and fit.

A text box holds items (paragraphs, lists, the notes, spaces, column breaks). Each is broken
into lines at its style's size, then the lines flow top to bottom and column to column:
a heading stays with what follows it, a paragraph never leaves a single first line at the
bottom of a column nor a single last line at the top of the next, and a list starts in the
column of its lead-in line (`columns.flow`). If the content is taller than the box, styles
with a `min_size` shrink step by step; if it still does not fit, `FitError` says by how much.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from faktaark.core.units import MM
from faktaark.errors import FitError
from faktaark.layout.model import Box, Layout, Style
from faktaark.plan import columns
from faktaark.plan.columns import Block, Placed
from faktaark.plan.context import Ctx
from faktaark.plan.filled import Filled, fill_box
from faktaark.plan.model import BoxFit, LinkOp, Node, Op, TextOp, TextPiece
from faktaark.text import linebreak
from faktaark.text.fonts import ensure_glyphs
from faktaark.text.lexicon import bind_short_words
from faktaark.text.templates import Seg, plain

__all__ = ["plan_text_box", "segments_to_spans"]

EPS = 0.01
EVEN = 0.6  # a balanced style's last line shorter than this part of the longest is evened out


def segments_to_spans(segs: Sequence[Seg], style: Style) -> list[linebreak.Span]:
    """The spans of filled text in a style. Display text (a style that is not hyphenated:
    headings, leads, table heads, captions) binds its short words to the next word."""
    spans = []
    hyph = hyphenates(style)
    if not hyph:
        segs = _bound(segs)
    for s in segs:
        text = s.text.upper() if style.upper else s.text
        font = style.bold_font if s.bold else style.font
        spans.append(linebreak.Span(text, font, s.link, hyphenate=not s.value and hyph))
    return spans


def _bound(segs: Sequence[Seg]) -> Sequence[Seg]:
    """`bind_short_words` across the segments (a short word at the end of one segment and
    the space in the next too)."""
    text = "".join(s.text for s in segs)
    bound = bind_short_words(text)
    if bound == text:
        return segs
    out, pos = [], 0
    for s in segs:
        out.append(s._replace(text=bound[pos : pos + len(s.text)]))
        pos += len(s.text)
    return out


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


def hyphenates(style: Style) -> bool:
    """Hyphenation is for running text: never in titles, headings or captions."""
    return style.hyphenate and not style.tag.startswith("H") and style.tag != "Caption"


def _paragraph(
    segs: Sequence[Seg], style: Style, width: float, c: Ctx, where: str, avoid: frozenset[int]
) -> Block:
    lines = _lines(tuple(segs), style, round(width, 3), c, where, avoid)
    return Block("para", style, lines, len(lines) * style.leading, text=plain(segs))


_LINES: dict[tuple[tuple[Seg, ...], Style, float, frozenset[int]], tuple[linebreak.Line, ...]] = {}


def _lines(
    segs: tuple[Seg, ...], style: Style, width: float, c: Ctx, where: str,
    avoid: frozenset[int] = frozenset(),
) -> tuple[linebreak.Line, ...]:  # fmt: skip
    """Line breaking, done once per process for a text that is the same on many sheets.
    `avoid`: lines that must not end in a hyphen (they end a column)."""
    key = (segs, style, width, avoid)
    hit = _LINES.get(key)
    if hit is not None:
        return hit
    spans = segments_to_spans(segs, style)
    for sp in spans:
        ensure_glyphs(sp.text.replace("\n", ""), sp.font, where)
    # a title never leaves one word alone on its last line, however long
    runt = (2, math.inf) if style.tag == "H1" else (linebreak.RUNT_WORDS, linebreak.RUNT_CHARS)
    lines = tuple(
        linebreak.break_lines(
            spans, style.size, width - style.indent, c.metrics, hyphenate=hyphenates(style),
            known=c.layout.hyphenation, avoid=avoid, runt=runt,
        )
    )  # fmt: skip
    # headings always; a `balance` style when its last line is short (the search costs eight
    # line breaks, and most key figures' captions are even enough as they break)
    short = len(lines) >= 2 and lines[-1].width < EVEN * max(ln.width for ln in lines)
    balance = style.tag.startswith("H") or (style.balance and short)
    if balance and len(lines) >= 2 and not any("\n" in s.text for s in segs):
        lines = _balanced(spans, style, width - style.indent, c, lines, runt)
    if len(_LINES) > 20_000:
        _LINES.clear()
    _LINES[key] = lines
    return lines


def _balanced(
    spans: Sequence[linebreak.Span], style: Style, width: float, c: Ctx,
    lines: tuple[linebreak.Line, ...], runt: tuple[int, float],
) -> tuple[linebreak.Line, ...]:  # fmt: skip
    """A heading's lines (and a `balance` style's) made as even as its words allow: the
    narrowest measure that keeps the number of lines (so "... boligudbud med plads / til
    alle" becomes "... varieret / boligudbud med plads til alle")."""
    lo, hi, best = width / 2, width, None
    words = linebreak.measure(spans, style.size, c.metrics)  # once for every measure tried
    for _ in range(8):  # the lines are counted at each measure, and set at the best one
        mid = (lo + hi) / 2
        try:
            n = linebreak.count_lines(words, mid, c.metrics, runt=runt)
        except linebreak.Overflow:
            lo = mid
            continue
        if n == len(lines):
            hi, best = mid, mid
        else:
            lo = mid
    if best is None:
        return lines
    return tuple(
        linebreak.break_lines(spans, style.size, best, c.metrics, hyphenate=False, runt=runt)
    )


Avoid = Mapping[int, frozenset[int]]  # block index -> lines that must not end hyphenated


def _blocks(box: Box, filled: Filled, c: Ctx, s: float, width: float, avoid: Avoid) -> list[Block]:
    """The filled items set at scale `s` in columns `width` wide."""
    blocks: list[Block] = []
    none: frozenset[int] = frozenset()
    where = f'{c.layout.name}, {c.kommune}, page {box.page}, box "{box.id}"'
    styles: dict[str, Style] = {}
    for kind, n, name, segs in filled:
        if kind == "space":
            blocks.append(Block("space", height=(box.content[n].space or 0.0) * MM))
            continue
        if kind == "break":
            blocks.append(Block("break"))
            continue
        style = styles.get(name)
        if style is None:
            style = styles[name] = _scaled(c.layout.styles[name], s)
        b = _paragraph(segs, style, width, c, where, avoid.get(len(blocks), none))
        if kind == "li":
            b.kind, b.list_id = "li", n
        blocks.append(b)
    return blocks


def _line_ops(line: linebreak.Line, x: float, base: float, st: Style, c: Ctx) -> list[Op]:
    color = c.color(st.color)
    pieces = tuple(
        TextPiece(p.text, p.font, st.size, c.color(p.color) if p.color else color, p.x)
        for p in line.pieces
    )
    ops: list[Op] = [TextOp(x, base, pieces, line.width, line.hyphen)]
    asc = st.size * 0.8
    for p in line.pieces:
        if p.link:
            ops.append(
                LinkOp(x + p.x, base - st.size * 0.25, x + p.x + p.width, base + asc, p.link)
            )
    return ops


def _nodes(
    box: Box,
    blocks: Sequence[Block],
    placed: Sequence[Placed],
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
            nodes.append(
                Node(box.tag or b.style.tag, tuple(per_block[i]), box=box.id, style=b.style.name)
            )
        elif b.kind == "li":
            items = []
            while i < len(blocks) and blocks[i].kind == "li" and blocks[i].list_id == b.list_id:
                lbl = Node("Lbl", tuple(bullets.get(i, ())), box=box.id)
                name = b.style.name if b.style else ""
                body = Node("LBody", tuple(per_block.get(i, ())), box=box.id, style=name)
                items.append(Node("LI", (), (lbl, body), box=box.id))
                i += 1
            nodes.append(
                Node("L", (), tuple(items), box=box.id, attrs=(("ListNumbering", "Disc"),))
            )
            continue
        i += 1
    return nodes


def _lone(line: linebreak.Line) -> bool:
    return len(line.text.split()) < 2


def _try(
    box: Box, filled: Filled, c: Ctx, s: float, geom: tuple[float, float, float, float],
    height: float, avoid: Avoid,
) -> tuple[list[Block], list[Placed], float, float]:  # fmt: skip
    blocks = _blocks(box, filled, c, s, geom[2], avoid)
    placed, overflow, room = columns.flow(blocks, height, box.columns)
    for b in blocks:  # a title with one word alone on its last line does not fit
        st = b.style
        if st is not None and st.tag == "H1" and len(b.lines) >= 2 and _lone(b.lines[-1]):
            overflow += st.leading
    return blocks, placed, overflow, room


def plan_text_box(
    box: Box, c: Ctx, page_h: float, max_scale: float = 1.0
) -> tuple[list[Node], list[Op], BoxFit]:
    """Plan one text box: its structure nodes, its background, and how well it fits.
    `max_scale` < 1 sets shrinkable styles smaller (a series size, a row of key figures)."""
    static = _static_box(box, c.layout)
    key = (id(c.layout), box.id, page_h, max_scale)
    if static:
        hit = _STATIC.get(key)
        if hit is not None and hit[0] is c.layout:
            return list(hit[1]), [], hit[2]
    x, y, w, h = box.rect_pt(page_h)
    pad = box.padding * MM
    gutter = box.gutter * MM
    inner_w, inner_h = w - 2 * pad, h - 2 * pad
    col_w = (inner_w - gutter * (box.columns - 1)) / box.columns
    geom = (x + pad, y + h - pad, col_w, gutter)
    avoid: dict[int, frozenset[int]] = {}
    filled = fill_box(box, c)  # once: filling also records the sheet's notes and sources
    blocks, placed, s, room = _solve(box, filled, c, geom, inner_h, max_scale, avoid)
    for _ in range(3):  # no hyphen at the bottom of a column: break those lines elsewhere
        bad = columns.column_end_hyphens(blocks, placed)
        if not bad:
            break
        for bi, lines in bad.items():
            avoid[bi] = avoid.get(bi, frozenset()) | lines
        try:
            blocks, placed, s, room = _solve(box, filled, c, geom, inner_h, max_scale, avoid)
        except FitError:
            break  # keep the last plan that fits (the proof check reports the hyphen)
    offset = 0.0
    if box.valign != "top" and box.columns == 1:
        offset = room / (2 if box.valign == "middle" else 1)
    nodes = _nodes(box, blocks, placed, c, geom, offset)
    background: list[Op] = []
    fit = BoxFit(box.page, box.id, room, s)
    if static:
        if len(_STATIC) > 256:
            _STATIC.clear()
        _STATIC[key] = (c.layout, tuple(nodes), fit)
    return nodes, background, fit


# boxes whose words are the same on every sheet, planned once per process
_STATIC: dict[tuple[int, str, float, float], tuple[Layout, tuple[Node, ...], BoxFit]] = {}


def _static_box(box: Box, layout: Layout) -> bool:
    """True when no item of the box has a placeholder (or the sheet's notes)."""
    for it in box.content:
        if it.notes:
            return False
        if it.text is not None and "{" in str(layout.text(it.text)):
            return False
        if it.list is not None and any("{" in str(e) for e in layout.text(it.list)):
            return False
    return True


def _solve(
    box: Box, filled: Filled, c: Ctx, geom: tuple[float, float, float, float], inner_h: float,
    max_scale: float, avoid: Avoid,
) -> tuple[list[Block], list[Placed], float, float]:  # fmt: skip
    """The largest scale (at most `max_scale`) at which the box, `filled`, fits, and its
    placement."""
    styles = [c.layout.styles[str(it.style)] for it in box.content if it.style]
    shrinkable = [st for st in styles if st.min_size is not None]
    s_min = max((st.min_size / st.size for st in shrinkable if st.min_size), default=1.0)
    where = (c.layout.name, c.kommune, box.page, box.id)

    def attempt(s: float) -> tuple[list[Block], list[Placed], float, float]:
        try:
            return _try(box, filled, c, s, geom, inner_h, avoid)
        except linebreak.Overflow as exc:
            if shrinkable and s > s_min:  # a word too wide at this size: try smaller
                return [], [], math.inf, -math.inf
            raise FitError(
                *where,
                f'the word "{exc.word}" is {exc.width - exc.room:.0f} pt too wide for the box',
            ) from None

    s = max_scale if shrinkable else 1.0
    blocks, placed, overflow, room = attempt(s)
    if overflow > 0 and shrinkable:
        lo, hi = s_min, s  # largest scale that fits, by bisection on a 0,25 pt grid
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
        at = f" at the smallest size allowed ({smallest})" if shrinkable else ""
        raise FitError(*where, f"{math.ceil(overflow)} pt too tall{at}")
    if box.columns > 1 and not any(it.column_break for it in box.content):
        placed = columns.balance(blocks, inner_h, box.columns)
    return blocks, placed, s, room

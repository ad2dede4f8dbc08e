"""Colour that survives the press: the print colour rules of a layout (`faktaark layouts check`).

The print variant is printed as it is declared: the CMYK of `[colors]` (its `overprint`, its
`separation`) and `[print]`. These rules read only the layout, so a layout that breaks one is
rejected before any sheet is built; `faktaark.pdf.preflight` checks the same rules (with the
same thresholds, from here) on a built PDF. None of them is part of an ISO standard: they are
print-shop conventions (see the README, "Archive, print and accessibility").

- text under 12 pt, and every hairline (a line under 0.5 pt), in one ink or 100 % K;
- black text (K only) under 12 pt set to overprint, and the body text (`styles.body`) 100 % K;
- rich black (K 90 % or more with other inks) only at 18 pt and above;
- white text under 10 pt only on backgrounds of at most two inks;
- crop marks (`[print] marks`) in the registration colour, `separation = "All"`;
- white lines on a tint at least `[print] min_white_stroke` wide (0.5 pt or more).
"""

from __future__ import annotations

from faktaark.core.units import Color
from faktaark.layout.model import Box, Layout, Style

__all__ = [
    "HAIRLINE_PT",
    "MIN_REVERSE_STROKE_PT",
    "MIN_STROKE_PT",
    "RICH_BLACK_MIN_PT",
    "SMALL_TEXT_PT",
    "WHITE_TEXT_MAX_INKS",
    "WHITE_TEXT_MIN_PT",
    "cmyk_label",
    "print_colour_problems",
]

SMALL_TEXT_PT = 12.0  # text under this size: one ink, or 100 % K
RICH_BLACK_MIN_PT = 18.0  # rich black only at this size and above
WHITE_TEXT_MIN_PT = 10.0  # white text under this size ...
WHITE_TEXT_MAX_INKS = 2  # ... only on backgrounds of at most this many inks
HAIRLINE_PT = 0.5  # a line under this weight is a hairline: one ink, or 100 % K
MIN_STROKE_PT = 0.25  # no line thinner than this
MIN_REVERSE_STROKE_PT = 0.5  # no white line on a tint thinner than this


def cmyk_label(c: Color) -> str:
    """ "brand (M100 Y70 K18)"."""
    if c.separation:
        return f"{c.name} (/Separation /{c.separation})"
    parts = [f"{n}{round(v * 100)}" for n, v in zip("CMYK", c.cmyk, strict=True) if v > 0.0005]
    return f"{c.name} ({' '.join(parts) or 'no ink'})"


def _smallest(s: Style) -> float:
    return min(s.size, s.min_size or s.size)


def _rich_black(c: Color) -> bool:
    return c.cmyk[3] >= 0.9 and max(c.cmyk[:3]) > 0.0005


def _black_only(c: Color) -> bool:
    return c.separation is None and c.cmyk[3] > 0.0005 and max(c.cmyk[:3]) <= 0.0005


def _style_rules(name: str, s: Style, colors: dict[str, Color]) -> list[str]:
    out: list[str] = []
    size = _smallest(s)
    for attr in ("color", "bullet_color"):
        cname = getattr(s, attr)
        c = colors.get(cname) if cname else None
        if c is None:
            continue
        where = f"styles.{name}.{attr}"
        if size < SMALL_TEXT_PT and c.inks > 1:
            out.append(
                f"{where}: {size:g} pt text in {cmyk_label(c)} uses {c.inks} inks; text under "
                f"{SMALL_TEXT_PT:g} pt must be one ink or 100 % K"
            )
        if _rich_black(c) and size < RICH_BLACK_MIN_PT:
            out.append(
                f"{where}: {size:g} pt text in rich black {cmyk_label(c)}; rich black only at "
                f"{RICH_BLACK_MIN_PT:g} pt and above"
            )
        if _black_only(c) and size < SMALL_TEXT_PT and not c.overprint:
            out.append(
                f"{where}: {size:g} pt black text in {cmyk_label(c)} is not set to overprint "
                "(`overprint = true` on the colour)"
            )
    body = colors.get(s.color)
    if name == "body" and body is not None and (body.cmyk != (0, 0, 0, 1) or not body.overprint):
        out.append(
            f"styles.body.color: body text in {cmyk_label(body)}; it must be 100 % K "
            "(cmyk = [0, 0, 0, 100]) with `overprint = true`"
        )
    return out


def _box_styles(b: Box) -> list[str]:
    names = [it.style for it in b.content if it.style]
    names += [n for n in (b.style, b.header_style, b.number_style, b.label_style) if n]
    return list(dict.fromkeys(names))


def _overlap(a: Box, b: Box) -> bool:
    return (
        a.page == b.page
        and min(a.x + a.w, b.x + b.w) - max(a.x, b.x) > 0.01
        and min(a.y + a.h, b.y + b.h) - max(a.y, b.y) > 0.01
    )


def _backgrounds(b: Box, layout: Layout) -> list[Color]:
    """The fills a box's text may lie on: its own fill, else every filled box under it."""
    if b.fill:
        return [layout.colors[b.fill]] if b.fill in layout.colors else []
    out = []
    for other in layout.boxes:
        if other is b or not other.fill or other.fill not in layout.colors:
            continue
        if _overlap(b, other) and layout.boxes.index(other) < layout.boxes.index(b):
            out.append(layout.colors[other.fill])
    return out


def _white_text(layout: Layout) -> list[str]:
    out: list[str] = []
    for i, b in enumerate(layout.boxes):
        for sname in _box_styles(b):
            s = layout.styles.get(sname)
            c = layout.colors.get(s.color) if s else None
            if s is None or c is None or not c.white or _smallest(s) >= WHITE_TEXT_MIN_PT:
                continue
            for bg in _backgrounds(b, layout):
                if bg.inks > WHITE_TEXT_MAX_INKS:
                    out.append(
                        f'box.{i} ("{b.id}"): {_smallest(s):g} pt white text (styles.{sname}) '
                        f"on {cmyk_label(bg)}, {bg.inks} inks; white text under "
                        f"{WHITE_TEXT_MIN_PT:g} pt only on backgrounds of at most "
                        f"{WHITE_TEXT_MAX_INKS} inks"
                    )
    return out


def _hairlines(layout: Layout) -> list[str]:
    """Lines under HAIRLINE_PT: box strokes, table rules, chart grids, map borders."""
    out: list[str] = []

    def check(where: str, cname: str | None, width: float) -> None:
        c = layout.colors.get(cname) if cname else None
        if c is None or c.white or width >= HAIRLINE_PT:
            return
        if c.inks > 1 and c.cmyk[3] < 0.9995:
            out.append(
                f"{where}: a {width:g} pt line in {cmyk_label(c)} uses {c.inks} inks; lines "
                f"under {HAIRLINE_PT:g} pt must be one ink or 100 % K"
            )

    kinds = {b.kind for b in layout.boxes}
    if kinds & {"table", "bar_chart", "ranking_chart"}:
        check("colors.rule (table rules, chart grid)", "rule", 0.3)
    for i, b in enumerate(layout.boxes):
        if b.stroke and b.kind in ("rect", "rule", "text"):
            check(f'box.{i} ("{b.id}").stroke', b.stroke, b.stroke_width)
        if b.kind == "map":
            check(f'box.{i} ("{b.id}").colors[1] (map borders)', (b.colors + ("",) * 2)[1], 0.25)
    return out


def print_colour_problems(layout: Layout) -> list[str]:
    """Every print colour rule the layout breaks, naming the style or box and the colour."""
    colors = dict(layout.colors)
    out: list[str] = []
    for name, s in layout.styles.items():
        out += _style_rules(name, s, colors)
    out += _white_text(layout)
    out += _hairlines(layout)
    marks = colors.get(layout.marks)
    if marks is None:
        out.append(f"print.marks: unknown colour {layout.marks!r}")
    elif marks.separation != "All":
        out.append(
            f"print.marks: crop marks in {cmyk_label(marks)}; they must be in the registration "
            'colour (a colour with `separation = "All"`)'
        )
    if layout.min_white_stroke < MIN_REVERSE_STROKE_PT:
        out.append(
            f"print.min_white_stroke: {layout.min_white_stroke:g} pt; white lines on a tint need "
            f"at least {MIN_REVERSE_STROKE_PT:g} pt"
        )
    return out

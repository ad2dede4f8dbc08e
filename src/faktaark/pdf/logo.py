"""A sender's logo given as SVG, drawn as vectors (svglib): fitted and centred in its box,
set in the bundled font (never Helvetica, which PDF/A forbids unembedded), and on the print
variant in CMYK (K from the darkest channel), as every colour of a print sheet is."""

from __future__ import annotations

from typing import Any

from faktaark.plan.model import ImageOp

__all__ = ["draw_svg"]


def draw_svg(canvas: Any, op: ImageOp, cmyk: bool) -> None:
    """Draw the SVG file `op.path` into `op`'s box on `canvas`."""
    from reportlab.graphics import renderPDF
    from reportlab.lib.colors import CMYKColor
    from svglib.svglib import svg2rlg

    drawing = svg2rlg(op.path)
    if drawing is None:
        raise ValueError(f"{op.path}: not an SVG image")
    k = min(op.w / drawing.width, op.h / drawing.height)
    drawing.scale(k, k)
    drawing.initialFontName = "FaktaSans-Regular"  # never Helvetica (PDF/A)
    if cmyk:  # print: the logo's RGB as CMYK (K from the darkest channel)
        _to_cmyk(drawing, CMYKColor)
    x = op.x + (op.w - drawing.width * k) / 2
    y = op.y + (op.h - drawing.height * k) / 2
    renderPDF.draw(drawing, canvas, x, y, showBoundary=False)


def _to_cmyk(node: Any, cmyk: Any) -> None:
    """Every RGB fill and stroke of an SVG drawing (svglib's shapes) as CMYK, in place."""
    for attr in ("fillColor", "strokeColor"):
        col = getattr(node, attr, None)
        if col is not None and hasattr(col, "rgb") and not hasattr(col, "cyan"):
            r, g, b = col.rgb()
            k = 1 - max(r, g, b)
            c, m, y = ((1 - v - k) / (1 - k) if k < 1 else 0.0 for v in (r, g, b))
            setattr(node, attr, cmyk(c, m, y, k, alpha=getattr(col, "alpha", 1)))
    for child in getattr(node, "contents", ()):
        _to_cmyk(child, cmyk)

"""Paint a `SheetPlan` with ReportLab: the only module that draws.

No layout decision is made here. Every drawing operation of the plan becomes PDF operators;
decoration is wrapped as `/Artifact` marked content and each structure node's operations as
`/<Role> <</MCID n>> BDC ... EMC`, so `pdfa.py` can build the structure tree afterwards.
The same function draws the screen variant (RGB) and the print variant (CMYK, on a larger
page with bleed and crop marks; see `printgeom.py`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from faktaark.core.units import Color
from faktaark.plan.model import ImageOp, LineOp, LinkOp, Node, Op, PathOp, RectOp, SheetPlan, TextOp
from faktaark.text.fonts import register_all

if TYPE_CHECKING:
    from faktaark.pdf.printgeom import PrintGeometry

__all__ = ["Link", "Marked", "Rendered", "draw", "render_pdf"]

BODY_FONT = "FaktaSans-Regular"


class Marked(NamedTuple):
    """One marked-content sequence: page index, MCID, and the node it belongs to."""

    page: int
    mcid: int
    node: Node


class Link(NamedTuple):
    """A link annotation: its page, ReportLab's internal name for it, the node it belongs to,
    and its /StructParent key (pages take keys 0..n-1, links n, n+1, ...)."""

    page: int
    name: str
    node: Node
    key: int


@dataclass
class Rendered:
    """A drawn document: the ReportLab canvas with every page shown but not yet saved (see
    `pdfa.finish`), the marked-content sequences, and the link annotations."""

    canvas: Any
    marked: list[Marked] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


class _Painter:
    def __init__(self, canvas: Any, cmyk: bool) -> None:
        from reportlab.lib.colors import CMYKColor
        from reportlab.lib.rl_accel import fp_str
        from reportlab.pdfbase import pdfmetrics

        self.c = canvas
        self.cmyk = cmyk
        self._cmyk_color = CMYKColor
        self._cache: dict[str, Any] = {}
        self._ops: dict[tuple[str, bool], str] = {}
        self._fp = fp_str
        self._fonts = {name: pdfmetrics.getFont(name) for name in register_all()}

    def color(self, col: Color) -> Any:
        key = col.name + str(col.cmyk)
        hit = self._cache.get(key)
        if hit is None:
            if self.cmyk:
                hit = self._cmyk_color(*col.cmyk)
            else:
                from reportlab.lib.colors import Color as RLColor

                hit = RLColor(*col.rgb)
            self._cache[key] = hit
        return hit

    def color_op(self, col: Color, fill: bool = True) -> str:
        """The PDF operator that sets a colour: `r g b rg` (screen) or `c m y k k` (print)."""
        key = (col.name + str(col.cmyk), fill)
        hit = self._ops.get(key)
        if hit is None:
            values = col.cmyk if self.cmyk else col.rgb
            op = ("k" if self.cmyk else "rg") if fill else ("K" if self.cmyk else "RG")
            hit = f"{self._fp(*values)} {op}"
            self._ops[key] = hit
        return hit

    def text(self, op: TextOp) -> None:
        """One text object per line: the pieces one after the other (their widths are the
        advances the planner measured), so extraction reads the line as one line. Written as
        PDF operators directly; ReportLab still does the font subsetting and encoding."""
        c = self.c
        doc = c._doc
        fp = self._fp
        out = [f"BT 1 0 0 1 {fp(op.x + op.pieces[0].dx)} {fp(op.y)} Tm"]
        for p in op.pieces:
            font = self._fonts[p.font]
            out.append(self.color_op(p.color))
            size = fp(p.size)
            for subset, chunk in font.splitString(p.text, doc):
                name = font.getSubsetInternalName(subset, doc)
                out.append(f"{name} {size} Tf ({c._escape(chunk)}) Tj")
        out.append("ET")
        c.addLiteral(" ".join(out))

    def rect(self, op: RectOp, bleed: float) -> None:
        c = self.c
        x, y, w, h = op.x, op.y, op.w, op.h
        left, bottom, right, top = op.bleed
        if bleed:
            x -= bleed if left else 0
            y -= bleed if bottom else 0
            w += (bleed if left else 0) + (bleed if right else 0)
            h += (bleed if bottom else 0) + (bleed if top else 0)
        if op.fill:
            c.setFillColor(self.color(op.fill))
        if op.stroke:
            c.setStrokeColor(self.color(op.stroke))
            c.setLineWidth(op.line_width)
        c.rect(x, y, w, h, fill=1 if op.fill else 0, stroke=1 if op.stroke else 0)

    def line(self, op: LineOp) -> None:
        self.c.setStrokeColor(self.color(op.color))
        self.c.setLineWidth(op.line_width)
        self.c.line(op.x1, op.y1, op.x2, op.y2)

    def path(self, op: PathOp) -> None:
        """Filled polygons (map shapes: many points) as PDF path operators, each ring's
        operators formatted once per process and reused."""
        parts = []
        if op.fill:
            parts.append(self.color_op(op.fill))
        if op.stroke:
            parts.append(self.color_op(op.stroke, fill=False))
            parts.append(f"{self._fp(op.line_width)} w 1 j")
        parts += [_ring_ops(r) for r in op.rings]
        parts.append("B*" if op.fill and op.stroke else "f*" if op.fill else "S")
        self.c.addLiteral(" ".join(parts))

    def image(self, op: ImageOp) -> None:
        self.c.drawImage(
            op.path, op.x, op.y, op.w, op.h, preserveAspectRatio=True, anchor="c", mask="auto"
        )

    def op(self, op: Op, bleed: float = 0.0) -> None:
        if isinstance(op, TextOp):
            self.text(op)
        elif isinstance(op, RectOp):
            self.rect(op, bleed)
        elif isinstance(op, LineOp):
            self.line(op)
        elif isinstance(op, PathOp):
            self.path(op)
        elif isinstance(op, ImageOp):
            self.image(op)


_RINGS: dict[int, tuple[tuple[tuple[float, float], ...], str]] = {}
_RINGS_MAX = 8192  # the maps use about 500 shared rings; a safety net, not a working size


def _ring_ops(ring: tuple[tuple[float, float], ...]) -> str:
    """`x y m x y l ... h` for one ring (cached by identity: the maps' rings are shared and
    immutable). The cache is emptied when it grows past `_RINGS_MAX`, so the rings made anew
    for each sheet (the marker around a small municipality) do not pile up in a long batch."""
    hit = _RINGS.get(id(ring))
    if hit is not None and hit[0] is ring:
        return hit[1]
    (x0, y0), rest = ring[0], ring[1:]
    text = f"{x0:.2f} {y0:.2f} m " + " ".join(f"{x:.2f} {y:.2f} l" for x, y in rest) + " h"
    if len(_RINGS) >= _RINGS_MAX:
        _RINGS.clear()
    _RINGS[id(ring)] = (ring, text)
    return text


def render_pdf(plan: SheetPlan, creator: str = "faktaark") -> bytes:
    """A plain (untagged, not PDF/A) PDF of the plan: the contact sheet of `preview.py`."""
    data: bytes = draw(plan, creator=creator).canvas.getpdfdata()
    return data


def draw(
    plan: SheetPlan,
    geometry: PrintGeometry | None = None,
    creator: str = "faktaark",
    tagged: bool = False,
) -> Rendered:
    """Draw the plan. With `geometry` the print variant (CMYK, bleed, marks), else screen.
    With `tagged`, link annotations get the /StructParent keys the structure tree uses and a
    /Contents description."""
    from reportlab.pdfbase.pdfdoc import PDFString
    from reportlab.pdfgen.canvas import Canvas

    register_all()
    size = geometry.media_size if geometry else (plan.width, plan.height)
    boxes: dict[str, Any] = geometry.boxes() if geometry else {}
    canvas = Canvas(
        io.BytesIO(),
        pagesize=size,
        invariant=1,
        initialFontName=BODY_FONT,
        lang=plan.lang,
        pageCompression=1,
        enforceColorSpace="cmyk" if geometry else None,
        **boxes,
    )
    canvas.setTitle(plan.title)
    canvas.setAuthor(plan.author)
    canvas.setSubject(plan.subject)
    canvas.setCreator(creator)
    canvas.setKeywords(f"almene boliger, {plan.kommune}, faktaark")
    painter = _Painter(canvas, cmyk=geometry is not None)
    out = Rendered(canvas)
    bleed = geometry.bleed if geometry else 0.0
    for page_index, page in enumerate(plan.pages):
        canvas.saveState()
        if geometry:
            canvas.translate(geometry.offset, geometry.offset)
        canvas.addLiteral("/Artifact BMC")
        for op in page.artifacts:
            painter.op(op, bleed)
        canvas.addLiteral("EMC")
        mcid = 0
        stack = list(reversed(page.content))
        while stack:
            node = stack.pop()
            drawn = [op for op in node.ops if not isinstance(op, LinkOp)]
            if drawn:
                canvas.addLiteral(f"/{_mc_tag(node.role)} <</MCID {mcid}>> BDC")
                for op in drawn:
                    painter.op(op)
                canvas.addLiteral("EMC")
                out.marked.append(Marked(page_index, mcid, node))
                mcid += 1
            for op in node.ops:
                if isinstance(op, LinkOp):
                    key = len(plan.pages) + len(out.links)  # the structure tree's key
                    extra: dict[str, Any] = {"F": 4}  # printable (PDF/A)
                    if tagged:
                        extra["StructParent"] = key
                        extra["Contents"] = PDFString(f"Link: {op.url}")
                    rect = (op.x1, op.y1, op.x2, op.y2)
                    canvas.linkURL(op.url, rect, relative=1, thickness=0, **extra)
                    name = canvas._doc.annotationName(f"NUMBER{canvas._annotationCount}")
                    out.links.append(Link(page_index, name, node, key))
            stack.extend(reversed(node.children))
        canvas.restoreState()
        if geometry:
            canvas.addLiteral("/Artifact BMC")
            for mark in geometry.marks():
                painter.line(mark)
            canvas.addLiteral("EMC")
        canvas.showPage()
    return out


def _mc_tag(role: str) -> str:
    return "Span" if role in ("L", "LI", "TR", "Table") else role

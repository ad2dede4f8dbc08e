"""Paint a `SheetPlan` with ReportLab: the module that draws a plan (a sender's SVG logo:
`faktaark.pdf.logo`).

No layout decision is made here. Every drawing operation of the plan becomes PDF operators;
decoration is wrapped as `/Artifact` marked content and each structure node's operations as
`/<Role> <</MCID n>> BDC ... EMC`, so `pdfa.py` can build the structure tree afterwards.
The same function draws the screen variant (RGB) and the print variant (CMYK as the layout
declares it, overprint where a colour asks for it, on a larger page with bleed and crop marks
in the registration colour, no link annotations; see `printgeom.py`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from faktaark.core.units import Color
from faktaark.pdf.embedding import register_all
from faktaark.pdf.paths import packed_ops, ring_ops
from faktaark.plan.model import ImageOp, LineOp, LinkOp, Node, Op, PathOp, RectOp, SheetPlan, TextOp

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


# print: the graphics states that switch overprint on and off (op follows OP when absent) and
# set overprint mode 1 (a DeviceCMYK 0 leaves that plate alone), written once per page
_OVERPRINT = {("OP", "true"): "FkOP", ("OP", "false"): "FkKO", ("OPM", 1): "FkOPM"}


class _Painter:
    def __init__(self, canvas: Any, cmyk: bool, min_white_stroke: float = 0.0) -> None:
        from reportlab.lib.colors import CMYKColor
        from reportlab.lib.rl_accel import escapePDF, fp_str
        from reportlab.pdfbase import pdfmetrics

        self.c = canvas
        self.cmyk = cmyk
        self._cmyk_color = CMYKColor
        self._cache: dict[tuple[str, tuple[float, ...]], Any] = {}
        self._ops: dict[tuple[str, tuple[float, ...], bool], str] = {}
        self._fp = fp_str
        self._escape = escapePDF
        self._subset_names: dict[tuple[str, int], str] = {}
        self._fonts = {name: pdfmetrics.getFont(name) for name in register_all()}
        self.min_white = min_white_stroke
        self._overprinting = False
        self._separations: dict[str, str] = {}  # colorant -> the document object's name
        # font -> (characters whose code is in its first subset, code point -> that code)
        self._known: dict[str, tuple[set[str], dict[int, str]]] = {}

    def begin_page(self) -> None:
        """Print: overprint mode 1 for the page, overprint off (ReportLab starts every page
        with empty graphics states: they are named in each page's resources)."""
        self._overprinting = False
        if self.cmyk:
            self.c._extgstate._c.update(_OVERPRINT)
            self.c.addLiteral("/FkOPM gs /FkKO gs")

    def overprint(self, col: Color | None) -> str:
        """Print: the `gs` operator that switches overprint to what `col` asks for ("" when
        it is already so, and always on screen)."""
        if not self.cmyk or col is None or col.overprint == self._overprinting:
            return ""
        self._overprinting = col.overprint
        return "/FkOP gs" if col.overprint else "/FkKO gs"

    def _separation(self, colorant: str) -> str:
        """The page resource name of a Separation colour space (alternate DeviceCMYK, tint t
        -> t in every process colour: right for the registration colour /All)."""
        from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName

        name = self._separations.get(colorant)
        if name is None:
            fn = PDFDictionary({
                "FunctionType": 2, "Domain": PDFArray([0, 1]), "C0": PDFArray([0, 0, 0, 0]),
                "C1": PDFArray([1, 1, 1, 1]), "N": 1,
            })  # fmt: skip
            space = PDFArray([PDFName("Separation"), PDFName(colorant), PDFName("DeviceCMYK"), fn])
            name = self._separations[colorant] = f"FkSep{colorant}"
            self.c._doc.Reference(space, name)
        self.c._colorsUsed[name] = f"CS{colorant}"
        return f"/CS{colorant}"

    def width(self, col: Color | None, w: float) -> float:
        """A stroke's width: white lines in print at least the layout's minimum."""
        return max(w, self.min_white) if self.cmyk and col is not None and col.white else w

    def color(self, col: Color) -> Any:
        key = (col.name, col.cmyk)
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
        key = (col.name, col.cmyk, fill)
        hit = self._ops.get(key)
        if hit is None and self.cmyk and col.separation:
            space = self._separation(col.separation)
            tint = self._fp(max(col.cmyk))
            hit = f"{space} cs {tint} scn" if fill else f"{space} CS {tint} SCN"
            self._ops[key] = hit
        elif hit is not None and self.cmyk and col.separation:
            self._separation(col.separation)  # this page's resources name it too
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
        fp = self._fp
        escape = self._escape
        out = [f"BT 1 0 0 1 {fp(op.x + op.pieces[0].dx)} {fp(op.y)} Tm"]
        for p in op.pieces:
            font = self._fonts[p.font]
            if self.cmyk and (gs := self.overprint(p.color)):  # no call at all on screen
                out.append(gs)
            out.append(self.color_op(p.color))
            size = fp(p.size)
            for subset, chunk in self._chunks(font, p.text):
                out.append(f"{self._subset_name(font, subset)} {size} Tf ({escape(chunk)}) Tj")
        out.append("ET")
        c.addLiteral(" ".join(out))

    def _subset_name(self, font: Any, subset: int) -> str:
        """The resource name of a font subset in this document (`/F1+0`): ReportLab's
        `getSubsetInternalName`, asked once per subset (its first call adds the font)."""
        key = (font.fontName, subset)
        name = self._subset_names.get(key)
        if name is None:
            name = self._subset_names[key] = font.getSubsetInternalName(subset, self.c._doc)
        return name

    def _chunks(self, font: Any, text: str) -> list[tuple[int, bytes]]:
        """ReportLab's `splitString` (the text as (subset, codes) runs, new characters given
        codes in this document's subsets), without its Python loop over every character when
        each character already has a code in the first subset: then the result is one run, the
        text translated to those codes (a no-break space is coded as a space, as there)."""
        known = self._known.get(font.fontName)
        if known is None:
            known = self._known[font.fontName] = (set(), {})
        chars, codes = known
        plain = text.replace("\xa0", " ")
        if chars.issuperset(plain):
            return [(0, plain.translate(codes).encode("latin-1"))] if text else []
        doc = self.c._doc
        # the characters new to this document, in the order of their first use: ReportLab
        # gives them the same codes as when it splits the whole text (a code is given to each
        # character the first time it is met, and never changed)
        new = "".join(dict.fromkeys(ch for ch in plain if ch not in chars))
        font.splitString(new, doc)
        assigned = font.state[doc].assignments  # code point -> code
        for ch in new:
            n = assigned.get(ord(ch))
            if n is not None and n < 256:
                chars.add(ch)
                codes[ord(ch)] = chr(n)
        if chars.issuperset(plain):
            return [(0, plain.translate(codes).encode("latin-1"))]
        chunks: list[tuple[int, bytes]] = font.splitString(text, doc)  # past the first subset
        return chunks

    def rect(self, op: RectOp, bleed: float) -> None:
        c = self.c
        x, y, w, h = op.x, op.y, op.w, op.h
        left, bottom, right, top = op.bleed
        if bleed:
            x -= bleed if left else 0
            y -= bleed if bottom else 0
            w += (bleed if left else 0) + (bleed if right else 0)
            h += (bleed if bottom else 0) + (bleed if top else 0)
        if gs := self.overprint(op.fill or op.stroke):
            c.addLiteral(gs)
        if any(col is not None and col.separation for col in (op.fill, op.stroke)) and self.cmyk:
            fp = self._fp
            parts = [self.color_op(op.fill)] if op.fill else []
            if op.stroke:
                lw = self.width(op.stroke, op.line_width)
                parts += [self.color_op(op.stroke, fill=False), f"{fp(lw)} w"]
            paint = "B" if op.fill and op.stroke else "f" if op.fill else "S"
            c.addLiteral(" ".join([*parts, f"{fp(x)} {fp(y)} {fp(w)} {fp(h)} re {paint}"]))
            return
        if op.fill:
            c.setFillColor(self.color(op.fill))
        if op.stroke:
            c.setStrokeColor(self.color(op.stroke))
            c.setLineWidth(self.width(op.stroke, op.line_width))
        c.rect(x, y, w, h, fill=1 if op.fill else 0, stroke=1 if op.stroke else 0)

    def line(self, op: LineOp) -> None:
        c = self.c
        if gs := self.overprint(op.color):
            c.addLiteral(gs)
        lw = self.width(op.color, op.line_width)
        if self.cmyk and op.color.separation:
            fp = self._fp
            c.addLiteral(
                f"{self.color_op(op.color, fill=False)} {fp(lw)} w "
                f"{fp(op.x1)} {fp(op.y1)} m {fp(op.x2)} {fp(op.y2)} l S"
            )
            return
        c.setStrokeColor(self.color(op.color))
        c.setLineWidth(lw)
        c.line(op.x1, op.y1, op.x2, op.y2)

    def path(self, op: PathOp) -> None:
        """Filled polygons (map shapes) as PDF path operators (`faktaark.pdf.paths`)."""
        parts = []
        if gs := self.overprint(op.fill or op.stroke):
            parts.append(gs)
        if op.fill:
            parts.append(self.color_op(op.fill))
        if op.stroke:
            parts.append(self.color_op(op.stroke, fill=False))
            parts.append(f"{self._fp(self.width(op.stroke, op.line_width))} w 1 j")
        parts += [ring_ops(r) for r in op.rings] + [packed_ops(t) for t in op.packed]
        parts.append("B*" if op.fill and op.stroke else "f*" if op.fill else "S")
        self.c.addLiteral(" ".join(parts))

    def image(self, op: ImageOp) -> None:
        if op.path.lower().endswith(".svg"):  # a sender's logo: vectors, fitted and centred
            from faktaark.pdf.logo import draw_svg

            draw_svg(self.c, op, self.cmyk)
            return
        self.c.drawImage(
            op.path, op.x, op.y, op.w, op.h, preserveAspectRatio=True, anchor="c", mask="auto"
        )

    def ops(self, ops: Sequence[Op]) -> None:
        """A node's operations; a name set in lines (`TextOp.continued`) in one span whose
        /ActualText is the name as read (`Node.text`: "Ringkøbing-Skjern", not two words)."""
        open_span = False
        for i, op in enumerate(ops):
            if isinstance(op, TextOp) and op.continued and not open_span:
                lines = [o for o in ops[i:] if isinstance(o, TextOp)]
                n = next((j for j, o in enumerate(lines) if not o.continued), len(lines) - 1)
                actual = Node("Span", tuple(lines[: n + 1])).text.encode("utf-16-be").hex()
                self.c.addLiteral(f"/Span <</ActualText <feff{actual}>>> BDC")
                open_span = True
            self.op(op)
            if open_span and isinstance(op, TextOp) and not op.continued:
                self.c.addLiteral("EMC")
                open_span = False
        if open_span:
            self.c.addLiteral("EMC")

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
    """Draw the plan. With `geometry` the print variant (CMYK as declared, overprint where a
    colour asks for it, bleed, marks in the registration colour, no link annotations: a link
    is plain text on paper, and PDF/X allows none inside the trim), else screen. With
    `tagged`, link annotations get the /StructParent keys the structure tree uses and a
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
    painter = _Painter(canvas, geometry is not None, geometry.min_white_stroke if geometry else 0)
    out = Rendered(canvas)
    bleed = geometry.bleed if geometry else 0.0
    for page_index, page in enumerate(plan.pages):
        canvas.saveState()
        painter.begin_page()
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
                painter.ops(drawn)
                canvas.addLiteral("EMC")
                out.marked.append(Marked(page_index, mcid, node))
                mcid += 1
            for op in node.ops:
                if isinstance(op, LinkOp) and geometry is None:
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

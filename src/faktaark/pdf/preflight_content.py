"""The preflight's content interpreter: a page's content stream, operator by operator.

It follows what a print shop's preflight looks at: the graphics state (CTM, line width,
colours, the ExtGState's OP, op and OPM), paths and their painting, text (font size as set
by Tf, scaled by the text and current matrices; each shown string's advance from the font's
/Widths) and form XObjects (followed, with their own resources, up to `MAX_FORM_DEPTH` deep).
Everything painted goes into a `Raster` (`preflight_paint`); where each colour space is used is
recorded (`preflight_colour`). A malformed operand, a missing or null resource becomes a note,
never an error.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from faktaark.pdf.bounds import MAX_OPERATORS, BoundsError
from faktaark.pdf.preflight_colour import MAX_FORM_DEPTH, ColourUse, describe
from faktaark.pdf.preflight_ink import (
    Font,
    PageText,
    Raster,
    apply,
    cs_info,
    font_of,
    mul,
    num,
    paint_of,
)
from faktaark.pdf.preflight_paint import GState, Painting
from faktaark.pdf.preflight_report import Finding, PagePreflight

__all__ = ["MAX_FORM_DEPTH", "GState", "Interp", "parse_content"]

Ring = list[tuple[float, float]]


def parse_content(content: Any, where: str) -> list[Any]:
    """The operators of a page (or form, pattern cell ...), refused with a `BoundsError` when
    its content inflates past `MAX_CONTENT` bytes (parsed whole, it would take 80 times that
    in memory)."""
    import pikepdf

    from faktaark.pdf.bounds import MAX_CONTENT, BoundsError

    obj = content.obj if isinstance(content, pikepdf.Page) else content
    streams = obj.get("/Contents", []) if isinstance(content, pikepdf.Page) else obj
    if isinstance(streams, pikepdf.Stream):
        streams = [streams]
    size = sum(len(s.read_bytes()) for s in streams if isinstance(s, pikepdf.Stream))
    if size > MAX_CONTENT:
        limit = MAX_CONTENT // 2**20
        raise BoundsError(f"{where}: content of {size / 2**20:.1f} MiB, more than the {limit} MiB "
                          "of one page faktaark reads; refused.")  # fmt: skip
    return list(pikepdf.parse_content_stream(content))


class Interp(ColourUse, Painting):
    """Interprets a page's content: paints the raster and records text, strokes, overprint,
    and where each colour space is used (`ColourUse`)."""

    def __init__(
        self,
        page_no: int,
        raster: Raster,
        boxes: tuple[tuple[float, ...], tuple[float, ...]],  # trim, bleed
        report: PagePreflight,
        texts: list[PageText],
        notes: list[Finding],
        operators: int = 0,  # already interpreted in the file
    ) -> None:
        self.page_no = page_no
        self.r = raster
        self.trim, self.bleed = boxes
        self.report = report
        self.texts = texts
        self.notes = notes
        self.fonts: dict[object, Font] = {}
        self.uses: dict[str, list[str]] = {}  # leaf colour space -> where it is used
        self.context: list[str] = []  # "form /Fm0", "tiling pattern /P0" ...
        self.colours_only = 0  # > 0 inside a pattern cell, soft mask or appearance
        self.operators = operators
        self.shading_ink: list[tuple[str, float]] = []
        self.transparency: list[str] = []
        self.white_overprint = 0
        self.thin: list[tuple[float, str, bool]] = []  # (width, colour, on a tint)
        self.multi_ink_hairlines: Counter[str] = Counter()
        self.mark_colours: Counter[str] = Counter()

    def run(self, content: Any, resources: Any, gs: GState, depth: int = 0) -> None:
        import pikepdf

        stack: list[GState] = []
        path: list[list[tuple[float, float]]] = []
        cur: list[tuple[float, float]] = []
        tm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        lm = tm
        font: Font | None = None
        size = 0.0
        tc = tw = 0.0
        tz = 1.0
        tl = 0.0
        tr = 0
        rise = 0.0
        xobjects = resources.get("/XObject") if resources is not None else None
        shadings = resources.get("/Shading") if resources is not None else None
        fonts = resources.get("/Font") if resources is not None else None
        extg = resources.get("/ExtGState") if resources is not None else None
        ops = parse_content(content, f"page {self.page_no}")
        self.operators += len(ops)
        if self.operators > MAX_OPERATORS:
            raise BoundsError(f"more than {MAX_OPERATORS} operators; refused")
        for instr in ops:
            op = str(instr.operator)
            a = list(getattr(instr, "operands", ()))
            try:
                if op == "q":
                    stack.append(gs.copy())
                elif op == "Q":
                    if stack:
                        gs = stack.pop()
                elif op == "cm":
                    gs.ctm = mul(tuple(num(v) for v in a[:6]), gs.ctm)
                elif op == "w":
                    gs.lw = num(a[0])
                elif op in ("k", "K", "g", "G", "rg", "RG"):
                    fam = {"k": "DeviceCMYK", "g": "DeviceGray", "rg": "DeviceRGB"}[op.lower()]
                    self.use([fam], "fill colour" if op.islower() else "stroke colour")
                    p = paint_of(fam, None, [num(v) for v in a])
                    if op.islower():
                        gs.fill, gs.fill_cs = p, (fam, None)
                    else:
                        gs.stroke, gs.stroke_cs = p, (fam, None)
                elif op in ("cs", "CS"):
                    info = cs_info(a[0], resources)
                    self.use(
                        describe(a[0], resources), f"{'fill' if op == 'cs' else 'stroke'} colour"
                    )
                    initial = {"DeviceCMYK": [0.0, 0.0, 0.0, 1.0], "DeviceGray": [0.0]}
                    default = paint_of(info[0], info[1], initial.get(info[0], [1.0]))
                    if op == "cs":
                        gs.fill_cs, gs.fill = info, default
                    else:
                        gs.stroke_cs, gs.stroke = info, default
                elif op in ("sc", "scn", "SC", "SCN"):
                    vals = [num(v) for v in a if not isinstance(v, pikepdf.Name)]
                    space = gs.fill_cs if op.islower() else gs.stroke_cs
                    if space[0] == "Pattern" and a and isinstance(a[-1], pikepdf.Name):
                        self.pattern(str(a[-1]), resources, depth)
                    if op.islower():
                        gs.fill = paint_of(gs.fill_cs[0], gs.fill_cs[1], vals)
                    else:
                        gs.stroke = paint_of(gs.stroke_cs[0], gs.stroke_cs[1], vals)
                elif op == "gs":
                    self._extgstate(extg.get(str(a[0])) if extg is not None else None, a[0], gs,
                                    resources, depth)  # fmt: skip
                elif op == "sh":
                    name = str(a[0])
                    self.shading(shadings.get(name) if shadings is not None else None, name,
                                 resources)  # fmt: skip
                elif op == "m":
                    if cur:
                        path.append(cur)
                    cur = [apply(gs.ctm, num(a[0]), num(a[1]))]
                elif op == "l":
                    cur.append(apply(gs.ctm, num(a[0]), num(a[1])))
                elif op in ("c", "v", "y"):
                    pts = [num(v) for v in a]
                    cur.extend(apply(gs.ctm, pts[i], pts[i + 1]) for i in range(0, len(pts), 2))
                elif op == "h":
                    if cur:
                        cur.append(cur[0])
                elif op == "re":
                    x, y, w, h = (num(v) for v in a[:4])
                    if cur:
                        path.append(cur)
                        cur = []
                    corners = ((x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y))
                    path.append([apply(gs.ctm, px, py) for px, py in corners])
                elif op in ("f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "n"):
                    if cur:
                        path.append(cur)
                        cur = []
                    if op != "n" and path:
                        fill = op not in ("S", "s")
                        stroke = op in ("S", "s", "B", "B*", "b", "b*")
                        if fill:
                            self._fill(path, gs, evenodd=op.endswith("*"))
                        if stroke:
                            self._stroke(path, gs)
                    path = []
                elif op == "BT":
                    tm = lm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
                elif op == "Tf":
                    size = num(a[1])
                    fo = fonts.get(str(a[0])) if fonts is not None else None
                    font = self._font(fo, a[0], resources, depth)
                elif op == "Tc":
                    tc = num(a[0])
                elif op == "Tw":
                    tw = num(a[0])
                elif op == "Tz":
                    tz = num(a[0]) / 100
                elif op == "TL":
                    tl = num(a[0])
                elif op == "Tr":
                    tr = int(a[0])
                elif op == "Ts":
                    rise = num(a[0])
                elif op in ("Td", "TD"):
                    tx, ty = num(a[0]), num(a[1])
                    if op == "TD":
                        tl = -ty
                    lm = mul((1.0, 0.0, 0.0, 1.0, tx, ty), lm)
                    tm = lm
                elif op == "Tm":
                    tm = lm = tuple(num(v) for v in a[:6])
                elif op == "T*":
                    lm = mul((1.0, 0.0, 0.0, 1.0, 0.0, -tl), lm)
                    tm = lm
                elif op in ("Tj", "TJ", "'", '"'):
                    if op in ("'", '"'):
                        if op == '"':
                            tw, tc = num(a[0]), num(a[1])
                        lm = mul((1.0, 0.0, 0.0, 1.0, 0.0, -tl), lm)
                        tm = lm
                    items = list(a[0]) if op == "TJ" else [a[-1]]
                    adv = 0.0
                    for it in items:
                        if isinstance(it, pikepdf.String):
                            adv += self._advance(bytes(it), font, size, tc, tw) * tz
                        else:
                            adv -= num(it) / 1000 * size * tz
                    self._text(tm, gs, size, adv, rise, tr)
                    tm = mul((1.0, 0.0, 0.0, 1.0, adv, 0.0), tm)
                elif op == "Do":
                    xo = xobjects.get(str(a[0])) if xobjects is not None else None
                    self._do(xo, str(a[0]), gs, resources, depth)
                elif op == "INLINE IMAGE":
                    self.report.images += 1
                    self.inline_image(a[0], resources)
            except (IndexError, TypeError, ValueError, AttributeError, KeyError) as exc:
                self._note(f"operator {op}: malformed operands ({exc})")

    # -- resources

    def _note(self, message: str, rule: str = "content") -> None:
        self.notes.append(Finding(rule, message, self.page_no, breach=rule != "content"))

    def _extgstate(self, d: Any, name: Any, gs: GState, resources: Any, depth: int) -> None:
        if d is None:
            self._note(f"ExtGState {name} is missing")
            return
        if "/OP" in d:
            gs.OP = gs.op = bool(d.OP)
        if "/op" in d:
            gs.op = bool(d.op)
        if "/OPM" in d:
            gs.opm = int(d.OPM)
        if "/LW" in d:
            gs.lw = num(d.LW)
        for alpha in ("/CA", "/ca"):
            if alpha in d and num(d[alpha]) < 1:
                self.transparency.append(f"{alpha[1:]} {num(d[alpha]):g}")
        self.soft_mask(d, resources, depth)
        if "/BM" in d and str(d.BM) not in ("/Normal", "/Compatible"):
            self.transparency.append(f"BM {d.BM}")

    def _font(self, fo: Any, name: Any, resources: Any, depth: int) -> Font | None:
        import pikepdf

        if fo is None:
            self._note(f"font {name} is missing from the resources", "x-fonts")
            return None
        key: object = fo.objgen if fo.is_indirect else id(fo)
        font = self.fonts.get(key)
        if font is None:
            font = self.fonts[key] = font_of(fo)
            procs = fo.get("/CharProcs") if str(fo.get("/Subtype")) == "/Type3" else None
            if isinstance(procs, pikepdf.Dictionary) and depth < MAX_FORM_DEPTH:
                for glyph in procs.values():  # a Type 3 glyph may set its own colour
                    if isinstance(glyph, pikepdf.Stream):
                        own = fo.get("/Resources") or resources
                        self.walk(glyph, own, f"a glyph of Type 3 font {name}", depth)
        return font

    def _do(self, xo: Any, name: str, gs: GState, resources: Any, depth: int) -> None:
        import pikepdf

        if xo is None or not isinstance(xo, pikepdf.Stream):
            self._note(f"XObject {name} is missing or null; not painted")
        elif str(xo.get("/Subtype")) == "/Form":
            if depth >= MAX_FORM_DEPTH:
                self._note("form XObjects nested too deep; not followed")
                return
            inner = gs.copy()
            if "/Matrix" in xo:
                inner.ctm = mul(tuple(num(v) for v in xo.Matrix), gs.ctm)
            group = xo.get("/Group")
            if group is not None and str(group.get("/S")) == "/Transparency":
                self.transparency.append("transparency group")
            self.group(xo, resources, f"form {name}")
            self.context.append(f"form {name}")
            try:
                self.run(xo, xo.get("/Resources") or resources, inner, depth + 1)
            finally:
                self.context.pop()
        elif str(xo.get("/Subtype")) == "/Image":
            self.report.images += 1
            self.image(xo, name, resources)
        else:
            self._note(f"XObject {name} of subtype {xo.get('/Subtype')} is not painted")

    def new_state(self) -> GState:
        return GState()

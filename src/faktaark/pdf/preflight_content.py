"""The preflight's content interpreter: a page's content stream, operator by operator.

It follows what a print shop's preflight looks at: the graphics state (CTM, line width,
colours, the ExtGState's OP, op and OPM), paths and their painting, text (font size as set
by Tf, scaled by the text and current matrices; each shown string's advance from the font's
/Widths) and form XObjects (followed, with their own resources, up to `MAX_FORM_DEPTH` deep).
Everything painted goes into a `Raster` (see `preflight_ink`); text is painted as its glyph
advance boxes (descent to cap height), not as glyph outlines, so text areas are over-estimated
but their ink sums are exact. Clipping paths, soft masks and images are not painted (images
are counted). A malformed operand, a missing or null resource becomes a note, never an error.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from faktaark.layout.print_colours import (
    HAIRLINE_PT,
    MIN_REVERSE_STROKE_PT,
    MIN_STROKE_PT,
    SMALL_TEXT_PT,
)
from faktaark.pdf.bounds import MAX_OPERATORS, BoundsError
from faktaark.pdf.preflight_colour import MAX_FORM_DEPTH, ColourUse, describe
from faktaark.pdf.preflight_ink import (
    BLACK,
    Font,
    PageText,
    Paint,
    Raster,
    apply,
    cs_info,
    font_of,
    inside,
    mul,
    num,
    paint_of,
    scale_of,
)
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


class GState:
    __slots__ = ("OP", "ctm", "fill", "fill_cs", "lw", "op", "opm", "stroke", "stroke_cs")

    def __init__(self) -> None:
        self.ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        self.fill = BLACK
        self.stroke = BLACK
        self.fill_cs: tuple[str, Any] = ("DeviceGray", None)
        self.stroke_cs: tuple[str, Any] = ("DeviceGray", None)
        self.lw = 1.0
        self.op = False
        self.OP = False
        self.opm = 0

    def copy(self) -> GState:
        g = GState()
        for k in self.__slots__:
            setattr(g, k, getattr(self, k))
        return g


class Interp(ColourUse):
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
                    self.use(describe(a[0], resources), "colour space")
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

    # -- painting

    def _tally(self, what: str, gs: GState, paint: Paint) -> None:
        """An object painted with overprint on: counted (and with OPM 1), white ones apart."""
        for key in (what, "OPM 1") if gs.opm == 1 else (what,):
            self.report.overprint[key] = self.report.overprint.get(key, 0) + 1
        self.white_overprint += paint.white

    def new_state(self) -> GState:
        return GState()

    @property
    def spaces(self) -> set[str]:
        return set(self.uses)

    def _fill(self, path: list[list[tuple[float, float]]], gs: GState, evenodd: bool) -> None:
        if self.colours_only:
            return
        if gs.op:
            self._tally("fill", gs, gs.fill)
        self.r.paint(path, gs.fill, gs.op, gs.opm, evenodd=evenodd)

    def _stroke(self, path: list[list[tuple[float, float]]], gs: GState) -> None:
        if self.colours_only:
            return
        width = gs.lw * scale_of(gs.ctm)
        ov = gs.OP
        if ov:
            self._tally("stroke", gs, gs.stroke)
        pts = [p for ring in path for p in ring]
        outside = pts and all(not inside(p, self.bleed) for p in pts)
        if outside:  # in the slug: a printer's mark
            if gs.stroke.registration:
                self.report.registration_strokes += 1
            self.mark_colours[gs.stroke.label() + f" ({gs.stroke.space})"] += 1
        elif gs.stroke.registration:
            self.report.registration_strokes += 1
        if not outside:
            limit = MIN_STROKE_PT
            on_tint = False
            if gs.stroke.white:
                n, _ = self.r.inks_under(path) if pts else (0, ())
                on_tint = n > 0
                if on_tint:
                    limit = MIN_REVERSE_STROKE_PT
            if width < HAIRLINE_PT - 1e-6 and gs.stroke.inks > 1 and not gs.stroke.cmyk[3] >= 0.995:
                self.multi_ink_hairlines[f"{width:.2f} pt in {gs.stroke.label()}"] += 1
            if width < limit - 1e-6 and (not gs.stroke.white or on_tint):
                self.report.thin_strokes += 1
                self.thin.append((width, gs.stroke.label(), on_tint))
        self.r.paint(path, gs.stroke, ov, gs.opm, width=max(1.0, width * self.r.scale))

    def _advance(self, data: bytes, font: Font | None, size: float, tc: float, tw: float) -> float:
        if font is None:
            return len(data) * 0.5 * size
        if font.two_byte:
            n = len(data) // 2
            return n * (font.default / 1000 * size + tc)
        adv = 0.0
        for b in data:
            adv += font.widths.get(b, font.default) / 1000 * size + tc + (tw if b == 32 else 0.0)
        return adv

    def _text(
        self, tm: tuple[float, ...], gs: GState, size: float, adv: float, rise: float, tr: int
    ) -> None:
        if tr in (3, 7) or adv <= 0 or size <= 0 or self.colours_only:
            return
        m = mul(tm, gs.ctm)
        eff = size * scale_of(m)
        lo, hi = rise - 0.2 * size, rise + 0.72 * size
        ring = [apply(m, x, y) for x, y in ((0, lo), (adv, lo), (adv, hi), (0, hi), (0, lo))]
        fill = tr in (0, 2, 4, 6)
        paint = gs.fill if fill else gs.stroke
        ov = gs.op if fill else gs.OP
        n, bg = self.r.inks_under([ring])
        x0, y0 = apply(m, 0, 0)
        at = ((x0 - self.trim[0]) * 25.4 / 72, (self.trim[3] - y0) * 25.4 / 72)
        self.texts.append(PageText(self.page_no, eff, paint, ov, n, bg, at))
        if ov:
            self._tally("text", gs, paint)
        if eff < SMALL_TEXT_PT:
            self.report.small_text[paint.inks] = self.report.small_text.get(paint.inks, 0) + 1
        self.r.paint([ring], paint, ov, gs.opm)

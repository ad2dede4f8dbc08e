"""Colour and ink for the preflight: a colour as it prints (`Paint`), the colour spaces of a
page, and `Raster`, four 8-bit separations of a page that the content is painted into.

How ink coverage is measured: no CMYK renderer is used (pypdfium2 renders RGB only, and an RGB
render cannot be turned back into the inks that made it). Instead every fill, stroke and text
of the page content is painted into four separations (C, M, Y, K) at `DPMM` pixels per mm, in
paint order, knocking out what lies below unless overprint keeps it (OP/op with overprint mode
1 leaves the separations a DeviceCMYK colour sets to 0; a Separation or DeviceN colour leaves
the others). The total ink coverage of a page is the largest C+M+Y+K of a pixel inside its
BleedBox, so crop marks in the slug do not count.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

__all__ = [
    "BLACK",
    "DPMM",
    "INK_EPS",
    "Font",
    "PageText",
    "Paint",
    "Raster",
    "apply",
    "box_of",
    "contains",
    "cs_info",
    "font_of",
    "inside",
    "mul",
    "num",
    "overlaps",
    "paint_of",
    "scale_of",
]  # fmt: skip

DPMM = 2.0  # 2 px per mm: 0.5 mm cells
MAX_PLANE = 4_000_000  # pixels of a separation: A0 at 2 px per mm; a 5 m page gets 0.4
INK_EPS = 0.005  # a separation below 0.5 % counts as no ink

Ring = list[tuple[float, float]]


class Paint(NamedTuple):
    """A colour as it prints: CMYK separations 0-1, spot inks, registration (/All)."""

    cmyk: tuple[float, float, float, float]
    spots: tuple[str, ...] = ()
    registration: bool = False
    space: str = "DeviceCMYK"

    @property
    def inks(self) -> int:
        if self.registration:
            return 4 + len(self.spots)
        return sum(1 for v in self.cmyk if v > INK_EPS) + len(self.spots)

    @property
    def white(self) -> bool:
        return not self.registration and not self.spots and self.inks == 0

    @property
    def black_only(self) -> bool:
        c, m, y, k = self.cmyk
        return not self.spots and not self.registration and k > INK_EPS and max(c, m, y) <= INK_EPS

    @property
    def rich_black(self) -> bool:
        c, m, y, k = self.cmyk
        return k >= 0.9 and max(c, m, y) > INK_EPS

    def label(self) -> str:
        if self.registration:
            return "registration (/All)"
        parts = [
            f"{n}{round(v * 100):d}" for n, v in zip("CMYK", self.cmyk, strict=True) if v > INK_EPS
        ]
        parts += list(self.spots)
        return " ".join(parts) if parts else "white (no ink)"


BLACK = Paint((0.0, 0.0, 0.0, 1.0), space="DeviceGray")


def num(x: Any) -> float:
    return float(x)


def cs_info(cs: Any, resources: Any) -> tuple[str, Any]:
    """(family, object) for a colour space operand (a name or an array)."""
    import pikepdf

    if isinstance(cs, pikepdf.Name):
        name = str(cs)
        if name in ("/DeviceCMYK", "/DeviceRGB", "/DeviceGray", "/Pattern"):
            return name[1:], None
        named = (resources.get("/ColorSpace") or {}).get(name) if resources is not None else None
        if named is None:
            return "unknown", None
        return cs_info(named, resources)
    if isinstance(cs, pikepdf.Array) and len(cs) > 0:
        fam = str(cs[0])[1:]
        if fam == "ICCBased":
            n = int(cs[1].get("/N", 0))
            return {1: "DeviceGray", 3: "DeviceRGB", 4: "DeviceCMYK"}.get(n, "ICCBased"), cs
        return fam, cs
    return "unknown", None


def paint_of(family: str, csobj: Any, values: list[float]) -> Paint:
    if family == "DeviceCMYK" and len(values) >= 4:
        return Paint((values[0], values[1], values[2], values[3]))
    if family == "DeviceGray" and values:
        return Paint((0.0, 0.0, 0.0, 1.0 - values[0]), space="DeviceGray")
    if family == "DeviceRGB" and len(values) >= 3:
        r, g, b = values[:3]
        k = 1 - max(r, g, b)
        d = (1 - k) or 1.0
        return Paint(((1 - r - k) / d, (1 - g - k) / d, (1 - b - k) / d, k), space="DeviceRGB")
    if family == "Separation" and csobj is not None and values:
        name = str(csobj[1])[1:]
        t = values[0]
        if name == "All":
            return Paint((t, t, t, t), registration=True, space="Separation")
        if name == "None":
            return Paint((0.0, 0.0, 0.0, 0.0), space="Separation")
        if name in ("Cyan", "Magenta", "Yellow", "Black"):
            v = [0.0, 0.0, 0.0, 0.0]
            v[("Cyan", "Magenta", "Yellow", "Black").index(name)] = t
            return Paint((v[0], v[1], v[2], v[3]), space="Separation")
        return Paint((0.0, 0.0, 0.0, 0.0), spots=(name,) if t > INK_EPS else (), space="Separation")
    if family == "DeviceN" and csobj is not None:
        names = [str(n)[1:] for n in csobj[1]]
        v = [0.0, 0.0, 0.0, 0.0]
        spots = []
        for n, t in zip(names, values, strict=False):
            if n in ("Cyan", "Magenta", "Yellow", "Black"):
                v[("Cyan", "Magenta", "Yellow", "Black").index(n)] = t
            elif t > INK_EPS and n != "None":
                spots.append(n)
        return Paint((v[0], v[1], v[2], v[3]), spots=tuple(spots), space="DeviceN")
    return Paint((0.0, 0.0, 0.0, 0.0), space=family)


class Raster:
    """Four separations of a page at DPMM pixels per mm (fewer on a page over a square metre:
    at most `MAX_PLANE` pixels a separation), origin at the MediaBox corner."""

    def __init__(self, media: tuple[float, float, float, float]) -> None:
        from PIL import Image

        self.x0, self.y0 = media[0], media[1]
        area = max(1.0, (media[2] - media[0]) * (media[3] - media[1])) * (25.4 / 72) ** 2
        self.dpmm = min(DPMM, math.sqrt(MAX_PLANE / area))
        self.scale = self.dpmm * 25.4 / 72  # px per pt
        self.w = max(1, math.ceil((media[2] - media[0]) * self.scale))
        self.h = max(1, math.ceil((media[3] - media[1]) * self.scale))
        self.planes = [Image.new("L", (self.w, self.h), 0) for _ in range(4)]
        self._image = Image

    def px(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.x0) * self.scale, (self.h - (y - self.y0) * self.scale))

    def _mask(
        self, rings: list[list[tuple[float, float]]], evenodd: bool, width: float | None
    ) -> tuple[Any, tuple[int, int]] | None:
        from PIL import ImageChops, ImageDraw

        pts = [self.px(x, y) for ring in rings for x, y in ring]
        if not pts:
            return None
        pad = 2 + (width or 0)
        bx0 = max(0, int(min(p[0] for p in pts) - pad))
        by0 = max(0, int(min(p[1] for p in pts) - pad))
        bx1 = min(self.w, int(max(p[0] for p in pts) + pad) + 1)
        by1 = min(self.h, int(max(p[1] for p in pts) + pad) + 1)
        if bx1 <= bx0 or by1 <= by0:
            return None
        mask = self._image.new("L", (bx1 - bx0, by1 - by0), 0)
        draw = ImageDraw.Draw(mask)
        for ring in rings:
            rp = [(x - bx0, y - by0) for x, y in (self.px(a, b) for a, b in ring)]
            if width is not None:
                if len(rp) >= 2:
                    draw.line(rp, fill=255, width=max(1, round(width)))
            elif len(rp) >= 3:
                if evenodd and len(rings) > 1:
                    one = self._image.new("L", mask.size, 0)
                    ImageDraw.Draw(one).polygon(rp, fill=255)
                    mask = ImageChops.logical_xor(mask.convert("1"), one.convert("1")).convert("L")
                    draw = ImageDraw.Draw(mask)
                else:
                    draw.polygon(rp, fill=255)
        return mask, (bx0, by0)

    def paint(self, rings: list[list[tuple[float, float]]], paint: Paint, overprint: bool,
              opm: int, evenodd: bool = False, width: float | None = None) -> None:  # fmt: skip
        got = self._mask(rings, evenodd, width)
        if got is None:
            return
        mask, (bx, by) = got
        for i, v in enumerate(paint.cmyk):
            if (
                overprint
                and v <= INK_EPS
                and (opm == 1 or paint.space in ("Separation", "DeviceN"))
            ):
                continue  # overprint: this separation is left as it is
            self.planes[i].paste(round(v * 255), (bx, by), mask)

    def inks_under(self, rings: list[list[tuple[float, float]]]) -> tuple[int, tuple[float, ...]]:
        """The inks (count, and max per separation 0-1) under an area, before it is painted."""
        got = self._mask(rings, False, None)
        if got is None:
            return 0, (0.0, 0.0, 0.0, 0.0)
        mask, (bx, by) = got
        box = (bx, by, bx + mask.size[0], by + mask.size[1])
        maxima = []
        for plane in self.planes:
            region = plane.crop(box)
            black = self._image.new("L", region.size, 0)
            black.paste(region, (0, 0), mask)
            top: Any = black.getextrema()[1]
            maxima.append(float(top) / 255)
        return sum(1 for v in maxima if v > INK_EPS), tuple(maxima)

    def tac(self, box: tuple[float, float, float, float]) -> float:
        """Max of C+M+Y+K (per cent) inside `box` (PDF coordinates)."""
        from PIL import ImageMath

        x0, y1 = self.px(box[0], box[1])
        x1, y0 = self.px(box[2], box[3])
        crop = (
            max(0, int(x0)),
            max(0, int(y0)),
            min(self.w, math.ceil(x1)),
            min(self.h, math.ceil(y1)),
        )
        if crop[2] <= crop[0] or crop[3] <= crop[1]:
            return 0.0
        c, m, y, k = (p.crop(crop) for p in self.planes)
        total = ImageMath.lambda_eval(
            lambda a: a["convert"](a["c"], "I") + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k
        )
        hi = total.getextrema()[1]
        return float(hi) * 100 / 255


# ----------------------------------------------------------------------------- content


# ----------------------------------------------------------------------------- fonts, text


class Font(NamedTuple):
    widths: dict[int, float]
    default: float
    two_byte: bool
    embedded: bool
    name: str


def font_of(font: Any) -> Font:
    name = str(font.get("/BaseFont", "?"))
    sub = str(font.get("/Subtype", ""))
    desc = font.get("/FontDescriptor")
    two = sub == "/Type0"
    widths: dict[int, float] = {}
    default = 500.0
    if two:
        desc_fonts = font.get("/DescendantFonts")
        d0 = desc_fonts[0] if desc_fonts is not None and len(desc_fonts) else None
        desc = d0.get("/FontDescriptor") if d0 is not None else None
        if d0 is not None:
            default = float(d0.get("/DW", 1000))
    else:
        first = int(font.get("/FirstChar", 0))
        for i, w in enumerate(font.get("/Widths") or []):
            widths[first + i] = float(w)
        if desc is not None:
            default = float(desc.get("/MissingWidth", 500))
    embedded = sub == "/Type3" or (
        desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    )
    return Font(widths, default, two, bool(embedded), name)


class PageText(NamedTuple):
    page: int
    size: float
    paint: Paint
    overprint: bool
    bg_inks: int
    bg: tuple[float, ...]
    at: tuple[float, float]  # mm from the trim's top-left corner


# ----------------------------------------------------------------------------- geometry


def mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """a × b for PDF matrices [a b c d e f]."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])  # fmt: skip


def apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def scale_of(m: tuple[float, ...]) -> float:
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


def inside(p: tuple[float, float], box: tuple[float, ...]) -> bool:
    return box[0] - 0.01 <= p[0] <= box[2] + 0.01 and box[1] - 0.01 <= p[1] <= box[3] + 0.01


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def contains(outer: tuple[float, ...], inner: tuple[float, ...]) -> bool:
    t = 0.01
    return (inner[0] >= outer[0] - t and inner[1] >= outer[1] - t
            and inner[2] <= outer[2] + t and inner[3] <= outer[3] + t)  # fmt: skip


def box_of(v: Any) -> tuple[float, float, float, float] | None:
    try:
        x0, y0, x1, y1 = (float(x) for x in v)
    except (TypeError, ValueError):
        return None
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

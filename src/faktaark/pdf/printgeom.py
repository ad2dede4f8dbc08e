"""Print geometry: a larger page with bleed and crop marks around the trimmed sheet.

The print variant is the same plan, drawn on a MediaBox of trim + 2 x (bleed + slug) and
translated by `offset`. TrimBox = the A4 sheet; BleedBox = trim + 3 mm on every side; crop
marks sit in the slug, outside the BleedBox, in the registration colour (`/Separation /All`,
the layout's `[print] marks`), so they print on every plate. Pure geometry and the layout's
print settings: `render.py` draws what this module computes.
"""

from __future__ import annotations

from dataclasses import dataclass

from faktaark.core.units import MM, Color
from faktaark.plan.model import LineOp

__all__ = ["REGISTRATION", "PrintGeometry"]

REGISTRATION = Color("registration", (1.0, 1.0, 1.0, 1.0), separation="All")


@dataclass(frozen=True)
class PrintGeometry:
    trim_w: float  # points
    trim_h: float
    bleed: float = 3 * MM
    slug: float = 10 * MM
    mark_gap: float = 1 * MM  # between the bleed edge and the start of a mark
    mark_color: Color = REGISTRATION
    min_white_stroke: float = 0.0  # white lines are drawn at least this wide (pt)
    standard: str = "x4"  # the PDF/X standard written: "x4" or "x1a"

    @property
    def offset(self) -> float:
        return self.bleed + self.slug

    @property
    def media_size(self) -> tuple[float, float]:
        return (self.trim_w + 2 * self.offset, self.trim_h + 2 * self.offset)

    @property
    def trim_box(self) -> tuple[float, float, float, float]:
        o = self.offset
        return (o, o, o + self.trim_w, o + self.trim_h)

    @property
    def bleed_box(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.trim_box
        b = self.bleed
        return (x0 - b, y0 - b, x1 + b, y1 + b)

    def boxes(self) -> dict[str, tuple[float, float, float, float]]:
        """Keyword arguments for the canvas: TrimBox, BleedBox, CropBox (= MediaBox)."""
        w, h = self.media_size
        return {"trimBox": self.trim_box, "bleedBox": self.bleed_box, "cropBox": (0, 0, w, h)}

    def marks(self) -> list[LineOp]:
        """Eight crop marks: the trim lines extended into the slug, outside the bleed."""
        x0, y0, x1, y1 = self.trim_box
        w, h = self.media_size
        start = self.bleed + self.mark_gap  # distance from the trim edge where a mark begins
        out = []
        for x in (x0, x1):
            out.append(LineOp(x, 0, x, y0 - start, self.mark_color, 0.25))
            out.append(LineOp(x, y1 + start, x, h, self.mark_color, 0.25))
        for y in (y0, y1):
            out.append(LineOp(0, y, x0 - start, y, self.mark_color, 0.25))
            out.append(LineOp(x1 + start, y, w, y, self.mark_color, 0.25))
        return out

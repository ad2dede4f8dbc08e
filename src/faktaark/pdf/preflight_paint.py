"""Painting for the preflight's interpreter: fills, strokes and text into the separations.

Everything painted goes into a `Raster` (see `preflight_ink`); text is painted as its glyph
advance boxes (descent to cap height), not as glyph outlines, so text areas are over-estimated
but their ink sums are exact. Clipping paths, soft masks and images are not painted (images
are counted). Inside a pattern cell, a soft mask or an appearance (`colours_only`) nothing is
painted or recorded: only its colours are (`preflight_colour`).
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
from faktaark.pdf.preflight_ink import (
    BLACK,
    Font,
    PageText,
    Paint,
    Raster,
    apply,
    inside,
    mul,
    scale_of,
)
from faktaark.pdf.preflight_report import PagePreflight

__all__ = ["GState", "Painting"]


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


class Painting:
    """Paints into the raster and records text, strokes and overprint (mixed into `Interp`)."""

    r: Raster
    report: PagePreflight
    texts: list[PageText]
    page_no: int
    trim: tuple[float, ...]
    bleed: tuple[float, ...]
    colours_only: int
    white_overprint: int
    thin: list[tuple[float, str, bool]]
    multi_ink_hairlines: Counter[str]
    mark_colours: Counter[str]

    def _tally(self, what: str, gs: GState, paint: Paint) -> None:
        """An object painted with overprint on: counted (and with OPM 1), white ones apart."""
        for key in (what, "OPM 1") if gs.opm == 1 else (what,):
            self.report.overprint[key] = self.report.overprint.get(key, 0) + 1
        self.white_overprint += paint.white

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

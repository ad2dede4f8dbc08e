"""Page units and colours, shared by layouts, plans and drawing.

A colour is defined in CMYK, the layout's truth (the print variant uses it as it is); the
screen variant's RGB is derived from it, or from `screen` when the layout gives one (a print
colour changed for the press while the screen keeps its look). `overprint` and `separation`
are print-only: the colour is painted with overprint on, or in a Separation colour space
(`"All"`: registration colour, on every plate).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["MM", "Color"]

MM = 72 / 25.4


class Color(NamedTuple):
    name: str
    cmyk: tuple[float, float, float, float]  # 0-1, the colour's definition (print)
    screen: tuple[float, float, float, float] | None = None  # 0-1, CMYK the RGB comes from
    overprint: bool = False  # print: set to overprint
    separation: str | None = None  # print: a Separation colorant ("All" = registration)

    @property
    def rgb(self) -> tuple[float, float, float]:
        """Screen colour derived from CMYK (`screen` if given, else the print CMYK)."""
        c, m, y, k = self.screen or self.cmyk
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))

    @property
    def inks(self) -> int:
        """How many printing inks the colour uses (registration: all four)."""
        if self.separation == "All":
            return 4
        return sum(1 for v in self.cmyk if v > 0.0005)

    @property
    def white(self) -> bool:
        return self.separation is None and self.inks == 0

"""Page units and colours, shared by layouts, plans and drawing.

A colour is defined in CMYK, the layout's truth (the print variant uses it as it is); the
screen variant's RGB is derived from it.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["MM", "Color"]

MM = 72 / 25.4


class Color(NamedTuple):
    name: str
    cmyk: tuple[float, float, float, float]  # 0-1, the colour's definition

    @property
    def rgb(self) -> tuple[float, float, float]:
        """Screen colour derived from CMYK (the layout's truth)."""
        c, m, y, k = self.cmyk
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))

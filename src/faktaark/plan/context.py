"""The planning context: what every box planner needs for one sheet (the layout, the values
its texts are filled from, the notes they collect, the font metrics, the municipality)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from faktaark.core.units import Color
from faktaark.layout.model import Layout
from faktaark.text.fonts import Metrics
from faktaark.text.templates import Notes, Seg, Val, fill

__all__ = ["Ctx"]


class Ctx(NamedTuple):
    """What every box planner needs for one sheet."""

    layout: Layout
    values: Mapping[str, Val]
    notes: Notes
    metrics: Metrics
    kommune: str
    eksempel: bool

    def color(self, name: str) -> Color:
        return self.layout.colors[name]

    def fill(self, key_or_template: str, *, template: bool = False) -> list[Seg]:
        text = key_or_template if template else self.layout.text(key_or_template)
        return fill(str(text), self.values, self.notes)

"""The planning context: what every box planner needs for one sheet (the layout, the values
its texts are filled from, the notes they collect, the font metrics, the municipality)."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import NamedTuple

from faktaark.core.units import Color
from faktaark.layout.model import Layout
from faktaark.text.fonts import Metrics
from faktaark.text.templates import Notes, Seg, Val, fill, placeholders

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

    def fill(
        self, key_or_template: str, *, template: bool = False, gap: bool = False,
        numerals: bool = False,
    ) -> list[Seg]:  # fmt: skip
        """The filled text of a key (or a template). When a figure the text prints is
        missing (or `gap`: one its box prints) and the texts have `<key>_mangler`, that
        text is used instead (an empty one leaves the text out): a sentence never says
        "på – i 2023". `numerals`: numbers in digits (a key figure: "ca. 5", not "ca. fem")."""
        text = key_or_template if template else self.layout.text(key_or_template)
        if not template and (gap or self.lacks(key_or_template)):
            with suppress(KeyError):
                text = self.layout.text(key_or_template + "_mangler")
        return fill(str(text), self.values, self.notes, numerals)

    def lacks(self, key: str) -> bool:
        """Whether a text with a gap form (`<key>_mangler`) prints a missing figure."""
        try:
            self.layout.text(key + "_mangler")
        except KeyError:
            return False
        for name, _, _ in placeholders(str(self.layout.text(key))):
            val = self.values.get(name)
            if val is not None and val.missing:
                return True
        return False

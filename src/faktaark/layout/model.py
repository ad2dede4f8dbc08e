"""The layout model: a layout folder as plain data (`Layout`, its `Box`es, `Style`s, `Item`s).

`faktaark.layout.load` makes one from `layouts/<name>/layout.toml` + `texts.da.toml`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faktaark.core.units import MM, Color
from faktaark.text.hyphenation import Breaks

__all__ = ["DEFAULT_LAYOUT", "PAGE_SIZES", "Box", "Item", "Layout", "Style", "strings"]

PAGE_SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "A3": (297.0, 420.0),
              "Letter": (215.9, 279.4)}  # fmt: skip
DEFAULT_LAYOUT = "almene-boliger"


@dataclass(frozen=True)
class Style:
    name: str
    font: str  # resolved font file name (FaktaSans-...)
    bold_font: str
    size: float
    leading: float
    min_size: float | None
    color: str
    align: str
    upper: bool
    hyphenate: bool
    space_before: float
    space_after: float
    indent: float
    bullet: str | None
    bullet_color: str | None
    tag: str
    balance: bool = False  # lines as even as the words allow, their number kept (`H` tags too)


@dataclass(frozen=True)
class Item:
    style: str | None = None
    text: str | None = None
    list: str | None = None
    notes: bool = False
    space: float | None = None
    column_break: bool = False
    source: str | None = None  # a notes item: the page's own source, first on its "Kilde:" line


@dataclass(frozen=True)
class Box:
    id: str
    page: int
    kind: str
    x: float  # mm from the left edge of the trimmed page
    y: float  # mm from the top edge
    w: float
    h: float
    fill: str | None
    stroke: str | None
    stroke_width: float
    padding: float
    columns: int
    gutter: float
    valign: str
    overlaps: tuple[str, ...]
    bleed: bool
    when: str | None
    order: int
    tag: str | None
    content: tuple[Item, ...]
    text: str | None
    style: str | None
    header_style: str | None
    number_style: str | None
    label_style: str | None
    col_widths: tuple[float, ...]
    series: tuple[str, ...]
    colors: tuple[str, ...]
    value: str | None
    scope: str
    highlight: str | None
    file: str | None
    alt: str | None
    view: str
    same_size: str | None = None  # "serie": one size on every sheet; else a group on the page
    note_style: str | None = None  # tables: the style of the "–" note under the table

    def rect_pt(self, page_h: float) -> tuple[float, float, float, float]:
        """(x, y_bottom, w, h) in PDF points."""
        return (self.x * MM, page_h - (self.y + self.h) * MM, self.w * MM, self.h * MM)


@dataclass(frozen=True)
class Layout:
    name: str
    path: Path
    description: str
    width_mm: float
    height_mm: float
    margin_mm: float
    pages: int
    fonts: Mapping[str, str]
    colors: Mapping[str, Color]
    styles: Mapping[str, Style]
    boxes: tuple[Box, ...]
    texts: Mapping[str, Any]
    title_key: str
    subject_key: str
    author: str
    digest: str  # hash of every file in the folder: part of a sheet's cache key
    marks: str = "registration"  # [print] the crop marks' colour name
    min_white_stroke: float = 0.5  # [print] pt: white lines on a tint are at least this wide
    hyphenation: Mapping[str, Breaks] = field(default_factory=dict)  # its words' breaks

    @property
    def width(self) -> float:
        return self.width_mm * MM

    @property
    def height(self) -> float:
        return self.height_mm * MM

    def text(self, key: str) -> Any:
        """The text (or table of texts) at a dotted key; KeyError when there is none. Looked
        up once per key and layout in a process: a sheet asks a few hundred times."""
        entry = _TEXTS.get(id(self))
        if entry is None or entry[0] is not self:  # new, or another layout at a reused address
            if len(_TEXTS) > 64:
                _TEXTS.clear()
            entry = _TEXTS[id(self)] = (self, {})
        memo = entry[1]
        hit = memo.get(key, _UNSEEN)
        if hit is _UNSEEN:
            hit = memo[key] = self._look_up(key)
        if hit is _NONE:
            raise KeyError(key)
        return hit

    def _look_up(self, key: str) -> Any:
        node: Any = self.texts
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return _NONE
            node = node[part]
        return node


_UNSEEN, _NONE = object(), object()  # not looked up yet; no text at that key
_TEXTS: dict[int, tuple[Layout, dict[str, Any]]] = {}  # id(layout) -> (layout, key -> text)


def strings(node: Any) -> Iterator[str]:
    """Every text of a (part of a) texts file, in file order."""
    if isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)
    elif isinstance(node, str):
        yield node

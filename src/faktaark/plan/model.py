"""The sheet plan: what is drawn where, as plain immutable data ("plan, then paint").

A `SheetPlan` holds, per page, the decorations (artifacts, drawn first, in layout order) and
the content as a tree of structure nodes in reading order (H1, P, L/LI, Table/TR/TH/TD,
Figure ...), each with the drawing operations it owns. Coordinates are PDF points with the
origin in the lower-left corner of the trimmed page. `render.py` paints a plan without making
a single layout decision; tests read plans without drawing.

The records are named tuples, not frozen dataclasses: a sheet makes a few hundred of them,
and both defining the classes (a cold start) and making them are several times cheaper.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from faktaark.core.units import Color
from faktaark.text.templates import Printed

__all__ = [
    "BoxFit",
    "ImageOp",
    "LineOp",
    "LinkOp",
    "Node",
    "Op",
    "PagePlan",
    "PathOp",
    "RectOp",
    "SheetPlan",
    "TextOp",
    "TextPiece",
]


class TextPiece(NamedTuple):
    text: str
    font: str
    size: float
    color: Color
    dx: float  # offset from the line's x


class TextOp(NamedTuple):
    x: float
    y: float  # baseline
    pieces: tuple[TextPiece, ...]
    width: float
    hyphen: bool = False  # ends in a hyphen the line breaker inserted (U+00AD, a soft hyphen)
    # a map's name set in two lines: the next TextOp is its second line (after a hard hyphen
    # read without a space: "Ringkøbing-" "Skjern" is "Ringkøbing-Skjern")
    continued: bool = False

    @property
    def text(self) -> str:
        pieces = self.pieces
        return pieces[0].text if len(pieces) == 1 else "".join([p.text for p in pieces])


class RectOp(NamedTuple):
    x: float
    y: float
    w: float
    h: float
    fill: Color | None = None
    stroke: Color | None = None
    line_width: float = 0.5
    # which trim edges this rectangle touches on purpose: extended into the bleed in print
    bleed: tuple[bool, bool, bool, bool] = (False, False, False, False)  # left, bottom, right, top


class LineOp(NamedTuple):
    x1: float
    y1: float
    x2: float
    y2: float
    color: Color
    line_width: float = 0.5


class PathOp(NamedTuple):
    """Filled polygons (a map shape): rings of (x, y) points; even-odd fill. `packed` holds
    more rings as text, `x y|x y|...` with two decimals: a layer only drawn, never measured
    (a region view's land beyond its named areas, read back from the cache as it is)."""

    rings: tuple[tuple[tuple[float, float], ...], ...]
    fill: Color | None
    stroke: Color | None = None
    line_width: float = 0.3
    packed: tuple[str, ...] = ()


class ImageOp(NamedTuple):
    path: str
    x: float
    y: float
    w: float
    h: float


class LinkOp(NamedTuple):
    x1: float
    y1: float
    x2: float
    y2: float
    url: str


Op = TextOp | RectOp | LineOp | PathOp | ImageOp | LinkOp


class Node(NamedTuple):
    """A structure element and what it draws. `role` is a PDF standard structure type."""

    role: str
    ops: tuple[Op, ...] = ()
    children: tuple[Node, ...] = ()
    alt: str | None = None
    box: str = ""
    attrs: tuple[tuple[str, str], ...] = ()  # e.g. (("Scope", "Column"),)
    style: str = ""  # the layout style its text was set in (the proof rules read it)

    def walk(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            yield from c.walk()

    @property
    def text(self) -> str:
        """The node's text in reading order: lines joined by spaces, a word hyphenated at a
        line's end joined again (without its soft hyphen), a map's name set in two lines
        after its hyphen too."""
        out = ""
        joined = True  # no space before the next part
        for op in self.ops:
            if isinstance(op, TextOp) and op.text:
                out += ("" if joined else " ") + op.text.removesuffix("\u00ad" if op.hyphen else "")
                joined = op.hyphen or (op.continued and op.text.endswith("-"))
        for c in self.children:
            if text := c.text:  # once: each level asks its children again
                out += ("" if joined else " ") + text
                joined = False
        return out


class BoxFit(NamedTuple):
    """How tightly a box's content fits: `room` is the spare height in points."""

    page: int
    box: str
    room: float
    scale: float = 1.0  # 1.0 = the style's size; < 1 = shrunk towards min_size
    note: str = ""


class PagePlan(NamedTuple):
    number: int
    artifacts: tuple[Op, ...]
    content: tuple[Node, ...]

    def texts(self) -> list[str]:
        return [t for n in self.content if (t := n.text)]


class SheetPlan(NamedTuple):
    layout: str
    kommunekode: int
    kommune: str
    width: float  # trimmed page size in points
    height: float
    pages: tuple[PagePlan, ...]
    title: str
    subject: str
    author: str
    lang: str = "da-DK"
    eksempel: bool = False
    fits: tuple[BoxFit, ...] = ()
    udgave: int = 2000  # the data edition: the document date comes from it
    used: tuple[str, ...] = ()  # placeholders printed, for provenance
    printed: tuple[Printed, ...] = ()  # each printed value, its text and box (provenance.py)
    marks: Color | None = None  # print: the crop marks' colour (the layout's [print] marks)
    min_white_stroke: float = 0.0  # print: white lines on a tint at least this wide (pt)

    def all_text(self) -> str:
        return "\n".join(t for p in self.pages for t in p.texts())

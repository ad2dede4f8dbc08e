"""Images, the sender and decoration: planned as geometry, drawn as given.

- `plan_image`: a picture from the layout folder, fitted into its box (a Figure with alt text);
- `plan_logo`: the sender's slot (`kind = "logo"`). With a logo file (`file`: an SVG or PNG the
  user puts in the layout folder) the logo, fitted into the slot, right-aligned, with the
  sender's name as its alt text; without one the sender's name (`text`) set as a wordmark in
  the slot's `style`, never a made-up logo;
- `background`: a box's fill and stroke, and rect and rule boxes (PDF artifacts).
"""

from __future__ import annotations

from faktaark.core.units import Color
from faktaark.layout.model import Box
from faktaark.plan import textbox
from faktaark.plan.context import Ctx
from faktaark.plan.model import BoxFit, ImageOp, LineOp, Node, Op, RectOp
from faktaark.text.templates import spoken

__all__ = ["background", "black", "plan_image", "plan_logo"]

Result = tuple[list[Node], list[Op], BoxFit]


def plan_image(box: Box, c: Ctx, page_h: float) -> Result:
    x, y, w, h = box.rect_pt(page_h)
    path = str(c.layout.path / str(box.file))
    alt = spoken(c.fill(str(box.alt)))
    return (
        [Node("Figure", (ImageOp(path, x, y, w, h),), alt=alt, box=box.id)],
        [],
        BoxFit(box.page, box.id, 0.0),
    )


def plan_logo(box: Box, c: Ctx, page_h: float) -> Result:
    """The sender's logo (a file) or, without one, the sender's name as a wordmark."""
    if box.file:
        x, y, w, h = box.rect_pt(page_h)
        path = str(c.layout.path / box.file)
        alt = spoken(c.fill(str(box.text)))
        return [Node("Figure", (ImageOp(path, x, y, w, h),), alt=alt, box=box.id)], [], \
            BoxFit(box.page, box.id, 0.0)  # fmt: skip
    from faktaark.layout.model import Item

    word = Box(**{**box.__dict__, "kind": "text",
                  "content": (Item(style=box.style, text=box.text),)})  # fmt: skip
    return textbox.plan_text_box(word, c, page_h)


def background(box: Box, c: Ctx, page_w: float, page_h: float) -> list[Op]:
    """A box's fill/stroke, and rect/rule boxes: decoration (PDF artifacts)."""
    if not (box.fill or box.stroke):
        return []
    x, y, w, h = box.rect_pt(page_h)
    fill = c.color(box.fill) if box.fill else None
    stroke = c.color(box.stroke) if box.stroke else None
    if box.kind == "rule":
        return [
            LineOp(x, y + h / 2, x + w, y + h / 2, stroke or fill or black(c), box.stroke_width)
        ]
    edges = (x <= 0.01, y <= 0.01, x + w >= page_w - 0.01, y + h >= page_h - 0.01)
    if box.kind == "table":  # a table's stroke colours its rules, not a frame
        stroke = None
    return [
        RectOp(x, y, w, h, fill, stroke, box.stroke_width, edges if box.bleed else (False,) * 4)
    ]


def black(c: Ctx) -> Color:
    """The layout's text colour (black when it has none)."""
    return c.layout.colors.get("text") or Color("black", (0, 0, 0, 1))

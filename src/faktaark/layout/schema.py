"""Pydantic models of a layout folder's `layout.toml` (the geometry, styles and colours).

Strict: unknown keys are errors, colours are CMYK percentages, sizes are positive. Turned into
plain frozen dataclasses by `layout.py`; Pydantic objects never leave this module.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = ["BoxModel", "ItemModel", "LayoutModel", "ValidationError", "parse_layout"]

Pct = Annotated[float, Field(ge=0, le=100)]
Mm = Annotated[float, Field(ge=-20, le=2000, allow_inf_nan=False)]
Pos = Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False)]
PageMm = Annotated[float, Field(ge=20, le=2000, allow_inf_nan=False)]
BoxKind = Literal[
    "text", "table", "bar_chart", "ranking_chart", "rect", "rule", "image", "map", "logo"
]
Tag = Literal["H1", "H2", "H3", "H4", "P", "Note", "Caption", "BlockQuote", "Artifact"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColorModel(_Strict):
    cmyk: tuple[Pct, Pct, Pct, Pct]  # the print colour
    screen: tuple[Pct, Pct, Pct, Pct] | None = None  # the screen RGB is derived from this
    overprint: bool = False  # print: overprint (black text over tints)
    separation: Literal["All"] | None = None  # print: registration colour (crop marks)


class PrintModel(_Strict):
    """`[print]`: the colour rules of the print variant (see `faktaark.layout.print_colours`)."""

    marks: str = "registration"  # the colour of the crop marks: must have separation = "All"
    min_white_stroke: Annotated[float, Field(ge=0, le=5)] = 0.5  # pt: white lines on a tint


class PageModel(_Strict):
    size: Literal["A4", "A5", "A3", "Letter"] | tuple[PageMm, PageMm] = "A4"
    margin: Annotated[float, Field(ge=10, le=60)] = 12
    pages: Annotated[int, Field(ge=1, le=8)] = 2


class StyleModel(_Strict):
    font: str = "regular"
    size: Annotated[float, Field(ge=4, le=200)] = 9
    leading: Annotated[float, Field(ge=4, le=240)] | None = None
    min_size: Annotated[float, Field(ge=4, le=200)] | None = None
    color: str = "text"
    align: Literal["left", "center", "right"] = "left"
    upper: bool = False
    hyphenate: bool = True
    balance: bool = False  # lines as even as the words allow (headings' lines always are)
    space_before: Annotated[float, Field(ge=0, le=100)] = 0
    space_after: Annotated[float, Field(ge=0, le=100)] = 0
    indent: Annotated[float, Field(ge=0, le=100)] = 0
    bullet: str | None = None
    bullet_color: str | None = None
    tag: Tag = "P"

    @model_validator(mode="after")
    def _sizes(self) -> StyleModel:
        if self.min_size is not None and self.min_size > self.size:
            raise ValueError(f"min_size {self.min_size} is larger than size {self.size}")
        return self


class ItemModel(_Strict):
    """One entry in a text box's `content`: a paragraph, a list, the notes, a space or a break."""

    style: str | None = None
    text: str | None = None
    list: str | None = None
    notes: bool = False
    space: Annotated[float, Field(ge=0, le=100)] | None = None
    column_break: bool = False
    # a notes item: the text (key) of the page's own source, set first on the one "Kilde:"
    # line before the numbered sources of its footnote marks
    source: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ItemModel:
        kinds = [
            self.text is not None,
            self.list is not None,
            self.notes,
            self.space is not None,
            self.column_break,
        ]
        if sum(kinds) != 1:
            raise ValueError("an item needs exactly one of text, list, notes, space, column_break")
        if (self.text or self.list or self.notes) and not self.style:
            raise ValueError("a text, list or notes item needs a style")
        if self.source is not None and not self.notes:
            raise ValueError("`source` belongs to a notes item (notes = true)")
        return self


class BoxModel(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
    page: Annotated[int, Field(ge=1)]
    kind: BoxKind
    x: Mm
    y: Mm
    w: Pos
    h: Pos
    fill: str | None = None
    stroke: str | None = None
    stroke_width: Annotated[float, Field(ge=0, le=20)] = 0.5
    padding: Annotated[float, Field(ge=0, le=50)] = 0
    columns: Annotated[int, Field(ge=1, le=4)] = 1
    gutter: Annotated[float, Field(ge=0, le=50)] = 6
    valign: Literal["top", "middle", "bottom"] = "top"
    overlaps: tuple[str, ...] = ()
    bleed: bool = False
    when: Literal["eksempel", "eksempel_egne", "eksempel_sammenligning", "officiel"] | None = None
    order: int | None = None
    tag: Tag | None = None
    # text boxes
    content: tuple[ItemModel, ...] = ()
    # boxes with the same name share one size: "serie" = on every sheet of the series
    same_size: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)] | None = None
    # tables and charts: the section of texts.da.toml holding their words
    text: str | None = None
    style: str | None = None
    header_style: str | None = None
    number_style: str | None = None
    note_style: str | None = None  # tables: the "–" note under the table (default: "note")
    label_style: str | None = None
    col_widths: tuple[Pos, ...] = ()
    series: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    value: str | None = None
    scope: Literal["region", "land"] = "region"
    highlight: str | None = None
    # images, maps and the sender's logo ("logo": an SVG or PNG in the layout folder; without
    # one the sender's name, the text `text`, is set as a wordmark in `style`)
    file: str | None = None
    alt: str | None = None
    view: Literal["danmark", "region"] = "danmark"

    @model_validator(mode="after")
    def _kind_fields(self) -> BoxModel:
        need: dict[str, tuple[str, ...]] = {
            "text": ("content",), "table": ("text",), "bar_chart": ("text", "series"),
            "ranking_chart": ("text", "value"), "image": ("file", "alt"), "map": ("text",),
            "logo": ("text", "style"),
        }  # fmt: skip
        for name in need.get(self.kind, ()):
            if not getattr(self, name):
                raise ValueError(f'a "{self.kind}" box needs `{name}`')
        if self.kind == "rect" and not (self.fill or self.stroke):
            raise ValueError('a "rect" box needs `fill` or `stroke`')
        return self


# a layout's name becomes part of file names: a slug, never a path
Slug = Annotated[
    str, Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", min_length=1, max_length=64)
]


class MetaModel(_Strict):
    name: Slug
    description: str = ""
    title: str = "meta.titel"  # text key of the document title
    subject: str = "meta.emne"
    author: str = "BL – Danmarks Almene Boliger"


class LayoutModel(_Strict):
    layout: MetaModel
    page: PageModel = PageModel()
    fonts: dict[str, str]
    colors: dict[str, ColorModel]
    styles: dict[str, StyleModel]
    box: tuple[BoxModel, ...]
    print: PrintModel = PrintModel()

    @field_validator("fonts")
    @classmethod
    def _roles(cls, v: dict[str, str]) -> dict[str, str]:
        if "regular" not in v:
            raise ValueError("needs a `regular` font")
        return v


def parse_layout(raw: dict[str, Any]) -> LayoutModel:
    return LayoutModel.model_validate(raw)

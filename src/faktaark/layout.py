"""Layout folders: `layouts/<name>/layout.toml` + `texts.da.toml` (+ assets) -> `Layout`.

Loading validates everything that can be checked without data: unknown keys, a box off the
page or inside the margin, boxes that overlap without saying so, unknown styles, colours and
fonts, missing texts, unknown placeholders and formats. Every error names the file, the key
and the line. Layout files are data: nothing in them is executed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from faktaark.errors import LayoutError, UsageError
from faktaark.fonts import FONT_FILES
from faktaark.plan import MM, Color
from faktaark.resources import layouts_dir
from faktaark.textflow import hyphenate_words

__all__ = ["Box", "Item", "Layout", "Style", "available", "load_layout", "resolve", "strings"]

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


@dataclass(frozen=True)
class Item:
    style: str | None = None
    text: str | None = None
    list: str | None = None
    notes: bool = False
    space: float | None = None
    column_break: bool = False


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
    hyphenation: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # its words

    @property
    def width(self) -> float:
        return self.width_mm * MM

    @property
    def height(self) -> float:
        return self.height_mm * MM

    def text(self, key: str) -> Any:
        node: Any = self.texts
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(key)
            node = node[part]
        return node


def available() -> list[Path]:
    """The layout folders shipped with faktaark."""
    root = layouts_dir()
    return sorted(p for p in root.iterdir() if (p / "layout.toml").is_file())


def resolve(name_or_path: str | Path | None) -> Path:
    """A layout name (`almene-boliger`) or a path to a layout folder -> the folder."""
    if name_or_path is None:
        name_or_path = DEFAULT_LAYOUT
    p = Path(name_or_path)
    if (p / "layout.toml").is_file():
        return p
    candidate = layouts_dir() / str(name_or_path)
    if (candidate / "layout.toml").is_file():
        return candidate
    names = ", ".join(x.name for x in available())
    raise UsageError(
        f"Unknown layout {str(name_or_path)!r}: not a folder with a layout.toml, and not one of "
        f"the shipped layouts ({names}). Run `faktaark layouts list`."
    )


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    import tomllib  # loading a layout only: a cached one is read back without it

    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise LayoutError(f"{path}: missing; a layout folder needs it.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{path}: cannot read: {exc}") from exc
    try:
        return tomllib.loads(raw), raw
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{path}: not valid TOML: {exc}") from exc


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(folder).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _model(raw: dict[str, Any], text: str, path: Path) -> Any:
    from faktaark import layout_schema as ls
    from faktaark.layout_check import locate

    try:
        return ls.parse_layout(raw)
    except ls.ValidationError as exc:
        lines = []
        for e in exc.errors()[:20]:
            loc = [str(p) for p in e["loc"]]
            line = locate(text, loc)
            key = ".".join(loc)
            where = f"{path}:{line}" if line else str(path)
            lines.append(f"  {where}: {key}: {e['msg'].removeprefix('Value error, ')}")
        raise LayoutError(
            f"{path}: invalid layout ({len(exc.errors())} problem(s)):\n" + "\n".join(lines)
        ) from exc


def _styles(model: Any, fonts: Mapping[str, str]) -> dict[str, Style]:
    out = {}
    for name, s in model.styles.items():
        font = fonts.get(s.font, s.font)
        bold = fonts.get("bold", font) if s.font in ("regular", "italic") else font
        out[name] = Style(
            name=name, font=font, bold_font=bold, size=s.size,
            leading=s.leading or round(s.size * 1.3, 2), min_size=s.min_size, color=s.color,
            align=s.align, upper=s.upper, hyphenate=s.hyphenate, space_before=s.space_before,
            space_after=s.space_after, indent=s.indent, bullet=s.bullet,
            bullet_color=s.bullet_color, tag=s.tag,
        )  # fmt: skip
    return out


def _boxes(model: Any) -> tuple[Box, ...]:
    boxes = []
    for i, b in enumerate(model.box):
        d = b.model_dump()
        d["content"] = tuple(Item(**it) for it in d["content"])
        d["order"] = b.order if b.order is not None else i + 1
        boxes.append(Box(**d))
    return tuple(boxes)


def load_layout(
    name_or_path: str | Path | None = None, known_placeholders: Iterable[str] | None = None
) -> Layout:
    """Load and validate a layout folder (by name or path)."""
    from faktaark.layout_check import check_layout, locate  # not needed for a cached layout

    folder = resolve(name_or_path)
    lpath, tpath = folder / "layout.toml", folder / "texts.da.toml"
    raw, text = _read_toml(lpath)
    texts, ttext = _read_toml(tpath)
    model = _model(raw, text, lpath)
    page = model.page
    w_mm, h_mm = PAGE_SIZES[page.size] if isinstance(page.size, str) else page.size
    fonts = dict(model.fonts)
    for role, font in fonts.items():
        if font not in FONT_FILES:
            line = locate(text, ["fonts", role])
            raise LayoutError(
                f"{lpath}:{line}: fonts.{role}: unknown font {font!r}; the bundled "
                f"fonts are {', '.join(FONT_FILES)}."
            )
    colors = {n: Color(n, tuple(v / 100 for v in c.cmyk)) for n, c in model.colors.items()}
    layout = Layout(
        name=model.layout.name, path=folder, description=model.layout.description,
        width_mm=w_mm, height_mm=h_mm, margin_mm=page.margin, pages=page.pages, fonts=fonts,
        colors=colors, styles=_styles(model, fonts), boxes=_boxes(model), texts=texts,
        title_key=model.layout.title, subject_key=model.layout.subject,
        author=model.layout.author, digest=_digest(folder),
    )  # fmt: skip
    check_layout(layout, model, text, ttext, lpath, tpath, known_placeholders)
    markup = re.compile(r"\{[^}]*\}|\*\*|\]\([^)]*\)|\[")  # placeholders and markup
    words = (markup.sub(" ", t) for t in strings(texts))
    return replace(layout, hyphenation=hyphenate_words(words))


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

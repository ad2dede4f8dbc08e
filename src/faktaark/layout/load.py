"""Loading a layout folder: `layouts/<name>/layout.toml` + `texts.da.toml` (+ assets) -> `Layout`.

Loading validates everything that can be checked without data: unknown keys, a box off the
page or inside the margin, boxes that overlap without saying so, unknown styles, colours and
fonts, missing texts, unknown placeholders and formats. Every error names the file, the key
and the line. Layout files are data: nothing in them is executed. A checked layout is kept in
the per-user cache, keyed by the bytes of its files and the placeholders the data provides.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from faktaark.core.resources import layouts_dir
from faktaark.core.units import Color
from faktaark.errors import LayoutError, UsageError
from faktaark.layout.model import DEFAULT_LAYOUT, PAGE_SIZES, Box, Item, Layout, Style, strings
from faktaark.text.fonts import FONT_FILES
from faktaark.text.linebreak import hyphenate_words

__all__ = ["available", "cached_layout", "describe", "load_layout", "resolve"]


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
        f"the shipped layouts ({names}).",
        advice="Run `faktaark layouts list`.",
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
    from faktaark.layout import schema as ls
    from faktaark.layout.checks import locate

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


def _color(name: str, c: Any) -> Color:
    screen = tuple(v / 100 for v in c.screen) if c.screen is not None else None
    return Color(name, tuple(v / 100 for v in c.cmyk), screen, c.overprint, c.separation)


def load_layout(
    name_or_path: str | Path | None = None, known_placeholders: Iterable[str] | None = None
) -> Layout:
    """Load and validate a layout folder (by name or path)."""
    from faktaark.layout.checks import locate, static_checks  # not needed for a cached layout

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
    colors = {n: _color(n, c) for n, c in model.colors.items()}
    layout = Layout(
        name=model.layout.name, path=folder, description=model.layout.description,
        width_mm=w_mm, height_mm=h_mm, margin_mm=page.margin, pages=page.pages, fonts=fonts,
        colors=colors, styles=_styles(model, fonts), boxes=_boxes(model), texts=texts,
        title_key=model.layout.title, subject_key=model.layout.subject,
        author=model.layout.author, digest=_digest(folder), marks=model.print.marks,
        min_white_stroke=model.print.min_white_stroke,
    )  # fmt: skip
    static_checks(layout, model, text, ttext, lpath, tpath, known_placeholders)
    markup = re.compile(r"\{[^}]*\}|\*\*|\]\([^)]*\)|\[")  # placeholders and markup
    words = (markup.sub(" ", t) for t in strings(texts))
    return replace(layout, hyphenation=hyphenate_words(words))


def cached_layout(layout: str | Path | Layout | None, known: Iterable[str]) -> Layout:
    """A validated layout (a name, a folder or a `Layout`), from the per-user cache when the
    layout files and the placeholder names `known` (what the data provides) are unchanged."""
    if isinstance(layout, Layout):
        return layout
    from faktaark.core.cache import cached

    folder = resolve(layout)
    names = sorted(known)
    files = sorted(f for f in folder.rglob("*") if f.is_file())
    return cached("layout", files, "\x1f".join(names), lambda: load_layout(folder, names), Layout)


def describe(layout: str | Path) -> str:
    """One line about a layout folder (its description), without loading it."""
    folder = Path(layout) if Path(layout).is_dir() else resolve(str(layout))
    raw, _ = _read_toml(folder / "layout.toml")
    return str(raw.get("layout", {}).get("description", ""))

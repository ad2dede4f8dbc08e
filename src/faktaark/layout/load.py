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

from faktaark.core.limits import MAX_ASSET_BYTES, MAX_LAYOUT_BYTES
from faktaark.core.resources import layouts_dir
from faktaark.core.tomlfile import locate, read_toml
from faktaark.core.units import Color
from faktaark.errors import LayoutError, UsageError
from faktaark.layout.model import DEFAULT_LAYOUT, PAGE_SIZES, Box, Item, Layout, Style, strings
from faktaark.text.fonts import FONT_FILES
from faktaark.text.hyphenation import hyphenate_words

__all__ = ["available", "cached_layout", "describe", "load_layout", "resolve"]


def available() -> list[Path]:
    """The layout folders shipped with faktaark."""
    root = layouts_dir()
    return sorted(p for p in root.iterdir() if (p / "layout.toml").is_file())


def resolve(name_or_path: str | Path | None) -> Path:
    """A layout name (`almene-boliger`) or a path to a layout folder -> the folder."""
    if name_or_path is None:
        name_or_path = DEFAULT_LAYOUT
    if not isinstance(name_or_path, (str, Path)):
        raise UsageError(
            f"layout: expected a layout name or folder, got {type(name_or_path).__name__}."
        )
    if str(name_or_path) == "" or "\x00" in str(name_or_path):
        raise UsageError(f"layout: {str(name_or_path)!r} is not a layout name or folder.")
    p = Path(name_or_path)
    # a folder with a layout.toml of any kind: loading says what is wrong with the file
    if p.is_dir() and (p / "layout.toml").exists():
        return p
    candidate = layouts_dir() / str(name_or_path)
    if candidate.parent == layouts_dir() and (candidate / "layout.toml").is_file():
        return candidate
    names = ", ".join(x.name for x in available())
    raise UsageError(
        f"Unknown layout {str(name_or_path)!r}: not a folder with a layout.toml, and not one of "
        f"the shipped layouts ({names}).",
        advice="Run `faktaark layouts list`.",
    )


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    return read_toml(path, within=path.parent, limit=MAX_LAYOUT_BYTES, what="layout file")


LAYOUT_SUFFIXES = (".toml", ".png", ".jpg", ".jpeg", ".svg")


def layout_files(folder: Path) -> list[Path]:
    """The files of a layout folder that a layout can use (TOML and images), regular files of
    at most the asset limit: what its digest and cache key read. Anything else there (notes,
    a 2 GB file, a link to /dev/zero) is never opened."""
    import stat

    out = []
    for f in sorted(folder.rglob("*")):
        if f.suffix.lower() not in LAYOUT_SUFFIXES:
            continue
        try:
            st = f.stat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_ASSET_BYTES:
            out.append(f)
    return out


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in layout_files(folder):
        h.update(f.relative_to(folder).as_posix().encode())
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"\x00unreadable")
    return h.hexdigest()[:16]


def _model(raw: dict[str, Any], text: str, path: Path) -> Any:
    from faktaark.layout import schema as ls

    try:
        return ls.parse_layout(raw)
    except ls.ValidationError as exc:
        lines = []
        for e in exc.errors()[:20]:
            loc = [str(p) for p in e["loc"]]
            line = locate(text, loc)
            key = ".".join(loc)
            where = f"{path}:{line}" if line else str(path)
            msg = e["msg"].removeprefix("Value error, ")
            if loc[:2] == ["layout", "name"]:
                msg = (
                    f"{e.get('input')!r} is not a slug: lower-case a-z, 0-9 and '-', at most 64 "
                    "(it becomes part of file names)"
                )
            lines.append(f"  {where}: {key}: {msg}")
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
            bullet_color=s.bullet_color, tag=s.tag, balance=s.balance,
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
    from faktaark.layout.checks import static_checks  # not needed for a cached layout

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
    files = layout_files(folder)
    return cached("layout", files, "\x1f".join(names), lambda: load_layout(folder, names), Layout)


def describe(layout: str | Path) -> str:
    """One line about a layout folder (its description), without loading it."""
    folder = Path(layout) if Path(layout).is_dir() else resolve(str(layout))
    raw, _ = _read_toml(folder / "layout.toml")
    return str(raw.get("layout", {}).get("description", ""))

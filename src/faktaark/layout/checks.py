"""Static checks of a layout folder (no data needed), with file:line locations.

Called by `layout.load_layout`. Collects every problem, then raises one `LayoutError`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.core.tomlfile import locate
from faktaark.errors import LayoutError
from faktaark.text.templates import FORMATS, link_problem, links, placeholders

if TYPE_CHECKING:
    from faktaark.layout.model import Box, Layout

__all__ = ["locate", "static_checks"]

TEXT_SECTIONS: dict[str, dict[str, str]] = {  # kind -> required key -> "str" | "list"
    "table": {"titel": "str"},  # and kolonne or kolonner, raekker: `_check_table`
    "bar_chart": {"titel": "str", "etiketter": "list", "alt_titel": "str", "alt_enheder": "list"},
    "ranking_chart": {"titel": "str", "alt_titel": "str"},
    "map": {"alt": "str"},
}


class _Problems:
    def __init__(self, lpath: Path, ltext: str, tpath: Path, ttext: str) -> None:
        self.items: list[str] = []
        self.lpath, self.ltext, self.tpath, self.ttext = lpath, ltext, tpath, ttext

    def layout(self, loc: Sequence[str], msg: str) -> None:
        line = locate(self.ltext, loc)
        self.items.append(f"  {self.lpath}:{line or '?'}: {'.'.join(loc)}: {msg}")

    def texts(self, key: str, msg: str) -> None:
        line = locate(self.ttext, key.split("."))
        self.items.append(f"  {self.tpath}:{line or '?'}: {key}: {msg}")


def _near(name: str, options: Iterable[str]) -> str:
    m = difflib.get_close_matches(name, sorted(options), n=1, cutoff=0.6)
    return f"; did you mean {m[0]!r}?" if m else ""


def _check_strings(node: Any, key: str, known: set[str] | None, pr: _Problems) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _check_strings(v, f"{key}.{k}" if key else k, known, pr)
    elif isinstance(node, list):
        for v in node:
            _check_strings(v, key, known, pr)
    elif isinstance(node, str):
        for name, fmt, _ in placeholders(node):
            if known is not None and name not in known:
                pr.texts(key, f"unknown placeholder {{{name}}}{_near(name, known)}")
            if fmt is not None and fmt not in FORMATS:
                pr.texts(
                    key,
                    f"unknown format :{fmt} in {{{name}:{fmt}}}; the formats are "
                    f"{', '.join(FORMATS)}",
                )
        if node.count("**") % 2:
            pr.texts(key, "unbalanced ** (bold markup)")
        for url in links(node):
            if problem := link_problem(url):
                pr.texts(key, problem)
        if lacking := _no_glyph(node):
            chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in sorted(lacking))
            pr.texts(key, f"uses {chars}, which no bundled font has (it would not be printed)")
    elif not isinstance(node, (int, float, bool)):
        pr.texts(key, f"unexpected value {node!r}")


_MARKUP = re.compile(r"\{[^}]*\}|\]\([^)]*\)")  # placeholders and link targets: not printed


def _no_glyph(text: str) -> set[str]:
    """The characters of a text's fixed part that none of the bundled fonts can draw."""
    from faktaark.text.fonts import FONT_FILES, metrics

    fixed = _MARKUP.sub("", text)
    if fixed.isascii():
        return set()
    m = metrics()
    lacking: set[str] | None = None
    for font in FONT_FILES:
        miss = m.missing(fixed, font)
        lacking = miss if lacking is None else lacking & miss
    return lacking or set()


def _text_kind(layout: Layout, key: str, want: str) -> str | None:
    try:
        node = layout.text(key)
    except KeyError:
        return "missing"
    if want == "str" and not isinstance(node, str):
        return "must be a text"
    if want == "list" and not (isinstance(node, list) and all(isinstance(x, str) for x in node)):
        return "must be a list of texts"
    return None


def _check_table(b: Box, loc: list[str], layout: Layout, pr: _Problems) -> None:
    """A table's texts: `kolonne` (one value column) or `kolonner` (several: the municipality,
    its region, the country), and `raekker` of ["label", "value", ...] with one value per
    column."""
    sec = str(b.text)
    one, many = (
        _text_kind(layout, f"{sec}.kolonne", "str"),
        _text_kind(layout, f"{sec}.kolonner", "list"),
    )
    if (one is None) == (many is None):
        pr.layout([*loc, "text"], f"texts {sec}: give kolonne (one value column) or kolonner "
                  "(a list), not both or neither")  # fmt: skip
        return
    n = 1 if one is None else len(layout.text(f"{sec}.kolonner"))
    try:
        rows = layout.text(f"{sec}.raekker")
    except KeyError:
        pr.layout([*loc, "text"], f"text {sec}.raekker missing in texts.da.toml")
        return
    good = isinstance(rows, list) and all(
        isinstance(r, list) and len(r) == n + 1 and all(isinstance(c, str) for c in r) for r in rows
    )
    if not good:
        cells = ", ".join(['"label"', *(['"value"'] * n)])
        pr.texts(f"{sec}.raekker", f"must be a list of [{cells}] rows ({n} value column(s))")
    if b.col_widths and len(b.col_widths) != n + 1:
        pr.layout([*loc, "col_widths"], f"{len(b.col_widths)} widths for {n + 1} columns")


def _check_figures(b: Box, loc: list[str], layout: Layout, known: set[str], pr: _Problems) -> None:
    """The figures a chart draws without a text (series, value, niveauer) are known names."""
    names = [("series", n) for n in b.series]
    if b.value is not None:
        names.append(("value", str(b.value)))
    for key, name in names:
        if name not in known:
            pr.layout([*loc, key], f"unknown figure {name!r}{_near(name, known)}")
    if b.text is not None and isinstance(levels := layout.texts.get(b.text), dict):
        for row in levels.get("niveauer", []) or []:
            if isinstance(row, list) and len(row) == 2 and str(row[1]) not in known:
                pr.texts(
                    f"{b.text}.niveauer", f"unknown figure {row[1]!r}{_near(str(row[1]), known)}"
                )


def _check_box(
    b: Box, idx: int, layout: Layout, pr: _Problems, known: set[str] | None = None
) -> None:
    loc = ["box", str(idx)]
    w, h, m = layout.width_mm, layout.height_mm, layout.margin_mm
    if b.page > layout.pages:
        pr.layout([*loc, "page"], f"page {b.page}, but the layout has {layout.pages} page(s)")
    if b.x < 0 or b.y < 0 or b.x + b.w > w + 1e-6 or b.y + b.h > h + 1e-6:
        pr.layout(
            [*loc, "x"],
            f'box "{b.id}" ({b.x}, {b.y}, {b.w} x {b.h} mm) is off the {w:g} x {h:g} mm page',
        )
    elif not b.bleed and (
        b.x < m - 1e-6 or b.y < m - 1e-6 or b.x + b.w > w - m + 1e-6 or b.y + b.h > h - m + 1e-6
    ):
        pr.layout(
            [*loc, "x"],
            f'box "{b.id}" comes closer than the {m:g} mm margin to the '
            "edge; set `bleed = true` if it bleeds on purpose",
        )
    if b.bleed and b.kind not in ("rect", "image", "rule"):
        pr.layout([*loc, "bleed"], "only rect, rule and image boxes may bleed")
    for attr in ("fill", "stroke"):
        c = getattr(b, attr)
        if c is not None and c not in layout.colors:
            pr.layout([*loc, attr], f"unknown colour {c!r}{_near(c, layout.colors)}")
    for c in b.colors:
        if c not in layout.colors:
            pr.layout([*loc, "colors"], f"unknown colour {c!r}{_near(c, layout.colors)}")
    for attr in ("style", "header_style", "number_style", "label_style", "note_style"):
        s = getattr(b, attr)
        if s is not None and s not in layout.styles:
            pr.layout([*loc, attr], f"unknown style {s!r}{_near(s, layout.styles)}")
    for j, it in enumerate(b.content):
        if it.style is not None and it.style not in layout.styles:
            pr.layout(
                [*loc, "content"],
                f"item {j + 1}: unknown style {it.style!r}{_near(it.style, layout.styles)}",
            )
        for key, want in ((it.text, "str"), (it.list, "list"), (it.source, "str")):
            if key is not None and (problem := _text_kind(layout, key, want)):
                pr.layout(
                    [*loc, "content"], f"item {j + 1}: text {key!r} {problem} in texts.da.toml"
                )
    if b.kind == "logo" and b.text is not None and (problem := _text_kind(layout, b.text, "str")):
        pr.layout([*loc, "text"], f"text {b.text!r} (the sender's name) {problem}")
    if known is not None and b.kind in ("bar_chart", "ranking_chart"):
        _check_figures(b, loc, layout, known, pr)
    if b.text is not None and b.kind == "table":
        _check_table(b, loc, layout, pr)
    if b.text is not None and b.kind in TEXT_SECTIONS:
        for sub, want in TEXT_SECTIONS[b.kind].items():
            if problem := _text_kind(layout, f"{b.text}.{sub}", want):
                pr.layout([*loc, "text"], f"text {b.text}.{sub} {problem} in texts.da.toml")
        labels = (
            layout.texts.get(b.text, {}).get("etiketter")
            if isinstance(layout.texts.get(b.text), dict)
            else None
        )
        if b.kind == "bar_chart" and isinstance(labels, list) and len(labels) != len(b.series):
            pr.layout(
                [*loc, "series"],
                f"{len(b.series)} series but {len(labels)} etiketter in texts {b.text}.etiketter",
            )
    if b.file is not None:
        from faktaark.layout.assets import asset_problem

        if problem := asset_problem(layout.path, b.file):
            pr.layout([*loc, "file"], problem)
    if b.kind == "image" and b.alt is not None and (problem := _text_kind(layout, b.alt, "str")):
        pr.layout([*loc, "alt"], f"alt {b.alt!r}: a text key of texts.da.toml, {problem}")


def _overlap(a: Box, b: Box) -> float:
    dx = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    dy = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return dx * dy if dx > 0.01 and dy > 0.01 else 0.0


def static_checks(
    layout: Layout,
    model: Any,
    ltext: str,
    ttext: str,
    lpath: Path,
    tpath: Path,
    known: Iterable[str] | None,
) -> None:
    pr = _Problems(lpath, ltext, tpath, ttext)
    known_set = set(known) if known is not None else None
    for name, s in layout.styles.items():
        role = model.styles[name].font
        if role not in layout.fonts:
            pr.layout(
                ["styles", name, "font"],
                f"unknown font role {role!r}; the layout defines {', '.join(layout.fonts)}",
            )
        for attr in ("color", "bullet_color"):
            c = getattr(s, attr)
            if c is not None and c not in layout.colors:
                pr.layout(["styles", name, attr], f"unknown colour {c!r}{_near(c, layout.colors)}")
        if s.bullet:
            from faktaark.text.fonts import FONT_FILES, metrics

            if s.font in FONT_FILES and (lacking := metrics().missing(s.bullet, s.font)):
                chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in sorted(lacking))
                pr.layout(
                    ["styles", name, "bullet"],
                    f"the bullet uses {chars}, which the font {s.font} does not have",
                )
    ids: set[str] = set()
    for i, b in enumerate(layout.boxes):
        if b.id in ids:
            pr.layout(["box", str(i), "id"], f'box id "{b.id}" is used twice')
        ids.add(b.id)
        _check_box(b, i, layout, pr, known_set)
    for i, b in enumerate(layout.boxes):
        for o in b.overlaps:
            if o not in ids:
                pr.layout(["box", str(i), "overlaps"], f"unknown box {o!r}{_near(o, ids)}")
        for other in layout.boxes[i + 1 :]:
            if (
                other.page == b.page
                and _overlap(b, other)
                and b.id not in other.overlaps
                and other.id not in b.overlaps
            ):
                pr.layout(
                    ["box", str(i), "id"],
                    f'box "{b.id}" overlaps box "{other.id}" '
                    f"on page {b.page}; move one, or list it in `overlaps` if intended",
                )
    for page in range(1, layout.pages + 1):
        whens = {b.when for b in layout.boxes if b.page == page}
        if "eksempel" not in whens and not {"eksempel_egne", "eksempel_sammenligning"} <= whens:
            pr.layout(
                ["page", "pages"],
                f'page {page} has no box with when = "eksempel": a sheet built '
                "from example data must say so on every page",
            )
    for key in (layout.title_key, layout.subject_key):
        if _text_kind(layout, key, "str"):
            pr.texts(key, "missing (the document title/subject)")
    _check_strings(dict(layout.texts), "", known_set, pr)
    if pr.items:
        raise LayoutError(
            f"Layout {layout.name!r} ({layout.path}) has {len(pr.items)} "
            "problem(s):\n" + "\n".join(pr.items)
        )

"""The bundled fonts as the planner measures them: text widths and glyph coverage.

The family is FaktaSans (Lato 2.0, trimmed and renamed under the OFL; see `fonts/OFL.txt` and
`tools/make_fonts.py`). The widths are exactly those ReportLab draws with, though ReportLab
is the PDF stage's (`faktaark.pdf.embedding` registers the same files with it):
`tests/test_text_fonts.py` compares every character, and random texts of them, with
ReportLab's `stringWidth`. A character the font lacks is a `GlyphError`, never a blank.

A `FontTable` holds what that takes from a TrueType file, in ReportLab's units (thousandths
of an em, `advance * (1000 / unitsPerEm)`): the OS/2 typographic ascent and descent, the width
of glyph 0 (what ReportLab gives a character the font lacks) and the width of every character
the font draws. `extract` reads it with fontTools the way ReportLab's
`TTFontFile.extractInfo` does: the same cmap subtable (the last suitable one, not fontTools'
"best"), the same advances (a glyph past `numberOfHMetrics` repeats the last one), a no-break
space as wide as a space, and no kerning (ReportLab applies none). Characters the cmap sends
to glyph 0 would draw `.notdef`: they count as missing.

Importing fontTools and parsing four fonts costs ~40 ms, more than a whole sheet, so the
tables are shipped precomputed in `fonts/metrics.json` with the SHA-256 of each font file;
`load` uses a shipped table only while its font file has exactly that hash and reads the font
afresh otherwise. After changing a font: `python tools/make_fonts.py --metrics`.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from faktaark.core.resources import fonts_dir
from faktaark.errors import GlyphError

__all__ = [
    "FONT_FILES",
    "TABLE_FILE",
    "FontTable",
    "Metrics",
    "ensure_glyphs",
    "extract",
    "load",
    "metrics",
    "read_tables",
    "table_text",
]

FONT_FILES = ("FaktaSans-Regular", "FaktaSans-Bold", "FaktaSans-Black", "FaktaSans-Italic")
TABLE_FILE = "metrics.json"  # in the fonts folder, next to the fonts it describes
FORMAT = 1
NBSP, SPACE = 0xA0, 0x20
_ZERO_WIDTH_OK = {"\n"}
_EXACT = 1024  # widths that are multiples of 1/1024 add up without rounding, in any order


class FontTable(NamedTuple):
    """One font's metrics in thousandths of an em, as ReportLab reads them."""

    sha256: str  # of the font file the table was read from
    ascent: float  # OS/2 sTypoAscender (head yMax in a font without OS/2)
    descent: float  # OS/2 sTypoDescender (head yMin)
    default_width: float  # glyph 0: the width of a character the font lacks
    widths: dict[str, float]  # every character the font draws (not with glyph 0)


def extract(data: bytes) -> FontTable:
    """Read a TrueType font's metrics with fontTools."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    head = font["head"]
    factor = None if head.unitsPerEm == 1000 else 1000 / head.unitsPerEm

    def scale(value: int) -> float:  # ReportLab's `_pdfScale`, to the bit
        return value if factor is None else value * factor

    os2 = font.get("OS/2")
    order = font.getGlyphOrder()
    hmtx = font["hmtx"].metrics  # glyph name -> (advance, left side bearing)
    widths: dict[int, float] = {}
    for code, glyph in _reportlab_cmap(font["cmap"].tables).items():
        if glyph != order[0] and glyph in hmtx:
            widths[code] = scale(hmtx[glyph][0])
    if SPACE in widths:  # ReportLab draws U+00A0 with the space's glyph (and width)
        widths[NBSP] = widths[SPACE]
    elif NBSP in widths:
        widths[SPACE] = widths[NBSP]
    return FontTable(
        sha256=hashlib.sha256(data).hexdigest(),
        ascent=scale(os2.sTypoAscender if os2 else head.yMax),
        descent=scale(os2.sTypoDescender if os2 else head.yMin),
        default_width=scale(hmtx[order[0]][0]),
        widths={chr(c): w for c, w in sorted(widths.items())},
    )


def _reportlab_cmap(subtables: Sequence[Any]) -> Mapping[int, str]:
    """The subtable ReportLab maps characters with: of the records in file order, the last
    of (3, any), (1, 1), (0, not 5), or (1, 0) when no Unicode one came before it."""
    chosen, unicode = None, False
    for sub in subtables:
        platform, encoding = sub.platformID, sub.platEncID
        if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
            chosen, unicode = sub, True
        elif platform == 1 and encoding == 0 and not unicode:
            chosen = sub
    if chosen is None:
        raise ValueError("the font has no cmap subtable ReportLab can use")
    cmap: Mapping[int, str] = chosen.cmap
    return cmap


def load(names: Sequence[str], folder: Path | None = None) -> dict[str, FontTable]:
    """The tables of the fonts `names` (files `<name>.ttf` in `folder`, the bundled fonts by
    default): the shipped ones while they match the files' bytes, else read with fontTools."""
    folder = fonts_dir() if folder is None else folder
    shipped = read_tables(folder / TABLE_FILE)
    out = {}
    for name in names:
        data = (folder / f"{name}.ttf").read_bytes()
        table = shipped.get(name)
        if table is None or table.sha256 != hashlib.sha256(data).hexdigest():
            table = extract(data)
        out[name] = table
    return out


def read_tables(path: Path) -> dict[str, FontTable]:
    """The tables in a metrics file; none when it is missing, damaged or of another format."""
    try:
        doc = json.loads(path.read_bytes())
        if doc["format"] != FORMAT:
            return {}
        return {name: FontTable(**entry) for name, entry in doc["fonts"].items()}
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return {}


def table_text(tables: Mapping[str, FontTable]) -> str:
    """The metrics file for `tables`: JSON, ten characters a line."""
    about = (
        "Metrics of the bundled fonts in thousandths of an em, as ReportLab computes them, "
        "read by faktaark.text.fonts.extract (tools/make_fonts.py --metrics)"
    )
    lines = ["{", f' "about": {json.dumps(about)},', f' "format": {FORMAT},', ' "fonts": {']
    for i, (name, t) in enumerate(tables.items()):
        lines.append(f"  {json.dumps(name)}: {{")
        for key in ("sha256", "ascent", "descent", "default_width"):
            lines.append(f"   {json.dumps(key)}: {json.dumps(getattr(t, key))},")
        items = [f"{json.dumps(c)}: {json.dumps(w)}" for c, w in t.widths.items()]
        rows = [", ".join(items[j : j + 10]) for j in range(0, len(items), 10)]
        lines += [
            '   "widths": {',
            *([",\n".join(f"    {r}" for r in rows)] if rows else []),
            "   }",
        ]
        lines.append("  }," if i < len(tables) - 1 else "  }")
    return "\n".join([*lines, " }", "}", ""])


class _Widths(dict[str, float]):
    """Character -> width in thousandths of an em; a character the font lacks gets glyph 0's
    width, as ReportLab gives it (`charWidths.get(code, defaultWidth)`)."""

    __slots__ = ("default",)

    def __init__(self, widths: dict[str, float], default: float) -> None:
        super().__init__(widths)
        self.default = default

    def __missing__(self, char: str) -> float:
        return self.default


def _summer(widths: _Widths) -> Callable[[Iterable[float]], float]:
    """How to add up a text's widths exactly as ReportLab does (left to right, in doubles).
    `sum` is faster and gives the same number whenever no partial sum is rounded: when every
    width is a multiple of 1/1024 (FaktaSans: 2000 units per em, so multiples of 1/2)."""
    if all((w * _EXACT).is_integer() for w in (*widths.values(), widths.default)):
        return sum
    return _add_in_order


def _add_in_order(widths: Iterable[float]) -> float:
    total = 0.0  # rl-accel's C loop: a double, each width added in turn
    for w in widths:
        total += w
    return total


class Metrics:
    """Text widths in points and glyph coverage for the bundled fonts."""

    def __init__(self, tables: Mapping[str, FontTable] | None = None) -> None:
        tables = load(FONT_FILES) if tables is None else tables
        self._widths: dict[str, _Widths] = {}
        self._sum: dict[str, Callable[[Iterable[float]], float]] = {}
        self._cmaps: dict[str, frozenset[str]] = {}
        for name, t in tables.items():
            widths = _Widths(t.widths, t.default_width)
            self._widths[name] = widths
            self._sum[name] = _summer(widths)
            self._cmaps[name] = frozenset(widths)
        self._cache: dict[tuple[str, str], float] = {}
        self.ascent = {n: t.ascent / 1000 for n, t in tables.items()}
        self.descent = {n: t.descent / 1000 for n, t in tables.items()}

    def width(self, text: str, font: str, size: float) -> float:
        key = (text, font)
        w = self._cache.get(key)
        if w is None:
            # ReportLab's stringWidth(text, font, 1.0): the sum in 1/1000 em, times 0.001
            w = self._sum[font](map(self._widths[font].__getitem__, text)) * 0.001
            if len(self._cache) < 200_000:
                self._cache[key] = w
        return w * size

    def missing(self, text: str, font: str) -> set[str]:
        cmap = self._cmaps[font]
        if cmap.issuperset(text):
            return set()
        return {c for c in text if c not in cmap and c not in _ZERO_WIDTH_OK}


@cache
def metrics() -> Metrics:
    return Metrics()


def ensure_glyphs(text: str, font: str, where: str) -> None:
    """Raise `GlyphError` when `font` cannot draw every character of `text`."""
    lacking = metrics().missing(text, font)
    if lacking:
        chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in sorted(lacking))
        raise GlyphError(
            f"{where}: the text uses {chars}, which the font {font} does not have. "
            f"Text: {text[:60]!r}. Use another character or extend tools/make_fonts.py."
        )

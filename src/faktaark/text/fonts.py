"""The bundled fonts: registration with ReportLab, text widths and glyph coverage.

The family is FaktaSans (Lato 2.0, trimmed and renamed under the OFL; see
`fonts/OFL.txt` and `tools/make_fonts.py`). Fonts are parsed once per process. Widths come
from ReportLab's own metrics (with rl-accel when installed), so what the planner measures is
exactly what the renderer draws. A character the font lacks is a `GlyphError`, never a blank.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from faktaark.core.resources import fonts_dir
from faktaark.errors import GlyphError

__all__ = ["FONT_FILES", "Metrics", "ensure_glyphs", "metrics", "register_all", "subset_tag"]

FONT_FILES = ("FaktaSans-Regular", "FaktaSans-Bold", "FaktaSans-Black", "FaktaSans-Italic")
_ZERO_WIDTH_OK = {"\n"}


@cache
def register_all() -> tuple[str, ...]:
    """Register every bundled font with ReportLab (once per process); return their names."""
    import reportlab.pdfbase.ttfonts as ttfonts
    from reportlab.pdfbase import pdfmetrics

    _patch_tounicode(ttfonts)
    for name in FONT_FILES:
        font = ttfonts.TTFont(name, str(fonts_dir() / f"{name}.ttf"))
        _reuse_subsets(font.face)
        _tag_subsets(font, ttfonts)
        pdfmetrics.registerFont(font)
    return FONT_FILES


def subset_tag(font_name: str, subset: Sequence[int]) -> str:
    """The six capital letters before "+FaktaSans-..." in a subset's font name, derived from
    the font and the characters of the subset in code order (ISO 32000-1 9.6.4): two
    different subsets never share a name, the same subset always gets the same one."""
    digest = hashlib.sha256(f"{font_name}:{','.join(map(str, subset))}".encode()).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])


def _tag_subsets(font: Any, ttfonts: Any) -> None:
    """ReportLab names a document's subsets AAAAAA+, AAAAAB+ ... by their index, so two sheets
    with different subsets use the same name (and `--combine` puts both in one file). While
    this font writes its subsets, the index is mapped to a tag derived from the subset."""
    write = font.addObjects

    def add_objects(doc: Any) -> None:
        state = font.state.get(doc)
        tags = [subset_tag(font.face.name.decode(), s) for s in (state.subsets if state else ())]
        index_name = ttfonts.SUBSETN
        ttfonts.SUBSETN = lambda n, table=None: tags[n].encode()
        try:
            write(doc)
        finally:
            ttfonts.SUBSETN = index_name

    font.addObjects = add_objects


def _reuse_subsets(face: object) -> None:
    """Remember the subset font files this font made: sheets mostly use the same characters
    (98 sheets need 9 distinct subsets of 3 fonts), and subsetting costs a millisecond."""
    subset_file = face.makeSubset  # type: ignore[attr-defined]

    @lru_cache(maxsize=64)
    def made(key: tuple[int, ...]) -> bytes:
        out: bytes = subset_file(list(key))
        return out

    def make(subset: list[int]) -> bytes:
        return made(tuple(subset))

    face.makeSubset = make  # type: ignore[attr-defined]


def _patch_tounicode(ttfonts: object) -> None:
    """ReportLab maps unused codes of a subset (0 and the 0x01-0x1F padding) to U+0000 in the
    ToUnicode CMap, which PDF/A-2a and PDF/UA forbid. Drop those entries; such codes are never
    drawn (every text is glyph-checked first). See notes/pdf-with-reportlab.md section 5."""
    original = ttfonts.makeToUnicodeCMap  # type: ignore[attr-defined]
    if getattr(original, "_faktaark", False):
        return

    @lru_cache(maxsize=256)  # the same few subsets on every sheet
    def cmap(fontname: str, subset: tuple[int, ...]) -> str:
        # entries look like "<41> <0041>"; drop those mapping to U+0000 and recount
        lines = original(fontname, list(subset)).split("\n")
        keep = [ln for ln in lines if not (len(ln) == 11 and ln.endswith("> <0000>"))]
        n = sum(1 for ln in keep if len(ln) >= 11 and ln[0] == "<" and ln[3:6] == "> <")
        return "\n".join(f"{n} beginbfchar" if ln.endswith("beginbfchar") else ln for ln in keep)

    def make(fontname: str, subset: list[int]) -> str:
        return cmap(fontname, tuple(subset))

    make._faktaark = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make  # type: ignore[attr-defined]


class Metrics:
    """Text widths in points and glyph coverage for the registered fonts."""

    def __init__(self) -> None:
        from reportlab.pdfbase import pdfmetrics

        register_all()
        self._string_width = pdfmetrics.stringWidth
        self._cmaps = {
            name: frozenset(pdfmetrics.getFont(name).face.charToGlyph) for name in FONT_FILES
        }
        self._cache: dict[tuple[str, str], float] = {}
        faces = {name: pdfmetrics.getFont(name).face for name in FONT_FILES}
        self.ascent = {n: f.ascent / 1000 for n, f in faces.items()}
        self.descent = {n: f.descent / 1000 for n, f in faces.items()}

    def width(self, text: str, font: str, size: float) -> float:
        key = (text, font)
        w = self._cache.get(key)
        if w is None:
            w = self._string_width(text, font, 1.0)
            if len(self._cache) < 200_000:
                self._cache[key] = w
        return w * size

    def missing(self, text: str, font: str) -> set[str]:
        cmap = self._cmaps[font]
        return {c for c in text if ord(c) not in cmap and c not in _ZERO_WIDTH_OK}


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

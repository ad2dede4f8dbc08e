"""The bundled fonts in the PDF: registration with ReportLab, subset names and ToUnicode maps.

The planner measures with `faktaark.text.fonts` (the same metrics, read without ReportLab);
here the same files are registered with ReportLab for drawing and embedding. Fonts are parsed
once per process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from faktaark.core.resources import fonts_dir
from faktaark.text.fonts import FONT_FILES

__all__ = ["register_all", "subset_tag"]


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

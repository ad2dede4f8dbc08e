"""Comparing two batches: sheets matched by file name, their pages compared as images, a
difference image (old | new | changes boxed in red) per changed page, and the printed values
that changed (from the provenance sidecars).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.builder.provenance import changed_values
from faktaark.core.atomic import write_atomic
from faktaark.core.paths import read_bytes
from faktaark.errors import UsageError
from faktaark.review.pages import (
    MAX_RENDER_BYTES,
    check_dpi,
    encode,
    iter_pages,
    pdfs_in,
    sheet_label,
)

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["CompareReport", "PageChange", "SheetChange", "compare"]

BOLD = "FaktaSans-Bold"
DIFF_LEVEL = 24  # a pixel differs when a channel differs by more than this (0-255)
MAX_DPI = 300  # a difference image is three pages wide: A4 at 300 dpi makes 78 MB
RED = (220, 0, 40)


@dataclass(frozen=True)
class PageChange:
    page: int
    pixels: int  # pixels that differ (at the comparison's dpi)
    share: float  # of the page, 0-1
    boxes: tuple[tuple[int, int, int, int], ...]  # left, top, right, bottom (pixels) of each
    image: str | None  # the difference image
    note: str = ""


@dataclass(frozen=True)
class SheetChange:
    file: str
    label: str
    status: str  # "changed" | "added" | "removed"
    pages: tuple[PageChange, ...] = ()
    figures: tuple[str, ...] = ()  # printed values that changed (from the sidecars)


@dataclass(frozen=True)
class CompareReport:
    old: Path
    new: Path
    compared: int  # sheets present in both folders
    changes: tuple[SheetChange, ...]

    @property
    def unchanged(self) -> bool:
        return not self.changes

    def as_dict(self) -> dict[str, Any]:
        return {"old": str(self.old), "new": str(self.new), "compared": self.compared,
                "changes": [asdict(c) for c in self.changes]}  # fmt: skip


def compare(
    old: str | Path, new: str | Path, out: str | Path = "sammenligning", *, dpi: float = 72
) -> CompareReport:
    """Compare two batches page by page: the sheets in `old` and `new` (matched by file name)
    at `dpi` (10-300), a difference image per changed page in `out/`, the values changed."""
    old, new, out = Path(old), Path(new), Path(out)
    if check_dpi(dpi) > MAX_DPI:
        raise UsageError(f"dpi must be from 10 to {MAX_DPI} in a comparison, got {dpi!r}.")
    before = {p.name: p for p in pdfs_in(old)}
    after = {p.name: p for p in pdfs_in(new)}
    changes: list[SheetChange] = []
    names = before.keys() | after.keys()
    for name in sorted(names, key=lambda n: sheet_label(after.get(n) or before[n])):
        a, b = before.get(name), after.get(name)
        label = sheet_label(after.get(name) or before[name])[1]
        if a is None or b is None:
            changes.append(SheetChange(name, label, "added" if a is None else "removed"))
            continue
        if _same(a, b):
            continue
        pages = _page_changes(a, b, out, dpi)
        if pages:
            changes.append(SheetChange(name, label, "changed", tuple(pages), changed_values(a, b)))
    return CompareReport(old, new, len(before.keys() & after.keys()), tuple(changes))


def _same(a: Path, b: Path) -> bool:
    """Byte for byte the same file (one read at a time, within the size the renderer reads)."""
    digest = hashlib.sha256(read_bytes(a, limit=MAX_RENDER_BYTES)).digest()
    return digest == hashlib.sha256(read_bytes(b, limit=MAX_RENDER_BYTES)).digest()


def _page_changes(a: Path, b: Path, out: Path, dpi: float) -> list[PageChange]:
    """The pages that differ, rendered a pair at a time (a PDF is read within the bounds)."""
    found = []
    pairs = zip_longest(iter_pages(a, dpi), iter_pages(b, dpi))
    for n, (old_page, new_page) in enumerate(pairs, 1):
        if old_page is None or new_page is None:
            note = "new page" if old_page is None else "page removed"
            found.append(PageChange(n, 0, 1.0, (), None, note))
            continue
        path = out / f"{b.stem}-side{n}-forskel.png"
        captions = (f"før: {a} · side {n}", f"efter: {b} · side {n}")
        change = _diff(old_page, new_page, path, captions)
        if change is not None:
            found.append(PageChange(n, *change))
    return found


def _regions(mask: Image, cell: int = 12) -> tuple[tuple[int, int, int, int], ...]:
    """Boxes around groups of changed pixels (changed `cell` x `cell` squares that touch)."""
    from PIL import Image as Img

    w, h = mask.size
    cw, ch = -(-w // cell), -(-h // cell)
    padded = Img.new("L", (cw * cell, ch * cell), 0)
    padded.paste(mask)
    small = padded.reduce(cell)  # the mean of each cell: > 0 where anything changed
    todo = {(x, y) for y in range(ch) for x in range(cw) if small.getpixel((x, y))}
    boxes: list[tuple[int, int, int, int]] = []
    while todo:
        group, stack = [], [todo.pop()]
        while stack:
            x, y = stack.pop()
            group.append((x, y))
            near = {(x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)} & todo
            todo -= near
            stack.extend(near)
        xs, ys = [g[0] for g in group], [g[1] for g in group]
        box = (min(xs) * cell, min(ys) * cell, (max(xs) + 1) * cell, (max(ys) + 1) * cell)
        for other in [o for o in boxes if _touch(o, box, cell)]:  # one box per area
            boxes.remove(other)
            box = (min(box[0], other[0]), min(box[1], other[1]),
                   max(box[2], other[2]), max(box[3], other[3]))  # fmt: skip
        boxes.append(box)
    return tuple(sorted(((x0, y0, min(x1, w), min(y1, h)) for x0, y0, x1, y1 in boxes),
                        key=lambda b: (b[1], b[0])))  # fmt: skip


def _touch(a: tuple[int, int, int, int], b: tuple[int, int, int, int], gap: int) -> bool:
    return a[0] <= b[2] + gap and b[0] <= a[2] + gap and a[1] <= b[3] + gap and b[1] <= a[3] + gap


def _diff(
    a: Image, b: Image, path: Path, captions: tuple[str, str]
) -> tuple[int, float, tuple[tuple[int, int, int, int], ...], str, str] | None:
    """Pixels that differ, their share, boxes around them; writes old | new | changes."""
    from PIL import Image as Img
    from PIL import ImageChops, ImageDraw, ImageFont

    from faktaark.core.resources import fonts_dir

    note = ""
    if a.size != b.size:
        note = f"page size {a.size} -> {b.size}"
        a = a.resize(b.size)
    bands = ImageChops.difference(a, b).split()
    most = ImageChops.lighter(ImageChops.lighter(bands[0], bands[1]), bands[2])
    mask = most.point(lambda v: 255 if v > DIFF_LEVEL else 0)
    pixels = mask.histogram()[255]
    if not pixels and not note:
        return None
    boxes = _regions(mask)
    faded = Img.blend(b, Img.new("RGB", b.size, "white"), 0.75)
    faded.paste(Img.new("RGB", b.size, RED), mask=mask)
    w, h = b.size
    sheet = Img.new("RGB", (3 * w + 40, h + 40), (70, 70, 70))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(fonts_dir() / f"{BOLD}.ttf"), 13)
    third = f"forskel: {pixels} pixels i {len(boxes)} område(r)"
    for i, (img, text) in enumerate(zip((a, b, faded), (*captions, third), strict=True)):
        sheet.paste(img, (10 + i * (w + 10), 30))
        draw.text((10 + i * (w + 10), 8), _clip(text, 90), fill="white", font=font)
    x0 = 30 + 2 * w
    for left, top, right, bottom in boxes:
        draw.rectangle((x0 + left - 3, 27 + top, x0 + right + 3, 33 + bottom), outline=RED, width=2)
    write_atomic(path, encode(sheet))
    return pixels, pixels / (w * h), boxes, str(path), note


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else "…" + text[-(n - 1) :]

"""Looking at sheets: PNG previews, a contact sheet of a batch, and comparing two batches.

PDF pages become images here and nowhere else (pypdfium2, i.e. PDFium); Pillow writes PNGs
and JPEGs and draws the difference images. The contact sheet is planned like a fact sheet
(thumbnails as `ImageOp`s, labels as `TextOp`s in a `SheetPlan`) and painted by `render.py`,
so ReportLab stays there and the labels are real text: search the PDF for "Glostrup".
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.builder.provenance import changed_values
from faktaark.core.atomic import write_atomic
from faktaark.core.kommuner import register
from faktaark.core.units import Color
from faktaark.errors import InputError, UsageError
from faktaark.plan.model import ImageOp, Node, Op, PagePlan, RectOp, SheetPlan, TextOp, TextPiece
from faktaark.text.fonts import metrics

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "CompareReport",
    "ContactSheet",
    "PageChange",
    "SheetChange",
    "compare",
    "contact_sheet",
    "render_pages",
    "sheets_in",
    "write_pngs",
]

A3_LANDSCAPE = (1190.55, 841.89)
REGULAR, BOLD = "FaktaSans-Regular", "FaktaSans-Bold"
INK = Color("ink", (0, 0, 0, 0.9))
MUTED = Color("muted", (0, 0, 0, 0.55))
PAPER = Color("paper", (0, 0, 0, 0.07))
EDGE = Color("edge", (0, 0, 0, 0.3))
DIFF_LEVEL = 24  # a pixel differs when a channel differs by more than this (0-255)
RED = (220, 0, 40)


def render_pages(pdf: Path | bytes, dpi: float) -> list[Image]:
    """Every page of a PDF (file or bytes) as an RGB image at `dpi`."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    except pdfium.PdfiumError as exc:
        where = pdf if isinstance(pdf, Path) else "PDF"
        raise InputError(f"{where}: cannot render: {exc}") from None
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def _encode(img: Image, fmt: str = "PNG", **opts: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **opts)
    return buf.getvalue()


def write_pngs(pdf: Path | bytes, out: Path, stem: str, dpi: float) -> list[Path]:
    """`out/<stem>-side1.png`, `-side2.png` ...: one PNG per page (written atomically)."""
    paths = []
    for n, img in enumerate(render_pages(pdf, dpi), 1):
        path = out / f"{stem}-side{n}.png"
        write_atomic(path, _encode(img))
        paths.append(path)
    return paths


def _pdfs(folder: Path) -> list[Path]:
    """The screen sheets of a folder: `161-glostrup.pdf` ..., not print variants (`-tryk`),
    nor other PDFs there (a combined PDF, an overview), unless it holds no sheets at all."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder.")
    pdfs = sorted(p for p in folder.glob("*.pdf") if not p.stem.endswith("-tryk"))
    sheets = [p for p in pdfs if re.match(r"\d{3}-", p.name)]
    return sheets or pdfs


def _label(pdf: Path) -> tuple[int, str]:
    """(code, name) of a sheet: from its provenance sidecar, else its file name."""
    side = pdf.with_suffix(".json")
    try:
        info = json.loads(side.read_text(encoding="utf-8"))
        return int(info["kommunekode"]), str(info["kommune"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    m = re.match(r"(\d{3})-", pdf.name)
    k = register().find(int(m[1])) if m else None
    return (k.kode, k.navn) if k else (9999, pdf.stem)


def sheets_in(folder: Path) -> list[tuple[int, str, Path]]:
    """The screen PDFs of a batch folder as (code, name, path), by code."""
    return sorted((*_label(p), p) for p in _pdfs(folder))


@dataclass(frozen=True)
class ContactSheet:
    pdf: Path
    pngs: tuple[Path, ...]
    labels: tuple[str, ...]  # one per sheet, in order ("161 Glostrup")
    pages: int
    thumbnails: int  # images placed (every page of every sheet)


def _fit(text: str, font: str, size: float, width: float) -> str:
    m = metrics()
    text = "".join("?" if c in m.missing(text, font) else c for c in text)
    while text and m.width(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def contact_sheet(
    folder: str | Path,
    out: str | Path = "oversigt.pdf",
    *,
    png: bool = False,
    columns: int = 5,
    rows: int = 4,
    thumb_dpi: float = 40,
    png_dpi: float = 100,
) -> ContactSheet:
    """One overview of every sheet in `folder`: all pages of each side by side, labelled with
    code and name, `columns` x `rows` sheets per A3 landscape page. `png`: also a PNG per page
    (`oversigt.png`, or `oversigt-1.png` ... when several)."""
    from faktaark._version import __version__
    from faktaark.pdf import render

    folder, out = Path(folder), Path(out)
    if columns < 1 or rows < 1:
        raise UsageError("columns and rows must be at least 1.")
    sheets = sheets_in(folder)
    if not sheets:
        raise UsageError(f"No PDF sheets in {folder} (build some with `faktaark build`).")
    with tempfile.TemporaryDirectory(prefix="faktaark-oversigt-") as tmp:
        thumbs: list[list[tuple[str, float]]] = []  # per sheet: (jpeg path, height / width)
        for i, (_, _, pdf) in enumerate(sheets):
            pages = []
            for n, img in enumerate(render_pages(pdf, thumb_dpi), 1):
                path = Path(tmp) / f"{i:03d}-{n}.jpg"
                path.write_bytes(_encode(img, "JPEG", quality=75))
                pages.append((str(path), img.height / img.width))
            thumbs.append(pages)
        plan = _contact_plan(folder, sheets, thumbs, columns, rows)
        data = render.render_pdf(plan, creator=f"faktaark {__version__}")
    write_atomic(out, data)
    pngs: list[Path] = []
    if png:
        images = render_pages(data, png_dpi)
        for n, img in enumerate(images, 1):
            path = (
                out.with_suffix(".png")
                if len(images) == 1
                else out.with_name(f"{out.stem}-{n}.png")
            )
            write_atomic(path, _encode(img))
            pngs.append(path)
    labels = tuple(f"{code} {name}" if code != 9999 else name for code, name, _ in sheets)
    n_thumbs = sum(len(t) for t in thumbs)
    return ContactSheet(out, tuple(pngs), labels, len(plan.pages), n_thumbs)


def _line(x: float, y: float, *parts: tuple[str, str, float, Color]) -> TextOp:
    """One line of text from (text, font, size, colour) parts, placed one after the other."""
    pieces, dx = [], 0.0
    for text, font, size, color in parts:
        pieces.append(TextPiece(text, font, size, color, dx))
        dx += metrics().width(text, font, size)
    return TextOp(x, y, tuple(pieces), dx)


def _contact_plan(
    folder: Path,
    sheets: Sequence[tuple[int, str, Path]],
    thumbs: Sequence[Sequence[tuple[str, float]]],
    columns: int,
    rows: int,
) -> SheetPlan:
    width, height = A3_LANDSCAPE
    margin, gap, head, label_h, size = 24.0, 12.0, 26.0, 15.0, 9.5
    per_page = columns * rows
    n_pages = -(-len(sheets) // per_page)
    most = max(len(t) for t in thumbs) or 1
    aspect = max((a for t in thumbs for _, a in t), default=1.414)
    cell_w = (width - 2 * margin - (columns - 1) * gap) / columns
    cell_h = (height - 2 * margin - head - (rows - 1) * gap) / rows
    tw = min((cell_w - 3 * (most - 1)) / most, (cell_h - label_h) / aspect)
    th = tw * aspect
    title = _fit(f"faktaark · oversigt · {len(sheets)} ark i {folder}", BOLD, 13, 700)
    pages = []
    for p in range(n_pages):
        art: list[Op] = [RectOp(0, 0, width, height, fill=PAPER)]
        y = height - margin - 12
        content = [
            Node("H1", (_line(margin, y, (title, BOLD, 13, INK)),)),
            Node(
                "P",
                (
                    _line(
                        width - margin - 70, y, (f"side {p + 1} af {n_pages}", REGULAR, 10, MUTED)
                    ),
                ),
            ),
        ]
        for slot, i in enumerate(range(p * per_page, min(len(sheets), (p + 1) * per_page))):
            code, name, _ = sheets[i]
            cx = margin + (slot % columns) * (cell_w + gap)
            top = height - margin - head - (slot // columns) * (cell_h + gap)
            imgs: list[Op] = []
            for n, (path, _) in enumerate(thumbs[i]):
                x = cx + n * (tw + 3)
                art.append(RectOp(x - 0.5, top - th - 0.5, tw + 1, th + 1, fill=EDGE))
                imgs.append(ImageOp(path, x, top - th, tw, th))
            code_txt = f"{code}  " if code != 9999 else ""
            label = _line(cx, top - th - 11, (code_txt, REGULAR, size, MUTED),
                          (_fit(name, BOLD, size, cell_w - 30), BOLD, size, INK))  # fmt: skip
            content.append(Node("Figure", tuple(imgs), alt=f"{code_txt}{name}", box=str(code)))
            content.append(Node("P", (label,), box=str(code)))
        pages.append(PagePlan(p + 1, tuple(art), tuple(content)))
    return SheetPlan(
        layout="oversigt", kommunekode=0, kommune="", width=width, height=height,
        pages=tuple(pages), title=f"Oversigt: {folder.resolve().name}",
        subject="faktaark: oversigt over en kørsel", author="faktaark",
    )  # fmt: skip


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
    """Compare two batches page by page: render the sheets in `old` and `new` (matched by file
    name) at `dpi` and report those whose pages differ, with a difference image per changed
    page in `out/` and the printed values that changed (from the provenance sidecars)."""
    old, new, out = Path(old), Path(new), Path(out)
    before = {p.name: p for p in _pdfs(old)}
    after = {p.name: p for p in _pdfs(new)}
    changes: list[SheetChange] = []
    names = before.keys() | after.keys()
    for name in sorted(names, key=lambda n: _label(after.get(n) or before[n])):
        a, b = before.get(name), after.get(name)
        label = _label(after.get(name) or before[name])[1]
        if a is None or b is None:
            changes.append(SheetChange(name, label, "added" if a is None else "removed"))
            continue
        if a.read_bytes() == b.read_bytes():
            continue
        pages = _page_changes(a, b, out, dpi)
        if pages:
            changes.append(SheetChange(name, label, "changed", tuple(pages), changed_values(a, b)))
    return CompareReport(old, new, len(before.keys() & after.keys()), tuple(changes))


def _page_changes(a: Path, b: Path, out: Path, dpi: float) -> list[PageChange]:
    old_pages, new_pages = render_pages(a, dpi), render_pages(b, dpi)
    found = []
    for n in range(1, max(len(old_pages), len(new_pages)) + 1):
        if n > len(old_pages) or n > len(new_pages):
            note = "new page" if n > len(old_pages) else "page removed"
            found.append(PageChange(n, 0, 1.0, (), None, note))
            continue
        path = out / f"{b.stem}-side{n}-forskel.png"
        captions = (f"før: {a} · side {n}", f"efter: {b} · side {n}")
        change = _diff(old_pages[n - 1], new_pages[n - 1], path, captions)
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
    write_atomic(path, _encode(sheet))
    return pixels, pixels / (w * h), boxes, str(path), note


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else "…" + text[-(n - 1) :]

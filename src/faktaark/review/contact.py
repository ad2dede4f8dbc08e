"""The contact sheet of a batch: every sheet's pages side by side, labelled with code and name.

It is planned like a fact sheet (thumbnails as `ImageOp`s, labels as `TextOp`s in a
`SheetPlan`) and painted by `faktaark.pdf.render`, so ReportLab stays there and the labels are
real text: search the PDF for "Glostrup".
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from faktaark.core.atomic import write_atomic
from faktaark.core.units import Color
from faktaark.errors import UsageError
from faktaark.plan.model import ImageOp, Node, Op, PagePlan, RectOp, SheetPlan, TextOp, TextPiece
from faktaark.review.pages import check_dpi, encode, iter_pages, render_pages, sheets_in
from faktaark.text.fonts import metrics

__all__ = ["ContactSheet", "contact_sheet"]

A3_LANDSCAPE = (1190.55, 841.89)
MAX_GRID = 20  # columns, rows of sheets per page (the CLI's --columns and --rows too)
MAX_SHEETS = 2000  # PDFs in one contact sheet
MAX_SHEET_PAGES = 20  # pages of one PDF shown: a fact sheet has two
REGULAR, BOLD = "FaktaSans-Regular", "FaktaSans-Bold"
INK = Color("ink", (0, 0, 0, 0.9))
MUTED = Color("muted", (0, 0, 0, 0.55))
PAPER = Color("paper", (0, 0, 0, 0.07))
EDGE = Color("edge", (0, 0, 0, 0.3))


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
    """One overview of every sheet in `folder`, labelled with code and name, `columns` x `rows`
    (1-20) sheets per A3 page; `png`: a PNG of each page too. PDFs are read within bounds."""
    from faktaark._version import __version__
    from faktaark.pdf import render

    folder, out = Path(folder), Path(out)
    for name, value in (("columns", columns), ("rows", rows)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_GRID:
            raise UsageError(f"{name} must be a whole number from 1 to {MAX_GRID}, got {value!r}.")
    for what, dpi, top in (("thumb_dpi", thumb_dpi, 150), ("png_dpi", png_dpi, 300)):
        if check_dpi(dpi) > top:
            raise UsageError(f"{what} must be at most {top} in a contact sheet, got {dpi!r}.")
    sheets = sheets_in(folder)
    if not sheets:
        raise UsageError(f"No PDF sheets in {folder} (build some with `faktaark build`).")
    if len(sheets) > MAX_SHEETS:
        raise UsageError(f"{folder}: {len(sheets)} PDFs, more than the {MAX_SHEETS} a contact "
                         "sheet shows.")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="faktaark-oversigt-") as tmp:
        thumbs: list[list[tuple[str, float]]] = []  # per sheet: (jpeg path, height / width)
        for i, (_, _, pdf) in enumerate(sheets):
            pages = []
            for n, img in enumerate(iter_pages(pdf, thumb_dpi, max_pages=MAX_SHEET_PAGES), 1):
                path = Path(tmp) / f"{i:03d}-{n}.jpg"
                path.write_bytes(encode(img, "JPEG", quality=75))
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
            write_atomic(path, encode(img))
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

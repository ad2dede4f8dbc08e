"""PDF pages as images: rendered with pypdfium2 (PDFium) and written as PNG or JPEG with Pillow.
PDF pages become images here and nowhere else. Also: the sheets of a batch folder, by code.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.core.atomic import write_atomic
from faktaark.core.kommuner import register
from faktaark.core.limits import MAX_MANIFEST_BYTES
from faktaark.core.paths import read_bytes
from faktaark.errors import FaktaarkError, InputError, UsageError
from faktaark.pdf.bounds import MAX_PDF_PAGES

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "check_dpi",
    "encode",
    "iter_pages",
    "page_texts",
    "pdfs_in",
    "render_pages",
    "sheet_label",
    "sheets_in",
    "write_pngs",
]


MIN_DPI, MAX_DPI = 10, 1200  # an A4 page at 1200 dpi is 140 Mpixel: as far as a preview goes
MAX_RENDER_PIXELS = 25_000_000  # a page of a file rendered: A3 at 300 dpi is 17 Mpixel
MAX_RENDER_BYTES = 64 * 1024 * 1024  # a file rendered (two at a time in `compare`)


def check_dpi(dpi: object) -> float:
    """`dpi` as a float between MIN_DPI and MAX_DPI, or a `UsageError`."""
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not MIN_DPI <= dpi <= MAX_DPI:
        raise UsageError(f"dpi must be a number from {MIN_DPI} to {MAX_DPI}, got {dpi!r}.")
    return float(dpi)


def render_pages(pdf: Path | bytes, dpi: float) -> list[Image]:
    """Every page of a PDF (file or bytes) as an RGB image at `dpi`."""
    return list(iter_pages(pdf, dpi))


def iter_pages(pdf: Path | bytes, dpi: float, max_pages: int = MAX_PDF_PAGES) -> Iterator[Image]:
    """The pages of a PDF as RGB images at `dpi`, one at a time. A file is read within the PDF
    bounds (`pdf.bounds`: a decompression bomb, too many pages or objects are refused before
    PDFium sees it); a PDF of more than `max_pages` pages, or (a file) a page that would be
    more than `MAX_RENDER_PIXELS` pixels at `dpi`, is an `InputError` naming the file."""
    import pypdfium2 as pdfium

    from faktaark.pdf.bounds import read_pdf

    check_dpi(dpi)
    data = pdf if isinstance(pdf, bytes) else read_pdf(pdf, limit=MAX_RENDER_BYTES)
    where = pdf if isinstance(pdf, Path) else "PDF"
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(f"{where}: cannot render: {exc}") from None
    try:
        if len(doc) > max_pages:
            raise InputError(f"{where}: {len(doc)} pages, more than the {max_pages} read here.")
        for i in range(len(doc)):
            page = doc[i]
            w, h = page.get_size()
            pixels = (w * dpi / 72) * (h * dpi / 72)
            if isinstance(pdf, Path) and pixels > MAX_RENDER_PIXELS:
                raise InputError(
                    f"{where}: page {i + 1} is {w / 72 * 25.4:.0f} x {h / 72 * 25.4:.0f} mm: "
                    f"{pixels / 1e6:.0f} Mpixel at {dpi:g} dpi, more than the "
                    f"{MAX_RENDER_PIXELS // 10**6} rendered; refused."
                )
            yield page.render(scale=dpi / 72).to_pil().convert("RGB")
            page.close()
    finally:
        doc.close()


def encode(img: Image, fmt: str = "PNG", **opts: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **opts)
    return buf.getvalue()


def write_pngs(pdf: Path | bytes, out: Path, stem: str, dpi: float) -> list[Path]:
    """`out/<stem>-side1.png`, `-side2.png` ...: one PNG per page (written atomically)."""
    paths = []
    for n, img in enumerate(render_pages(pdf, dpi), 1):
        path = out / f"{stem}-side{n}.png"
        write_atomic(path, encode(img))
        paths.append(path)
    return paths


def pdfs_in(folder: Path) -> list[Path]:
    """The screen sheets of a folder: `161-glostrup.pdf` ..., not print variants (`-tryk`),
    nor other PDFs there (a combined PDF, an overview), unless it holds no sheets at all."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder.")
    pdfs = sorted(p for p in folder.glob("*.pdf") if not p.stem.endswith("-tryk"))
    sheets = [p for p in pdfs if re.match(r"\d{3}-", p.name)]
    return sheets or pdfs


def sheet_label(pdf: Path) -> tuple[int, str]:
    """(code, name) of a sheet: from its provenance sidecar, else its file name."""
    side = pdf.with_suffix(".json")
    try:
        info = json.loads(read_bytes(side, limit=MAX_MANIFEST_BYTES, what="sidecar"))
        return int(info["kommunekode"]), str(info["kommune"])
    except (FaktaarkError, ValueError, KeyError, TypeError, RecursionError):
        pass
    m = re.match(r"(\d{3})-", pdf.name)
    k = register().find(int(m[1])) if m else None
    return (k.kode, k.navn) if k else (9999, pdf.stem)


def sheets_in(folder: Path) -> list[tuple[int, str, Path]]:
    """The screen PDFs of a batch folder as (code, name, path), by code."""
    return sorted((*sheet_label(p), p) for p in pdfs_in(folder))


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page of a PDF, as a reader extracts it (whitespace folded)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for i in range(len(doc)):
            tp = doc[i].get_textpage()
            text = tp.get_text_range()
            for hyphen in ("\ufffe", "\u00ad", "\x02"):  # PDFium's marks of a soft hyphen
                text = text.replace(hyphen, "")
            out.append(" ".join(text.split()))
            tp.close()
        return out
    finally:
        doc.close()

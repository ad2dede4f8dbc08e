"""Preflight of print PDFs, as a print shop runs it: `preflight(path) -> Preflight`.

For each file: the page boxes; the total ink coverage per page and its maximum, computed from
the content (`preflight_ink` says how); text under 12 pt by the number of inks it is printed
in; white (knocked-out) small text and the inks of its background; overprint settings; strokes
under 0.25 pt; the registration colour of the crop marks; the PDF/X and PDF/A identification;
links and annotations inside the trim. Each finding names its rule (`preflight_report.RULES`:
a standard's requirement or a named convention); a breach fails the file.

Nothing raises: an unreadable, encrypted, truncated or non-PDF file becomes `Preflight.error`,
one line naming the file; a malformed resource (a null /XObject entry, no /Metadata) becomes a
finding. pikepdf reads the file; Pillow holds the separations.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

from faktaark.layout.print_colours import (
    RICH_BLACK_MIN_PT,
    SMALL_TEXT_PT,
    WHITE_TEXT_MAX_INKS,
    WHITE_TEXT_MIN_PT,
)
from faktaark.pdf.bounds import BoundsError
from faktaark.pdf.preflight_colour import colour_findings
from faktaark.pdf.preflight_content import GState, Interp
from faktaark.pdf.preflight_ident import identify
from faktaark.pdf.preflight_ink import (
    INK_EPS,
    PageText,
    Raster,
    box_of,
    contains,
    font_of,
    overlaps,
)
from faktaark.pdf.preflight_report import TAC_LIMIT, Finding, PagePreflight, Preflight, fmt_box

__all__ = ["preflight", "preflight_files"]


def preflight_files(paths: object) -> list[Preflight]:
    """The preflight of one path or a sequence of them (`pdf.bounds.pdf_paths`)."""
    from faktaark.pdf.bounds import pdf_paths

    return [preflight(p) for p in pdf_paths(paths)]


def preflight(path: str | Path, expect: str | None = None, data: bytes | None = None) -> Preflight:
    """Preflight one file; never raises (a file that cannot be checked gets `error`).
    `expect`: the PDF/X version the file must identify itself as ("PDF/X-4", "PDF/X-1a:2003");
    by default either. `data`: the file's bytes when the caller has read them within the
    bounds already (`pdf.bounds.read_pdf`), so they are not read and scanned again."""
    p = Path(path)
    res = Preflight(str(p), expect=expect)
    try:
        _preflight(p, res, data)
    except BoundsError as exc:  # past the bounds of what faktaark reads
        res.error = _one_line(str(exc).removeprefix(f"{p}: "))
        res.pages, res.findings = [], []
    except Exception as exc:  # the promise: one line per broken input, never a traceback
        res.error = f"cannot check: {type(exc).__name__}: {_one_line(str(exc))}"
        res.pages, res.findings = [], []
    return res


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


def _preflight(p: Path, res: Preflight, data: bytes | None) -> None:
    import pikepdf

    from faktaark.errors import FaktaarkError
    from faktaark.pdf.bounds import MAX_PDF_PAGES, read_pdf

    logging.getLogger("pikepdf").setLevel(logging.ERROR)
    if data is None:
        try:  # the path guard (a FIFO, a device, a folder or a huge file is never opened) and
            data = read_pdf(p)  # the PDF bounds (a decompression bomb, 10.000 pages: refused)
        except FaktaarkError as exc:
            res.error = _one_line(str(exc).removeprefix(f"{p}: ").removeprefix(f"{p}:"))
            return
    head = data[:1024]
    at = head.find(b"%PDF-")
    if at < 0:
        res.error = "not a PDF (no %PDF- header)" if data else "not a PDF (empty file)"
        return
    m = re.match(rb"%PDF-(\d\.\d)", data[at : at + 8])
    res.header = m[1].decode() if m else "?"
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        res.error = "encrypted with a password: PDF/X and PDF/A forbid encryption"
        return
    except pikepdf.PdfError as exc:
        res.error = f"not a readable PDF: {_one_line(re.sub(r'^stream <[^>]*>: ', '', str(exc)))}"
        return
    with pdf:
        if pdf.is_encrypted:
            res.error = "encrypted: PDF/X and PDF/A forbid encryption"
            return
        if len(pdf.pages) > MAX_PDF_PAGES:  # page objects without /Type pass the byte scan
            res.error = (
                f"{len(pdf.pages)} pages, more than the {MAX_PDF_PAGES} pages a preflight "
                "checks; refused"
            )
            return
        identify(pdf, res, data)
        texts: list[PageText] = []
        operators = 0
        for number, page in enumerate(pdf.pages, 1):
            operators = _page(page, number, res, texts, operators)
        _text_rules(texts, res)


def _page(page: Any, number: int, res: Preflight, texts: list[PageText], operators: int) -> int:
    """Check one page; the operators interpreted so far in the file, with this page's."""
    import pikepdf

    f = res.findings
    rep = PagePreflight(number)
    res.pages.append(rep)
    obj = page.obj
    media = box_of(page.mediabox)
    for key in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        b = box_of(obj.get(key)) if key in obj else None
        if b is not None:
            rep.boxes[key[1:]] = b
    if media is None:
        f.append(Finding("x-boxes", "no usable MediaBox; page not checked", number))
        return operators
    rep.boxes.setdefault("MediaBox", media)
    trim = rep.boxes.get("TrimBox") or rep.boxes.get("ArtBox")
    if "TrimBox" not in rep.boxes and "ArtBox" not in rep.boxes:
        f.append(Finding("x-boxes", "no TrimBox (or ArtBox)", number))
    if "TrimBox" in rep.boxes and "ArtBox" in rep.boxes:
        f.append(Finding("x-boxes", "both TrimBox and ArtBox", number))
    bleed = rep.boxes.get("BleedBox") or trim or media
    trim = trim or media
    for inner, outer in (
        ("TrimBox", "BleedBox"),
        ("BleedBox", "CropBox"),
        ("TrimBox", "MediaBox"),
        ("BleedBox", "MediaBox"),
    ):
        if (
            inner in rep.boxes
            and outer in rep.boxes
            and not contains(rep.boxes[outer], rep.boxes[inner])
        ):
            f.append(Finding("x-boxes", f"{inner} is not inside {outer}", number))
    for annot in obj.get("/Annots") or []:
        if not isinstance(annot, pikepdf.Dictionary):
            continue
        sub = str(annot.get("/Subtype", "?"))
        rect = box_of(annot.get("/Rect"))
        action = annot.get("/A")
        uri = isinstance(action, pikepdf.Dictionary) and str(action.get("/S")) == "/URI"
        if sub in ("/PrinterMark", "/TrapNet"):
            continue
        if rect is not None and (overlaps(rect, trim) or overlaps(rect, bleed)):
            what = f"{sub[1:]} annotation" + (" with a URI action" if uri else "")
            f.append(Finding("x-annot", f"{what} inside the trim/bleed at {fmt_box(rect)}", number))
    raster = Raster(media)
    interp = Interp(number, raster, (trim, bleed), rep, texts, f, operators)
    resources = obj.get("/Resources")
    if not isinstance(resources, pikepdf.Dictionary):
        resources = pikepdf.Dictionary()
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for name, fo in fonts.items():
            if isinstance(fo, pikepdf.Dictionary) and not font_of(fo).embedded:
                f.append(
                    Finding("x-fonts", f"font {fo.get('/BaseFont', name)} is not embedded", number)
                )
    interp.run(page, resources, GState())
    interp.group(obj, resources, "the page")
    for annot in obj.get("/Annots") or []:
        if isinstance(annot, pikepdf.Dictionary):
            interp.annotation(annot, resources)
    rep.ink_max = raster.tac(bleed)
    if rep.ink_max > TAC_LIMIT + 0.5:
        f.append(
            Finding(
                "tac", f"total ink coverage {rep.ink_max:.0f} % (over {TAC_LIMIT:.0f} %)", number
            )
        )
    for name, ink in interp.shading_ink:
        if ink > TAC_LIMIT + 0.5:
            f.append(Finding("tac", f"shading {name} reaches {ink:.0f} % at an end", number))
        rep.ink_max = max(rep.ink_max, ink)
    colour_findings(interp.uses, res, number)
    x1a = bool(res.pdfx and res.pdfx.startswith("PDF/X-1a"))
    if x1a and (interp.transparency or "/Group" in obj):
        f.append(
            Finding(
                "x-transparency",
                "transparency: " + ", ".join(sorted(set(interp.transparency)) or ["page group"]),
                number,
            )
        )
    if interp.white_overprint:
        f.append(
            Finding(
                "white-overprint",
                f"{interp.white_overprint} white object(s) set to overprint",
                number,
            )
        )
    for width, colour, on_tint in interp.thin[:5]:
        what = "white stroke on a tint" if on_tint else "stroke"
        f.append(Finding("thin-stroke", f"{what} {width:.2f} pt in {colour}", number))
    if len(interp.thin) > 5:
        f.append(
            Finding("thin-stroke", f"... and {len(interp.thin) - 5} more thin strokes", number)
        )
    for what, n in sorted(interp.multi_ink_hairlines.items()):
        f.append(Finding("hairline-inks", f"{n} hairline(s) {what}", number))
    for colour, n in sorted(interp.mark_colours.items()):
        if not colour.startswith("registration"):
            f.append(
                Finding(
                    "registration",
                    f"{n} mark stroke(s) outside the bleed in {colour}, not /Separation /All",
                    number,
                )
            )
    if not interp.mark_colours and "TrimBox" in rep.boxes and rep.boxes["TrimBox"] != media:
        f.append(Finding("registration", "no crop marks outside the bleed", number, breach=False))
    return interp.operators


def _text_rules(texts: list[PageText], res: Preflight) -> None:
    """The colour rules for text; at most three findings per rule and page, then a count."""
    found: dict[tuple[str, int], list[str]] = {}

    def add(rule: str, t: PageText, msg: str) -> None:
        found.setdefault((rule, t.page), []).append(f"{msg} at {t.at[0]:.0f},{t.at[1]:.0f} mm")

    for t in texts:
        p = t.paint
        if t.size < SMALL_TEXT_PT - 1e-6 and p.inks > 1:
            add("small-text-inks", t, f"{t.size:.1f} pt text in {p.inks} inks ({p.label()})")
        if p.rich_black and t.size < RICH_BLACK_MIN_PT - 1e-6:
            add("rich-black", t, f"{t.size:.1f} pt text in rich black ({p.label()})")
        if p.black_only and t.size < SMALL_TEXT_PT - 1e-6 and not t.overprint and t.bg_inks > 0:
            why = (
                "" if p.cmyk[3] >= 0.995 else ", and is not 100 % K (no automatic black overprint)"
            )
            add(
                "black-overprint",
                t,
                f"{t.size:.1f} pt {p.label()} text knocks out of {_bg(t)}{why}",
            )
        if p.white and t.size < WHITE_TEXT_MIN_PT - 1e-6 and t.bg_inks > WHITE_TEXT_MAX_INKS:
            add(
                "white-text",
                t,
                f"{t.size:.1f} pt white text knocked out of {t.bg_inks} inks ({_bg(t)})",
            )
    for (rule, page), msgs in sorted(found.items()):
        for msg in msgs[:3]:
            res.findings.append(Finding(rule, msg, page))
        if len(msgs) > 3:
            res.findings.append(Finding(rule, f"... and {len(msgs) - 3} more like these", page))


def _bg(t: PageText) -> str:
    return (
        " ".join(f"{n}{round(v * 100)}" for n, v in zip("CMYK", t.bg, strict=True) if v > INK_EPS)
        or "paper"
    )

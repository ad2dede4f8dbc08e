"""What a print shop (and an accessibility checker) looks at in a PDF: `faktaark check`.

`inspect_pdf(path)` reports pages, page size, page boxes, fonts (embedded?), the colour spaces
the page content uses, images below 300 dpi at their placed size, and the PDF/A and PDF/UA
verdicts of two independent validators (pikepdf's PDF/A allow-list checker and
page-validation, see `faktaark.pdf.validate`). Its structural rules are those of
`scan.scan_written` (the check every sheet
gets as it is written, on its bytes), here read through pikepdf so that any PDF can be checked,
whatever way it was written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.core.limits import MAX_PDF_BYTES
from faktaark.core.paths import read_bytes
from faktaark.pdf.validate import full_verdicts

if TYPE_CHECKING:
    import pikepdf

__all__ = ["PdfReport", "font_programs", "inspect_pdf"]

MIN_DPI = 300
_COLOR_OPS = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK",
              "g": "DeviceGray", "G": "DeviceGray"}  # fmt: skip


@dataclass
class PdfReport:
    path: str
    pages: int = 0
    page_size_mm: list[tuple[float, float]] = field(default_factory=list)
    boxes: dict[str, list[float]] = field(default_factory=dict)  # first page's boxes
    fonts: list[dict[str, Any]] = field(default_factory=list)
    color_spaces: list[str] = field(default_factory=list)
    low_dpi_images: list[str] = field(default_factory=list)
    verdicts: dict[str, str] = field(default_factory=dict)  # "PDF/A-2b (pikepdf)": "pass" ...
    tagged: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__) | {"ok": self.ok}


def _fonts(pdf: pikepdf.Pdf) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for page in pdf.pages:
        res: Any = page.obj.get("/Resources") or {}
        fonts = dict(res.get("/Font") or {})
        for xobj in (res.get("/XObject") or {}).values():
            fonts.update(dict((xobj.get("/Resources") or {}).get("/Font") or {}))
        for font in fonts.values():
            name = str(font.get("/BaseFont", "?"))
            desc = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                desc = font.DescendantFonts[0].get("/FontDescriptor")
            embedded = desc is not None and any(
                k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            seen[name] = {
                "name": name,
                "subtype": str(font.get("/Subtype")),
                "embedded": bool(embedded),
            }
    return sorted(seen.values(), key=lambda f: f["name"])


def _content_scan(pdf: pikepdf.Pdf, report: PdfReport) -> None:
    import pikepdf

    spaces: set[str] = set()
    for number, page in enumerate(pdf.pages, 1):
        resources: Any = page.obj.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        stack: list[list[float]] = []
        for instr in pikepdf.parse_content_stream(page):
            operands: list[Any] = list(getattr(instr, "operands", ()))
            name = str(instr.operator)
            if name in _COLOR_OPS:
                spaces.add(_COLOR_OPS[name])
            elif name in ("cs", "CS"):
                spaces.add(_space_name(operands[0], resources))
            elif name == "q":
                stack.append(ctm)
            elif name == "Q" and stack:
                ctm = stack.pop()
            elif name == "cm":
                a, b, c, d, e, f = (float(x) for x in operands)
                m = ctm
                ctm = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2],
                       c * m[1] + d * m[3], e * m[0] + f * m[2] + m[4],
                       e * m[1] + f * m[3] + m[5]]  # fmt: skip
            elif name == "Do":
                xobj = xobjects.get(str(operands[0]))
                if xobj is not None and xobj.get("/Subtype") == "/Image":
                    w_in = abs(ctm[0]) / 72 or 1e-9
                    h_in = abs(ctm[3]) / 72 or 1e-9
                    dpi = min(int(xobj.Width) / w_in, int(xobj.Height) / h_in)
                    if dpi < MIN_DPI:
                        report.low_dpi_images.append(
                            f"side {number}: {operands[0]} {dpi:.0f} dpi (under {MIN_DPI})"
                        )
    report.color_spaces = sorted(spaces)


def _space_name(operand: Any, resources: Any) -> str:
    """A colour space operand as its family: "DeviceCMYK", "Separation All", "ICCBased" ..."""
    import pikepdf

    space = (resources.get("/ColorSpace") or {}).get(str(operand))
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0]).lstrip("/")
        if family == "Separation" and len(space) > 1:
            return f"Separation {str(space[1]).lstrip('/')}"
        return family
    return str(operand).lstrip("/")


def _structure(pdf: pikepdf.Pdf, cmyk: bool) -> list[str]:
    """Fonts embedded, no Helvetica, XMP, the output intent, no /Trans, printable annotations
    (the rules of `scan.scan_written`, on parsed objects; the page content is not parsed)."""
    problems = []
    for f in _fonts(pdf):
        if not f["embedded"]:
            problems.append(f"font {f['name']} is not embedded")
        if "Helvetica" in f["name"]:
            problems.append(f"font {f['name']} must not appear")
    if "/Metadata" not in pdf.Root:
        problems.append("no XMP metadata")
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        problems.append("no output intent")
    else:
        n = int(intents[0].DestOutputProfile.get("/N", 0))
        if n != (4 if cmyk else 3):
            problems.append(f"output intent has {n} components, expected {4 if cmyk else 3}")
    for number, page in enumerate(pdf.pages, 1):
        if "/Trans" in page.obj:
            problems.append(f"side {number}: /Trans")
        for annot in page.obj.get("/Annots", []):
            if int(annot.get("/F", 0)) & 4 == 0:
                problems.append(f"side {number}: an annotation is not printable (/F)")
    return problems


def font_programs(data: bytes) -> dict[str, str]:
    """Every font of a PDF: its name (with the subset tag) -> SHA-256 of its font program."""
    import hashlib

    import pikepdf

    out: dict[str, str] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for _, font in page.Resources.get("/Font", {}).items():
                program = font.FontDescriptor.FontFile2.read_bytes()
                out[str(font.BaseFont)[1:]] = hashlib.sha256(program).hexdigest()
    return out


def inspect_pdf(path: str | Path, validate: bool = True) -> PdfReport:
    """The report of one PDF. A PDF that cannot be opened or inspected (encrypted, damaged,
    a null where an object belongs) is a report with that problem, never a crash; what is not
    a regular file of sane size (a FIFO, /dev/zero) is an `InputError`."""
    import pikepdf

    p = Path(path)
    report = PdfReport(str(p))
    data = read_bytes(p, limit=MAX_PDF_BYTES, what="PDF")
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        report.problems.append(
            "encrypted (needs a password): cannot be inspected; a PDF/A file is never encrypted"
        )
        return report
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        report.problems.append(f"cannot open as PDF: {_first_line(exc)}")
        return report
    try:
        with pdf:
            if pdf.is_encrypted:
                report.problems.append("encrypted: a PDF/A file is never encrypted")
            _inspect(pdf, report)
    except Exception as exc:  # a hostile or broken PDF can fail pikepdf at any object
        report.problems.append(f"cannot be inspected: {type(exc).__name__}: {_first_line(exc)}")
        return report
    cmyk = "TrimBox" in report.boxes and report.boxes["TrimBox"] != report.boxes["MediaBox"]
    variant = "print" if cmyk else "screen"
    if variant == "print" and "DeviceRGB" in report.color_spaces:
        report.problems.append("the print variant uses RGB colour")
    report.problems += report.low_dpi_images
    if validate:
        try:
            report.verdicts = full_verdicts(data, variant, second_opinion=True)
        except Exception as exc:  # the validators on a broken file: a problem, not a crash
            report.problems.append(f"cannot be validated: {_first_line(exc)}")
        report.problems += [f"{k}: {v}" for k, v in report.verdicts.items() if v != "pass"]
    return report


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:300]


def _inspect(pdf: pikepdf.Pdf, report: PdfReport) -> None:
    report.pages = len(pdf.pages)
    for page in pdf.pages:
        box = [float(v) for v in page.mediabox]
        report.page_size_mm.append(
            (round((box[2] - box[0]) / 72 * 25.4, 1), round((box[3] - box[1]) / 72 * 25.4, 1))
        )
    if not pdf.pages:
        report.problems.append("the PDF has no pages")
        return
    first = pdf.pages[0].obj
    for key in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        if key in first:
            report.boxes[key.lstrip("/")] = [round(float(v), 2) for v in first[key]]
    report.fonts = _fonts(pdf)
    _content_scan(pdf, report)
    mark: Any = pdf.Root.get("/MarkInfo")
    report.tagged = "/StructTreeRoot" in pdf.Root and bool(mark and mark.get("/Marked"))
    cmyk = "TrimBox" in report.boxes and report.boxes["TrimBox"] != report.boxes["MediaBox"]
    report.problems += _structure(pdf, cmyk)

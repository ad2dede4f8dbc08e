"""What a print shop (and an accessibility checker) looks at in a PDF: `faktaark check`.

`inspect_pdf(path)` reports pages, page size, page boxes, fonts (embedded?), the colour spaces
the page content uses, images below 300 dpi at their placed size (a note), and the verdict of
each standard the file is judged against: by default (`profile=("auto",)`) what the file
claims in its XMP metadata, or the profiles asked for (`faktaark.pdf.profiles`). PDF/A and
PDF/UA are judged by page-validation; PDF/X by the preflight's ISO rules. A file faktaark wrote
(its producer says so) also gets pikepdf's PDF/A-2b allow-list checker as a second opinion on
its bytes (`pdf.validate`): that checker knows only what faktaark writes, so other files are
not judged by it.

Any PDF can be checked: it is read within the PDF bounds (`pdf.bounds`); one that cannot be
read (encrypted, damaged, too big) is a report with that problem, never a crash.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faktaark.errors import FaktaarkError

if TYPE_CHECKING:
    import pikepdf

__all__ = ["PdfReport", "check_files", "font_programs", "inspect_pdf"]

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
    claims: list[str] = field(default_factory=list)  # "PDF/A-2a", "PDF/UA-1" (from the XMP)
    profiles: list[str] = field(default_factory=list)  # the profiles judged
    verdicts: dict[str, str] = field(default_factory=dict)  # "PDF/A-2b (pikepdf)": "pass" ...
    tagged: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # reported, not failing

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__) | {"ok": self.ok}


def _fonts(pdf: pikepdf.Pdf) -> list[dict[str, Any]]:
    import pikepdf

    seen: dict[str, dict[str, Any]] = {}
    for page in pdf.pages:
        res: Any = page.obj.get("/Resources") or {}
        fonts = dict(res.get("/Font") or {})
        for xobj in (res.get("/XObject") or {}).values():
            if isinstance(xobj, pikepdf.Stream):
                inner: Any = xobj.get("/Resources") or {}
                fonts.update(dict(inner.get("/Font") or {}))
        for font in fonts.values():
            if not isinstance(font, pikepdf.Dictionary):
                continue
            name = str(font.get("/BaseFont", "?"))
            desc = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                kids = font.get("/DescendantFonts")
                desc = kids[0].get("/FontDescriptor") if kids is not None and len(kids) else None
            files = ("/FontFile", "/FontFile2", "/FontFile3")
            embedded = font.get("/Subtype") == "/Type3" or (
                desc is not None and any(k in desc for k in files)
            )
            seen[name] = {
                "name": name,
                "subtype": str(font.get("/Subtype")),
                "embedded": bool(embedded),
            }
    return sorted(seen.values(), key=lambda f: f["name"])


def _content_scan(pdf: pikepdf.Pdf, report: PdfReport) -> None:
    import pikepdf

    from faktaark.pdf.preflight_content import parse_content

    spaces: set[str] = set()
    for number, page in enumerate(pdf.pages, 1):
        resources: Any = page.obj.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        stack: list[list[float]] = []
        for instr in parse_content(page, f"page {number}"):
            operands: list[Any] = list(getattr(instr, "operands", ()))
            name = str(instr.operator)
            if name in _COLOR_OPS:
                spaces.add(_COLOR_OPS[name])
            elif name in ("cs", "CS") and operands:
                spaces.add(_space_name(operands[0], resources))
            elif name == "q":
                stack.append(ctm)
            elif name == "Q" and stack:
                ctm = stack.pop()
            elif name == "cm" and len(operands) == 6:
                a, b, c, d, e, f = (float(x) for x in operands)
                m = ctm
                ctm = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2],
                       c * m[1] + d * m[3], e * m[0] + f * m[2] + m[4],
                       e * m[1] + f * m[3] + m[5]]  # fmt: skip
            elif name == "Do" and operands:
                xobj = xobjects.get(str(operands[0]))
                if isinstance(xobj, pikepdf.Stream) and xobj.get("/Subtype") == "/Image":
                    w_in = abs(ctm[0]) / 72 or 1e-9
                    h_in = abs(ctm[3]) / 72 or 1e-9
                    dpi = min(int(xobj.get("/Width", 0)) / w_in, int(xobj.get("/Height", 0)) / h_in)
                    if dpi < MIN_DPI:
                        report.low_dpi_images.append(
                            f"page {number}: {operands[0]} {dpi:.0f} dpi (below {MIN_DPI})"
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


def check_files(paths: object, validate: bool, profile: object) -> list[PdfReport]:
    """`faktaark check` of one path or a sequence of them (`pdf.bounds.pdf_paths`), judged by
    `profile` (a name, a comma-separated list or a sequence of names)."""
    from faktaark.pdf.bounds import pdf_paths
    from faktaark.pdf.profiles import check_profile

    chosen = check_profile(profile)
    return [inspect_pdf(p, validate=validate, profile=chosen) for p in pdf_paths(paths)]


def inspect_pdf(
    path: str | Path, validate: bool = True, profile: tuple[str, ...] = ("auto",)
) -> PdfReport:
    """The report of one PDF, judged by `profile` (names of `faktaark.pdf.profiles`; "auto":
    what the file claims). A PDF that cannot be opened, inspected or read within the bounds
    is a report with that problem, never a crash; what is not a regular file of sane size (a
    FIFO, /dev/zero) is an `InputError`."""
    import pikepdf

    from faktaark.pdf.bounds import BoundsError, read_pdf

    p = Path(path)
    report = PdfReport(str(p))
    try:
        data = read_pdf(p)
    except BoundsError as exc:
        report.problems.append(str(exc).removeprefix(f"{p}: "))
        return report
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
            judged = _claims(pdf, report, profile)
            ours = str(pdf.docinfo.get("/Producer", "")).startswith("faktaark ")
    except BoundsError as exc:  # a page's content past the bounds
        report.problems.append(str(exc))
        return report
    except FaktaarkError:
        raise
    except Exception as exc:  # a hostile or broken PDF can fail pikepdf at any object
        report.problems.append(f"cannot be inspected: {type(exc).__name__}: {_first_line(exc)}")
        return report
    if validate and report.pages:
        _verdicts(data, p, report, judged, ours)
    return report


def _claims(pdf: pikepdf.Pdf, report: PdfReport, asked: tuple[str, ...]) -> list[str]:
    from faktaark.pdf.profiles import PROFILES, claims_of, resolve

    claims = claims_of(pdf)
    report.claims = claims.names()
    judged, problems = resolve(asked, claims)
    report.profiles = [PROFILES[name][0] for name in judged]
    report.problems += problems
    return judged


def _verdicts(data: bytes, path: Path, report: PdfReport, judged: list[str], ours: bool) -> None:
    """The validators' verdicts; for a file of faktaark's claiming PDF/A-2, also pikepdf's."""
    from faktaark.pdf.profiles import judge
    from faktaark.pdf.validate import second_opinion

    try:
        report.verdicts = judge(data, path, judged)
        if ours and any(name.startswith("pdfa-2") for name in judged):
            printed = any(name.startswith("pdfx") for name in judged)
            report.verdicts |= second_opinion(data, printed)
    except FaktaarkError:
        raise
    except Exception as exc:  # the validators on a broken file: a problem, not a crash
        report.problems.append(f"cannot be validated: {_first_line(exc)}")
    report.problems += [f"{k}: {v}" for k, v in report.verdicts.items() if v != "pass"]


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
    report.problems += [f"font {f['name']} is not embedded" for f in report.fonts
                        if not f["embedded"]]  # fmt: skip
    _content_scan(pdf, report)
    report.notes += report.low_dpi_images
    mark: Any = pdf.Root.get("/MarkInfo")
    report.tagged = "/StructTreeRoot" in pdf.Root and bool(mark and mark.get("/Marked"))

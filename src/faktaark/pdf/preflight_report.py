"""The preflight's rules and its report (`faktaark.pdf.preflight`).

Every rule names where it comes from: a standard and its clause, or a convention (which one),
and every finding names its rule's clause. The PDF/X rules are written from ISO 15930-7:2010
(PDF/X-4) and ISO 15930-4:2003 (PDF/X-1a). No copy of either standard was at hand: the clause
numbers of ISO 15930-7 are those of a public PDF/X-4 rule catalogue (LintPDF's conformance
suite: 6.1 file structure, 6.2.1 page boxes, 6.2.2 encryption, 6.2.3 output intent, 6.2.4
colour, 6.3 fonts, 6.4 annotations, 6.7 metadata), kept in `X4` below so that a number found
wrong is corrected in one place; ISO 15930-4's are not numbered. The PDF/A-2 clauses
(ISO 19005-2:2011) are those of the veraPDF test corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from faktaark.layout.print_colours import (
    HAIRLINE_PT,
    MIN_REVERSE_STROKE_PT,
    MIN_STROKE_PT,
    RICH_BLACK_MIN_PT,
    SMALL_TEXT_PT,
    WHITE_TEXT_MAX_INKS,
    WHITE_TEXT_MIN_PT,
)

__all__ = ["RULES", "TAC_LIMIT", "X4", "Finding", "PagePreflight", "Preflight", "Rule", "clause",
           "fmt_box"]  # fmt: skip

TAC_LIMIT = 300.0  # per cent


class Rule(NamedTuple):
    id: str
    title: str
    source: str  # "ISO 15930-7:2010 ..." or "convention: ..."


_X4_STD = "ISO 15930-7:2010 (PDF/X-4)"
_X1A = "ISO 15930-4:2003 (PDF/X-1a)"
_A2 = "ISO 19005-2:2011 (PDF/A-2)"
_PSO = "convention: print-shop preflight"
# the clauses of ISO 15930-7:2010 (see the module's docstring for where the numbers come from)
X4 = {
    "file": "6.1", "boxes": "6.2.1", "encryption": "6.2.2", "intent": "6.2.3",
    "colour": "6.2.4", "fonts": "6.3", "annotations": "6.4", "metadata": "6.7",
}  # fmt: skip


def _x4(topic: str, what: str) -> str:
    return f"{_X4_STD} {X4[topic]} ({what})"


def _rules(*rules: tuple[str, str, str]) -> dict[str, Rule]:
    return {r[0]: Rule(*r) for r in rules}


RULES = _rules(
    ("x-id", "PDF/X identification: XMP pdfxid:GTS_PDFXVersion exactly \"PDF/X-4\" (and the "
     "information dictionary's /GTS_PDFXVersion, if present, the same); PDF/X-1a:2003 in "
     "/GTS_PDFXVersion and /GTS_PDFXConformance",
     f"{_x4('metadata', 'identification')}; {_X1A}, identification"),
    ("x-version", "header version at most 1.6 (PDF/X-4), 1.4 (PDF/X-1a)",
     f"{_x4('file', 'file header')}; {_X1A}, file header"),
    ("x-intent", "exactly one /GTS_PDFX output intent, with an embedded output profile (or, "
     "PDF/X-1a, a registered condition)",
     f"{_x4('intent', 'output intent')}; {_X1A}, output intent"),
    ("x-intent-shared", "all output intents share one DestOutputProfile object", f"{_A2} 6.2.3"),
    ("x-trapped", "info /Trapped is /True or /False (and XMP pdf:Trapped, when present, "
     "agrees)", f"{_x4('metadata', 'trapping key')}; {_X1A}, document information"),
    ("x-xmpmm", "XMP xmpMM:DocumentID, xmpMM:VersionID and xmpMM:RenditionClass",
     _x4("metadata", "version identification")),
    ("x-dates", "title, creation and modification date in the info dictionary and XMP",
     f"{_x4('metadata', 'document information')}; {_X1A}, document information"),
    ("x-id-trailer", "the trailer has an /ID", f"{_x4('file', 'file identifier')}; {_A2} 6.1.3"),
    ("x-encrypt", "no encryption", f"{_x4('encryption', 'encryption')}; {_A2} 6.1.3"),
    ("x-boxes", "every page has a TrimBox (or an ArtBox, not both); Trim inside Bleed inside "
     "Crop and Media", f"{_x4('boxes', 'page boundaries')}; {_X1A}, page boundaries"),
    ("x-annot", "no annotation (other than PrinterMark or TrapNet) inside the BleedBox or "
     "TrimBox, so no Link or URI action there",
     f"{_x4('annotations', 'annotations')}; {_X1A}, annotations"),
    ("x-fonts", "every font embedded", f"{_x4('fonts', 'fonts')}; {_A2} 6.2.11.4"),
    ("x-device-colour", "device colour the output intent can print: no DeviceRGB with a CMYK "
     "intent, no DeviceCMYK with an RGB one, in anything a page paints (fills, strokes, text, "
     "images, inline images, shadings, patterns, forms, appearances, soft masks, groups)",
     _x4("colour", "colour spaces")),
    ("x-color", "PDF/X-1a: only DeviceCMYK, DeviceGray, Separation and DeviceN colour",
     f"{_X1A}, colour spaces"),
    ("x-transparency", "PDF/X-1a: no transparency (soft masks, CA/ca under 1, blend modes, "
     "transparency groups)", f"{_X1A}, transparency"),
    ("a-id", "PDF/A identification in XMP (pdfaid:part, pdfaid:conformance)", f"{_A2} 6.6.4"),
    ("content", "page content and resources well formed (no missing or null resource)",
     "ISO 32000-1:2008 7.8.3 (resource dictionaries)"),
    ("tac", f"total ink coverage at most {TAC_LIMIT:.0f} % (fills, strokes, text and the end "
     "colours of shadings)",
     "convention: ISO 12647-2 offset on coated paper (Fogra39: 330 %, PSO Coated v3: 300 %); "
     "faktaark uses 300 %"),
    ("small-text-inks", f"text under {SMALL_TEXT_PT:g} pt in one ink, or 100 % K",
     f"{_PSO} (small type in several inks blurs when plates register slightly off)"),
    ("rich-black", f"rich black (K 90 % or more with other inks) only at {RICH_BLACK_MIN_PT:g} pt "
     "and above", f"{_PSO} (rich black for large type only)"),
    ("black-overprint", f"black (K-only) text under {SMALL_TEXT_PT:g} pt on a tint set to "
     "overprint", "convention: black overprint (Fogra/PSO practice; a RIP's automatic black "
     "overprint applies to 100 % K only)"),
    ("white-text", f"white text under {WHITE_TEXT_MIN_PT:g} pt only on backgrounds of at most "
     f"{WHITE_TEXT_MAX_INKS} inks", f"{_PSO} (fine type knocked out of 3-4 inks closes up)"),
    ("white-overprint", "no white object set to overprint (it vanishes on press)",
     f"{_PSO} (Acrobat and PitStop check it)"),
    ("thin-stroke", f"no stroke under {MIN_STROKE_PT:g} pt, no white stroke on a tint under "
     f"{MIN_REVERSE_STROKE_PT:g} pt", f"{_PSO} (minimum line weights of offset printing)"),
    ("hairline-inks", f"strokes under {HAIRLINE_PT:g} pt in one ink, or 100 % K",
     f"{_PSO} (fine lines in several inks show misregistration)"),
    ("registration", "crop marks in the registration colour, /Separation /All",
     "convention (ISO 32000-1:2008 8.6.6.4 defines the colorant name All: every plate)"),
    ("rgb", "no RGB colour at all (DeviceRGB, ICC-based RGB, CalRGB, an RGB alternate)",
     "convention for CMYK print workflows (PDF/X-1a forbids it: "
     f"{_X1A}, colour spaces)"),
)  # fmt: skip


@dataclass
class Finding:
    rule: str
    message: str
    page: int | None = None
    breach: bool = True

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page else ""
        return f"[{self.rule}] {where}{self.message} ({clause(self.rule)})"


@dataclass
class PagePreflight:
    number: int
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    ink_max: float = 0.0  # per cent, inside the BleedBox
    small_text: dict[int, int] = field(default_factory=dict)  # ink count -> text runs < 12 pt
    overprint: dict[str, int] = field(default_factory=dict)  # "fill", "stroke", "OPM 1" -> uses
    thin_strokes: int = 0
    registration_strokes: int = 0
    images: int = 0


@dataclass
class Preflight:
    path: str
    error: str | None = None
    expect: str | None = None  # the PDF/X version asked for (None: PDF/X-4 or PDF/X-1a:2003)
    intent: str | None = None  # the colour model of the /GTS_PDFX output intent: "CMYK" ...
    header: str = ""
    pdfx: str | None = None  # "PDF/X-4", "PDF/X-1a:2003"
    pdfa: str | None = None  # "PDF/A-2B"
    pages: list[PagePreflight] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def breaches(self) -> list[Finding]:
        return [f for f in self.findings if f.breach]

    @property
    def ok(self) -> bool:
        return self.error is None and not self.breaches

    @property
    def ink_max(self) -> float:
        return max((p.ink_max for p in self.pages), default=0.0)

    def summary(self) -> str:
        if self.error is not None:
            return f"{self.path}: error: {self.error}"
        inks = ", ".join(f"page {p.number} {p.ink_max:.0f} %" for p in self.pages)
        ident = (
            ", ".join(x for x in (self.pdfx, self.pdfa) if x) or "no PDF/X or PDF/A identification"
        )
        n = len(self.breaches)
        verdict = "ok" if not n else f"{n} breach{'es' if n > 1 else ''}"
        return f"{self.path}: {verdict}; {ident}; ink max {self.ink_max:.0f} % ({inks})"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path, "ok": self.ok, "error": self.error, "header": self.header,
            "pdfx": self.pdfx, "pdfa": self.pdfa, "ink_max": round(self.ink_max, 1),
            "pages": [p.__dict__ for p in self.pages],
            "findings": [
                {"rule": f.rule, "page": f.page, "message": f.message, "breach": f.breach,
                 "clause": clause(f.rule), "source": RULES[f.rule].source}
                for f in self.findings
            ],
        }  # fmt: skip

    def lines(self) -> list[str]:
        out = [self.summary()]
        if self.error is not None:
            return out
        for p in self.pages:
            boxes = "; ".join(f"{k} {fmt_box(v)}" for k, v in p.boxes.items())
            out.append(f"  page {p.number}: {boxes}")
            small = ", ".join(
                f"{n} ink{'s' if n != 1 else ''}: {c}" for n, c in sorted(p.small_text.items())
            )
            op = ", ".join(f"{k} {v}" for k, v in sorted(p.overprint.items())) or "none"
            out.append(
                f"    ink max {p.ink_max:.0f} %; text < {SMALL_TEXT_PT:g} pt by inks: "
                f"{small or 'none'};"
                f" overprint: {op}; strokes < {MIN_STROKE_PT:g} pt: {p.thin_strokes};"
                f" registration-colour strokes: {p.registration_strokes}"
                + (f"; images (not measured): {p.images}" if p.images else "")
            )
        for f in self.findings:
            out.append(f"  {'BREACH' if f.breach else 'note'} {f}")
        for rid in dict.fromkeys(f.rule for f in self.findings):
            out.append(f"  rule [{rid}] {RULES[rid].title}: {RULES[rid].source}")
        return out


def clause(rule: str) -> str:
    """The short reference of a rule: "ISO 15930-7:2010 6.2.3" or "convention"."""
    source = RULES[rule].source
    if source.startswith("convention"):
        return "convention"
    first = source.split(";")[0]
    if first.startswith(_X4_STD):
        return f"ISO 15930-7:2010 {first[len(_X4_STD) :].split()[0]}"
    return first


def fmt_box(b: tuple[float, float, float, float]) -> str:
    return "[" + " ".join(f"{v:.2f}" for v in b) + "]"

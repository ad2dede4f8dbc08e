"""The validators of a written sheet: the byte-level structural scan and the full validators.

`structural_problems` is the check every sheet gets (`faktaark.pdf.scan`, on its bytes as
written); `full_verdicts` runs page-validation (PDF/A-2a + PDF/UA-1 for the screen variant,
PDF/A-2b for print) and, as a second opinion, pikepdf's PDF/A checker. Deciding which sheet
gets which, and remembering verdicts, is the build stage's (`faktaark.builder.verdicts`).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf

__all__ = ["full_verdicts", "structural_problems"]


def structural_problems(data: bytes, variant: str) -> list[str]:
    """What the byte-level scan finds wrong with a sheet written by faktaark (none: [])."""
    from faktaark.pdf.scan import scan_written

    return scan_written(data, cmyk=variant == "print", tagged=variant == "screen")


def full_verdicts(data: bytes, variant: str, second_opinion: bool = False) -> dict[str, str]:
    """PDF/A (and PDF/UA for the tagged screen variant) by page-validation; with
    `second_opinion`, also by pikepdf's independent PDF/A-2b allow-list checker (for the
    screen variant on a copy whose XMP omits the PDF/UA extension schema, which that
    checker does not support)."""
    import page as page_validation

    profiles = page_validation.ValidationProfile
    out: dict[str, str] = {}
    wanted = (
        [("PDF/A-2a", profiles.PDF_A_2A), ("PDF/UA-1", profiles.PDF_UA_1)]
        if variant == "screen"
        else [("PDF/A-2b", profiles.PDF_A_2B)]
    )
    for label, profile in wanted:
        rep = page_validation.validate_pdf_bytes(data, profile=profile)
        out[f"{label} (page-validation)"] = (
            "pass"
            if rep.is_compliant
            else "fail: " + "; ".join(str(f) for f in list(rep.failures)[:3])
        )
    if variant == "print" or second_opinion:
        import pikepdf.pdfa

        with pikepdf.open(io.BytesIO(data)) as pdf:
            if variant == "screen":
                _declare_2b(pdf)
            rep2 = pikepdf.pdfa.check(pdf, "2b")
        label = "PDF/A-2b (pikepdf)" if variant == "print" else "PDF/A-2b core (pikepdf)"
        out[label] = (
            "pass" if rep2.passed else "fail: " + "; ".join(str(f) for f in rep2.findings[:3])
        )
    return out


def _declare_2b(pdf: pikepdf.Pdf) -> None:
    """Rewrite the XMP of a tagged sheet as plain PDF/A-2b (no PDF/UA extension schema)."""
    import pikepdf

    xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
    xmp = re.sub(r"\s*<pdfuaid:part>.*?</pdfuaid:part>", "", xmp)
    xmp = re.sub(r"\s*<pdfaExtension:schemas>.*?</pdfaExtension:schemas>", "", xmp, flags=re.S)
    xmp = re.sub(r' xmlns:(pdfuaid|pdfaExtension|pdfaSchema|pdfaProperty)="[^"]*"', "", xmp)
    xmp = xmp.replace("<pdfaid:conformance>A<", "<pdfaid:conformance>B<")
    pdf.Root.Metadata = pdf.make_stream(
        xmp.encode("utf-8"), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
    )

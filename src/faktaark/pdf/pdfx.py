"""The PDF/X parts of the print variant: PDF/X-4 (ISO 15930-7:2010) or PDF/X-1a:2003
(ISO 15930-4:2003), written into the same file as its PDF/A-2b identification.

`pdfa.finish` asks for them when it finishes a print sheet:
- a second output intent, /S /GTS_PDFX, whose /DestOutputProfile is the same object as the
  /GTS_PDFA1 intent's (PDF/A-2 requires every intent in a file to share one profile,
  ISO 19005-2:2011 6.2.3);
- /Trapped /False in the information dictionary (the sheets are not trapped), and for PDF/X-1a
  /GTS_PDFXVersion and /GTS_PDFXConformance there;
- for PDF/X-4 the XMP identification (pdfxid:GTS_PDFXVersion, xmpMM:DocumentID, VersionID,
  RenditionClass: `faktaark.pdf.metadata`);
- the header version (1.6 for PDF/X-4, 1.4 for PDF/X-1a; PDF/A-2 accepts 1.0-1.7).
The rest of what PDF/X asks (TrimBox and BleedBox, embedded fonts, CMYK only, no annotation
inside the trim, an ID, no encryption, no transparency for X-1a) the print variant already is;
`faktaark.pdf.preflight` checks all of it on the written file.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFString

__all__ = ["document_uuid", "info_entries", "pdfx_intent"]

VERSIONS = {"x4": "PDF/X-4", "x1a": "PDF/X-1a:2003"}


def pdfx_intent(pdfa_intent: Any) -> Any:
    """The /GTS_PDFX output intent: the PDF/A intent's entries (profile, condition) with its own
    subtype and the registry of the characterisation (FOGRA39 is registered with the ICC)."""
    entries = dict(pdfa_intent.dict)
    entries["S"] = PDFName("GTS_PDFX")
    entries["RegistryName"] = PDFString("http://www.color.org")
    return PDFDictionary(entries)


def info_entries(standard: str) -> dict[str, Any]:
    """The PDF/X entries of the information dictionary."""
    out: dict[str, Any] = {"Trapped": PDFName("False")}
    if standard == "x1a":
        out["GTS_PDFXVersion"] = PDFString(VERSIONS["x1a"])
        out["GTS_PDFXConformance"] = PDFString(VERSIONS["x1a"])
    return out


def document_uuid(trailer_id: bytes) -> str:
    """xmpMM:DocumentID from the trailer /ID (`[<hex><hex>]`, content-derived): a uuid URN."""
    hexed = trailer_id[2:34].decode("ascii").lower()
    return f"uuid:{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:32]}"

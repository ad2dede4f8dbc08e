"""The validators of a written sheet: the byte-level structural scan and the full validators.

`structural_problems` is the check every sheet gets (`faktaark.pdf.scan`, on its bytes as
written); `full_verdicts` runs page-validation (PDF/A-2a + PDF/UA-1 for the screen variant,
PDF/A-2b for print) and, as a second opinion, pikepdf's PDF/A checker on the bytes as written
(`pikepdf.pdfa.validate_written`: it reads the file, so faults of the bytes reach it, where
`pikepdf.pdfa.check` judges what pikepdf would write). Deciding which sheet gets which, and
remembering verdicts, is the build stage's (`faktaark.builder.verdicts`).

pikepdf's checker knows no XMP extension schema (PDF/UA-1's pdfuaid, PDF/X-4's pdfxid): the XMP
packet is rewritten as plain PDF/A-2b in place, padded to its own length, so every offset and
/Length stays as written. Three things of the print variant are outside its allow-list and are
named in the verdict's label as not judged by it (page-validation judges them): the /GTS_PDFX
output intent, the /Separation /All registration colour, and overprint mode 1.
"""

from __future__ import annotations

import io
import re

__all__ = ["declare_2b", "full_verdicts", "rewrite_xmp_in_place", "second_opinion",
           "structural_problems"]  # fmt: skip

# pikepdf findings of kind "unsupported" that the print variant is known to raise (the PDF/X
# additions), each matched on its rule id and message
NOT_JUDGED = {
    "pikepdf:schema-OutputIntent": "only GTS_PDFA1 output intents",
    "pikepdf:colour-space": "/Separation colour spaces",
    "ISO_19005_2:6.2.4.2-2": "overprint mode 1",
}
PRINT_LABEL = "PDF/A-2b (pikepdf; /GTS_PDFX intent, /Separation /All, OPM 1 not judged)"


def structural_problems(data: bytes, variant: str) -> list[str]:
    """What the byte-level scan finds wrong with a sheet written by faktaark (none: [])."""
    from faktaark.layout.rules import is_print
    from faktaark.pdf.scan import scan_written

    return scan_written(data, cmyk=is_print(variant), tagged=variant == "screen")


def full_verdicts(data: bytes, variant: str, second_opinion: bool = False) -> dict[str, str]:
    """PDF/A (and PDF/UA for the tagged screen variant) by page-validation; for print (and
    with `second_opinion` for screen) also pikepdf's independent PDF/A-2b checker on the bytes
    as written (for the screen variant its PDF/A-2b core, the PDF/UA part left out)."""
    import page as page_validation

    from faktaark.layout.rules import is_print

    profiles = page_validation.ValidationProfile
    out: dict[str, str] = {}
    printed = is_print(variant)
    wanted = (
        [("PDF/A-2b", profiles.PDF_A_2B)]
        if printed
        else [("PDF/A-2a", profiles.PDF_A_2A), ("PDF/UA-1", profiles.PDF_UA_1)]
    )
    for label, profile in wanted:
        rep = page_validation.validate_pdf_bytes(data, profile=profile)
        out[f"{label} (page-validation)"] = (
            "pass"
            if rep.is_compliant
            else "fail: " + "; ".join(str(f) for f in list(rep.failures)[:3])
        )
    if printed or second_opinion:
        label = PRINT_LABEL if printed else "PDF/A-2b core (pikepdf)"
        out[label] = _pikepdf_verdict(data, printed)
    return out


def second_opinion(data: bytes, printed: bool) -> dict[str, str]:
    """pikepdf's PDF/A-2b verdict on the bytes as written, labelled (the allow-list checker
    knows what faktaark writes; see `full_verdicts`)."""
    label = PRINT_LABEL if printed else "PDF/A-2b core (pikepdf)"
    return {label: _pikepdf_verdict(data, printed)}


def _pikepdf_verdict(data: bytes, printed: bool) -> str:
    import pikepdf.pdfa

    judged = rewrite_xmp_in_place(data)
    rep = pikepdf.pdfa.validate_written(io.BytesIO(judged if judged is not None else data), "2b")
    failed = [
        f"[{f.kind}] {f.rule} at {f.where}: {f.message}"
        for f in rep.findings
        if not (printed and f.kind == "unsupported" and NOT_JUDGED.get(f.rule, "\0") in f.message)
    ]
    return "pass" if not failed else "fail: " + "; ".join(failed[:3])


def declare_2b(xmp: str) -> str:
    """The XMP of a PDF/A-2a + PDF/UA-1 (or PDF/A-2b + PDF/X-4) file declared as plain PDF/A-2b:
    no pdfuaid or pdfxid property, no extension schemas, conformance B. Handles both forms of
    XMP: elements (`<pdfaid:conformance>A</pdfaid:conformance>`) and attributes of
    rdf:Description (`pdfaid:conformance="A"`)."""
    attr = r"\s*=\s*(?:\"[^\"]*\"|'[^']*')"
    for prefix in ("pdfuaid", "pdfxid"):
        xmp = re.sub(rf"\s*<{prefix}:(\w+)\s*>.*?</{prefix}:\1\s*>", "", xmp, flags=re.S)
        xmp = re.sub(rf"\s*<{prefix}:\w+\s*/>", "", xmp)
        xmp = re.sub(rf"\s+{prefix}:\w+{attr}", "", xmp)
    xmp = re.sub(
        r"\s*<pdfaExtension:schemas\s*>.*?</pdfaExtension:schemas\s*>", "", xmp, flags=re.S
    )
    xmp = re.sub(r"\s*<pdfaExtension:schemas\s*/>", "", xmp)
    xmp = re.sub(
        rf"\s+xmlns:(?:pdfuaid|pdfxid|pdfaExtension|pdfaSchema|pdfaProperty){attr}", "", xmp
    )
    xmp = re.sub(r"(<pdfaid:conformance\s*>\s*)[Aa](\s*<)", r"\1B\2", xmp)
    return re.sub(r"(pdfaid:conformance\s*=\s*[\"'])[Aa]([\"'])", r"\1B\2", xmp)


def rewrite_xmp_in_place(data: bytes) -> bytes | None:
    """`data` with its (unfiltered) XMP packet declared as plain PDF/A-2b and padded with
    spaces to its own byte length, so the file is otherwise byte for byte as written; None if
    there is no such packet or nothing to rewrite."""
    start = data.find(b"<?xpacket begin=")
    end = data.find(b"<?xpacket end=", start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        return None
    packet = data[start:end]
    try:
        text = packet.decode("utf-8")
    except UnicodeDecodeError:
        return None
    new = declare_2b(text).encode("utf-8")
    if new == packet or len(new) > len(packet):
        return None
    return data[:start] + new + b" " * (len(packet) - len(new)) + data[end:]

"""The preflight's document checks: PDF/X and PDF/A identification, the information
dictionary, the XMP (element and attribute form), the trailer and the output intents.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from faktaark.pdf.preflight_report import Finding, Preflight

__all__ = ["identify", "xmp_properties"]


_NS = {
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}


def xmp_properties(data: bytes) -> dict[str, str]:
    """Simple XMP properties as 'prefix:name' -> text, from both the element form
    (`<pdfaid:part>2</pdfaid:part>`) and the attribute form (`pdfaid:part="2"` on
    rdf:Description). Arrays give their first item. Unknown namespaces keep '{uri}name'."""
    root = ET.fromstring(data)  # raises ET.ParseError on malformed XML
    back = {v: k for k, v in _NS.items()}

    def key(tag: str) -> str:
        if tag.startswith("{"):
            uri, _, local = tag[1:].partition("}")
            return f"{back[uri]}:{local}" if uri in back else tag
        return tag

    out: dict[str, str] = {}
    for desc in root.iter(f"{{{_NS['rdf']}}}Description"):
        for attr, value in desc.attrib.items():
            if not attr.startswith(f"{{{_NS['rdf']}}}"):
                out.setdefault(key(attr), value.strip())
        for child in desc:
            text = (child.text or "").strip()
            if not text:
                li = child.find(f".//{{{_NS['rdf']}}}li")
                text = (li.text or "").strip() if li is not None else ""
            out.setdefault(key(child.tag), text)
    return out


# ----------------------------------------------------------------------------- the check


def identify(pdf: Any, res: Preflight, data: bytes) -> None:
    import pikepdf

    f = res.findings
    info = pdf.trailer.get("/Info")
    info = info if isinstance(info, pikepdf.Dictionary) else pikepdf.Dictionary()
    props: dict[str, str] = {}
    meta = pdf.Root.get("/Metadata")
    if meta is None or not isinstance(meta, pikepdf.Stream):
        f.append(Finding("x-id", "no XMP metadata (/Metadata) in the catalog"))
    else:
        try:
            props = xmp_properties(meta.read_bytes())
        except (ET.ParseError, pikepdf.PdfError) as exc:
            f.append(
                Finding(
                    "x-id",
                    f"the XMP metadata is not readable XML: {' '.join(str(exc).split())[:160]}",
                )
            )
    info_x = str(info.get("/GTS_PDFXVersion", "")) or None
    xver = props.get("pdfxid:GTS_PDFXVersion") or info_x
    res.pdfx = xver
    _version(res, xver, info_x, props.get("pdfxid:GTS_PDFXVersion"))
    part, conf = props.get("pdfaid:part"), props.get("pdfaid:conformance")
    res.pdfa = f"PDF/A-{part}{(conf or '').upper()}" if part else None
    if res.pdfa is None:
        f.append(Finding("a-id", "no PDF/A identification (pdfaid) in the XMP", breach=False))
    x1a = bool(xver and xver.startswith("PDF/X-1a"))
    if not xver:
        f.append(
            Finding(
                "x-id",
                "no PDF/X identification (XMP pdfxid:GTS_PDFXVersion or info /GTS_PDFXVersion)",
            )
        )
    elif xver == "PDF/X-4" and props.get("pdfxid:GTS_PDFXVersion") != "PDF/X-4":
        f.append(Finding("x-id", "PDF/X-4 must be identified in the XMP (pdfxid:GTS_PDFXVersion)"))
    elif x1a:
        if str(info.get("/GTS_PDFXVersion", "")) != "PDF/X-1a:2003":
            f.append(
                Finding(
                    "x-id",
                    "PDF/X-1a:2003 needs /GTS_PDFXVersion (PDF/X-1a:2003) in the info dictionary",
                )
            )
        if str(info.get("/GTS_PDFXConformance", "")) != "PDF/X-1a:2003":
            f.append(
                Finding(
                    "x-id",
                    "PDF/X-1a:2003 needs /GTS_PDFXConformance (PDF/X-1a:2003) in the info "
                    "dictionary",
                )
            )
    limit = "1.4" if x1a else "1.6"
    if res.header > limit:
        f.append(
            Finding(
                "x-version", f"header %PDF-{res.header}; {xver or 'PDF/X-4'} allows at most {limit}"
            )
        )
    cat_version = pdf.Root.get("/Version")
    if cat_version is not None and str(cat_version).lstrip("/") > limit:
        f.append(Finding("x-version", f"catalog /Version {cat_version}; at most {limit}"))
    trapped = info.get("/Trapped")
    if str(trapped) not in ("/True", "/False"):
        f.append(
            Finding(
                "x-trapped",
                f"info /Trapped is {trapped if trapped is not None else 'missing'}; "
                "must be /True or /False",
            )
        )
    xt = props.get("pdf:Trapped")
    if xt is not None and trapped is not None and xt != str(trapped).lstrip("/"):
        f.append(
            Finding("x-trapped", f"XMP pdf:Trapped {xt} does not match info /Trapped {trapped}")
        )
    if xver == "PDF/X-4":
        missing = [
            k
            for k in ("xmpMM:DocumentID", "xmpMM:VersionID", "xmpMM:RenditionClass")
            if not props.get(k)
        ]
        if missing:
            f.append(Finding("x-xmpmm", f"XMP lacks {', '.join(missing)}"))
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if key not in info:
            f.append(Finding("x-dates", f"info dictionary lacks {key}"))
    if props and (
        not props.get("dc:title")
        or not props.get("xmp:CreateDate")
        or not props.get("xmp:ModifyDate")
    ):
        f.append(Finding("x-dates", "XMP lacks dc:title, xmp:CreateDate or xmp:ModifyDate"))
    if "/ID" not in pdf.trailer:
        f.append(Finding("x-id-trailer", "the trailer has no /ID"))
    _intents(pdf, res, x1a)


KNOWN = ("PDF/X-4", "PDF/X-1a:2003")


def _version(res: Preflight, xver: str | None, info_x: str | None, xmp_x: str | None) -> None:
    """The PDF/X version must be one the preflight checks (and the one asked for), and the
    information dictionary's /GTS_PDFXVersion, when present, must agree with the XMP's."""
    f = res.findings
    if xver and xver not in KNOWN:
        f.append(
            Finding("x-id", f"identifies itself as {xver!r}, not {' or '.join(KNOWN)}: the "
                    "version string must be exactly that")
        )  # fmt: skip
    elif xver and res.expect and xver != res.expect:
        f.append(Finding("x-id", f"identifies itself as {xver}, expected {res.expect}"))
    if xmp_x and info_x and xmp_x != info_x:
        f.append(
            Finding("x-id", f"the XMP says {xmp_x} but the information dictionary's "
                    f"/GTS_PDFXVersion says {info_x}")
        )  # fmt: skip


# an ICC profile's colour space, from bytes 16-20 of its header
_MODELS = {b"CMYK": "CMYK", b"RGB ": "RGB", b"GRAY": "GRAY"}


def _intents(pdf: Any, res: Preflight, x1a: bool) -> None:
    import pikepdf

    f = res.findings
    intents = pdf.Root.get("/OutputIntents")
    if not isinstance(intents, pikepdf.Array) or not len(intents):
        f.append(Finding("x-intent", "no output intent"))
        return
    by_s: dict[str, list[Any]] = {}
    for oi in intents:
        if isinstance(oi, pikepdf.Dictionary):
            by_s.setdefault(str(oi.get("/S")), []).append(oi)
    x = by_s.get("/GTS_PDFX", [])
    if len(x) != 1:
        f.append(Finding("x-intent", f"{len(x)} /GTS_PDFX output intents; exactly one required"))
    for oi in x:
        prof = oi.get("/DestOutputProfile")
        cond = str(oi.get("/OutputConditionIdentifier", ""))
        if not cond:
            f.append(Finding("x-intent", "the /GTS_PDFX intent has no /OutputConditionIdentifier"))
        if isinstance(prof, pikepdf.Stream):
            head = prof.read_bytes()[:20]  # the profile's header, read once
            res.intent = _MODELS.get(head[16:20])
            n = int(prof.get("/N", 0))
            if n not in ((4,) if x1a else (1, 3, 4)):
                wanted = "CMYK (4)" if x1a else "gray, RGB or CMYK (1, 3 or 4)"
                f.append(
                    Finding("x-intent", f"the /GTS_PDFX profile has {n} components; {wanted} "
                            "expected")
                )  # fmt: skip
            if head[12:16] not in (b"prtr", b"mntr") or head[16:20] not in (b"CMYK", b"RGB "):
                got = head[12:20].decode("latin-1", "replace")
                f.append(Finding("x-intent", f"the profile is not an output profile ({got!r})"))
        elif x1a:
            if not oi.get("/RegistryName"):
                f.append(
                    Finding(
                        "x-intent", "no DestOutputProfile and no /RegistryName for the condition"
                    )
                )
        else:
            f.append(Finding("x-intent", "the /GTS_PDFX intent embeds no DestOutputProfile"))
    profiles = {
        _identity(oi.DestOutputProfile)
        for ois in by_s.values() for oi in ois if "/DestOutputProfile" in oi
    }  # fmt: skip
    if len(profiles) > 1:
        f.append(
            Finding(
                "x-intent-shared",
                f"{len(profiles)} different DestOutputProfile objects; all intents must share one",
            )
        )
    if res.pdfa and not by_s.get("/GTS_PDFA1"):
        f.append(Finding("x-intent", "the file claims PDF/A but has no /GTS_PDFA1 output intent"))


def _identity(obj: Any) -> object:
    return obj.objgen if obj.is_indirect else id(obj)

"""Finishing a drawn sheet as PDF/A: structure tree, PDF/A + PDF/UA metadata, fixed IDs.

The screen variant becomes tagged PDF/UA-1 and PDF/A-2a (sRGB output intent); the print
variant PDF/A-2b with the bundled FOGRA39-class CMYK output intent, untagged, and at the same
time PDF/X-4 or PDF/X-1a:2003 (its PDF/X parts: `faktaark.pdf.pdfx`). The objects are
added to ReportLab's own document before it is written, so the file is written once and never
parsed again. Everything is deterministic: dates come from the data edition (or
SOURCE_DATE_EPOCH), the document ID is derived from the page content, and ReportLab fixes the
subset tags. The build stage validates the written bytes (`faktaark.builder.verdicts`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from reportlab import Version as REPORTLAB_VERSION
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFInfo,
    PDFName,
    PDFObject,
    PDFStream,
    PDFString,
)

from faktaark.core.resources import package_dir
from faktaark.pdf import writing
from faktaark.pdf.metadata import DocMeta, xmp_packet
from faktaark.pdf.pack import flate
from faktaark.pdf.render import Rendered
from faktaark.plan.model import Node

__all__ = ["cmyk_profile", "finish"]

CMYK_PROFILE = "icc/FaktaCMYK-FOGRA39L.icc"
SRGB_PROFILE = "icc/sRGB-lcms.icc"
CMYK_CONDITION = "FOGRA39"


@cache
def cmyk_profile() -> bytes:
    return (package_dir() / CMYK_PROFILE).read_bytes()


@cache
def _srgb_profile() -> bytes:
    return (package_dir() / SRGB_PROFILE).read_bytes()


# ----------------------------------------------------------------------------- structure


class _Raw(PDFObject):  # type: ignore[misc]
    """An object written as given: the structure tree has a hundred small dictionaries per
    sheet, and formatting them through ReportLab's generic objects cost more than drawing."""

    def __init__(self) -> None:
        self.text = b""

    def format(self, document: Any) -> bytes:
        return self.text


class _Tree:
    """The structure elements of one document as they are written: each is registered first
    (which fixes its object number), then its text is set. (A class, not nested recursive
    functions: those would hold themselves, and with them the document, in a reference cycle
    that only the cyclic collector frees.)"""

    def __init__(self, doc: Any, rendered: Rendered) -> None:
        self.doc = doc
        self.numbers = doc.idToObjectNumberAndVersion
        self.page_refs = [b"%d 0 R" % self.numbers[p.__InternalName__][0] for p in doc.Pages.pages]
        self.mcids: dict[int, list[tuple[int, int]]] = {}  # id(node) -> [(page, mcid)]
        for m in rendered.marked:
            self.mcids.setdefault(id(m.node), []).append((m.page, m.mcid))
        self.links: dict[int, list[tuple[int, str]]] = {}  # id(node) -> [(key, annotation)]
        for link in rendered.links:
            self.links.setdefault(id(link.node), []).append((link.key, link.name))
        self.parents: dict[int, dict[int, bytes]] = {}  # page -> mcid -> element
        self.nums: list[bytes] = []  # the parent tree's entries of the links
        self.blank: dict[int, bool] = {}  # id(node) -> empty(node), each node asked once

    def new(self) -> tuple[_Raw, bytes]:
        obj = _Raw()
        return obj, b"%d 0 R" % self.numbers[self.doc.Reference(obj).name][0]

    def empty(self, node: Node) -> bool:
        """Nothing drawn and no link, here or below (a list item's label without a bullet):
        left out, as no structure element may be empty."""
        hit = self.blank.get(id(node))
        if hit is None:
            hit = self.blank[id(node)] = (
                id(node) not in self.mcids
                and id(node) not in self.links
                and all(self.empty(child) for child in node.children)
            )
        return hit

    def build(self, node: Node, parent: bytes, page_index: int) -> bytes:
        page_ref = self.page_refs[page_index]
        el, el_ref = self.new()
        head = b"<< /Type /StructElem /S /%s /P %s /Pg %s" % (node.role.encode(), parent, page_ref)
        if node.alt:
            head += b" /Alt " + bytes(PDFString(node.alt).format(self.doc))
        attrs = dict(node.attrs)
        if "Scope" in attrs:
            head += b" /A << /O /Table /Scope /%s >>" % attrs["Scope"].encode()
        if "ListNumbering" in attrs:
            head += b" /A << /O /List /ListNumbering /%s >>" % attrs["ListNumbering"].encode()
        kids: list[bytes] = []
        for pg, mcid in self.mcids.get(id(node), []):
            if pg == page_index:
                kids.append(b"%d" % mcid)
            else:
                kids.append(b"<< /Type /MCR /Pg %s /MCID %d >>" % (self.page_refs[pg], mcid))
            self.parents.setdefault(pg, {})[mcid] = el_ref
        for key, name in self.links.get(id(node), []):
            link, link_ref = self.new()
            annot = b"%d 0 R" % self.numbers[name][0]
            link.text = (
                b"<< /Type /StructElem /S /Link /P %s /Pg %s /K [ << /Type /OBJR /Obj %s "
                b"/Pg %s >> ] >>" % (el_ref, page_ref, annot, page_ref)
            )
            self.nums.append(b"%d %s" % (key, link_ref))
            kids.append(link_ref)
        kids += [
            self.build(child, el_ref, page_index)
            for child in node.children
            if not self.empty(child)
        ]
        el.text = head + b" /K [ " + b" ".join(kids) + b" ] >>"
        return el_ref


def _struct_tree(doc: Any, rendered: Rendered, pages: Sequence[Sequence[Node]]) -> None:
    """Document > (H1, P, L/LI, Table/TR/TH/TD, Figure ...) with MCIDs, ParentTree, links."""
    t = _Tree(doc, rendered)
    root, root_ref = t.new()
    document, document_ref = t.new()
    top = [
        t.build(node, document_ref, i)
        for i, content in enumerate(pages)
        for node in content
        if not t.empty(node)
    ]
    document.text = b"<< /Type /StructElem /S /Document /P %s /K [ %s ] >>" % (
        root_ref,
        b" ".join(top),
    )
    page_objs = doc.Pages.pages
    page_nums: list[bytes] = []
    for page_index, page in enumerate(page_objs):
        _page_entries(page, StructParents=page_index, Tabs=PDFName("S"))
        by_mcid = t.parents.get(page_index, {})
        arr, arr_ref = t.new()
        arr.text = b"[ " + b" ".join(by_mcid[m] for m in sorted(by_mcid)) + b" ]"
        page_nums.append(b"%d %s" % (page_index, arr_ref))
    tree, tree_ref = t.new()
    tree.text = b"<< /Nums [ " + b" ".join(page_nums + t.nums) + b" ] >>"
    root.text = (
        b"<< /Type /StructTreeRoot /K [ %s ] /ParentTree %s /ParentTreeNextKey %d "
        b"/RoleMap << >> >>" % (document_ref, tree_ref, len(page_objs) + len(rendered.links))
    )
    cat = doc.Catalog
    cat.StructTreeRoot = root
    cat.MarkInfo = PDFDictionary({"Marked": "true"})
    cat.ViewerPreferences = PDFDictionary({"DisplayDocTitle": "true"})


def _realize_fonts(doc: Any) -> None:
    """Add the font subsets to the document now rather than when ReportLab writes it (it
    skips this when its list is empty), so each subset's /Widths array (up to 256 numbers,
    the same on most sheets) is formatted once per process instead of once per sheet."""
    for font in doc.delayedFonts:
        font.addObjects(doc)
    doc.delayedFonts = []
    for obj in list(doc.idToObject.values()):
        widths = getattr(obj, "Widths", None)
        if isinstance(widths, PDFArray):
            obj.Widths = _formatted_array(tuple(widths.sequence))


@lru_cache(maxsize=256)
def _formatted_array(numbers: tuple[float, ...]) -> _Raw:
    arr = _Raw()
    arr.text = bytes(PDFArray(list(numbers)).format(None))
    return arr


def _page_entries(page: Any, **entries: Any) -> None:
    """Add entries ReportLab's page dictionary does not know (it writes only the keys
    listed in its class attribute `__NoDefault__`)."""
    names = list(page.__NoDefault__)
    for key, value in entries.items():
        if key not in names:
            names.append(key)
        setattr(page, key, value)
    page.__NoDefault__ = names


# ----------------------------------------------------------------------------- metadata


def _producer(meta: DocMeta) -> str:
    return f"{meta.creator_tool} (ReportLab {REPORTLAB_VERSION})"


class _Info(PDFInfo):  # type: ignore[misc]
    """The document information dictionary, matching the XMP, dates from the data edition;
    for print the PDF/X entries (`extra`: /Trapped, for PDF/X-1a /GTS_PDFXVersion ...)."""

    def __init__(self, meta: DocMeta, extra: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.meta = meta
        self.extra = extra or {}

    def format(self, document: Any) -> bytes:
        meta = self.meta
        date = PDFString(meta.date.strftime("D:%Y%m%d%H%M%SZ"))
        info = PDFDictionary(
            {"Title": PDFString(meta.title), "Author": PDFString(meta.author),
             "Subject": PDFString(meta.subject), "Keywords": PDFString(meta.keywords),
             "Creator": PDFString(meta.creator_tool), "Producer": PDFString(_producer(meta)),
             "CreationDate": date, "ModDate": date, **self.extra}
        )  # fmt: skip
        out: bytes = info.format(document)
        return out


def _metadata(doc: Any, meta: DocMeta, tagged: bool, standard: str | None) -> None:
    from faktaark.pdf.pdfx import document_uuid, info_entries

    packet = xmp_packet(meta, tagged, _producer(meta), standard, document_uuid(doc._ID))
    xmp = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), packet)
    doc.Catalog.Metadata = xmp
    doc.info = _Info(meta, info_entries(standard) if standard else None)


def _output_intent(doc: Any, cmyk: bool, standard: str | None = None) -> None:
    icc = PDFStream(
        PDFDictionary({"N": 4 if cmyk else 3, "Filter": PDFName("FlateDecode")}),
        _packed_profile(cmyk),
    )
    intent = PDFDictionary(
        {"Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
         "DestOutputProfile": doc.Reference(icc),
         "OutputConditionIdentifier": PDFString(CMYK_CONDITION if cmyk else "sRGB"),
         "Info": PDFString("FOGRA39L (coated), generated with ArgyllCMS" if cmyk
                           else "sRGB IEC61966-2.1")}
    )  # fmt: skip
    intents = [intent]
    if standard:  # PDF/X: its own intent, sharing the profile object (ISO 19005-2, 6.2.3)
        from faktaark.pdf.pdfx import pdfx_intent

        intents.append(pdfx_intent(intent))
    _page_entries(doc.Catalog, OutputIntents=PDFArray(intents))


@cache
def _packed_profile(cmyk: bool) -> bytes:
    return flate(cmyk_profile() if cmyk else _srgb_profile())


def _document_id(doc: Any, meta: DocMeta, variant: str) -> bytes:
    """The trailer /ID, derived from what the pages draw and the metadata (ReportLab's own
    ID in invariant mode is the same for different documents)."""
    h = hashlib.md5(usedforsecurity=False)
    for page in doc.Pages.pages:
        h.update(page.stream.encode("utf-8") if isinstance(page.stream, str) else page.stream)
    h.update(f"{meta.title}\x1f{meta.date.isoformat()}\x1f{variant}".encode())
    hexed = h.hexdigest().upper().encode()
    return b"[<" + hexed + b"><" + hexed + b">]"


# ----------------------------------------------------------------------------- finishing


def finish(
    rendered: Rendered,
    pages: Sequence[Sequence[Node]],
    meta: DocMeta,
    *,
    variant: str = "screen",
    standard: str | None = None,
) -> bytes:
    """The finished PDF bytes of a drawn sheet (`render.draw`): structure tree (screen),
    output intent, XMP and info, a content-derived ID, PDF/A stream framing. With `standard`
    ("x4", "x1a") the print variant is also PDF/X-4 or PDF/X-1a:2003 (`faktaark.pdf.pdfx`)."""
    writing.install()  # ReportLab writes as PDF/A asks (and faster)
    tagged = variant == "screen"
    canvas = rendered.canvas
    doc = canvas._doc
    doc._faktaark_pdfa = True
    doc._pdfVersion = {None: (1, 7), "x4": (1, 6), "x1a": (1, 4)}[standard]
    for page in doc.Pages.pages:
        page.Trans = None  # ReportLab writes an empty /Trans on every page
    if tagged:
        _struct_tree(doc, rendered, pages)
    _output_intent(doc, cmyk=standard is not None, standard=standard)
    doc._ID = _document_id(doc, meta, variant)
    _metadata(doc, meta, tagged, standard)
    _realize_fonts(doc)
    data: bytes = canvas.getpdfdata()
    return data

"""Finishing a rendered PDF with pikepdf: structure tree, PDF/A + PDF/UA metadata, fixed IDs.

The screen variant becomes tagged PDF/UA-1 and PDF/A-2a (sRGB output intent); the print
variant PDF/A-2b with the bundled FOGRA39-class CMYK output intent, untagged. Everything is
deterministic: dates come from the data edition (or SOURCE_DATE_EPOCH), the document ID is
derived from the content, and the subset tags are fixed by ReportLab. pikepdf is used here
and in `check.py` only.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from faktaark.errors import ValidationFailed
from faktaark.plan import Node
from faktaark.render import Rendered
from faktaark.resources import package_dir

__all__ = ["DocMeta", "cmyk_profile", "finish", "meta_date"]

logging.getLogger("fontTools").setLevel(logging.ERROR)
CMYK_PROFILE = "icc/FaktaCMYK-FOGRA39L.icc"
SRGB_PROFILE = "icc/sRGB-lcms.icc"
CMYK_CONDITION = "FOGRA39"


@dataclass(frozen=True)
class DocMeta:
    title: str
    author: str
    subject: str
    keywords: str
    creator_tool: str  # "faktaark 0.1.0"
    date: dt.datetime
    lang: str = "da-DK"


def meta_date(udgave: int) -> dt.datetime:
    """The document date: SOURCE_DATE_EPOCH when set, else 1 January of the edition."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime(udgave, 1, 1, tzinfo=dt.UTC)


@cache
def cmyk_profile() -> bytes:
    return (package_dir() / CMYK_PROFILE).read_bytes()


@cache
def _deflate(data: bytes) -> bytes:
    import zlib

    return zlib.compress(data, 9)


@cache
def _srgb_profile() -> bytes:
    return (package_dir() / SRGB_PROFILE).read_bytes()


# ----------------------------------------------------------------------------- structure


def _struct_tree(pdf: pikepdf.Pdf, rendered: Rendered, pages: Sequence[Sequence[Node]]) -> None:
    """Document > (H1, P, L/LI, Table/TR/TH/TD, Figure ...) with MCIDs, ParentTree, links."""
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
    root.K = Array([doc])
    mcids: dict[int, list[tuple[int, int]]] = {}  # id(node) -> [(page, mcid)]
    for m in rendered.marked:
        mcids.setdefault(id(m.node), []).append((m.page, m.mcid))
    links: dict[int, list[Any]] = {}  # id(node) -> [annotation objects]
    annots_by_page: dict[int, list[Any]] = {}
    for i, page in enumerate(pdf.pages):
        annots_by_page[i] = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
    for page_index, op_index in _link_order(rendered):
        node_id, annot_pos = op_index
        links.setdefault(node_id, []).append(annots_by_page[page_index][annot_pos])
    parents: dict[int, dict[int, Any]] = {}  # page -> mcid -> element
    next_key = len(pdf.pages)
    nums: list[Any] = []

    def build(node: Node, parent: Any, page_index: int) -> Any:
        nonlocal next_key
        el = pdf.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name("/" + node.role), P=parent, K=Array())
        )
        page_obj = pdf.pages[page_index].obj
        el.Pg = page_obj
        if node.alt:
            el.Alt = pikepdf.String(node.alt)
        attrs = dict(node.attrs)
        if "Scope" in attrs:
            el.A = Dictionary(O=Name.Table, Scope=Name("/" + attrs["Scope"]))
        if "ListNumbering" in attrs:
            el.A = Dictionary(O=Name.List, ListNumbering=Name("/" + attrs["ListNumbering"]))
        for pg, mcid in mcids.get(id(node), []):
            if pg == page_index:
                el.K.append(mcid)
            else:
                el.K.append(Dictionary(Type=Name.MCR, Pg=pdf.pages[pg].obj, MCID=mcid))
            parents.setdefault(pg, {})[mcid] = el
        for annot in links.get(id(node), []):
            link = pdf.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.Link, P=el, Pg=page_obj, K=Array())
            )
            link.K.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=page_obj))
            uri = str(annot.A.URI)
            annot.Contents = pikepdf.String(f"Link: {uri}")
            annot.StructParent = next_key
            nums.extend([next_key, link])
            next_key += 1
            el.K.append(link)
        for child in node.children:
            el.K.append(build(child, el, page_index))
        return el

    for page_index, content in enumerate(pages):
        for node in content:
            doc.K.append(build(node, doc, page_index))
    page_nums: list[Any] = []
    for page_index, page in enumerate(pdf.pages):
        page.obj.StructParents = page_index
        page.obj.Tabs = Name.S
        by_mcid = parents.get(page_index, {})
        arr = Array([by_mcid[m] for m in sorted(by_mcid)])
        page_nums.extend([page_index, pdf.make_indirect(arr)])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(page_nums + nums)))
    root.ParentTreeNextKey = next_key
    role_map = Dictionary()
    root.RoleMap = role_map
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)


def _link_order(rendered: Rendered) -> list[tuple[int, tuple[int, int]]]:
    """(page, (id(node), position among the page's link annotations)) in drawing order."""
    out = []
    count: dict[int, int] = {}
    for page_index, _op, node in rendered.links:
        pos = count.get(page_index, 0)
        count[page_index] = pos + 1
        out.append((page_index, (id(node), pos)))
    return out


# ----------------------------------------------------------------------------- metadata


def escape(text: str) -> str:
    """XML text escaping (xml.sax.saxutils pulls in urllib and http: 20 ms of imports)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" \
xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"{ua_ns}>
 <dc:format>application/pdf</dc:format>
 <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
 <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
 <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
 <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
 <pdf:Keywords>{keywords}</pdf:Keywords>
 <pdf:Producer>{producer}</pdf:Producer>
 <xmp:CreatorTool>{creator}</xmp:CreatorTool>
 <xmp:CreateDate>{date}</xmp:CreateDate>
 <xmp:ModifyDate>{date}</xmp:ModifyDate>
 <xmp:MetadataDate>{date}</xmp:MetadataDate>
 <pdfaid:part>2</pdfaid:part>
 <pdfaid:conformance>{conformance}</pdfaid:conformance>{ua}
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""

_UA_NS = (
    ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"'
    ' xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
    ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
    ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"'
)
_UA = """
 <pdfuaid:part>1</pdfuaid:part>
 <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
  <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
  <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
  <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
  <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
   <pdfaProperty:name>part</pdfaProperty:name>
   <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
   <pdfaProperty:category>internal</pdfaProperty:category>
   <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed\
</pdfaProperty:description>
  </rdf:li></rdf:Seq></pdfaSchema:property>
 </rdf:li></rdf:Bag></pdfaExtension:schemas>"""


def _producer(meta: DocMeta) -> str:
    return f"{meta.creator_tool} (ReportLab, pikepdf {pikepdf.__version__})"


def _xmp(meta: DocMeta, tagged: bool) -> bytes:
    date = meta.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    producer = _producer(meta)
    xmp = _XMP.format(
        title=escape(meta.title), author=escape(meta.author), subject=escape(meta.subject),
        lang=meta.lang, keywords=escape(meta.keywords), producer=escape(producer),
        creator=escape(meta.creator_tool), date=date, conformance="A" if tagged else "B",
        ua_ns=_UA_NS if tagged else "", ua=_UA if tagged else "",
    )  # fmt: skip
    return xmp.encode("utf-8")


def _metadata(pdf: pikepdf.Pdf, meta: DocMeta, tagged: bool) -> None:
    pdf.Root.Metadata = pdf.make_stream(_xmp(meta, tagged), Type=Name.Metadata, Subtype=Name.XML)
    producer = _producer(meta)
    pdf_date = meta.date.strftime("D:%Y%m%d%H%M%SZ")
    info = pdf.docinfo
    for key in list(info.keys()):
        del info[key]
    info.Title = pikepdf.String(meta.title)
    info.Author = pikepdf.String(meta.author)
    info.Subject = pikepdf.String(meta.subject)
    info.Keywords = pikepdf.String(meta.keywords)
    info.Creator = pikepdf.String(meta.creator_tool)
    info.Producer = pikepdf.String(producer)
    info.CreationDate = pikepdf.String(pdf_date)
    info.ModDate = pikepdf.String(pdf_date)
    pdf.Root.Lang = pikepdf.String(meta.lang)


def _output_intent(pdf: pikepdf.Pdf, cmyk: bool) -> None:
    data = cmyk_profile() if cmyk else _srgb_profile()
    icc = pdf.make_stream(_deflate(data), Filter=Name.FlateDecode, N=4 if cmyk else 3)
    intent = Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1, DestOutputProfile=icc,
        OutputConditionIdentifier=pikepdf.String(CMYK_CONDITION if cmyk else "sRGB"),
        Info=pikepdf.String("FOGRA39L (coated), generated with ArgyllCMS" if cmyk
                            else "sRGB IEC61966-2.1"),
    )  # fmt: skip
    pdf.Root.OutputIntents = Array([intent])


# ----------------------------------------------------------------------------- finishing


def _no_trailing_eol(pdf: pikepdf.Pdf) -> None:
    """Recompress any Flate stream whose data ends in CR or LF. Such data is legal, but the
    EOL before `endstream` then becomes ambiguous and validators report a wrong /Length
    (seen with page-validation on 1 sheet in 98)."""
    import zlib

    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Filter") == Name.FlateDecode:
            if obj.read_raw_bytes()[-1:] not in (b"\r", b"\n"):
                continue
            data = obj.read_bytes()
            for level in (9, 8, 7, 6, 5, 4, 3, 2, 1):
                packed = zlib.compress(data, level)
                if packed[-1:] not in (b"\r", b"\n"):
                    break
            obj.write(packed, filter=Name.FlateDecode)


def finish(
    rendered: Rendered,
    pages: Sequence[Sequence[Node]],
    meta: DocMeta,
    *,
    variant: str = "screen",
    validate: str = "full",
) -> bytes:
    """The finished PDF bytes.

    `validate`: "full" runs the cheap structural check and the full validator on the written
    bytes (page-validation: PDF/A-2a + PDF/UA-1 for the screen variant, PDF/A-2b for print);
    "fast" the structural check only; "none" nothing. A failure raises `ValidationFailed`
    naming the rules, before anything is written to disk.
    """
    from faktaark.check import full_verdicts, quick_check

    tagged = variant == "screen"
    pdf = pikepdf.open(io.BytesIO(rendered.pdf))
    for page in pdf.pages:  # ReportLab writes an empty /Trans on every page
        if "/Trans" in page.obj and len(page.obj.Trans.keys()) == 0:
            del page.obj["/Trans"]
        for annot in page.obj.get("/Annots", []):
            annot.F = 4  # printable (PDF/A)
    if tagged:
        _struct_tree(pdf, rendered, pages)
    _output_intent(pdf, cmyk=variant == "print")
    _metadata(pdf, meta, tagged)
    if validate != "none":
        problems = quick_check(pdf, cmyk=variant == "print")
        if problems:
            raise ValidationFailed(f"{meta.title}: {'; '.join(problems)}")
    _no_trailing_eol(pdf)
    buf = io.BytesIO()
    # keep ReportLab's compressed streams as they are (no decode and recompress): faster, and
    # the bytes checked by _no_trailing_eol are the bytes written
    pdf.save(
        buf,
        deterministic_id=True,
        fix_metadata_version=False,
        compress_streams=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        linearize=False,
    )
    data = buf.getvalue()
    if validate == "full":
        failed = {k: v for k, v in full_verdicts(data, variant).items() if v != "pass"}
        if failed:
            rules = "; ".join(f"{k}: {v}" for k, v in failed.items())
            raise ValidationFailed(f"{meta.title} ({variant}): {rules}")
    return data


def combine(paths: Sequence[Any], dest: Any) -> None:
    """One PDF with the pages of `paths` in order (for review or print), written atomically."""
    from pathlib import Path

    from faktaark.pipeline import write_atomic

    out = pikepdf.new()
    for p in paths:
        with pikepdf.open(p) as src:
            out.pages.extend(src.pages)
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True)
    write_atomic(Path(dest), buf.getvalue())

"""A sheet's document metadata: the values of its information dictionary and its XMP packet.

`pdfa.py` writes both into the PDF; they must agree (PDF/A), so both come from one `DocMeta`.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import NamedTuple

__all__ = ["DocMeta", "escape", "meta_date", "xmp_packet"]


class DocMeta(NamedTuple):
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


# PDF/X-4 (ISO 15930-7): the version in XMP (pdfxid, declared in an extension schema, as PDF/A-2
# requires of every property outside its predefined schemas) and the xmpMM identification.
# pdf:Trapped is not written: page-validation 0.11 rejects it as an undefined property of the
# predefined Adobe PDF schema (with or without an extension schema); /Trapped is in the info.
_X4_NS = (
    ' xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"'
    ' xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"'
    ' xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
    ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
    ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"'
)
_X4 = """
 <xmpMM:DocumentID>{doc_id}</xmpMM:DocumentID>
 <xmpMM:InstanceID>{doc_id}</xmpMM:InstanceID>
 <xmpMM:VersionID>1</xmpMM:VersionID>
 <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
 <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
 <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
  <pdfaSchema:schema>PDF/X ID Schema</pdfaSchema:schema>
  <pdfaSchema:namespaceURI>http://www.npes.org/pdfx/ns/id/</pdfaSchema:namespaceURI>
  <pdfaSchema:prefix>pdfxid</pdfaSchema:prefix>
  <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
   <pdfaProperty:name>GTS_PDFXVersion</pdfaProperty:name>
   <pdfaProperty:valueType>Text</pdfaProperty:valueType>
   <pdfaProperty:category>internal</pdfaProperty:category>
   <pdfaProperty:description>ID of PDF/X standard</pdfaProperty:description>
  </rdf:li></rdf:Seq></pdfaSchema:property>
 </rdf:li></rdf:Bag></pdfaExtension:schemas>"""


def xmp_packet(
    meta: DocMeta, tagged: bool, producer: str, pdfx: str | None = None, document_id: str = ""
) -> bytes:
    """The XMP metadata: the same values as the document information dictionary, PDF/A
    identification (part 2, conformance A when tagged, else B), when tagged PDF/UA-1, and with
    `pdfx="x4"` the PDF/X-4 identification (`document_id`: "uuid:...")."""
    date = meta.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    x4 = pdfx == "x4"
    xmp = _XMP.format(
        title=escape(meta.title), author=escape(meta.author), subject=escape(meta.subject),
        lang=meta.lang, keywords=escape(meta.keywords), producer=escape(producer),
        creator=escape(meta.creator_tool), date=date, conformance="A" if tagged else "B",
        ua_ns=_UA_NS if tagged else _X4_NS if x4 else "",
        ua=_UA if tagged else _X4.format(doc_id=document_id) if x4 else "",
    )  # fmt: skip
    return xmp.encode("utf-8")

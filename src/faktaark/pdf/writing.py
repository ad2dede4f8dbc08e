"""How ReportLab writes the objects of faktaark's files: the framing PDF/A asks of every
stream, Flate data compressed as each kind of stream deserves, and two shortcuts that give
the same bytes faster (ASCII text without the PDFDocEncoding codec, a dictionary key's name
written once per process). `install()` puts them into ReportLab; `pdfa.finish` calls it
before it writes a sheet.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream

from faktaark.pdf.pack import EOL, flate

__all__ = ["CONTENT_LEVEL", "install"]


# Page content is different on every sheet: compressed fast (level 3: a third of the time of
# the default level for 4 % more bytes). Font files and their CMaps repeat from sheet to sheet
# (9 distinct subsets in 98 sheets): compressed once, as small as zlib makes them.
CONTENT_LEVEL = 3


@lru_cache(maxsize=128)
def _packed_once(raw: bytes, font_file: bool) -> bytes:
    # a font cannot be padded like a content stream (see _stream_format)
    return zlib.compress(raw, 9) if font_file else flate(raw, 9)


_FLATE = PDFName("FlateDecode")  # "/FlateDecode": ReportLab escapes a name character by character


# ----------------------------------------------------------------------------- streams

_rl_stream_format = PDFStream.format


def _stream_format(self: PDFStream, document: Any) -> bytes:
    """ReportLab's `PDFStream.format` with the two things PDF/A requires of every stream:
    an EOL before `endstream` that /Length does not count, and Flate data that does not end
    in an EOL itself. Only for documents `finish` writes; others keep ReportLab's format."""
    if not getattr(document, "_faktaark_pdfa", False):
        out: bytes = _rl_stream_format(self, document)
        return out
    dictionary = PDFDictionary(self.dictionary.dict.copy())
    content = self.content
    if content is None:
        raise ValueError("stream content not set")
    filters = self.filters if self.filters is not None else document.defaultStreamFilters
    if filters and "Filter" not in dictionary.dict:
        # Flate only: ReportLab adds ASCII85 to page streams by default, which only adds size
        if "FlateDecode" not in [f.pdfname for f in filters]:
            raise ValueError(f"unexpected stream filters {filters!r}")
        raw = content.encode("utf8") if isinstance(content, str) else content
        if "Length1" not in dictionary.dict:
            small = len(raw) < 8192  # a CMap, not page content
            content = _packed_once(raw, False) if small else flate(raw, CONTENT_LEVEL)
            dictionary["Filter"] = PDFArray([_FLATE])
        elif (packed := _packed_once(raw, True))[-1:] not in EOL or raw[-1:] in EOL:
            # a font file cannot be padded like a content stream: on the rare bad checksum
            # (2 in 256) it is embedded uncompressed, since it ends in zero padding
            content = packed
            dictionary["Filter"] = PDFArray([_FLATE])
        else:
            content = raw
    elif isinstance(content, str):
        content = content.encode("latin-1")
    dictionary["Length"] = len(content)
    head = bytes(pdfdoc.format(dictionary, document))
    return head + b"\nstream\n" + bytes(content) + b"\nendstream\n"


_rl_pdfdoc_enc = pdfdoc.pdfdocEnc
_NOT_ASCII_IN_PDFDOC = re.compile("[\x18-\x1f]")  # ASCII codes PDFDocEncoding gives to accents


def _pdfdoc_enc(x: str | bytes) -> bytes:
    """ReportLab's `pdfdocEnc` (text in PDFDocEncoding, as every name, number and keyword of
    the file is written), with ASCII text encoded as ASCII, which gives the same bytes, without
    going through its Python codec (tens of thousands of calls per sheet)."""
    if isinstance(x, str) and x.isascii() and not _NOT_ASCII_IN_PDFDOC.search(x):
        return x.encode("ascii")
    out: bytes = _rl_pdfdoc_enc(x)
    return out


_rl_dict_format = PDFDictionary.format
_NAMES: dict[str, bytes] = {}  # a dictionary key -> the name as written ("Type" -> b"/Type")


def _dict_format(self: PDFDictionary, document: Any, IND: bytes = b"\n ") -> bytes:
    """ReportLab's `PDFDictionary.format`, the same bytes, with each key's name escaped and
    encoded once per process rather than every time (a sheet writes a thousand keys, of a
    few dozen names)."""
    d = self.dict
    fmt = pdfdoc.format
    items = []
    for k in d if isinstance(d, pdfdoc.OrderedDict) else sorted(d):
        name = _NAMES.get(k)
        if name is None:
            name = _NAMES[k] = bytes(fmt(PDFName(k), document))
        items.append(name + b" " + fmt(d[k], document))
    if (self.multiline and pdfdoc.rl_config.pdfMultiLine) or self.multiline == "forced":
        body = IND.join(items)
    else:  # at most six entries to a line
        for i in reversed(range(6, len(items), 6)):
            items.insert(i, b"\n ")
        body = b" ".join(items)
    return b"<<\n" + body + b"\n>>"


def install() -> None:
    """Put the stream framing and the two shortcuts into ReportLab (again: no change). The
    framing applies only to the documents `pdfa.finish` writes; the shortcuts give ReportLab's
    own bytes to any document."""
    PDFStream.format = _stream_format
    pdfdoc.pdfdocEnc = _pdfdoc_enc
    PDFDictionary.format = _dict_format

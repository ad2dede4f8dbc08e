"""Bounds for every PDF faktaark reads: `read_pdf(path)` before any PDF library sees the bytes.

`check`, `preflight`, `contact-sheet`, `compare` and `--combine` read PDFs with pikepdf
(qpdf), page-validation and pypdfium2 (PDFium); each of them would inflate a stream as far as
it goes. So the bytes are scanned first, without a PDF library: every stream in the file
(object streams and cross-reference streams included, reachable or not) is decoded through
its filters (Flate, LZW, RunLength, ASCIIHex, ASCII85) into a counter, never into memory, and
the file is refused, with one paragraph naming it, when

- a stream inflates past `MAX_PDF_STREAM` bytes (page content, a form, a pattern, anything
  that does not say it is a font, a profile, a function or metadata: `MAX_CONTENT`), or
  more than `MAX_INFLATION`-fold and past 1 MiB (a decompression bomb: faktaark's own
  streams inflate at most 15-fold),
- all its streams together inflate past `MAX_PDF_INFLATED` bytes,
- an image has more than `MAX_PDF_IMAGE_PIXELS` pixels (the image codecs are not run),
- it has more than `MAX_PDF_PAGES` page objects or `MAX_PDF_OBJECTS` objects,
- it is encrypted (faktaark reads no encrypted PDF: PDF/A and PDF/X forbid encryption).

A page's content is parsed whole (pikepdf), about 80 bytes of memory per byte: the readers
refuse a page or form whose content inflates past `MAX_CONTENT` (`parse_content` in
`preflight_content`), and the preflight stops past `MAX_OPERATORS` operators in a file.

The 98-sheet combined file is 2.4 MB and inflates to 7.8 MB; its biggest stream is 181 KB.
With `inflate=False` (the combined file copies streams without decoding them) only object
streams and XMP metadata (the streams decoded there) are inflated; pages, objects and
encryption are checked as always.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from faktaark.core.limits import MAX_PDF_BYTES
from faktaark.core.paths import read_bytes
from faktaark.errors import InputError

__all__ = [
    "MAX_CONTENT",
    "MAX_INFLATION",
    "MAX_OPERATORS",
    "MAX_PDF_IMAGE_PIXELS",
    "MAX_PDF_INFLATED",
    "MAX_PDF_OBJECTS",
    "MAX_PDF_PAGES",
    "MAX_PDF_STREAM",
    "BoundsError",
    "PdfSize",
    "pdf_paths",
    "read_pdf",
    "scan_pdf",
]

MAX_PDF_PAGES = 2000  # the 98-sheet combined file has 196
MAX_PDF_OBJECTS = 250_000  # it has 10.300
MAX_PDF_STREAM = 8 * 1024 * 1024  # decoded bytes of one stream (not an image)
MAX_PDF_INFLATED = 128 * 1024 * 1024  # decoded bytes of all streams (not images)
MAX_PDF_IMAGE_PIXELS = 100_000_000  # an A3 page at 600 dpi is 70 Mpixel
MAX_INFLATION = 256  # fold, past 1 MiB
MAX_CONTENT = 2 * 1024 * 1024  # decoded bytes of one page's (or form's) content, parsed whole
MAX_OPERATORS = 2_000_000  # operators a preflight interprets in one file (the 98 sheets: 450.000)
_CHUNK = 1 << 20


class BoundsError(InputError):
    """A PDF outside the bounds: refused before it is read."""


@dataclass(frozen=True)
class PdfSize:
    pages: int  # page objects found
    objects: int
    inflated: int  # decoded bytes of all streams but images


class _TooBig(Exception):
    pass


def pdf_paths(paths: object, what: str = "paths") -> list[str | Path]:
    """PDF paths as the API is given them: one path (a str or a Path) or a sequence of them,
    never the characters of one string; anything else is a `UsageError`."""
    from collections.abc import Sequence

    from faktaark.errors import UsageError

    if isinstance(paths, (str, Path)):
        return [paths]
    if isinstance(paths, (bytes, bytearray)) or not isinstance(paths, Sequence):
        raise UsageError(f"{what}: a path or a list of paths, got {type(paths).__name__}.")
    bad = [p for p in paths if not isinstance(p, (str, Path))]
    if bad:
        raise UsageError(f"{what}: every item must be a path, got {type(bad[0]).__name__}.")
    return list(paths)


def read_pdf(
    path: Path, what: str = "PDF", *, inflate: bool = True, limit: int = MAX_PDF_BYTES
) -> bytes:
    """The bytes of a PDF within the bounds (else a `BoundsError` naming `path`); what is not
    a regular file of at most `limit` bytes is an `InputError` from the path guard."""
    data = read_bytes(path, limit=limit, what=what)
    scan_pdf(data, path, inflate=inflate)
    return data


_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z0-9])")
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_REF = rb"(\d+)\s+(\d+)\s+R"
_LENGTH = re.compile(rb"/Length\s+(?:" + _REF + rb"|(\d+))")
_FILTER = re.compile(rb"/Filter\s*(?:(/[^\s/\[\]<>()]+)|\[([^\]]*)\]|" + _REF + rb")")
_INT = {key: re.compile(rb"/" + key + rb"\s+(\d+)") for key in (b"Width", b"Height", b"N")}
_ENDSTREAM = re.compile(rb"\s*endstream")
_IMAGE = re.compile(rb"/Subtype\s*/Image(?![A-Za-z0-9])")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm(?![A-Za-z0-9])")
_METADATA = re.compile(rb"/Type\s*/Metadata(?![A-Za-z0-9])")
# what a stream that is not page content says of itself: a font program, an ICC profile, a
# sampled function, an object stream, XMP, an embedded file (page and form content: none)
_NOT_CONTENT = re.compile(
    rb"/(?:Length[123]|N|FunctionType|Type\s*/(?:ObjStm|XRef|Metadata|EmbeddedFile)"
    rb"|Subtype\s*/(?:Type1C|CIDFontType0C|OpenType|XML))(?![A-Za-z0-9])"
)


def scan_pdf(data: bytes, path: Path | str, *, inflate: bool = True) -> PdfSize:
    """Scan the bytes of a PDF for what the bounds refuse (see the module's docstring)."""
    where = str(path)
    if _ENCRYPT.search(data):
        raise BoundsError(f"{where}: encrypted; faktaark reads no encrypted PDF (PDF/A and PDF/X "
                          "forbid encryption).")  # fmt: skip
    objects = data.count(b"obj") - data.count(b"endobj")  # "N G obj" (and stray text)
    pages = len(_PAGE.findall(data))
    total = 0
    pos = 0
    objs = _Objects(data)
    while (m := _STREAM.search(data, pos)) is not None:
        pos = m.end()
        before = data[max(0, m.start() - 16) : m.start()]
        if before.endswith(b"end") or not before.rstrip().endswith(b">>"):
            continue  # "endstream", or the word in text
        lo = max(0, m.start() - 65536)  # a stream's dictionary: from its "obj" (64 KB at most)
        at = data.rfind(b"obj", lo, m.start())
        head = data[at + 3 if at >= 0 else lo : m.start()]
        raw = _raw(m.end(), head, objs)
        pos = m.end() + len(raw)
        objstm = _OBJSTM.search(head) is not None
        if not inflate and not objstm and _METADATA.search(head) is None:
            continue
        image = _IMAGE.search(head) is not None
        pixels = _image(head, where) if image else 0
        n = _INT[b"N"].search(head)
        if objstm and n is not None:
            objects += int(n[1])
        # an image inflates to at most its pixels (4 components of 16 bits, a predictor byte
        # per row); anything else to `MAX_PDF_STREAM`, and not too many times its size
        cap = (
            pixels * 8 + 65536
            if image
            else MAX_CONTENT
            if _NOT_CONTENT.search(head) is None
            else None
        )
        try:
            size, found = _decoded(raw, _filters(head, objs), objstm, cap)
        except _TooBig as exc:
            raise BoundsError(f"{where}: a stream at byte {m.end()} {exc}; refused (a "
                              "decompression bomb or a damaged file).") from None  # fmt: skip
        pages += found
        total += 0 if image else size
        if total > MAX_PDF_INFLATED:
            raise BoundsError(f"{where}: its streams inflate to more than "
                              f"{MAX_PDF_INFLATED // 2**20} MiB; refused.")  # fmt: skip
    if pages > MAX_PDF_PAGES:
        raise BoundsError(f"{where}: {pages} pages, more than the {MAX_PDF_PAGES} faktaark "
                          "reads; refused.")  # fmt: skip
    if objects > MAX_PDF_OBJECTS:
        raise BoundsError(f"{where}: {objects} objects, more than the {MAX_PDF_OBJECTS} faktaark "
                          "reads; refused.")  # fmt: skip
    return PdfSize(pages, objects, total)


_OBJECT = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b")


class _Objects:
    """The indirect objects of a file, for a /Length or /Filter given by reference. Where each
    object starts is found in one pass over the file, at the first reference: a file of
    thousands of streams whose lengths are references is read once, not once per stream."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._at: dict[tuple[bytes, bytes], int] | None = None

    def text(self, number: bytes, generation: bytes) -> bytes:
        """The object's text (up to 4 KB); b"" when there is no such object."""
        if self._at is None:
            self._at = {}
            for m in _OBJECT.finditer(self.data):
                self._at.setdefault((m[1], m[2]), m.end())
        at = self._at.get((number, generation))
        return b"" if at is None else self.data[at : at + 4096].split(b"endobj")[0]


def _raw(start: int, head: bytes, objs: _Objects) -> bytes:
    """A stream's data: /Length bytes when they end at `endstream`, else up to `endstream`."""
    data = objs.data
    m = _LENGTH.search(head)
    length = None
    if m is not None and m[3] is not None:
        length = int(m[3])
    elif m is not None:
        value = objs.text(m[1], m[2]).strip()
        length = int(value) if value.isdigit() else None
    if length is not None and _ENDSTREAM.match(data, start + length):
        return data[start : start + length]
    end = data.find(b"endstream", start)
    return data[start : end if end >= 0 else len(data)]


def _filters(head: bytes, objs: _Objects) -> list[bytes]:
    m = _FILTER.search(head)
    if m is None:
        return []
    text = m[1] or m[2] or objs.text(m[3], m[4])
    return [name.lstrip(b"/") for name in re.findall(rb"/[^\s/\[\]<>()]+", text)]


def _image(head: bytes, where: str) -> int:
    """An image's pixels (0 when its size is not given as numbers), refused past the cap."""
    w, h = _INT[b"Width"].search(head), _INT[b"Height"].search(head)
    pixels = int(w[1]) * int(h[1]) if w is not None and h is not None else 0
    if pixels > MAX_PDF_IMAGE_PIXELS:
        raise BoundsError(
            f"{where}: an image of {int(w[1])} x {int(h[1])} pixels, more than the "  # type: ignore[index]
            f"{MAX_PDF_IMAGE_PIXELS // 10**6} Mpixel faktaark reads; refused."
        )
    return pixels


def _decoded(
    raw: bytes, filters: list[bytes], count_pages: bool, cap: int | None = None
) -> tuple[int, int]:
    """The decoded size of a stream (and, for an object stream, its page objects), at most
    `cap` (default: the stream bounds); raises `_TooBig`. Filters that are not undone here
    (image codecs, Crypt) end the measuring."""
    limit = cap if cap is not None else min(MAX_PDF_STREAM, max(_CHUNK, len(raw) * MAX_INFLATION))
    data = raw
    for i, name in enumerate(filters):
        last = i == len(filters) - 1
        if name in (b"FlateDecode", b"Fl"):
            size, pages, out = _inflate(data, limit, keep=not last, count_pages=count_pages)
            if last:
                return size, pages
            data = out
        elif name in (b"LZWDecode", b"LZW"):
            data = _lzw(data, limit)
        elif name in (b"RunLengthDecode", b"RL"):
            data = _run_length(data, limit)
        elif name in (b"ASCIIHexDecode", b"AHx"):
            hexed = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">")[0])
            data = bytes.fromhex((hexed + b"0" * (len(hexed) % 2)).decode())
        elif name in (b"ASCII85Decode", b"A85"):
            try:
                text = data.split(b"~>")[0].removeprefix(b"<~")
                data = base64.a85decode(re.sub(rb"\s", b"", text))
            except ValueError:
                return len(data), 0
        else:
            break
        if len(data) > limit:
            raise _TooBig(_why(len(data), len(raw)))
    return len(data), len(_PAGE.findall(data)) if count_pages else 0


def _why(size: int, raw: int) -> str:
    if size > MAX_PDF_STREAM:
        return f"inflates past {MAX_PDF_STREAM // 2**20} MiB"
    return f"inflates more than {MAX_INFLATION}-fold ({raw} bytes to over {size})"


def _inflate(raw: bytes, limit: int, keep: bool, count_pages: bool) -> tuple[int, int, bytes]:
    """Flate-decode `raw` chunk by chunk into a counter (and, with `keep`, into bytes)."""
    d = zlib.decompressobj()
    size = pages = 0
    kept = bytearray()
    tail = b""
    rest = raw
    try:
        while rest:
            piece = d.decompress(rest, _CHUNK)
            rest = d.unconsumed_tail
            size += len(piece)
            if size > limit:
                raise _TooBig(_why(size, len(raw)))
            if keep:
                kept += piece
            if count_pages:
                window = tail + piece
                pages += len(_PAGE.findall(window)) - len(_PAGE.findall(tail))
                tail = window[-32:]
            if not piece and not rest:
                break
            if d.eof:
                break
    except zlib.error:
        pass  # damaged data: the reader reports it; what was inflated is counted
    return size, pages, bytes(kept)


def _lzw(data: bytes, limit: int) -> bytes:
    """LZW decoding (early change 1, as PDF's default), refused past `limit` bytes."""
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    out = bytearray()
    bits, buf, nbits, prev = 9, 0, 0, b""
    for byte in data:
        buf = (buf << 8) | byte
        nbits += 8
        while nbits >= bits:
            nbits -= bits
            code = (buf >> nbits) & ((1 << bits) - 1)
            if code == 256:
                table, bits, prev = table[:258], 9, b""
                continue
            if code == 257:
                return bytes(out)
            entry = table[code] if code < len(table) else prev + prev[:1]
            if prev and len(table) < 4096:
                table.append(prev + entry[:1])
            out += entry
            if len(out) > limit:
                raise _TooBig(_why(len(out), len(data)))
            prev = entry
            if len(table) + 1 >= (1 << bits) and bits < 12:
                bits += 1
        buf &= (1 << nbits) - 1
    return bytes(out)


def _run_length(data: bytes, limit: int) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        n = data[i]
        if n == 128:
            break
        if n < 128:
            out += data[i + 1 : i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
        if len(out) > limit:
            raise _TooBig(_why(len(out), len(data)))
    return bytes(out)

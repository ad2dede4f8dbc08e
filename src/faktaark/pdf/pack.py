"""Object streams for a PDF that qpdf wrote without them: `pack_object_streams(data)`.

The combined file (`pdf.combine`) is written by qpdf with a classic cross-reference table and
its streams as they came from the sheets. Its thousands of small objects (structure elements,
pages, font dictionaries) then go into compressed object streams here, with a cross-reference
stream (PDF 1.5, allowed by PDF/A-2 and PDF/X-4). qpdf can make object streams itself, but it
cannot be told to keep the compressed data of an object stream from ending in CR or LF: the
last four bytes of zlib data are the Adler-32 checksum of the content, and one stream in 128
ends so, which makes the EOL before `endstream` ambiguous (validators then count it into
/Length; see `flate`). Here an object stream gets trailing spaces (harmless after its
last object) until its data ends well, and the cross-reference stream an extra free entry
(generation 65535: its two 0xFF bytes change the checksum; zero bytes would not).

Stream objects stay as written, byte for byte; object numbers do not change.
"""

from __future__ import annotations

import re
import struct
import zlib
from itertools import pairwise

__all__ = ["EOL", "flate", "pack_object_streams"]

PER_STREAM = 1000  # objects per object stream
EOL = (b"\r", b"\n")  # the bytes zlib data must not end in (before `endstream`)
_OBJ_HEAD = re.compile(rb"(\d+) 0 obj\n")
_TRAILER_KEY = re.compile(rb"/(Root|Info) (\d+ 0 R)")
_TRAILER_ID = re.compile(rb"/ID \[[^\]]*\]")


def flate(data: bytes, level: int = 6) -> bytes:
    """zlib data whose last byte is not CR or LF. Such data is legal, but the EOL before
    `endstream` then becomes ambiguous and validators may count it into /Length. The last
    bytes are the Adler-32 checksum of `data`, so no compression level changes them: the data
    is padded with spaces (harmless in content streams, CMaps and after an object stream's
    last object) until they end well. (Also the sheets' streams: `writing`.)"""
    packed = zlib.compress(data, level)
    while packed[-1:] in EOL:
        data += b" "
        packed = zlib.compress(data, level)
    return packed


def _table(data: bytes) -> tuple[dict[int, int], int, bytes]:
    """Object number -> offset, the offset of the table and the trailer dictionary of a file
    with one classic cross-reference section (as qpdf writes without object streams)."""
    start = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    if not data.startswith(b"xref\n", start):
        raise ValueError("no classic cross-reference table at startxref")
    line_end = data.index(b"\n", start + 5)
    first, count = (int(x) for x in data[start + 5 : line_end].split())
    body = line_end + 1
    offsets = {}
    for i in range(count):
        entry = data[body + 20 * i : body + 20 * i + 20]
        if entry[17:18] == b"n":
            offsets[first + i] = int(entry[:10])
    trailer = data[body + 20 * count : data.rindex(b"startxref")]
    return offsets, start, trailer


def pack_object_streams(data: bytes) -> bytes:
    """`data` (one classic cross-reference section, generation 0 only) with every object that
    is not a stream in compressed object streams and a cross-reference stream."""
    offsets, table_at, trailer = _table(data)
    order = sorted(offsets, key=offsets.__getitem__)
    ends = {n: offsets[m] for n, m in pairwise(order)}
    ends[order[-1]] = table_at
    out = bytearray(data[: offsets[order[0]]])
    new_offsets: dict[int, int] = {}
    packed: list[tuple[int, bytes]] = []  # (number, the object's value)
    for n in order:
        text = data[offsets[n] : ends[n]]
        head = _OBJ_HEAD.match(text)
        if head is None or int(head[1]) != n:
            raise ValueError(f"object {n}: not where the cross-reference table says")
        value = text[head.end() :].rstrip()
        if not value.endswith(b"endobj"):
            raise ValueError(f"object {n}: no endobj")
        value = value[: -len(b"endobj")].rstrip()
        if value.endswith(b"endstream"):
            new_offsets[n] = len(out)
            out += text
        else:
            packed.append((n, value))
    where: dict[int, tuple[int, int]] = {}  # object -> (object stream, index)
    number = max(offsets) + 1
    for start in range(0, len(packed), PER_STREAM):
        chunk = packed[start : start + PER_STREAM]
        pairs, body, pos = [], bytearray(), 0
        for index, (n, value) in enumerate(chunk):
            pairs.append(b"%d %d" % (n, pos))
            body += value + b"\n"
            pos += len(value) + 1
            where[n] = (number, index)
        header = b" ".join(pairs) + b"\n"
        stream = flate(header + bytes(body))
        new_offsets[number] = len(out)
        out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>" % (
            number,
            len(chunk),
            len(header),
            len(stream),
        )
        out += b"\nstream\n" + stream + b"\nendstream\nendobj\n"
        number += 1
    xref_number = number
    new_offsets[xref_number] = len(out)
    if len(out) >= 2**32:
        raise ValueError("the combined file is over 4 GB")
    keys = b" ".join(b"/%s %s" % (m[1], m[2]) for m in _TRAILER_KEY.finditer(trailer))
    ids = _TRAILER_ID.search(trailer)
    size = xref_number + 1
    for _ in range(4):
        rows = [struct.pack(">BIH", 0, 0, 65535)]
        for n in range(1, size):
            if n in where:
                rows.append(struct.pack(">BIH", 2, *where[n]))
            elif n in new_offsets:
                rows.append(struct.pack(">BIH", 1, new_offsets[n], 0))
            else:  # free: no next free object, generation 65535 (never to be reused)
                rows.append(struct.pack(">BIH", 0, 0, 65535))
        stream = zlib.compress(b"".join(rows), 6)
        if stream[-1:] not in EOL:
            break
        # the last byte of zlib data is the low byte of the sum of the bytes (Adler-32): one
        # more free entry adds 0x1FE to it, which ends the data in neither CR nor LF
        size += 1
    else:
        raise ValueError("the cross-reference stream cannot be made to end without an EOL")
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 4 2 ] %s %s /Filter /FlateDecode /Length %d >>"
        % (xref_number, size, keys, ids[0] if ids else b"", len(stream))
    )
    out += b"\nstream\n" + stream + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % new_offsets[xref_number]
    return bytes(out)

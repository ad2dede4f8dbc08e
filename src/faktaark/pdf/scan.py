"""The structural check every sheet gets as it is written: `scan_written(data)`.

It reads the bytes as `pdfa.finish` writes them (no object streams, no incremental updates),
without a PDF library: header and trailer, cross-reference offsets, every stream's /Length and
end-of-line framing, embedded fonts only, no /Trans, printable link annotations, XMP metadata,
the output intent's colour components, and (screen variant) the structure tree entries and no
empty structure element.
"""

from __future__ import annotations

import re
from itertools import pairwise

__all__ = ["scan_written"]

_LENGTH = re.compile(rb"/Length (\d+)")
_REF = re.compile(rb"/DestOutputProfile (\d+) 0 R")
_NO_KIDS = re.compile(rb"/K \[\s*\]")


_OBJ = re.compile(rb"(?:^|\n)(\d+) 0 obj\n")


def _objects(data: bytes) -> tuple[dict[int, tuple[int, int]], list[str]]:
    """Object number -> (start, end) from the cross-reference table of a file written without
    object streams or incremental updates (as `pdfa.finish` writes), checking each offset.
    When the table is broken, the objects are found by their `N 0 obj` lines instead."""
    problems: list[str] = []
    offsets: dict[int, int] = {}
    start = len(data)
    try:
        start = int(data[data.rindex(b"startxref") + 9 :].split()[0])
        head, _, rest = data[start:].partition(b"\n")
        count_line, _, rest = rest.partition(b"\n")
        first, count = (int(x) for x in count_line.split())
        if head.strip() != b"xref" or first != 0:
            raise ValueError
        entries = rest.split(b"\n", count)[:count]
        offsets = {n: int(e[:10]) for n, e in enumerate(entries) if e[17:18] == b"n"}
    except ValueError:
        problems.append("no readable cross-reference table at startxref")
    for n, off in offsets.items():
        if not data.startswith(b"%d 0 obj" % n, off):
            problems.append(f"object {n}: the cross-reference offset is wrong")
    if problems:
        found = {int(m[1]): m.start(1) for m in _OBJ.finditer(data)}
        offsets, start = found, data.rfind(b"xref")
    ordered = [*sorted(offsets.values()), start]
    following = dict(pairwise(ordered))
    spans = {n: (off, following[off]) for n, off in offsets.items()}
    return spans, problems


def scan_written(data: bytes, cmyk: bool, tagged: bool) -> list[str]:
    """Cheap structural checks of the bytes of a sheet as `pdfa.finish` writes them: header
    and trailer, cross-reference offsets, every stream's /Length and EOLs, embedded fonts only,
    no /Trans, printable link annotations, XMP metadata, the output intent's colour components,
    and (screen variant) the structure tree entries."""
    problems: list[str] = []
    if not data.startswith(b"%PDF-1.") or not data.rstrip().endswith(b"%%EOF"):
        problems.append("no PDF header or %%EOF")
    spans, problems2 = _objects(data)
    problems += problems2
    dicts: dict[int, bytes] = {}
    for n, (a, b) in spans.items():
        text = data[a:b]
        pos = text.find(b"\nstream\n")
        if pos < 0:
            dicts[n] = text
            continue
        dicts[n] = text[:pos]
        length = _LENGTH.search(text[:pos])
        body = pos + 8
        if length is None:
            problems.append(f"object {n}: a stream without /Length")
        elif text[body + int(length[1]) :].split(b"endobj")[0] != b"\nendstream\n":
            problems.append(f"object {n}: /Length does not end at an EOL and endstream")
        elif b"/FlateDecode" in text[:pos] and text[body + int(length[1]) - 1] in b"\r\n":
            problems.append(f"object {n}: Flate data ends in an EOL")
    every = b"".join(dicts.values())
    if b"Helvetica" in every:
        problems.append("font Helvetica must not appear")
    for n, d in dicts.items():
        if b"/Type /FontDescriptor" in d and b"/FontFile2 " not in d:
            problems.append(f"object {n}: a font is not embedded")
        if b"/Subtype /Type1" in d and b"/Type /Font" in d:
            problems.append(f"object {n}: a Type 1 font (not embedded)")
        if b"/Type /Page\n" in d or b"/Type /Page " in d:
            if b"/Trans" in d:
                problems.append(f"object {n}: a page has /Trans")
            if tagged and b"/StructParents " not in d:
                problems.append(f"object {n}: a page has no /StructParents")
        if tagged and b"/Type /StructElem" in d and _NO_KIDS.search(d):
            problems.append(f"object {n}: an empty structure element")
        if b"/Subtype /Link" in d and b"/F 4" not in d:
            problems.append(f"object {n}: a link annotation is not printable (/F)")
    catalog = next((d for d in dicts.values() if b"/Type /Catalog" in d), b"")
    wanted = [b"/Metadata ", b"/OutputIntents "]
    wanted += [b"/StructTreeRoot ", b"/MarkInfo ", b"/Lang "] if tagged else []
    problems += [f"the catalog has no {w.decode().strip()}" for w in wanted if w not in catalog]
    profile = _REF.search(catalog) or _REF.search(every)
    n = 4 if cmyk else 3
    if profile is None or b"/N %d" % n not in dicts.get(int(profile[1]), b""):
        problems.append(f"the output intent's profile does not have {n} components")
    return problems

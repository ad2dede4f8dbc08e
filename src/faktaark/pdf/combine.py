"""`build --combine FILE.pdf`: the sheets of a run in one PDF that holds to the same standards.

Screen sheets (tagged PDF/UA-1 + PDF/A-2a) become one tagged PDF/UA-1 + PDF/A-2a file: one
structure tree (Document > one Part per sheet > the sheet's own elements, marked content and
links renumbered), a bookmark per sheet, /Lang, a title shown in the window. Print sheets
(PDF/X-4 + PDF/A-2b, or PDF/X-1a:2003 + PDF/A-2b) become one file of the same standards, with
their page boxes, the shared FOGRA39 output intent and the PDF/X identification.

Each distinct font (subset tag, widths, program) is stored once however many sheets use it:
the subset tag is derived from the subset's characters (`text.fonts.subset_tag`), so equal
fonts have equal bytes, and 98 sheets use 9 distinct font programs. Objects go into object
streams (not for PDF/X-1a, which is PDF 1.4). The bytes depend only on the inputs: the file ID
is derived from them and the metadata dates are the sheets' own.

The sheets are read through the PDF bounds (`pdf.bounds`) and must all be faktaark's own
sheets of one variant; anything else is an `InputError` naming the file.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faktaark.errors import InputError
from faktaark.pdf.bounds import MAX_PDF_PAGES

__all__ = ["combine"]

MAX_SHEETS = 1000  # a combined file of more sheets is not a review or a print job
MAX_BYTES = 256 * 1024 * 1024  # the sheets together (98 sheets: 6 MB); `check` reads as much


@dataclass
class _Kind:
    """What a sheet is: tagged screen, or print with its PDF/X version."""

    tagged: bool
    pdfx: str | None  # "PDF/X-4", "PDF/X-1a:2003"

    def label(self) -> str:
        return "a tagged screen sheet" if self.tagged else f"a print sheet ({self.pdfx})"


@dataclass
class _Combined:
    out: Any
    kind: _Kind
    fonts: dict[tuple[bytes, ...], Any] = field(default_factory=dict)
    parts: list[Any] = field(default_factory=list)  # one /Part element per sheet
    parents: list[tuple[int, Any]] = field(default_factory=list)  # page index -> its array
    links: list[tuple[Any, Any]] = field(default_factory=list)  # (annotation, Link element)
    outline: list[tuple[str, int]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # the first sheet's info dictionary
    lang: str = "da-DK"
    digest: Any = field(default_factory=hashlib.sha256)


def combine(
    sheets: object, dest: Path, *, labels: Sequence[str] | None = None,
    title: str | None = None,
) -> None:  # fmt: skip
    """One PDF with the pages of `sheets` (one path or a sequence of them) in order, written
    atomically to `dest`. `labels` name the bookmark (and structure part) of each sheet,
    default its title; `title` is the document title, default "Faktaark for N kommuner"."""
    import pikepdf

    from faktaark.core.atomic import write_atomic
    from faktaark.pdf.bounds import pdf_paths

    paths = [Path(p) for p in pdf_paths(sheets, "sheets")]

    if not paths:
        raise InputError(f"{dest}: no sheets to combine.")
    if len(paths) > MAX_SHEETS:
        raise InputError(f"{dest}: {len(paths)} sheets, more than the {MAX_SHEETS} combined.")
    if labels is not None and len(labels) != len(paths):
        raise InputError(f"{dest}: {len(labels)} labels for {len(paths)} sheets.")
    sources: list[Any] = []
    state: _Combined | None = None
    total = pages = 0
    try:
        for i, p in enumerate(paths):
            data, src = _open(Path(p))
            sources.append(src)
            total, pages = total + len(data), pages + len(src.pages)
            if total > MAX_BYTES or pages > MAX_PDF_PAGES:
                limit = f"{MAX_BYTES // 2**20} MB or {MAX_PDF_PAGES} pages"
                raise InputError(f"{p}: the combined file would be over {limit}, more than "
                                 "faktaark reads.")  # fmt: skip
            kind = _kind(src, data)
            if state is None:
                state = _Combined(pikepdf.new(), kind)
                _first(state, src, Path(p))
            elif kind != state.kind:
                raise InputError(
                    f"{p}: {kind.label()}, but the first sheet is {state.kind.label()}; "
                    "a combined file holds sheets of one variant."
                )
            label = labels[i] if labels is not None else str(src.docinfo.get("/Title", p.stem))
            state.digest.update(hashlib.sha256(data).digest())
            _add(state, src, label)
        assert state is not None
        data = _finish(state, title or _default_title(len(paths)))
    except (pikepdf.PdfError, ValueError) as exc:  # ValueError: `pack` (cannot happen)
        raise InputError(f"{dest}: cannot combine the sheets: {exc}") from None
    finally:
        for src in sources:
            src.close()
    write_atomic(Path(dest), data)


def _default_title(n: int) -> str:
    return f"Faktaark for {n} kommune{'' if n == 1 else 'r'}"


def _open(path: Path) -> tuple[bytes, Any]:
    """A sheet read within the PDF bounds: its bytes and the pikepdf document."""
    import pikepdf

    from faktaark.pdf.bounds import read_pdf

    data = read_pdf(path, what="sheet", inflate=False)  # streams are copied, not decoded
    try:
        return data, pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise InputError(f"{path}: cannot add to the combined PDF: {exc}") from None


def _kind(src: Any, data: bytes) -> _Kind:
    from faktaark.pdf.preflight_ident import xmp_properties

    tagged = "/StructTreeRoot" in src.Root
    if b"<?xpacket" in data:  # a sheet's XMP is not compressed: found without parsing it
        at = data.find(b"GTS_PDFXVersion")
        found = _PDFX.search(data, max(0, at - 16)) if at >= 0 else None
        return _Kind(tagged, (found[1] or found[2]).decode() if found else None)
    props: dict[str, str] = {}
    meta = src.Root.get("/Metadata")
    if meta is not None:
        try:
            props = xmp_properties(meta.read_bytes())
        except Exception:  # an unreadable XMP: the sheet is not one of faktaark's
            props = {}
    pdfx = props.get("pdfxid:GTS_PDFXVersion") or str(src.docinfo.get("/GTS_PDFXVersion", ""))
    return _Kind(tagged, pdfx or None)


_PDFX = re.compile(rb"<pdfxid:GTS_PDFXVersion>([^<]*)</|/GTS_PDFXVersion\s*\(([^)]*)\)")


def _first(state: _Combined, src: Any, path: Path) -> None:
    """What the combined file takes from its first sheet: the output intents (one profile
    object shared by the /GTS_PDFA1 and /GTS_PDFX intents), the metadata values."""
    import pikepdf

    out = state.out
    intents = src.Root.get("/OutputIntents")
    if not isinstance(intents, pikepdf.Array) or not len(intents):
        raise InputError(f"{path}: no output intent: not a faktaark sheet.")
    out.Root.OutputIntents = pikepdf.Array([out.copy_foreign(_indirect(src, oi)) for oi in intents])
    state.meta = {str(k): str(v) for k, v in src.docinfo.items()}
    state.lang = str(src.Root.get("/Lang", "da-DK"))
    if state.kind.tagged:
        root = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        doc = out.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root)
        )
        root.K = pikepdf.Array([doc])
        out.Root.StructTreeRoot = root
        state.parts = [doc]  # the document element first; the parts follow


def _indirect(src: Any, obj: Any) -> Any:
    return obj if obj.is_indirect else src.make_indirect(obj)


def _font_key(font: Any) -> tuple[bytes, ...]:
    """A font's identity: its name and the raw bytes of its program. The name's subset tag is
    derived from the subset's characters and the program is the font's subset of them, so
    two fonts with one key have the same widths and ToUnicode map and draw the same glyphs."""
    desc = font.get("/FontDescriptor")
    program = b""
    if desc is not None:
        for key in ("/FontFile2", "/FontFile", "/FontFile3"):
            if key in desc:
                program = desc[key].read_raw_bytes()
                break
    return (str(font.get("/BaseFont", "")).encode(), program)


def _add(state: _Combined, src: Any, label: str) -> None:
    """Append one sheet: its pages (each font the combined file already has is shared), its
    structure and its bookmark."""
    import pikepdf

    out = state.out
    keys: list[dict[str, tuple[bytes, ...]]] = []  # per page: font resource -> identity
    known: dict[tuple[int, int], tuple[bytes, ...]] = {}
    for page in src.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font")
        found = {}
        if isinstance(fonts, pikepdf.Dictionary):
            for name, font in fonts.items():
                if font.is_indirect:
                    key = known.get(font.objgen)
                    if key is None:
                        key = known[font.objgen] = _font_key(font)
                    found[name] = key
        keys.append(found)
    first = len(out.pages)
    out.pages.extend(src.pages)
    for page, found in zip(out.pages[first:], keys, strict=True):
        if not found:
            continue
        fonts = page.obj.Resources.Font
        for name, key in found.items():
            fonts[name] = state.fonts.setdefault(key, fonts[name])
    state.outline.append((label, first))
    if state.kind.tagged:
        _structure(state, src, first, label)


def _structure(state: _Combined, src: Any, first: int, label: str) -> None:
    """The sheet's structure tree, copied whole (its elements point to the pages already
    copied): its Document element becomes a /Part of the combined Document; its page and
    link keys are renumbered."""
    import pikepdf

    out = state.out
    root = out.copy_foreign(src.Root.StructTreeRoot)  # not itself written: not referenced
    part = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
    part.S = pikepdf.Name.Part
    part.P = state.parts[0]
    part.T = pikepdf.String(label)
    state.parts.append(part)
    nums = list(root.ParentTree.Nums)
    n_pages = len(src.pages)
    links = {}
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        if int(key) < n_pages:
            state.parents.append((first + int(key), value))
        else:
            links[int(key)] = value
    for index, page in enumerate(out.pages[first:], first):
        page.obj.StructParents = index
        for annot in page.obj.get("/Annots", ()):
            key = annot.get("/StructParent")
            if key is not None and int(key) in links:
                state.links.append((annot, links[int(key)]))


def _finish(state: _Combined, title: str) -> bytes:
    """The catalog, the metadata and the ID of the combined file, written with object
    streams (PDF/X-1a: without, as PDF 1.4)."""
    import pikepdf

    out = state.out
    x1a = bool(state.kind.pdfx and state.kind.pdfx.startswith("PDF/X-1a"))
    n_pages = len(out.pages)
    if state.kind.tagged:
        root = out.Root.StructTreeRoot
        state.parts[0].K = pikepdf.Array(state.parts[1:])
        nums: list[Any] = []
        for index, array in state.parents:
            nums += [index, array]
        for i, (annot, link) in enumerate(state.links):
            annot.StructParent = n_pages + i
            nums += [n_pages + i, link]
        root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
        root.ParentTreeNextKey = n_pages + len(state.links)
        out.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        out.Root.Lang = pikepdf.String(state.lang)
    out.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    out.Root.PageMode = pikepdf.Name.UseOutlines
    with out.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(label, page) for label, page in state.outline)
    doc_id = hashlib.md5(state.digest.digest() + title.encode(), usedforsecurity=False).digest()
    out.trailer.ID = pikepdf.Array([pikepdf.String(doc_id), pikepdf.String(doc_id)])
    _metadata(state, title, doc_id)
    buf = io.BytesIO()  # streams as the sheets wrote them (qpdf would inflate and deflate)
    out.save(
        buf, fix_metadata_version=False, deterministic_id=True, compress_streams=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        force_version="1.4" if x1a else "1.6" if state.kind.pdfx else "1.7",
    )  # fmt: skip
    if x1a:  # PDF 1.4: no object streams
        return buf.getvalue()
    from faktaark.pdf.pack import pack_object_streams

    return pack_object_streams(buf.getvalue())


def _metadata(state: _Combined, title: str, doc_id: bytes) -> None:
    """Information dictionary and XMP (`pdf.metadata`), as a single sheet writes them."""
    import datetime as dt

    import pikepdf

    from faktaark.pdf.metadata import DocMeta, xmp_packet

    info = state.meta
    stamp = info.get("/CreationDate", "D:20000101000000Z")
    try:
        date = dt.datetime.strptime(stamp[2:16], "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        date = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    n = len(state.outline)
    first, last = state.outline[0][0], state.outline[-1][0]
    subject = f"{n} faktaark i én fil: {first}" + (f" – {last}" if n > 1 else "")
    creator = info.get("/Creator", "faktaark")
    producer = f"{creator} (pikepdf {pikepdf.__version__})"
    meta = DocMeta(
        title=title, author=info.get("/Author", "faktaark"), subject=subject,
        keywords="faktaark, almene boliger", creator_tool=creator, date=date, lang=state.lang,
    )  # fmt: skip
    pdfx = state.kind.pdfx
    standard = "x4" if pdfx == "PDF/X-4" else "x1a" if pdfx else None
    hexed = doc_id.hex()
    uuid = f"uuid:{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:32]}"
    packet = xmp_packet(meta, state.kind.tagged, producer, standard, uuid)
    out = state.out
    out.Root.Metadata = out.make_stream(
        packet, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
    )
    stamp = date.strftime("D:%Y%m%d%H%M%SZ")
    entries: dict[str, Any] = {
        "/Title": title, "/Author": meta.author, "/Subject": subject, "/Keywords": meta.keywords,
        "/Creator": creator, "/Producer": producer, "/CreationDate": stamp, "/ModDate": stamp,
    }  # fmt: skip
    if pdfx:
        entries["/Trapped"] = pikepdf.Name("/False")
    if standard == "x1a":
        entries["/GTS_PDFXVersion"] = pdfx
        entries["/GTS_PDFXConformance"] = pdfx
    out.docinfo = out.make_indirect(
        pikepdf.Dictionary({k: pikepdf.String(v) if isinstance(v, str) else v
                            for k, v in entries.items()})
    )  # fmt: skip

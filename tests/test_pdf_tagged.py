"""Accessible sheets: the structure tree of Glostrup's sheet, as a screen reader walks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest

NBSP = "\u00a0"


def elements(node: Any) -> list[Any]:
    """Structure elements in document (reading) order, depth first."""
    out = []
    kids = node.get("/K")
    if kids is None:
        return out
    if not isinstance(kids, pikepdf.Array):
        kids = [kids]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            out.append(kid)
            out += elements(kid)
    return out


def mcid_texts(path: Path) -> dict[tuple[int, int], str]:
    """(page, MCID) -> the text drawn inside that marked-content sequence (pypdf visitor)."""
    reader = pypdf.PdfReader(str(path))
    found: dict[tuple[int, int], str] = {}
    for page_index, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(
            op: bytes, args: list[Any], cm: Any, tm: Any, stack: list[int | None] = stack
        ) -> None:
            if op == b"BDC":
                props = args[1] if len(args) > 1 else {}
                stack.append(props.get("/MCID") if isinstance(props, dict) else None)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(
            t: str,
            cm: Any,
            tm: Any,
            font: Any,
            size: Any,
            stack: list[int | None] = stack,
            page_index: int = page_index,
        ) -> None:
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None and t:
                key = (page_index, int(mcid))
                found[key] = found.get(key, "") + t

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


def reading_order_text(path: Path) -> list[tuple[str, str]]:
    """(role, text) of each structure element with content, following the tags."""
    texts = mcid_texts(path)
    out = []
    with pikepdf.open(path) as pdf:
        page_index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        for el in elements(pdf.Root.StructTreeRoot):
            kids = el.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids]
            parts = []
            for k in kids:
                if isinstance(k, int):
                    parts.append(texts.get((page_index[el.Pg.objgen], k), ""))
                elif isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR":
                    parts.append(texts.get((page_index[k.Pg.objgen], int(k.MCID)), ""))
            text = " ".join(p.strip() for p in parts if p.strip()).replace(NBSP, " ")
            text = " ".join(text.replace("-\n", "").split())  # lines joined, hyphens healed
            out.append((str(el.S).lstrip("/"), text))
    return out


@pytest.fixture(scope="module")
def tree(glostrup_pdf: Path) -> list[tuple[str, str]]:
    return reading_order_text(glostrup_pdf)


def test_document_language_title_and_marks(glostrup_pdf: Path) -> None:
    with pikepdf.open(glostrup_pdf) as pdf:
        assert str(pdf.Root.Lang) == "da-DK"
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.Root.StructTreeRoot.K[0].S) == "/Document"
        meta = pdf.open_metadata()
        assert meta["pdfuaid:part"] == "1"
        assert meta["pdfaid:conformance"] == "A"
        for page in pdf.pages:
            assert page.obj.Tabs == "/S"


def test_headings_in_the_order_of_the_seed(tree: list[tuple[str, str]]) -> None:
    heads = [(r, t) for r, t in tree if r.startswith("H")]
    assert heads[0] == ("H1", "ALMENE BOLIGER GØR GLOSTRUP KOMMUNE BEDRE")
    assert [t for r, t in heads if r == "H2"] == [
        "Vi understøtter et varieret boligudbud med plads til alle",
        "Vidste du, at …",
        "Samfundsansvar er en del af vores DNA",
        "Vi bidrager til et inkluderende samfund og gør en forskel ude lokalt",
    ]


def test_sections_read_in_the_order_of_seed_004(tree: list[tuple[str, str]]) -> None:
    text = " ".join(t for _, t in tree)
    order = [
        "ALMENE BOLIGER GØR GLOSTRUP",
        "1 million mennesker",
        "beboerdemokratiet",
        "Almene boliger, 2024",
        "Igangsatte byggerier",
        "tilpasser boligmassen",
        "Vi understøtter et varieret",
        "Når familiesituationen",
        "Fraflytningsprocenten i almene familieboliger var på 8 pct.",
        "udgør 40 pct.",
        "seniorboliger",
        "socialt ansvar",
        "huslejeomsætning på 333 mio. kr.",
        "Kilde: BL’s egne beregninger",
        "Vidste du, at",
        "kvadratmeterhuslejen",
        "Note: Tal for hele landet",
        "Samfundsansvar er en del",
        "Vi bidrager til et inkluderende",
        "87 mio. kr.",
        "222 mio. kr.",
        "faciliteter",
        "grønne omstilling",
        "uden profit",
        "Få meget mere at vide",
    ]
    positions = [text.find(s) for s in order]
    assert all(p >= 0 for p in positions), [
        s for s, p in zip(order, positions, strict=False) if p < 0
    ]
    assert positions == sorted(positions)


def test_tables_have_header_cells_with_scope(glostrup_pdf: Path) -> None:
    with pikepdf.open(glostrup_pdf) as pdf:
        els = elements(pdf.Root.StructTreeRoot)
        tables = [e for e in els if e.S == "/Table"]
        assert len(tables) == 2
        for t in tables:
            cells = [e for e in elements(t) if e.S in ("/TH", "/TD")]
            ths = [c for c in cells if c.S == "/TH"]
            assert len(ths) >= 2
            assert all(str(c.A.Scope) in ("/Column", "/Row") for c in ths)
            assert any(c.S == "/TD" for c in cells)


def test_every_figure_has_generated_alt_text(glostrup_pdf: Path) -> None:
    with pikepdf.open(glostrup_pdf) as pdf:
        figures = [e for e in elements(pdf.Root.StructTreeRoot) if e.S == "/Figure"]
        assert figures
        alts = [str(f.get("/Alt", "")) for f in figures]
    assert all(alts)
    assert (
        "Søjlediagram: almene boliger i Glostrup Kommune 2024: 73 ungdomsboliger, "
        "4.451 familieboliger, 90 ældreboliger."
    ) in alts


def test_lists_and_the_link(glostrup_pdf: Path) -> None:
    with pikepdf.open(glostrup_pdf) as pdf:
        els = elements(pdf.Root.StructTreeRoot)
        lists = [e for e in els if e.S == "/L"]
        assert len(lists) == 2  # the three bullets and "Vidste du, at ..."
        assert all(all(li.S == "/LI" for li in e.K) for e in lists)
        links = [e for e in els if e.S == "/Link"]
        assert len(links) == 1
        objr = links[0].K[0]
        assert objr.Type == "/OBJR"
        assert str(objr.Obj.A.URI) == "https://bl.dk"
        assert "StructParent" in str(objr.Obj.keys())


def test_all_text_is_tagged_or_an_artifact(glostrup_pdf: Path) -> None:
    with pikepdf.open(glostrup_pdf) as pdf:
        for page in pdf.pages:
            depth: list[str] = []
            for operands, op in pikepdf.parse_content_stream(page):
                name = str(op)
                if name == "BDC" or name == "BMC":
                    depth.append(str(operands[0]))
                elif name == "EMC":
                    depth.pop()
                elif name in ("Tj", "TJ", "'", '"'):
                    assert depth, "text outside any marked content"
                elif name in ("re", "l", "c") and not depth:
                    raise AssertionError("drawing outside marked content")
            assert not depth


def test_no_structure_element_is_empty(sheets_dir: Path, tmp_path: Path) -> None:
    """Every element holds marked content, a link or a child (a list item whose style draws no
    bullet has no label element; the outloud checker warned of 4 empty /Lbl per sheet); the
    structural scan every sheet gets on writing refuses an empty one."""
    from faktaark.pdf.scan import scan_written

    sheets = sorted(sheets_dir.glob("*.pdf"))
    assert len(sheets) == 5
    labels = 0
    for path in sheets:
        with pikepdf.open(path) as pdf:
            els = elements(pdf.Root.StructTreeRoot)
            empty = [str(e.S) for e in els if len(e.get("/K", pikepdf.Array())) == 0]
            assert not empty, (path.name, empty)
            labels += sum(1 for e in els if e.S == "/Lbl")
            assert all(e.S in ("/Lbl", "/LBody") for li in els if li.S == "/LI" for e in li.K)
    assert labels == 3 * len(sheets)  # the three bullets of page 1; "Vidste du" has none
    data = sheets[0].read_bytes()
    assert scan_written(data, cmyk=False, tagged=True) == []
    bad = data.replace(b"/K [ 3 ] >>", b"/K [   ] >>", 1)
    assert bad != data
    assert len(bad) == len(data)
    assert any("empty structure element" in p for p in scan_written(bad, cmyk=False, tagged=True))


def test_a_map_name_in_two_lines_is_read_as_one(sheets_dir: Path) -> None:
    """Ringkøbing-Skjern's name on its regional map, set in two lines ("Ringkøbing-" over
    "Skjern"), is one span inside the map's Figure whose /ActualText is the name: a text
    extractor reads "Ringkøbing-Skjern", not "RingkøbingSkjern" or two words."""
    spans = []
    with pikepdf.open(sheets_dir / "760-ringkoebing-skjern.pdf") as pdf:
        depth: list[str] = []
        for operands, op in pikepdf.parse_content_stream(pdf.pages[1]):
            name = str(op)
            if name in ("BDC", "BMC"):
                depth.append(str(operands[0]))
                if depth[-1] == "/Span":
                    spans.append((list(depth), str(operands[1].get("/ActualText"))))
            elif name == "EMC":
                depth.pop()
        assert not depth
    ((where, actual),) = spans
    assert where == ["/Figure", "/Span"]  # inside the map's Figure, no MCID of its own
    assert actual == "Ringkøbing-Skjern"
    text = pypdf.PdfReader(str(sheets_dir / "760-ringkoebing-skjern.pdf")).pages[1].extract_text()
    assert "Ringkøbing-\nSkjern" in text  # the two lines as drawn

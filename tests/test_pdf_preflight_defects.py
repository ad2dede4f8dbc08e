"""The preflight has no blind spots: a corpus of seeded print defects, each a small PDF made
here from a clean PDF/X-4 (or PDF/X-1a) page that passes, must each be caught by the rule
named, and each finding names its clause (ISO 15930-7 for the PDF/X-4 rules). Every way a page
can paint colour is seeded with DeviceRGB: fills, strokes, text, colour spaces, images, inline
images, shadings, shading and tiling patterns, forms (nested too), annotation appearances,
soft masks, transparency groups, Type 3 glyphs, spot colour alternates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from faktaark.pdf.metadata import DocMeta, xmp_packet
from faktaark.pdf.pdfa import cmyk_profile
from faktaark.pdf.preflight import preflight
from faktaark.pdf.preflight_report import clause

Name = pikepdf.Name
MEDIA, BLEED, TRIM = [0, 0, 300, 300], [20, 20, 280, 280], [28.5, 28.5, 271.5, 271.5]
MARKS = b"/CSAll CS 1 SCN 0.3 w 0 28.5 m 15 28.5 l S 28.5 0 m 28.5 15 l S"


def _type3(pdf: pikepdf.Pdf, glyph: bytes = b"500 0 d0 0 0 500 700 re f") -> pikepdf.Object:
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=Name.Font, Subtype=Name.Type3, FontBBox=[0, 0, 500, 700],
        FontMatrix=[0.001, 0, 0, 0.001, 0, 0], FirstChar=97, LastChar=97, Widths=[500],
        CharProcs=pikepdf.Dictionary(a=pdf.make_stream(glyph)),
        Encoding=pikepdf.Dictionary(Type=Name.Encoding, Differences=[97, Name.a]),
        Resources=pikepdf.Dictionary(),
    ))  # fmt: skip


def _base(x1a: bool = False) -> pikepdf.Pdf:
    """One clean print page: boxes, CMYK content, crop marks in /All, a Type 3 font, the
    FOGRA39 intents sharing one profile, XMP and info as PDF/X-4 (or PDF/X-1a) ask."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 300))
    page = pdf.pages[0].obj
    page.BleedBox, page.TrimBox = pikepdf.Array(BLEED), pikepdf.Array(TRIM)
    sep = pikepdf.Array([Name.Separation, Name.All, Name.DeviceCMYK, pikepdf.Dictionary(
        FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)])  # fmt: skip
    page.Resources = pikepdf.Dictionary(
        ColorSpace=pikepdf.Dictionary(CSAll=sep), Font=pikepdf.Dictionary(F1=_type3(pdf)),
        ExtGState=pikepdf.Dictionary(),
    )  # fmt: skip
    page.Contents = pdf.make_stream(b"q 0 0 0 1 k 50 50 100 100 re f Q q " + MARKS + b" Q")
    profile = pdf.make_stream(cmyk_profile(), N=4)
    intents = [
        pikepdf.Dictionary(Type=Name.OutputIntent, S=name, DestOutputProfile=profile,
                           OutputConditionIdentifier="FOGRA39",
                           RegistryName="http://www.color.org")
        for name in (Name.GTS_PDFA1, Name.GTS_PDFX)
    ]  # fmt: skip
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(oi) for oi in intents])
    meta = DocMeta("Prøve", "faktaark", "seeded defects", "test", "faktaark test",
                   dt.datetime(2025, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    uuid = "uuid:00000000-0000-0000-0000-000000000001"
    packet = xmp_packet(meta, False, "faktaark test", None if x1a else "x4", uuid)
    pdf.Root.Metadata = pdf.make_stream(packet, Type=Name.Metadata, Subtype=Name.XML)
    stamp = "D:20250101000000Z"
    info = {"Title": "Prøve", "CreationDate": stamp, "ModDate": stamp}
    pdf.docinfo = pdf.make_indirect(pikepdf.Dictionary(
        {f"/{k}": pikepdf.String(v) for k, v in info.items()}))  # fmt: skip
    pdf.docinfo.Trapped = Name("/False")
    if x1a:
        pdf.docinfo.GTS_PDFXVersion = pdf.docinfo.GTS_PDFXConformance = "PDF/X-1a:2003"
    return pdf


def _save(pdf: pikepdf.Pdf, path: Path, version: str) -> Path:
    pdf.save(path, force_version=version, deterministic_id=True, fix_metadata_version=False,
             object_stream_mode=pikepdf.ObjectStreamMode.disable)  # fmt: skip
    return path


# --- seeding ----------------------------------------------------------------------------------

Seed = Callable[[pikepdf.Pdf], None]


def content(ops: bytes, **resources: object) -> Seed:
    """Append `ops` to the page; `resources`: category -> {name: object or a maker}."""

    def seed(pdf: pikepdf.Pdf) -> None:
        res = pdf.pages[0].obj.Resources
        for category, entries in resources.items():
            if f"/{category}" not in res:
                res[f"/{category}"] = pikepdf.Dictionary()
            for name, obj in entries.items():  # type: ignore[attr-defined]
                res[f"/{category}"][f"/{name}"] = obj(pdf) if callable(obj) else obj
        pdf.pages[0].contents_add(pdf.make_stream(b"q " + ops + b" Q"), prepend=False)

    return seed


def _form(body: bytes, **extra: object) -> Callable[[pikepdf.Pdf], pikepdf.Object]:
    return lambda pdf: pdf.make_stream(body, Type=Name.XObject, Subtype=Name.Form,
                                       BBox=[0, 0, 100, 100], **extra)  # fmt: skip


def _image(cs: object, data: bytes = b"\xff\x00\x00") -> Callable[[pikepdf.Pdf], pikepdf.Object]:
    return lambda pdf: pdf.make_stream(data, Type=Name.XObject, Subtype=Name.Image, Width=1,
                                       Height=1, BitsPerComponent=8, ColorSpace=cs)  # fmt: skip


def _axial(cs: object, c0: list[float], c1: list[float]) -> pikepdf.Dictionary:
    fn = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=c0, C1=c1, N=1)
    return pikepdf.Dictionary(ShadingType=2, ColorSpace=cs, Coords=[0, 0, 100, 0], Function=fn)


def _rgb_icc(pdf: pikepdf.Pdf) -> pikepdf.Array:
    from faktaark.core.resources import package_dir

    srgb = (package_dir() / "icc" / "sRGB-lcms.icc").read_bytes()
    return pikepdf.Array([Name.ICCBased, pdf.make_stream(srgb, N=3)])


def _tiling(body: bytes, paint: int = 1) -> Callable[[pikepdf.Pdf], pikepdf.Object]:
    return lambda pdf: pdf.make_stream(body, Type=Name.Pattern, PatternType=1, PaintType=paint,
                                       TilingType=1, BBox=[0, 0, 10, 10], XStep=10, YStep=10,
                                       Resources=pikepdf.Dictionary())  # fmt: skip


def _annot(subtype: pikepdf.Name, rect: list[float], body: bytes) -> Seed:
    def seed(pdf: pikepdf.Pdf) -> None:
        ap = pdf.make_stream(body, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 10, 10])
        annot = pikepdf.Dictionary(Type=Name.Annot, Subtype=subtype, Rect=rect, F=4,
                                   AP=pikepdf.Dictionary(N=ap))  # fmt: skip
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annot)])

    return seed


def _smask(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    group = _form(
        b"1 0 0 rg 0 0 100 100 re f",
        Group=pikepdf.Dictionary(S=Name.Transparency, CS=Name.DeviceGray),
    )(pdf)
    return pikepdf.Dictionary(Type=Name.ExtGState, SMask=pikepdf.Dictionary(
        Type=Name.Mask, S=Name.Luminosity, G=group))  # fmt: skip


def _xmp(old: bytes, new: bytes) -> Seed:
    def seed(pdf: pikepdf.Pdf) -> None:
        text = pdf.Root.Metadata.read_bytes()
        assert old in text, old
        pdf.Root.Metadata = pdf.make_stream(text.replace(old, new), Type=Name.Metadata,
                                            Subtype=Name.XML)  # fmt: skip

    return seed


def _set(fn: Callable[[pikepdf.Pdf], object]) -> Seed:
    def seed(pdf: pikepdf.Pdf) -> None:
        fn(pdf)

    return seed


def _del_info(key: str) -> Seed:
    return _set(lambda pdf: pdf.docinfo.__delitem__(key))


def _page(key: str, value: object) -> Seed:
    return _set(lambda pdf: pdf.pages[0].obj.__setitem__(key, pikepdf.Array(value)))  # type: ignore[arg-type]


def _second_x_intent(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OutputIntents.append(pdf.Root.OutputIntents[1])


def _own_profile(pdf: pikepdf.Pdf) -> None:
    x = pdf.Root.OutputIntents[1]
    x.DestOutputProfile = pdf.make_stream(x.DestOutputProfile.read_bytes(), N=4)


def _scanner_profile(pdf: pikepdf.Pdf) -> None:
    data = bytearray(pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes())
    data[12:16] = b"scnr"
    profile = pdf.make_stream(bytes(data), N=4)
    for oi in pdf.Root.OutputIntents:
        oi.DestOutputProfile = profile


SEP_RGB = [
    Name.Separation,
    Name.Gold,
    Name.DeviceRGB,
    pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1, 1, 1], C1=[1, 0.8, 0], N=1),
]
DEVN_RGB = [
    Name.DeviceN,
    [Name.Gold, Name.Silver],
    Name.DeviceRGB,
    pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1, 1, 1], C1=[1, 0.8, 0], N=1),
]
TEXT = b"BT /F1 9 Tf 60 60 Td (a) Tj ET"

# (id, the rule that must catch it, the seed); the base is PDF/X-4 unless the id says x1a
DEFECTS: list[tuple[str, str, Seed]] = [
    ("fill-rg", "x-device-colour", content(b"1 0 0 rg 60 60 20 20 re f")),
    ("stroke-RG", "x-device-colour", content(b"1 0 0 RG 2 w 60 60 m 90 90 l S")),
    ("text-rg", "x-device-colour", content(b"0 0 1 rg " + TEXT)),
    ("text-stroke-RG", "x-device-colour", content(b"0 0 1 RG 1 Tr " + TEXT)),
    ("cs-DeviceRGB", "x-device-colour", content(b"/DeviceRGB cs 1 0 0 sc 60 60 9 9 re f")),
    ("cs-named-rgb", "x-device-colour",
     content(b"/CS0 cs 1 0 0 scn 60 60 9 9 re f", ColorSpace={"CS0": Name.DeviceRGB})),
    ("icc-rgb", "rgb", content(b"/CS0 cs 1 0 0 scn 60 60 9 9 re f", ColorSpace={"CS0": _rgb_icc})),
    ("calrgb", "rgb", content(b"/CS0 cs 1 0 0 scn 60 60 9 9 re f", ColorSpace={"CS0": pikepdf.Array(
        [Name.CalRGB, pikepdf.Dictionary(WhitePoint=[0.9505, 1, 1.089])])})),
    ("image-rgb", "x-device-colour",
     content(b"20 0 0 20 60 60 cm /Im0 Do", XObject={"Im0": _image(Name.DeviceRGB)})),
    ("image-indexed-rgb", "x-device-colour", content(b"20 0 0 20 60 60 cm /Im0 Do", XObject={
        "Im0": _image(pikepdf.Array([Name.Indexed, Name.DeviceRGB, 0, b"\xff\x00\x00"]),
                      b"\x00")})),
    ("image-icc-rgb", "rgb",
     content(b"20 0 0 20 60 60 cm /Im0 Do",
             XObject={"Im0": lambda pdf: _image(_rgb_icc(pdf))(pdf)})),
    ("inline-RGB", "x-device-colour",
     content(b"20 0 0 20 60 60 cm BI /W 1 /H 1 /CS /RGB /BPC 8 ID \xff\x00\x00 EI")),
    ("inline-DeviceRGB", "x-device-colour",
     content(b"20 0 0 20 60 60 cm BI /W 1 /H 1 /ColorSpace /DeviceRGB /BPC 8 ID \x00\xff\x00 EI")),
    ("inline-indexed-rgb", "x-device-colour",
     content(b"20 0 0 20 60 60 cm BI /W 1 /H 1 /CS [/I /RGB 0 <ff0000>] /BPC 8 ID \x00 EI")),
    ("inline-named-rgb", "x-device-colour",
     content(b"20 0 0 20 60 60 cm BI /W 1 /H 1 /CS /CS0 /BPC 8 ID \x00\x00\xff EI",
             ColorSpace={"CS0": Name.DeviceRGB})),
    ("shading-sh", "x-device-colour",
     content(b"/Sh0 sh", Shading={"Sh0": _axial(Name.DeviceRGB, [1, 0, 0], [0, 0, 1])})),
    ("shading-sh-in-form", "x-device-colour", content(b"/Fm0 Do", XObject={"Fm0": lambda pdf: _form(
        b"/Sh0 sh", Resources=pikepdf.Dictionary(Shading=pikepdf.Dictionary(
            Sh0=_axial(Name.DeviceRGB, [1, 0, 0], [0, 0, 1]))))(pdf)})),
    ("shading-pattern-fill", "x-device-colour", content(
        b"/Pattern cs /P0 scn 60 60 50 50 re f", Pattern={"P0": pikepdf.Dictionary(
            Type=Name.Pattern, PatternType=2,
            Shading=_axial(Name.DeviceRGB, [1, 0, 0], [0, 0, 1]))})),
    ("shading-pattern-stroke", "x-device-colour", content(
        b"/Pattern CS /P0 SCN 3 w 60 60 m 99 99 l S", Pattern={"P0": pikepdf.Dictionary(
            Type=Name.Pattern, PatternType=2,
            Shading=_axial(Name.DeviceRGB, [1, 0, 0], [0, 0, 1]))})),
    ("tiling-coloured", "x-device-colour", content(
        b"/Pattern cs /P0 scn 60 60 50 50 re f",
        Pattern={"P0": _tiling(b"1 0 0 rg 0 0 5 5 re f")})),
    ("tiling-uncoloured-rgb", "x-device-colour", content(
        b"/CS0 cs 1 0 0 /P0 scn 60 60 50 50 re f", Pattern={"P0": _tiling(b"0 0 5 5 re f", 2)},
        ColorSpace={"CS0": pikepdf.Array([Name.Pattern, Name.DeviceRGB])})),
    ("tiling-with-image", "x-device-colour", content(
        b"/Pattern cs /P0 scn 60 60 50 50 re f", Pattern={"P0": lambda pdf: _with_resources(
            _tiling(b"5 0 0 5 0 0 cm /Im0 Do")(pdf),
            XObject=pikepdf.Dictionary(Im0=_image(Name.DeviceRGB)(pdf)))})),
    ("form-rg", "x-device-colour",
     content(b"/Fm0 Do", XObject={"Fm0": _form(b"0 1 0 rg 0 0 9 9 re f")})),
    ("form-nested-rg", "x-device-colour", content(b"/Fm0 Do", XObject={"Fm0": lambda pdf: _form(
        b"/Fm1 Do", Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(
            Fm1=_form(b"0 1 0 rg 0 0 9 9 re f")(pdf))))(pdf)})),
    ("form-group-rgb", "x-device-colour", content(b"/Fm0 Do", XObject={"Fm0": _form(
        b"0 0 0 1 k 0 0 9 9 re f",
        Group=pikepdf.Dictionary(S=Name.Transparency, CS=Name.DeviceRGB))})),
    ("page-group-rgb", "x-device-colour", _set(lambda pdf: pdf.pages[0].obj.__setitem__(
        "/Group", pikepdf.Dictionary(S=Name.Transparency, CS=Name.DeviceRGB)))),
    ("soft-mask-rgb", "x-device-colour",
     content(b"/GS0 gs 0 0 0 1 k 60 60 9 9 re f", ExtGState={"GS0": _smask})),
    ("annotation-appearance", "x-device-colour",
     _annot(Name.PrinterMark, [1, 1, 12, 12], b"1 0 0 rg 0 0 10 10 re f")),
    ("square-appearance-in-slug", "x-device-colour",
     _annot(Name.Square, [1, 285, 12, 296], b"0 0 1 RG 0 0 m 10 10 l S")),
    ("type3-glyph-rg", "x-device-colour", _set(lambda pdf: (
        pdf.pages[0].obj.Resources.Font.__setitem__(
            "/F1", _type3(pdf, b"500 0 d0 1 0 0 rg 0 0 500 700 re f")),
        content(TEXT)(pdf)))),
    ("separation-rgb-alternate", "rgb",
     content(b"/CS0 cs 1 scn 60 60 9 9 re f", ColorSpace={"CS0": pikepdf.Array(SEP_RGB)})),
    ("devicen-rgb-alternate", "rgb",
     content(b"/CS0 cs 1 1 scn 60 60 9 9 re f", ColorSpace={"CS0": pikepdf.Array(DEVN_RGB)})),
    ("xmp-pdfx3", "x-id", _xmp(b">PDF/X-4<", b">PDF/X-3:2003<")),
    ("xmp-pdfx4p", "x-id", _xmp(b">PDF/X-4<", b">PDF/X-4p<")),
    ("xmp-pdfx4-lower-case", "x-id", _xmp(b">PDF/X-4<", b">pdf/x-4<")),
    ("info-version-disagrees", "x-id",
     _set(lambda pdf: pdf.docinfo.__setitem__("/GTS_PDFXVersion", "PDF/X-3:2002"))),
    ("no-metadata", "x-id", _set(lambda pdf: pdf.Root.__delitem__("/Metadata"))),
    ("xmp-not-xml", "x-id", _xmp(b"</x:xmpmeta>", b"</x:xmpmet>")),
    ("no-version-id", "x-xmpmm", _xmp(b"<xmpMM:VersionID>1</xmpMM:VersionID>", b"")),
    ("no-trapped", "x-trapped", _del_info("/Trapped")),
    ("trapped-unknown", "x-trapped",
     _set(lambda pdf: pdf.docinfo.__setitem__("/Trapped", Name.Unknown))),
    ("no-title", "x-dates", _del_info("/Title")),
    ("xmp-no-createdate", "x-dates", _xmp(b"xmp:CreateDate>", b"xmp:Nothing>")),
    ("no-output-intent", "x-intent", _set(lambda pdf: pdf.Root.__delitem__("/OutputIntents"))),
    ("two-pdfx-intents", "x-intent", _second_x_intent),
    ("no-condition-identifier", "x-intent",
     _set(lambda pdf: pdf.Root.OutputIntents[1].__delitem__("/OutputConditionIdentifier"))),
    ("scanner-profile", "x-intent", _scanner_profile),
    ("profiles-not-shared", "x-intent-shared", _own_profile),
    ("no-trimbox", "x-boxes", _set(lambda pdf: pdf.pages[0].obj.__delitem__("/TrimBox"))),
    ("trim-and-art", "x-boxes", _page("/ArtBox", TRIM)),
    ("trim-outside-bleed", "x-boxes", _page("/TrimBox", [10, 10, 290, 290])),
    ("bleed-outside-media", "x-boxes", _page("/BleedBox", [-5, -5, 305, 305])),
    ("link-in-trim", "x-annot", _annot(Name.Link, [100, 100, 150, 120], b"0 0 0 1 k")),
    ("font-not-embedded", "x-fonts", content(b"BT /F2 9 Tf 60 60 Td (a) Tj ET", Font={
        "F2": pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)})),
    ("header-1-7", "x-version", _set(lambda pdf: pdf.Root.__setitem__("/Version", Name("/1.7")))),
    ("tac-fill", "tac", content(b"1 1 1 0.5 k 60 60 50 50 re f")),
    ("tac-shading", "tac", content(
        b"/Sh0 sh", Shading={"Sh0": _axial(Name.DeviceCMYK, [0, 0, 0, 0], [1, 1, 1, 1])})),
    ("thin-stroke", "thin-stroke", content(b"0 0 0 1 K 0.1 w 60 60 m 99 60 l S")),
    ("hairline-inks", "hairline-inks", content(b"0 1 1 0 K 0.3 w 60 70 m 99 70 l S")),
    ("small-text-four-inks", "small-text-inks", content(b"1 1 1 1 k " + TEXT)),
    ("white-overprint", "white-overprint", content(
        b"/GS0 gs 0 0 0 0 k 60 60 9 9 re f",
        ExtGState={"GS0": pikepdf.Dictionary(Type=Name.ExtGState, OP=True, op=True)})),
    ("marks-not-registration", "registration", content(b"0.5 0.5 0.5 1 K 0.3 w 1 1 m 15 1 l S")),
    ("x1a-transparency", "x-transparency", content(
        b"/GS0 gs 0 0 0 1 k 60 60 9 9 re f",
        ExtGState={"GS0": pikepdf.Dictionary(Type=Name.ExtGState, ca=0.5)})),
    ("x1a-lab", "x-color", content(b"/CS0 cs 50 0 0 scn 60 60 9 9 re f", ColorSpace={
        "CS0": pikepdf.Array([Name.Lab, pikepdf.Dictionary(WhitePoint=[0.9505, 1, 1.089])])})),
    ("x1a-icc-cmyk", "x-color", content(b"/CS0 cs 0 0 0 1 scn 60 60 9 9 re f", ColorSpace={
        "CS0": lambda pdf: pikepdf.Array([Name.ICCBased, pdf.make_stream(cmyk_profile(), N=4)])})),
    ("x1a-header-1-5", "x-version", _set(lambda pdf: None)),
]  # fmt: skip


def _with_resources(stream: pikepdf.Object, **resources: object) -> pikepdf.Object:
    stream.Resources = pikepdf.Dictionary(**resources)
    return stream


def _write(tmp_path: Path, defect: str, seed: Seed | None) -> Path:
    x1a = defect.startswith("x1a")
    pdf = _base(x1a)
    if seed is not None:
        seed(pdf)
    version = "1.5" if defect == "x1a-header-1-5" else "1.4" if x1a else "1.6"
    return _save(pdf, tmp_path / f"{defect}.pdf", version)


@pytest.mark.parametrize("x1a", [False, True], ids=["pdfx4", "pdfx1a"])
def test_the_clean_base_passes(tmp_path: Path, x1a: bool) -> None:
    """The seeded files differ from a file that passes by their defect alone."""
    report = preflight(_write(tmp_path, "x1a-clean" if x1a else "clean", None))
    assert report.error is None, report.error
    assert report.ok, [str(f) for f in report.breaches]
    assert report.pdfx == ("PDF/X-1a:2003" if x1a else "PDF/X-4")
    assert report.pages[0].registration_strokes == 2


def test_the_corpus_is_big_enough() -> None:
    assert len(DEFECTS) >= 40
    assert len({d[0] for d in DEFECTS}) == len(DEFECTS)


@pytest.mark.parametrize(("defect", "rule", "seed"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_every_seeded_defect_is_caught(tmp_path: Path, defect: str, rule: str, seed: Seed) -> None:
    path = _write(tmp_path, defect, seed)
    report = preflight(path)
    assert report.error is None, report.error
    found = {f.rule: f for f in report.breaches}
    assert rule in found, (defect, [str(f) for f in report.findings])
    assert not report.ok
    text = str(found[rule])
    if rule.startswith("x-") and rule not in ("x-color", "x-transparency", "x-intent-shared"):
        assert "ISO 15930-7:2010 6." in text, text
    assert clause(rule) in text
    assert clause(rule) in [f["clause"] for f in report.as_dict()["findings"]]  # type: ignore[union-attr]


def test_colour_findings_say_where(tmp_path: Path) -> None:
    """A colour finding names the colour space and where it was painted."""
    cases = {"shading-sh": "shading /Sh0", "tiling-coloured": "tiling pattern /P0",
             "soft-mask-rgb": "soft mask", "annotation-appearance": "PrinterMark annotation",
             "form-nested-rg": "form /Fm1 in form /Fm0", "inline-RGB": "inline image",
             "page-group-rgb": "transparency group of the page"}  # fmt: skip
    seeds = {d[0]: d[2] for d in DEFECTS}
    for defect, where in cases.items():
        report = preflight(_write(tmp_path, defect, seeds[defect]))
        messages = [f.message for f in report.breaches if f.rule == "x-device-colour"]
        assert any("DeviceRGB" in m and where in m for m in messages), (defect, messages)

"""Every colour a page can paint, for the preflight: where each colour space is used.

A page paints colour through more than fills, strokes and text: images (XObjects and inline
images, Indexed and ICC-based spaces), shadings (the `sh` operator), shading and tiling
patterns, form XObjects (and their transparency groups), the appearance streams of
annotations, soft masks (their transparency groups and backdrop colours) and the page's own
transparency group. `ColourUse` (a mixin of the content interpreter, `preflight_content.Interp`)
records each colour space it meets as a leaf ("DeviceRGB", "ICCBased RGB", "Lab", "Separation
Gold" ...) with where it was met ("shading /Sh1", "tiling pattern /P0", "appearance of a Link
annotation"), following pattern cells, soft masks and appearances through the same
interpreter in colour-only mode (nothing painted into the separations, no text recorded).
Separation and DeviceN spaces count their alternate space too: a press without the colorant
prints that.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from faktaark.pdf.preflight_ink import num, paint_of
from faktaark.pdf.preflight_report import Finding, Preflight

__all__ = ["MAX_FORM_DEPTH", "RGB_LEAVES", "ColourUse", "colour_findings", "describe"]

RGB_LEAVES = frozenset({"DeviceRGB", "ICCBased RGB", "CalRGB"})
_ICC = {1: "Gray", 3: "RGB", 4: "CMYK"}
_DEVICE = {"/DeviceRGB", "/DeviceCMYK", "/DeviceGray", "/Pattern"}
_MAX_WHERE = 5  # places named per colour space
MAX_FORM_DEPTH = 8  # forms, pattern cells, soft masks, appearances inside one another


def describe(cs: Any, resources: Any, depth: int = 0) -> list[str]:
    """The leaf colour spaces of a colour space operand or object (a name, a named resource
    or an array), alternates and bases included."""
    import pikepdf

    if depth > 8:
        return ["unknown (nested too deep)"]
    if isinstance(cs, pikepdf.Name):
        name = str(cs)
        if name in _DEVICE:
            return [name[1:]]
        spaces = resources.get("/ColorSpace") if resources is not None else None
        named = spaces.get(name) if isinstance(spaces, pikepdf.Dictionary) else None
        return [f"unknown {name}"] if named is None else describe(named, resources, depth + 1)
    if not isinstance(cs, pikepdf.Array) or not len(cs):
        return ["unknown"]
    family = str(cs[0])[1:]
    if family == "ICCBased" and len(cs) > 1 and isinstance(cs[1], pikepdf.Stream):
        return [f"ICCBased {_ICC.get(int(cs[1].get('/N', 0)), '?')}"]
    if family in ("Indexed", "I") and len(cs) > 1:
        return describe(cs[1], resources, depth + 1)
    if family == "Pattern":
        return ["Pattern", *(describe(cs[1], resources, depth + 1) if len(cs) > 1 else [])]
    if family == "Separation" and len(cs) > 2:
        return [f"Separation {str(cs[1])[1:]}", *describe(cs[2], resources, depth + 1)]
    if family == "DeviceN" and len(cs) > 2:
        return ["DeviceN", *describe(cs[2], resources, depth + 1)]
    return [family]


class ColourUse(ABC):
    """Records where colour spaces are used (mixed into the content interpreter, which
    provides `run` and `new_state`)."""

    uses: dict[str, list[str]]
    context: list[str]
    colours_only: int
    shading_ink: list[tuple[str, float]]
    transparency: list[str]

    @abstractmethod
    def run(self, content: Any, resources: Any, gs: Any, depth: int = 0) -> None:
        """Interpret a content stream with these resources from graphics state `gs`."""

    @abstractmethod
    def new_state(self) -> Any:
        """A fresh graphics state (for a stream followed on its own)."""

    def use(self, leaves: list[str], what: str) -> None:
        where = " in ".join([what, *reversed(self.context)]) if self.context else what
        for leaf in leaves:
            places = self.uses.setdefault(leaf, [])
            if where not in places and len(places) < _MAX_WHERE:
                places.append(where)

    def walk(self, stream: Any, resources: Any, what: str, depth: int) -> None:
        """Follow a stream that paints (a pattern cell, a soft mask, an appearance) for its
        colours only."""
        if depth >= MAX_FORM_DEPTH:
            self.use(["unknown (nested too deep)"], what)
            return
        self.context.append(what)
        self.colours_only += 1
        try:
            self.run(stream, stream.get("/Resources") or resources, self.new_state(), depth + 1)
        finally:
            self.colours_only -= 1
            self.context.pop()

    def group(self, obj: Any, resources: Any, what: str) -> None:
        """A transparency group's colour space (the blending space)."""
        import pikepdf

        group = obj.get("/Group")
        if isinstance(group, pikepdf.Dictionary) and "/CS" in group:
            self.use(describe(group.CS, resources), f"transparency group of {what}")

    def shading(self, sh: Any, name: str, resources: Any) -> None:
        """A shading's colour space, and its end colours' ink where they are DeviceCMYK."""
        import pikepdf

        if not isinstance(sh, pikepdf.Object) or "/ColorSpace" not in sh:
            self.use([f"unknown (shading {name} without a colour space)"], "shading")
            return
        leaves = describe(sh.ColorSpace, resources)
        self.use(leaves, f"shading {name}")
        if leaves == ["DeviceCMYK"]:
            for colour in _end_colours(sh.get("/Function")):
                if len(colour) == 4:
                    ink = sum(paint_of("DeviceCMYK", None, colour).cmyk) * 100
                    self.shading_ink.append((name, ink))

    def pattern(self, name: str, resources: Any, depth: int) -> None:
        """A pattern set as the colour: its shading, or its cell's content."""
        import pikepdf

        patterns = resources.get("/Pattern") if resources is not None else None
        pat = patterns.get(name) if isinstance(patterns, pikepdf.Dictionary) else None
        if pat is None:
            self.use([f"unknown (pattern {name} missing)"], "pattern")
            return
        if int(pat.get("/PatternType", 0)) == 2:
            self.shading(pat.get("/Shading"), f"{name} (shading pattern)", resources)
            if "/ExtGState" in pat:
                self.soft_mask(pat.ExtGState, resources, depth)
        elif isinstance(pat, pikepdf.Stream):
            self.walk(pat, resources, f"tiling pattern {name}", depth)

    def soft_mask(self, d: Any, resources: Any, depth: int) -> None:
        """An ExtGState's soft mask: its group's content and colour space, its backdrop."""
        import pikepdf

        smask = d.get("/SMask")
        if not isinstance(smask, pikepdf.Dictionary):
            return
        self.transparency.append("SMask")
        group = smask.get("/G")
        if isinstance(group, pikepdf.Stream):
            self.group(group, resources, "a soft mask")
            self.walk(group, resources, "soft mask", depth)

    def image(self, xo: Any, name: str, resources: Any) -> None:
        import pikepdf

        if bool(xo.get("/ImageMask", False)):
            return  # painted in the fill colour, recorded where it was set
        cs = xo.get("/ColorSpace")
        if cs is not None:
            self.use(describe(cs, resources), f"image {name}")
        elif str(xo.get("/Filter", "")) != "/JPXDecode":
            self.use(["unknown (image without a colour space)"], f"image {name}")
        if isinstance(xo.get("/SMask"), pikepdf.Stream):
            self.transparency.append("image SMask")

    def inline_image(self, operand: Any, resources: Any) -> None:
        try:
            obj = operand.obj
        except Exception:  # a malformed inline image: its colour cannot be read
            self.use(["unknown (unreadable inline image)"], "inline image")
            return
        if bool(obj.get("/ImageMask", False)):
            return
        cs = obj.get("/ColorSpace")  # abbreviations expanded; a name may be a resource
        self.use(describe(cs, resources) if cs is not None else ["unknown"], "inline image")

    def annotation(self, annot: Any, resources: Any, depth: int = 0) -> None:
        """The appearance streams of an annotation (every state of /N, /R and /D)."""
        import pikepdf

        ap = annot.get("/AP")
        if not isinstance(ap, pikepdf.Dictionary):
            return
        what = f"appearance of a {str(annot.get('/Subtype', '?'))[1:]} annotation"
        for key in ("/N", "/R", "/D"):
            entry = ap.get(key)
            streams = (
                [entry]
                if isinstance(entry, pikepdf.Stream)
                else [v for v in entry.values() if isinstance(v, pikepdf.Stream)]
                if isinstance(entry, pikepdf.Dictionary)
                else []
            )
            for stream in streams:
                self.group(stream, resources, what)
                self.walk(stream, resources, what, depth)


def _end_colours(fn: Any, depth: int = 0) -> list[list[float]]:
    """The colours at the ends of an exponential (type 2) function, and of each function a
    stitching (type 3) one joins; others (sampled, PostScript) are not evaluated."""
    import pikepdf

    if depth > 4:
        return []
    if isinstance(fn, pikepdf.Array):
        # one function per component: the ends, component by component
        parts = [_end_colours(f, depth + 1) for f in fn]
        if parts and all(len(p) == 2 and len(p[0]) == 1 for p in parts):
            return [[p[0][0] for p in parts], [p[1][0] for p in parts]]
        return []
    if not isinstance(fn, (pikepdf.Dictionary, pikepdf.Stream)):
        return []
    kind = int(fn.get("/FunctionType", -1))
    if kind == 2:
        c0 = [num(v) for v in fn.get("/C0", [0])]
        c1 = [num(v) for v in fn.get("/C1", [1])]
        return [c0, c1]
    if kind == 3:
        return [c for f in fn.get("/Functions", []) for c in _end_colours(f, depth + 1)]
    return []


def colour_findings(uses: dict[str, list[str]], res: Preflight, page: int) -> None:
    """The colour rules on what a page paints: device colour that the output intent cannot
    print (ISO 15930-7), any RGB (the convention of a CMYK workflow), and for PDF/X-1a
    anything but CMYK, gray and spot colour (ISO 15930-4); where each was used."""

    def places(leaves: list[str]) -> str:
        return "; ".join(f"{leaf}: {', '.join(uses[leaf])}" for leaf in leaves)

    f = res.findings
    rgb = sorted(leaf for leaf in uses if leaf in RGB_LEAVES)
    if rgb:
        f.append(Finding("rgb", f"RGB colour ({places(rgb)})", page))
    wrong = _NOT_PRINTABLE.get(res.intent or "", set())
    device = sorted(leaf for leaf in uses if leaf in wrong)
    if device:
        what = " and ".join(device)
        f.append(
            Finding("x-device-colour", f"{what} with a {res.intent} output intent "
                    f"({places(device)})", page)
        )  # fmt: skip
    unknown = sorted(leaf for leaf in uses if leaf.startswith("unknown"))
    if unknown:
        f.append(Finding("content", f"colour not determined ({places(unknown)})", page, False))
    if res.pdfx and res.pdfx.startswith("PDF/X-1a"):
        bad = sorted(
            leaf for leaf in uses
            if leaf not in _X1A and not leaf.startswith(("Separation ", "unknown"))
        )  # fmt: skip
        if bad:
            f.append(Finding("x-color", f"colour spaces {places(bad)}", page))


# device colour spaces a press characterised by an output intent of that colour model cannot
# print as they are (ISO 15930-7: DeviceRGB needs an RGB intent, DeviceCMYK a CMYK one)
_NOT_PRINTABLE = {
    "CMYK": {"DeviceRGB"},
    "RGB": {"DeviceCMYK"},
    "GRAY": {"DeviceRGB", "DeviceCMYK"},
}
_X1A = {"DeviceCMYK", "DeviceGray", "DeviceN", "Pattern"}

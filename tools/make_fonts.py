"""Derive the bundled font family "FaktaSans" from Lato 2.0 (Debian's fonts-lato).

Lato is licensed under the SIL Open Font License 1.1 with the Reserved Font Name "Lato".
Trimming a font makes it a Modified Version, so the derived files are renamed "FaktaSans"
(the OFL forbids the reserved name on modified versions) and keep the copyright and licence
records. What is changed:
- glyphs: Basic Latin, Latin-1, Latin Extended-A and the punctuation, super-/subscripts and
  symbols a Danish fact sheet uses (see UNICODES); everything else is dropped;
- hinting (fpgm/prep/cvt and glyph instructions) is dropped: ReportLab embeds those tables
  in every subset, so they cost ~17 KB per weight per PDF and ~10 ms registration each;
- name table: family "FaktaSans" instead of "Lato".

Run once; the output is committed:  python tools/make_fonts.py [/usr/share/fonts/truetype/lato]
It also writes the fonts' metrics table (`fonts/metrics.json`, see faktaark.text.fonts);
`python tools/make_fonts.py --metrics` rewrites only that table. Needs fontTools.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

WEIGHTS = {
    "Regular": "Lato-Regular.ttf",
    "Bold": "Lato-Bold.ttf",
    "Black": "Lato-Black.ttf",
    "Italic": "Lato-Italic.ttf",
}
UNICODES = (
    list(range(0x20, 0x7F))
    + list(range(0xA0, 0x180))
    + [
        0x2009,
        0x200A,
        0x2010,
        0x2011,
        0x2012,
        0x2013,
        0x2014,
        0x2018,
        0x2019,
        0x201A,
        0x201C,
        0x201D,
        0x201E,
        0x2022,
        0x2026,
        0x202F,
        0x2030,
        0x2039,
        0x203A,
        0x20AC,
        0x2070,
        0x2074,
        0x2075,
        0x2076,
        0x2077,
        0x2078,
        0x2079,
        0x2080,
        0x2081,
        0x2082,
        0x2083,
        0x2084,
        0x2085,
        0x2086,
        0x2087,
        0x2088,
        0x2089,
        0x2122,
        0x2190,
        0x2191,
        0x2192,
        0x2193,
        0x2212,
        0x2248,
        0x2260,
        0x2264,
        0x2265,
    ]
)
FAMILY = "FaktaSans"


def rename(font: subset.ttLib.TTFont, weight: str) -> None:
    names = font["name"]
    version = names.getDebugName(5) or "Version 2.007"
    new = {
        1: FAMILY if weight in ("Regular", "Bold", "Italic") else f"{FAMILY} {weight}",
        2: weight if weight in ("Regular", "Bold", "Italic") else "Regular",
        3: f"{version};faktaark;{FAMILY}-{weight}",
        4: f"{FAMILY} {weight}",
        6: f"{FAMILY}-{weight}",
        16: FAMILY,
        17: weight,
    }
    for rec in list(names.names):
        if rec.nameID in (18, 21, 22):
            names.removeNames(nameID=rec.nameID)
    for name_id, value in new.items():
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    names.setName(
        "FaktaSans is a Modified Version of Lato 2.007 (trimmed glyph set, hinting removed, "
        "renamed as the OFL requires). Made by faktaark's tools/make_fonts.py.",
        10,
        3,
        1,
        0x409,
    )


def write_metrics(folder: Path) -> None:
    """The metrics table of the fonts in `folder`, read with fontTools as ReportLab reads them."""
    from faktaark.text.fonts import FONT_FILES, TABLE_FILE, extract, table_text

    tables = {name: extract((folder / f"{name}.ttf").read_bytes()) for name in FONT_FILES}
    (folder / TABLE_FILE).write_text(table_text(tables), encoding="utf-8")
    print(f"{TABLE_FILE}: {len(tables)} fonts")


def main() -> None:
    out = Path(__file__).resolve().parents[1] / "src" / "faktaark" / "fonts"
    if sys.argv[1:] == ["--metrics"]:
        write_metrics(out)
        return
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/lato")
    out.mkdir(parents=True, exist_ok=True)
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = ["kern"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.drop_tables += ["DSIG"]
    for weight, filename in WEIGHTS.items():
        font = subset.load_font(str(src / filename), opts)
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=UNICODES)
        sub.subset(font)
        rename(font, weight)
        font["head"].created = font["head"].modified = 3_600_000_000  # fixed (2018), deterministic
        target = out / f"{FAMILY}-{weight}.ttf"
        subset.save_font(font, str(target), opts)
        print(f"{target.name}: {target.stat().st_size // 1024} KB")
    write_metrics(out)


if __name__ == "__main__":
    main()

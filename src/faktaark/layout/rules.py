"""What a layout implies for building its sheets: their file names, the manifest's name, and
whether its sheets print values computed from other municipalities.

These are rules of the layout, kept here so that the build stage, the cache and the API all
apply the same ones.
"""

from __future__ import annotations

from faktaark.core.kommuner import Kommune
from faktaark.core.paths import SLUG
from faktaark.dictionary.model import Dictionary
from faktaark.errors import LayoutError
from faktaark.layout.model import DEFAULT_LAYOUT, Layout, strings

__all__ = [
    "PRINT_STANDARDS",
    "compares_municipalities",
    "is_print",
    "manifest_name",
    "print_variant_of",
    "sheet_stem",
    "variants_for",
]

MANIFEST = "manifest.json"
# the print variants and the PDF/X standard each is written to (`--print-standard`)
PRINT_STANDARDS = {"print": "x4", "print-x1a": "x1a"}


def is_print(variant: str) -> bool:
    """Is this a print variant ("print": PDF/X-4, "print-x1a": PDF/X-1a:2003)?"""
    return variant in PRINT_STANDARDS


def variants_for(print_variant: bool | str) -> tuple[str, ...]:
    """The variants a build writes: ("screen",), or with the print variant ("screen", "print")
    (`True` or "x4": PDF/X-4) or ("screen", "print-x1a") ("x1a": PDF/X-1a:2003)."""
    if not print_variant:
        return ("screen",)
    if print_variant is True:
        return ("screen", "print")
    if print_variant in PRINT_STANDARDS:  # a variant name
        return ("screen", str(print_variant))
    return ("screen", print_variant_of(str(print_variant)))


def print_variant_of(standard: str) -> str:
    """The variant name of a `--print-standard` ("x4" -> "print", "x1a" -> "print-x1a")."""
    for variant, std in PRINT_STANDARDS.items():
        if std == standard:
            return variant
    from faktaark.errors import UsageError

    raise UsageError(f"--print-standard must be x4 or x1a; got {standard!r}.")


def sheet_stem(layout_name: str, kommune: Kommune, variant: str = "screen") -> str:
    """The file name (without .pdf) of a sheet: `161-glostrup`, `161-glostrup-kommuneaftale`,
    `161-glostrup-tryk` for the print variant."""
    if not SLUG.fullmatch(layout_name):  # a Layout made in Python, not loaded from a folder
        raise LayoutError(f"layout name {layout_name!r} is not a slug (a-z, 0-9, '-').")
    stem = kommune.filnavn if layout_name == DEFAULT_LAYOUT else f"{kommune.filnavn}-{layout_name}"
    return f"{stem}-tryk" if is_print(variant) else stem


def manifest_name(layout_name: str) -> str:
    """The manifest of a batch of this layout: `manifest.json` for the default layout."""
    return MANIFEST if layout_name == DEFAULT_LAYOUT else f"manifest-{layout_name}.json"


def compares_municipalities(layout: Layout, dictionary: Dictionary) -> bool:
    """Does any sheet of this layout print values computed from other municipalities (a rank,
    a national or regional figure, a chart of several)? Then any change in the edition may
    change every sheet."""
    from faktaark.text.templates import placeholders

    across = {f"indikator.{n}" for n in dictionary.indicators if dictionary.compares(n)}
    names = {name for text in strings(dict(layout.texts)) for name, _, _ in placeholders(text)}
    if any(b.kind == "ranking_chart" for b in layout.boxes):
        return True
    return bool(names & across) or any(n.startswith(("land.", "region.")) for n in names)

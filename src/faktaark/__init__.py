"""faktaark: print-ready PDF fact sheets for the 98 Danish municipalities, one sheet kit (a folder
of TOML: page, texts, data dictionary) per topic; three kits ship (almene-boliger, the default).

    import faktaark
    result = faktaark.build("Glostrup", out="ark/")      # -> BuildResult (path, pages, sha256,
                                                         #    warnings, provenance)
    data = faktaark.load()                               # validated figures: bundled, your files,
                                                         #    or a Polars/pandas DataFrame
    frame = faktaark.indicators(data)                    # Polars DataFrame, one row per kommune
    faktaark.build_many(data=data, out="ark/")           # all 98, in worker processes
    faktaark.contact_sheet("ark/", "oversigt.pdf")       # review: thumbnails of every sheet
    faktaark.compare("ark-old/", "ark/")                 # review: which sheets changed

Everything the CLI does goes through these functions (`faktaark.api`); they return result
objects and never print. Errors are `FaktaarkError` subclasses carrying the file, row, column
and municipality the CLI prints.
"""

from __future__ import annotations

import typing as _typing

from faktaark._version import __version__
from faktaark.errors import (
    DataError,
    FaktaarkError,
    FitError,
    GlyphError,
    InputError,
    Issue,
    LayoutError,
    OutputError,
    RenderError,
    UnknownKommune,
    UsageError,
    ValidationFailed,
)

if _typing.TYPE_CHECKING:
    from faktaark.api import (
        BuildResult,
        OutputFile,
        build,
        build_many,
        check_pdf,
        combine_pdfs,
        compare,
        contact_sheet,
        data_dictionary,
        example_data,
        fit_check,
        indicators,
        kit_fields,
        list_kommuner,
        load,
        new_kit,
        plan_sheet,
        preflight,
        prepare,
        preview_pages,
        proof,
        validate,
        write_indicators,
    )
    from faktaark.builder.provenance import Provenance
    from faktaark.data.dataset import Dataset

# The API is imported when first used: `import faktaark` (and the command line, which starts
# worker processes before it needs the API) stays cheap.
_LAZY = {"Dataset": "faktaark.data.dataset", "Provenance": "faktaark.builder.provenance"}


def __getattr__(name: str) -> _typing.Any:
    if name not in __all__ or name == "__version__":
        raise AttributeError(f"module 'faktaark' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY.get(name, "faktaark.api")), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "BuildResult",
    "DataError",
    "Dataset",
    "FaktaarkError",
    "FitError",
    "GlyphError",
    "InputError",
    "Issue",
    "LayoutError",
    "OutputError",
    "OutputFile",
    "Provenance",
    "RenderError",
    "UnknownKommune",
    "UsageError",
    "ValidationFailed",
    "__version__",
    "build",
    "build_many",
    "check_pdf",
    "combine_pdfs",
    "compare",
    "contact_sheet",
    "data_dictionary",
    "example_data",
    "fit_check",
    "indicators",
    "kit_fields",
    "list_kommuner",
    "load",
    "new_kit",
    "plan_sheet",
    "preflight",
    "prepare",
    "preview_pages",
    "proof",
    "validate",
    "write_indicators",
]

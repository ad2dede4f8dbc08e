"""faktaark: print-ready PDF fact sheets about almene boliger for the 98 Danish municipalities.

    import faktaark
    result = faktaark.build("Glostrup", out="ark/")      # -> BuildResult (path, pages, sha256 ...)
    data = faktaark.load()                               # validated figures (bundled or your own)
    frame = faktaark.indicators(data)                    # Polars DataFrame, one row per kommune

Everything the CLI does goes through these functions; errors are `FaktaarkError` subclasses.
"""

from __future__ import annotations

__version__ = "0.1.0"

from faktaark.api import (
    BuildResult,
    OutputFile,
    build,
    indicators,
    list_kommuner,
    load,
    plan_sheet,
    prepare,
    validate,
)
from faktaark.errors import (
    DataError,
    FaktaarkError,
    FitError,
    GlyphError,
    InputError,
    Issue,
    LayoutError,
    RenderError,
    UnknownKommune,
    UsageError,
    ValidationFailed,
)

__all__ = [
    "BuildResult",
    "DataError",
    "FaktaarkError",
    "FitError",
    "GlyphError",
    "InputError",
    "Issue",
    "LayoutError",
    "OutputFile",
    "RenderError",
    "UnknownKommune",
    "UsageError",
    "ValidationFailed",
    "__version__",
    "build",
    "indicators",
    "list_kommuner",
    "load",
    "plan_sheet",
    "prepare",
    "validate",
]

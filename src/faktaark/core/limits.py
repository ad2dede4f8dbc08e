"""The size limits every input file obeys, checked before a file is read or hashed."""

from __future__ import annotations

__all__ = [
    "MAX_ASSET_BYTES",
    "MAX_ASSET_PIXELS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_CONFIG_BYTES",
    "MAX_JOBS",
    "MAX_LAYOUT_BYTES",
    "MAX_MANIFEST_BYTES",
    "MAX_PDF_BYTES",
    "MAX_ROWS",
]

MAX_BYTES = 20 * 1024 * 1024  # 98 municipalities x many editions is a few hundred KB
MAX_ROWS = 20_000  # 98 municipalities x 200 editions: files and DataFrames alike
MAX_COLUMNS = 1000  # a figures table has a few dozen columns: files and DataFrames alike
MAX_CONFIG_BYTES = 1024 * 1024  # faktaark.toml, pyproject.toml: a few KB
MAX_LAYOUT_BYTES = 4 * 1024 * 1024  # layout.toml, texts.da.toml: a few tens of KB
MAX_ASSET_BYTES = 16 * 1024 * 1024  # an image of a layout (a logo, a photo)
MAX_ASSET_PIXELS = 40_000_000  # 40 Mpixel: an A4 page at 600 dpi is 35 Mpixel
MAX_PDF_BYTES = 256 * 1024 * 1024  # a PDF given to `check`
MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # a manifest of 98 sheets is about 60 KB
MAX_JOBS = 256  # worker processes: more than the sheets of any run is waste

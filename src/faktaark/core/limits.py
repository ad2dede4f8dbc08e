"""The size limits every input file obeys, checked before a file is read or hashed."""

from __future__ import annotations

__all__ = ["MAX_BYTES", "MAX_ROWS"]

MAX_BYTES = 20 * 1024 * 1024  # 98 municipalities x many editions is a few hundred KB
MAX_ROWS = 20_000  # 98 municipalities x 200 editions

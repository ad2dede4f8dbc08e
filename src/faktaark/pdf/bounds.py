"""Bounds for every PDF faktaark reads (stub)."""

from __future__ import annotations

from pathlib import Path

from faktaark.core.limits import MAX_PDF_BYTES
from faktaark.core.paths import read_bytes

__all__ = ["read_pdf"]


def read_pdf(path: Path, what: str = "PDF") -> bytes:
    return read_bytes(path, limit=MAX_PDF_BYTES, what=what)

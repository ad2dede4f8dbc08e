"""`build --combine FILE.pdf`: the pages of many sheets in one PDF, for review or print."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from faktaark.core.limits import MAX_PDF_BYTES
from faktaark.core.paths import read_bytes
from faktaark.errors import InputError

__all__ = ["combine"]


def combine(paths: Sequence[Path], dest: Path) -> None:
    """One PDF with the pages of `paths` in order, written atomically."""
    import pikepdf

    from faktaark.core.atomic import write_atomic

    out = pikepdf.new()
    for p in paths:
        data = read_bytes(p, limit=MAX_PDF_BYTES, what="sheet")
        try:
            with pikepdf.open(io.BytesIO(data)) as src:
                out.pages.extend(src.pages)
        except pikepdf.PdfError as exc:
            raise InputError(f"{p}: cannot add to the combined PDF: {exc}") from exc
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True)
    write_atomic(Path(dest), buf.getvalue())

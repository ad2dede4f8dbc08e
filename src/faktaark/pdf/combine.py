"""`build --combine FILE.pdf`: the pages of many sheets in one PDF, for review or print."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

__all__ = ["combine"]


def combine(paths: Sequence[Path], dest: Path) -> None:
    """One PDF with the pages of `paths` in order, written atomically."""
    import pikepdf

    from faktaark.core.atomic import write_atomic

    out = pikepdf.new()
    for p in paths:
        with pikepdf.open(p) as src:
            out.pages.extend(src.pages)
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True)
    write_atomic(Path(dest), buf.getvalue())

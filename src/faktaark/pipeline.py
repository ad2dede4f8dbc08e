"""The stages glued together: prepared data -> plan -> PDF bytes -> file on disk.

`Prepared` computes the indicators of an edition once (all 98 at a time) and hands out the
`SheetData` of any municipality. `make_pdf` renders a plan and post-processes it;
`write_atomic` writes next to the target and renames, so no reader ever sees half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from faktaark import __version__
from faktaark.context import SheetData
from faktaark.dataset import Dataset
from faktaark.kommuner import Kommune, register
from faktaark.plan import SheetPlan

__all__ = ["Prepared", "make_pdf", "prepare", "write_atomic"]

TMP_PREFIX = ".faktaark-tmp-"


@dataclass
class Prepared:
    """One edition of a data set with every indicator computed, ready to plan sheets."""

    dataset: Dataset
    udgave: int
    rows: dict[int, dict[str, object]]
    land: dict[str, float]
    regions: dict[str, dict[str, float]]
    _cache: dict[int, SheetData] = field(default_factory=dict, repr=False)

    def sheet_data(self, kommune: Kommune) -> SheetData:
        sd = self._cache.get(kommune.kode)
        if sd is None:
            sd = SheetData(
                kommune=kommune, record=self.dataset.record(kommune.kode, self.udgave),
                indicators=self.rows[kommune.kode], land=self.land,
                region=self.regions[kommune.region], fakta=self.dataset.fakta,
                folketal_aar=self.dataset.folketal_aar, all_indicators=self.rows,
                peers_eksempel=self.any_eksempel,
            )  # fmt: skip
            self._cache[kommune.kode] = sd
        return sd

    @property
    def any_eksempel(self) -> bool:
        return any(r.eksempel for r in self.dataset.edition(self.udgave))

    def codes(self) -> list[int]:
        return sorted(self.rows)


def prepare(dataset: Dataset, udgave: int | None = None) -> Prepared:
    from faktaark import derive

    records = dataset.edition(udgave)
    df = derive.compute(records, dataset.folketal, register())
    rows = derive.rows(df)
    regions = derive.regions(df)
    return Prepared(dataset, records[0].udgave, rows, derive.national(df), regions)


def make_pdf(plan: SheetPlan, variant: str = "screen", validate: str = "full") -> bytes:
    """Render a plan to finished PDF bytes.

    screen: RGB, tagged PDF/UA-1 + PDF/A-2a; print: CMYK with 3 mm bleed and crop marks,
    PDF/A-2b with a FOGRA39 output intent. `validate` is "full", "fast" or "none" (see
    `pdfa.finish`); a failure raises `ValidationFailed` and nothing is written.
    """
    from faktaark import pdfa, render
    from faktaark.docmeta import DocMeta, meta_date
    from faktaark.printgeom import PrintGeometry

    geometry = PrintGeometry(plan.width, plan.height) if variant == "print" else None
    creator = f"faktaark {__version__}"
    rendered = render.draw(plan, geometry, creator=creator, tagged=variant == "screen")
    meta = DocMeta(
        title=plan.title, author=plan.author, subject=plan.subject,
        keywords=f"almene boliger, {plan.kommune}, faktaark", creator_tool=creator,
        date=meta_date(plan.udgave), lang=plan.lang,
    )  # fmt: skip
    pages = [page.content for page in plan.pages]
    return pdfa.finish(rendered, pages, meta, variant=variant, validate=validate)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # a new name (O_EXCL) in the same folder, created with the ordinary mode less the umask
    tmp = path.parent / f"{TMP_PREFIX}{os.getpid()}-{os.urandom(8).hex()}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # rename after a complete write: a killed process (Ctrl-C, kill -9) never leaves a
        # truncated file under the final name. No fsync: that guards against power loss only,
        # and costs more than drawing a page.
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def clean_leftovers(folder: Path) -> int:
    """Remove temporary files an interrupted run left behind; returns how many."""
    n = 0
    if folder.is_dir():
        for f in folder.glob(f"{TMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                f.unlink()
                n += 1
    return n

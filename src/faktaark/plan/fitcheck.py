"""`faktaark layouts check`: plan a layout for every municipality and for worst cases.

The fit guarantee as a build gate: every text box of every sheet is measured when planned
(`flow.py`); this module runs the planner over all 98 municipalities plus synthetic worst
cases (the longest official names with every count and amount ten times the largest in the
data, percentages of 99,9 and shares of 100 pct.) and reports the tightest boxes, i.e. how
much room is left, and every overflow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from faktaark.core.kommuner import Kommune, register
from faktaark.data.dataset import Dataset, Record
from faktaark.dictionary.model import PRINTED
from faktaark.errors import FaktaarkError, FitError
from faktaark.layout.model import Layout
from faktaark.plan.model import SheetPlan

__all__ = [
    "WORST_CASE",
    "BoxRoom",
    "FitReport",
    "check_fit",
    "is_worst_case",
    "planned_sheets",
    "worst_case_dataset",
]

WORST_NAMES = 5  # how many of the longest official names get a worst-case sheet
FACTOR = 10
WORST_CASE = f" ({FACTOR}× figures)"  # the label's ending of a worst-case sheet


def is_worst_case(label: str) -> bool:
    """Is a sheet's label (the municipality's name, from `planned_sheets`) a worst case?"""
    return label.endswith(WORST_CASE)


@dataclass(frozen=True)
class BoxRoom:
    page: int
    box: str
    room: float  # spare height in points at the tightest sheet
    scale: float  # smallest scale used (1 = no shrinking)
    kommune: str  # the sheet where it is tightest


@dataclass
class FitReport:
    layout: str
    sheets: int = 0
    rooms: list[BoxRoom] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    print_colours: list[str] = field(default_factory=list)  # broken print colour rules

    @property
    def ok(self) -> bool:
        return not self.failures and not self.print_colours

    def tightest(self, n: int = 12) -> list[BoxRoom]:
        return sorted(self.rooms, key=lambda r: (r.room, r.scale))[:n]


def worst_case_dataset(ds: Dataset, udgave: int | None = None) -> tuple[Dataset, list[int]]:
    """A copy of one edition where the municipalities with the longest official names carry
    every count and amount ten times the largest in the data, percentages of 99,9, and their
    figures marked as example data."""
    d = ds.fields
    records = list(ds.edition(udgave))
    longest = sorted(register(), key=lambda k: (-len(k.officielt_navn), k.kode))[:WORST_NAMES]
    codes = [k.kode for k in longest]
    maxima: dict[str, float] = {}
    for col in d.columns.values():
        if col.kind in ("count", "mio_kr"):
            vals = [
                float(v) for r in records if isinstance(v := r.values.get(col.name), int | float)
            ]
            maxima[col.name] = max(vals, default=0.0)
    out: list[Record] = []
    for r in records:
        if r.kommunekode not in codes:
            out.append(r)
            continue
        values = dict(r.values)
        for name, top in maxima.items():
            big = top * FACTOR
            values[name] = int(big) if isinstance(r.values.get(name), int) else big
        for col in d.columns.values():
            if col.kind == "pct":
                values[col.name] = min(99.9, col.max if col.max is not None else 99.9)
        for s in d.sources.values():
            if s.datakilde_column:
                values[s.datakilde_column] = "eksempel"
        out.append(replace(r, values=values))
    return replace(ds, records=tuple(out)), codes


def _widest_shares(rows: dict[int, dict[str, object]], codes: list[int], ds: Dataset) -> None:
    """The worst cases print every percentage indicator as 100 pct. (three digits)."""
    for code in codes:
        row = rows[code]
        for ind in ds.fields.indicators.values():
            if ind.kind == "pct" and row.get(ind.name) is not None:
                row[ind.name] = 100.0
                if PRINTED + ind.name in row:
                    row[PRINTED + ind.name] = 100.0


def planned_sheets(
    layout: Layout,
    ds: Dataset,
    udgave: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Iterator[tuple[Kommune, str, SheetPlan | str]]:
    """Plan `layout` for all 98 and the worst cases: (municipality, label, plan), or the
    message of a sheet that could not be planned instead of its plan. The label is the
    municipality's name, with " (10× figures)" for a worst case."""
    from faktaark.plan.planner import make_plan
    from faktaark.values.prepared import prepare_edition

    worst_ds, worst_codes = worst_case_dataset(ds, udgave)
    runs: list[tuple[str, Dataset, list[Kommune]]] = [
        ("", ds, list(register())),
        (WORST_CASE, worst_ds, [register().get(c) for c in worst_codes]),
    ]
    for label, data, kommuner in runs:
        prep = prepare_edition(data, udgave)
        if data is worst_ds:
            _widest_shares(prep.rows, worst_codes, data)
        for k in kommuner:
            if progress:
                progress(k.navn + label)
            try:
                yield k, k.navn + label, make_plan(layout, prep.sheet_data(k))
            except FitError as exc:
                yield k, k.navn + label, str(exc) + label
            except FaktaarkError as exc:
                yield k, k.navn + label, f"{layout.name}, {k.navn}{label}: {exc}"


def check_fit(
    layout: Layout,
    ds: Dataset,
    udgave: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> FitReport:
    """Plan `layout` for all 98 and the worst cases; collect rooms and every failure; check
    the layout's print colours against the press rules."""
    from faktaark.layout.print_colours import print_colour_problems

    report = FitReport(layout.name, print_colours=print_colour_problems(layout))
    best: dict[tuple[int, str], BoxRoom] = {}
    for _, label, plan in planned_sheets(layout, ds, udgave, progress):
        report.sheets += 1
        if isinstance(plan, str):
            report.failures.append(plan)
            continue
        for fit in plan.fits:
            key = (fit.page, fit.box)
            cur = best.get(key)
            if cur is None or (fit.room, fit.scale) < (cur.room, cur.scale):
                best[key] = BoxRoom(
                    fit.page, fit.box, fit.room, min(fit.scale, cur.scale if cur else 1.0), label
                )
    report.rooms = list(best.values())
    return report

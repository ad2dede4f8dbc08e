"""One edition of a data set with every indicator computed, ready to plan sheets.

`prepare_edition` computes the indicators of an edition once (all 98 at a time, Polars) and
the resulting `Prepared` hands out the `SheetData` of any municipality. `cached_prepare` keeps
the result in the per-user cache, keyed by the bytes of the input files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from faktaark.core.kommuner import Kommune, register
from faktaark.data.dataset import Dataset
from faktaark.errors import DataError, Issue
from faktaark.values.sheet import SheetData

__all__ = ["Prepared", "cached_prepare", "prepare_edition"]


@dataclass
class Prepared:
    """One edition of a data set with every indicator computed, ready to plan sheets."""

    dataset: Dataset
    udgave: int
    rows: dict[int, dict[str, object]]
    land: dict[str, object]
    regions: dict[str, dict[str, object]]
    _cache: dict[int, SheetData] = field(default_factory=dict, repr=False)
    _eksempel: dict[str | None, frozenset[str]] = field(default_factory=dict, repr=False)

    def sheet_data(self, kommune: Kommune) -> SheetData:
        sd = self._cache.get(kommune.kode)
        if sd is None:
            sd = SheetData(
                kommune=kommune, record=self.dataset.record(kommune.kode, self.udgave),
                indicators=self.rows[kommune.kode], land=self.land,
                region=self.regions[kommune.region], fakta=self.dataset.fakta,
                folketal_aar=self.dataset.folketal_aar, all_indicators=self.rows,
                dictionary=self.dataset.fields, eksempel_land=self.eksempel_in(),
                eksempel_region=self.eksempel_in(kommune.region),
            )  # fmt: skip
            self._cache[kommune.kode] = sd
        return sd

    def eksempel_in(self, region: str | None = None) -> frozenset[str]:
        """The sources with example figures in some row of the edition (of one region); the
        same for every sheet of a batch, so worked out once per region (and for the country)."""
        known = self._eksempel.get(region)
        if known is not None:
            return known
        from faktaark.core.kommuner import register

        reg = register()
        d = self.dataset.fields
        found = frozenset(
            s
            for r in self.dataset.edition(self.udgave)
            if region is None or reg.get(r.kommunekode).region == region
            for s in d.example_sources(r.values)
        )
        self._eksempel[region] = found
        return found

    @property
    def any_eksempel(self) -> bool:
        return bool(self.eksempel_in())

    def codes(self) -> list[int]:
        return sorted(self.rows)

    def blocked_for(self, kommune: Kommune, compares: bool) -> DataError | None:
        """The error that stops this municipality's sheet when rows were left out as
        invalid (`Dataset.blocked`): its own row's, or, for a layout that compares
        municipalities (`compares`), any row's. None when the sheet can be built."""
        own = self.dataset.blocked_issues(kommune.kode, self.udgave)
        if own:
            return DataError(own, f"{kommune.navn}: its row has errors; the sheet is not built.")
        every = self.dataset.blocked_issues(udgave=self.udgave) if compares else []
        if every:
            names = ", ".join(sorted({i.kommune or "?" for i in every}))
            return DataError(
                every,
                f"{kommune.navn}: this layout compares municipalities, and the rows of "
                f"{names} have errors; the sheet is not built.",
            )
        return None

    def blocked_warnings(self) -> list[Issue]:
        """The errors of the left-out rows, as warnings for the sheets they do not stop."""
        return [
            Issue(f"{i.message} (this row's sheet is not built)", i.file, i.row, i.column,
                  i.kommune, severity="warning")
            for i in self.dataset.blocked_issues(udgave=self.udgave)
        ]  # fmt: skip


def prepare_edition(dataset: Dataset, udgave: int | None = None) -> Prepared:
    """Compute every indicator of one edition (the newest when `udgave` is None)."""
    from faktaark.values import indicators

    records = dataset.edition(udgave)
    df = indicators.compute(records, dataset.folketal, register(), dataset.fields)
    land, regions = indicators.scopes(df, dataset.fields)
    return Prepared(dataset, records[0].udgave, indicators.rows(df), land, regions)


def cached_prepare(
    files: Sequence[Path], options: str, compute: Callable[[], Prepared]
) -> Prepared:
    """The prepared data for these input files, from the per-user cache when the files' bytes,
    the options and faktaark are unchanged (see `faktaark.core.cache`)."""
    from faktaark.core.cache import cached

    def fresh() -> Prepared:
        prep = compute()
        prep._cache.clear()
        return prep

    return cached("prepared", files, options, fresh, Prepared)

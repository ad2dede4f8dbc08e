"""Validated input, as plain frozen data: what `api.load()` returns and later stages read.

Nothing here imports a third-party library, so a `Dataset` can be passed between processes
(pickled) and inspected in tests without Pydantic or Polars.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from faktaark.dictionary.model import Dictionary
from faktaark.errors import Issue, UsageError

__all__ = ["Dataset", "Fact", "Record"]

Value = int | float | str | None


@dataclass(frozen=True)
class Record:
    """One municipality's figures for one edition, with where they came from."""

    kommunekode: int
    udgave: int
    values: Mapping[str, Value]  # column -> parsed value (None = missing)
    file: str
    line: int
    # For each column, the column name as it stood in the source file (after mapping).
    source_columns: Mapping[str, str] = field(default_factory=dict)
    # Columns merged in from another file: column -> (file, line) they came from.
    origin: Mapping[str, tuple[str, int]] = field(default_factory=dict)

    def where(self, column: str) -> tuple[str, int]:
        """The file and line a column's value was read from."""
        return self.origin.get(column, (self.file, self.line))

    def without(self, names: Mapping[str, object] | set[str]) -> Record:
        """The record without some columns (an indicator's check column, once checked)."""
        if not any(n in self.values for n in names):
            return self
        return replace(self, values={k: v for k, v in self.values.items() if k not in names})

    def digest(self) -> str:
        """A hash of the values: the input-data part of a sheet's cache key."""
        blob = json.dumps(dict(self.values), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Fact:
    id: str
    tekst: str
    kilde: str
    beskrivelse: str = ""


@dataclass(frozen=True)
class Dataset:
    """Everything a sheet is made from, validated by a kit's data dictionary: figures,
    population, national facts."""

    records: tuple[Record, ...]
    folketal: Mapping[int, int]
    folketal_aar: int
    fakta: Mapping[str, Fact]
    files: tuple[str, ...]
    warnings: tuple[Issue, ...] = ()
    # rows that failed validation, kept out of `records` when loaded with strict=False:
    # (kommunekode, udgave; 0 when the edition itself is unreadable) -> their errors. They
    # block that municipality's sheet, and every sheet of a layout that compares.
    blocked: Mapping[tuple[int, int], tuple[Issue, ...]] = field(default_factory=dict)
    dictionary: Dictionary | None = None  # the data dictionary the figures were checked by

    @property
    def fields(self) -> Dictionary:
        """The data dictionary the figures were checked by."""
        if self.dictionary is None:
            raise UsageError("this Dataset was made without a data dictionary; use faktaark.load.")
        return self.dictionary

    def eksempel_sources(self, record: Record) -> list[str]:
        """The sources whose figures are example data in a record."""
        return self.fields.example_sources(record.values)

    def blocked_issues(self, kode: int | None = None, udgave: int | None = None) -> list[Issue]:
        """The errors of blocked rows: of one municipality (and edition), or all."""
        return [
            i
            for (k, u), issues in sorted(self.blocked.items())
            if (kode is None or k == kode) and (udgave is None or u in (0, udgave))
            for i in issues
        ]

    @property
    def udgaver(self) -> list[int]:
        return sorted({r.udgave for r in self.records})

    def kommune_rows(self, udgave: int | None = None) -> list[dict[str, object]]:
        """The 98 municipalities with code, names, region and the data source of their
        figures in edition `udgave` (the newest when None)."""
        from faktaark.core.kommuner import register

        source = {r.kommunekode: self.datakilde(r) for r in self.edition(udgave)}
        return [
            {"kommunekode": k.kode, "kommune": k.navn, "officielt_navn": k.officielt_navn,
             "region": k.region, "region_fra_2027": k.region_fra_2027, "slug": k.slug,
             "datakilde": source.get(k.kode)}
            for k in register()
        ]  # fmt: skip

    def datakilde(self, record: Record) -> str:
        """ "officiel", "eksempel", or per source when they differ ("almene: officiel,
        faellesskab: eksempel")."""
        return self.fields.datakilde(record.values)

    def edition(self, udgave: int | None = None) -> tuple[Record, ...]:
        """The records of one edition (the newest when `udgave` is None)."""
        eds = self.udgaver
        chosen = eds[-1] if udgave is None else udgave
        if chosen not in eds:
            raise UsageError(
                f"No figures for udgave {chosen}; the data has {', '.join(map(str, eds))}."
            )
        return tuple(r for r in self.records if r.udgave == chosen)

    def record(self, kode: int, udgave: int | None = None) -> Record:
        for r in self.edition(udgave):
            if r.kommunekode == kode:
                return r
        raise UsageError(f"No figures for kommune {kode} in udgave {udgave or self.udgaver[-1]}.")

    def digest(self) -> str:
        h = hashlib.sha256()
        for r in sorted(self.records, key=lambda r: (r.udgave, r.kommunekode)):
            h.update(f"{r.udgave}:{r.kommunekode}:{r.digest()};".encode())
        h.update(json.dumps(sorted(self.folketal.items())).encode())
        h.update(json.dumps(sorted((k, f.tekst, f.kilde) for k, f in self.fakta.items())).encode())
        h.update((self.dictionary.digest if self.dictionary else "").encode())
        return h.hexdigest()[:16]

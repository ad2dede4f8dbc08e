"""The values a sheet can print, by placeholder name, for one municipality.

`SheetData` gathers what one sheet needs (the municipality, its record, its indicators, the
national and regional figures, the national facts, the kit's data dictionary);
`build_context` turns it into the `{name: Val}` map that `texts.fill` reads. `known_names`
lists every name a kit may use, so a layout is checked before any data is loaded.

Each value knows whether it is example data, by the sources it is made from: a column by its
source's `datakilde` in this row; an indicator by the sources of what it reads (and, when it
compares municipalities, by every row of the edition); a region or country figure by the rows
it sums.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from faktaark.core import formatting
from faktaark.core.kommuner import Kommune
from faktaark.data.dataset import Fact, Record
from faktaark.dictionary.model import PRINTED, Dictionary
from faktaark.text.templates import Val

__all__ = ["KOMMUNE_FIELDS", "MAP_ATTRIBUTION", "SheetData", "build_context", "known_names"]

KOMMUNE_FIELDS = ("navn", "officielt_navn", "officielt_navn_genitiv", "kode", "region",
                  "landsdel", "region_fra_2027")  # fmt: skip
MAP_ATTRIBUTION = "Kort: Geodatastyrelsen og Danske Kommuner (DAGI, 1:500.000)"
EXAMPLE_LIST = "eksempel.kilder"  # which sources of the printed figures are example data


@dataclass(frozen=True)
class SheetData:
    kommune: Kommune
    record: Record
    indicators: Mapping[str, object]  # this municipality's row of the indicator frame
    land: Mapping[str, object]
    region: Mapping[str, object]
    fakta: Mapping[str, Fact]
    folketal_aar: int
    all_indicators: Mapping[int, Mapping[str, object]]  # every municipality's row (charts)
    dictionary: Dictionary
    # the sources with example figures in any row of the edition / of this region
    eksempel_land: frozenset[str] = field(default_factory=frozenset)
    eksempel_region: frozenset[str] = field(default_factory=frozenset)


def known_names(dictionary: Dictionary, fakta_ids: Iterable[str]) -> set[str]:
    names = {f"kommune.{f}" for f in KOMMUNE_FIELDS} | dictionary.placeholder_names()
    names |= {"folketal.aar", "folketal.dato", "udgave.aar", "kort.kilde", EXAMPLE_LIST}
    for fid in fakta_ids:
        names |= {f"fakta.{fid}", f"fodnote.{fid}", f"kilde.{fid}"}
    return names


def _period(a: object, b: object) -> str:
    return f"{a}" if a == b else f"{a}\u2013{b}"  # en dash in a range: 2021–2023


def kommune_values(k: Kommune) -> dict[str, Val]:
    """The `kommune.*` placeholders of one municipality (from the register)."""
    return {
        "kommune.navn": Val(k.navn, "text", "data/kommuner.csv"),
        "kommune.officielt_navn": Val(k.officielt_navn, "text", "data/kommuner.csv"),
        "kommune.officielt_navn_genitiv": Val(
            k.officielt_navn_genitiv, "text", "data/kommuner.csv"
        ),
        "kommune.kode": Val(str(k.kode), "code", "data/kommuner.csv"),
        "kommune.region": Val(k.region, "text", "data/kommuner.csv"),
        "kommune.landsdel": Val(k.landsdel, "text", "data/kommuner.csv"),
        "kommune.region_fra_2027": Val(k.region_fra_2027, "text", "data/kommuner.csv"),
    }


def _example(sources: Collection[str], flagged: Collection[str]) -> tuple[str, ...]:
    return tuple(s for s in sources if s in flagged)


def build_context(sd: SheetData) -> dict[str, Val]:
    k, rec, d = sd.kommune, sd.record, sd.dictionary
    ctx: dict[str, Val] = {
        **kommune_values(k),
        "folketal.aar": Val(sd.folketal_aar, "year", "data/folketal.csv"),
        "folketal.dato": Val(formatting.dato(sd.folketal_aar, 1, 1), "text", "data/folketal.csv"),
        "udgave.aar": Val(rec.udgave, "year", f"{rec.file}:{rec.line}"),
        "kort.kilde": Val(MAP_ATTRIBUTION, "text", "data/geo/kommuner.json.SOURCE.txt"),
        "indikator.folketal": Val(sd.indicators.get("folketal"), "count", "folketal"),
    }
    own = frozenset(d.example_sources(rec.values))

    def where(*columns: str) -> str:
        file, line = rec.where(columns[0])
        return f"{file}:{line} {', '.join(columns)}"

    for s in d.sources.values():
        flag = s.id in own
        mine: tuple[str, ...] = (s.id,) if flag else ()
        for c in d.columns_of(s.id):
            shown = flag and c.kind != "year"  # a year is never example data
            raw = rec.values.get(c.name)
            ctx[f"{s.id}.{c.name}"] = Val(
                raw, c.kind, where(c.name), c.decimals, shown, groups=mine if shown else (),
                trim=c.trim,
            )  # fmt: skip
        for attr, col, fixed in (
            ("kilde", s.kilde_column, s.kilde),
            ("datakilde", s.datakilde_column, s.datakilde),
        ):
            text = rec.values.get(col) if col else fixed
            src = where(col) if col else f"{d.name}: sources.{s.id}.{attr}"
            ctx[f"{s.id}.{attr}"] = Val(text, "text", src, eksempel=flag, groups=mine)
    for p in d.periods.values():
        v = rec.values
        period = _period(v[p.start], v[p.end])
        ctx[f"{p.source}.{p.name}"] = Val(period, "text", where(p.start, p.end))
    for ind in d.indicators.values():
        compared = d.compares(ind.name)
        groups = _example(d.sources_of(ind.name), sd.eksempel_land if compared else own)
        value = sd.indicators.get(PRINTED + ind.name, sd.indicators.get(ind.name))
        ctx[f"indikator.{ind.name}"] = Val(
            value, ind.kind, ind.formula, ind.decimals, bool(groups), compared, groups, ind.trim
        )
    for agg in d.aggregates.values():
        sources = d.sources_of(f"land.{agg.name}")
        for scope, values, flagged, label in (
            ("land", sd.land, sd.eksempel_land, "land"),
            ("region", sd.region, sd.eksempel_region, f"region {k.region}"),
        ):
            groups = _example(sources, flagged)
            ctx[f"{scope}.{agg.name}"] = Val(
                values.get(agg.name), agg.kind, f"{label}: {agg.expr}", agg.decimals,
                bool(groups), True, groups, agg.trim,
            )  # fmt: skip
    for fid, fact in sd.fakta.items():
        ctx[f"fakta.{fid}"] = Val(fact.tekst, "text", f"data/landsfakta.toml fakta.{fid}")
        ctx[f"fodnote.{fid}"] = Val(fact.kilde, "mark", f"data/landsfakta.toml fakta.{fid}")
        ctx[f"kilde.{fid}"] = Val(fact.kilde, "text", f"data/landsfakta.toml fakta.{fid}")
    ctx[EXAMPLE_LIST] = Val("", "text", "the sources of the example figures printed")
    return ctx


def example_list(d: Dictionary, sources: Iterable[str]) -> str:
    """The labels of sources as Danish running text: "a", "a og b", "a, b og c"."""
    labels = [d.sources[s].label for s in sources if s in d.sources]
    if len(labels) < 2:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} og {labels[-1]}"

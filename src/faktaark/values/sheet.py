"""The values a sheet can print, by placeholder name, for one municipality.

`SheetData` gathers what one sheet needs (the municipality, its record, its indicators, the
national and regional figures, the national facts); `build_context` turns it into the
`{name: Val}` map that `texts.fill` reads. `known_names` lists every name a layout may use, so
a layout is checked before any data is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from faktaark.core import formatting
from faktaark.core.fields import COLUMNS, INDICATORS, NATIONAL
from faktaark.core.kommuner import Kommune
from faktaark.data.dataset import Fact, Record
from faktaark.text.templates import Val

__all__ = ["KOMMUNE_FIELDS", "MAP_ATTRIBUTION", "SheetData", "build_context", "known_names"]

KOMMUNE_FIELDS = ("navn", "officielt_navn", "officielt_navn_genitiv", "kode", "region",
                  "landsdel", "region_fra_2027")  # fmt: skip
EXTRA_ALMENE = ("igangsat_periode", "lbf_renovering_periode")
REGION_FIELDS = ("andel_af_boligmassen", "almene_boliger_i_alt", "anvisningsret_pr_aar",
                 "fraflytningsprocent")  # fmt: skip
MAP_ATTRIBUTION = "Kort: Geodatastyrelsen og Danske Kommuner (DAGI, 1:500.000)"


@dataclass(frozen=True)
class SheetData:
    kommune: Kommune
    record: Record
    indicators: Mapping[str, object]  # this municipality's row of the indicator frame
    land: Mapping[str, float]
    region: Mapping[str, float]
    fakta: Mapping[str, Fact]
    folketal_aar: int
    all_indicators: Mapping[int, Mapping[str, object]]  # every municipality's row (charts)
    peers_eksempel: bool = False  # some municipality of the edition has example figures


def known_names(fakta_ids: Iterable[str]) -> set[str]:
    names = {f"kommune.{f}" for f in KOMMUNE_FIELDS}
    names |= {f"almene.{c.name}" for c in COLUMNS} | {f"almene.{e}" for e in EXTRA_ALMENE}
    names |= {f"indikator.{i.name}" for i in INDICATORS}
    names |= {f"land.{i.name}" for i in NATIONAL}
    names |= {f"region.{f}" for f in REGION_FIELDS}
    names |= {"folketal.aar", "folketal.dato", "udgave.aar", "kort.kilde"}
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


def build_context(sd: SheetData) -> dict[str, Val]:
    k, rec = sd.kommune, sd.record
    src = f"{rec.file}:{rec.line}"
    ctx: dict[str, Val] = {
        **kommune_values(k),
        "folketal.aar": Val(sd.folketal_aar, "year", "data/folketal.csv"),
        "folketal.dato": Val(formatting.dato(sd.folketal_aar, 1, 1), "text", "data/folketal.csv"),
        "udgave.aar": Val(rec.udgave, "year", src),
        "kort.kilde": Val(MAP_ATTRIBUTION, "text", "data/geo/kommuner.json.SOURCE.txt"),
    }
    own = rec.eksempel
    across = sd.peers_eksempel
    for col in COLUMNS:
        kind = {"source": "text", "code": "code"}.get(col.kind, col.kind)
        flag = own and col.kind not in ("code", "year")
        ctx[f"almene.{col.name}"] = Val(
            rec.values.get(col.name), kind, f"{src} {col.name}", eksempel=flag
        )
    v = rec.values
    ctx["almene.igangsat_periode"] = Val(
        _period(v["igangsat_fra"], v["igangsat_til"]), "text", f"{src} igangsat_fra, igangsat_til"
    )
    ctx["almene.lbf_renovering_periode"] = Val(
        _period(v["lbf_renovering_fra"], v["lbf_renovering_til"]),
        "text",
        f"{src} lbf_renovering_fra, lbf_renovering_til",
    )
    real = ("folketal", "antal_i_region", "antal_kommuner")  # from the register and FOLK1A
    for ind in INDICATORS:
        flag = False if ind.name in real else (across if ind.across else own)
        ctx[f"indikator.{ind.name}"] = Val(
            sd.indicators.get(ind.name), ind.kind, ind.formula, ind.decimals, eksempel=flag
        )
    # the allocation right is printed as a fourth of the vacancy estimate as the sheet prints
    # it ("ca. 360" ledige -> "ca. 90"), so a reader can redo the sum from the page (issue 14)
    ledige = ctx["indikator.ledige_familieboliger_pr_aar"]
    if isinstance(ledige.raw, int | float):
        key = "indikator.anvisningsret_pr_aar"
        ctx[key] = ctx[key]._replace(
            raw=formatting.estimate_value(ledige.raw) / 4,
            source="estimate_value(ledige_familieboliger_pr_aar) / 4",
        )
    for ind in NATIONAL:
        ctx[f"land.{ind.name}"] = Val(
            sd.land.get(ind.name),
            ind.kind,
            f"land: {ind.formula}",
            ind.decimals,
            eksempel=across and ind.name not in real,
        )
    for name in REGION_FIELDS:
        kind = "pct" if name.startswith(("andel", "fraflytning")) else "count"
        ctx[f"region.{name}"] = Val(
            sd.region.get(name), kind, f"region {k.region}: sum", eksempel=across
        )
    for fid, fact in sd.fakta.items():
        ctx[f"fakta.{fid}"] = Val(fact.tekst, "text", f"data/landsfakta.toml fakta.{fid}")
        ctx[f"fodnote.{fid}"] = Val(fact.kilde, "mark", f"data/landsfakta.toml fakta.{fid}")
        ctx[f"kilde.{fid}"] = Val(fact.kilde, "text", f"data/landsfakta.toml fakta.{fid}")
    return ctx

"""Derived indicators for all municipalities at once, as one Polars frame.

`compute()` takes the validated records of one edition and returns one row per municipality
with every indicator of `fields.INDICATORS`; `national()` gives the national totals of
`fields.NATIONAL`; `write_frame()` writes a frame as CSV, JSON or Parquet. Formulas are written
once, here, and documented in `fields.py` (which provenance prints). Missing inputs give
missing outputs, never zeros.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from faktaark.core.atomic import write_atomic
from faktaark.core.fields import COLUMN_NAMES, INDICATOR_NAMES
from faktaark.core.kommuner import Register, register
from faktaark.data.dataset import Record
from faktaark.errors import UsageError

__all__ = [
    "FORMATS",
    "ID_COLUMNS",
    "compute",
    "frame",
    "national",
    "regions",
    "rows",
    "write_frame",
]

LEVEL_BAND = 1.0  # procentpoint within which a share is "på niveau med" the national one


def _frame(records: Sequence[Record], folketal: Mapping[int, int], reg: Register) -> pl.DataFrame:
    data: dict[str, list[object]] = {c: [] for c in COLUMN_NAMES}
    data.update({"region": [], "folketal": []})
    for r in records:
        for c in COLUMN_NAMES:
            data[c].append(r.values.get(c))
        data["region"].append(reg.get(r.kommunekode).region)
        data["folketal"].append(folketal.get(r.kommunekode))
    schema: dict[str, type[pl.DataType]] = dict.fromkeys(COLUMN_NAMES, pl.Float64)
    for c in ("kommunekode", "udgave", "kommune", "datakilde", "kilde", "region"):
        schema[c] = pl.Int64 if c in ("kommunekode", "udgave") else pl.String
    schema["folketal"] = pl.Int64
    return pl.DataFrame(data, schema=schema)


def compute(records: Sequence[Record], folketal: Mapping[int, int], reg: Register) -> pl.DataFrame:
    """One row per municipality: the record's columns plus every indicator."""
    df = _frame(records, folketal, reg)
    col = pl.col
    df = (
        df.with_columns(
            (col("ungdomsboliger") + col("familieboliger") + col("aeldreboliger")).alias(
                "almene_boliger_i_alt"
            ),
            (
                col("igangsat_ungdomsboliger")
                + col("igangsat_familieboliger")
                + col("igangsat_aeldreboliger")
            ).alias("igangsat_i_alt"),
            # from the rate as a sheet prints it (one decimal), so the estimate can be redone
            (col("familieboliger") * col("fraflytningsprocent").round(1) / 100).alias(
                "ledige_familieboliger_pr_aar"
            ),
        )
        .with_columns(
            (100 * col("almene_boliger_i_alt") / col("boligmasse")).alias("andel_af_boligmassen"),
            (col("ledige_familieboliger_pr_aar") / 4).alias("anvisningsret_pr_aar"),
            (1000 * col("beboere") / col("folketal")).alias("beboere_pr_1000_indbyggere"),
            (1000 * col("almene_boliger_i_alt") / col("folketal")).alias(
                "almene_boliger_pr_1000_indbyggere"
            ),
            (100 * col("almene_boliger_i_alt") / col("almene_boliger_i_alt").sum()).alias(
                "andel_af_landets_almene_boliger"
            ),
            pl.len().over("region").alias("antal_i_region"),
        )
        .with_columns(
            (1000 * col("anvisningsret_pr_aar") / col("familieboliger")).alias(
                "anvisningsret_pr_1000_familieboliger"
            ),
            col("andel_af_boligmassen").rank("min", descending=True).alias("rang_andel"),
            col("andel_af_boligmassen")
            .rank("min", descending=True)
            .over("region")
            .alias("rang_andel_region"),
            col("anvisningsret_pr_aar")
            .rank("min", descending=True)
            .over("region")
            .alias("rang_anvisningsret_region"),
        )
    )
    land = national(df)
    diff = col("andel_af_boligmassen") - land["andel_af_boligmassen"]
    df = df.with_columns(
        diff.alias("forskel_andel_fra_landet"),
        pl.when(diff >= LEVEL_BAND)
        .then(pl.lit("højere end"))
        .when(diff <= -LEVEL_BAND)
        .then(pl.lit("lavere end"))
        .otherwise(pl.lit("på niveau med"))
        .alias("sammenligning_andel"),
    )
    missing = [n for n in INDICATOR_NAMES if n not in df.columns]
    assert not missing, f"indicators not computed: {missing}"
    return df.sort("kommunekode")


def national(df: pl.DataFrame) -> dict[str, float]:
    """National totals (sums over the 98) and national rates."""
    s = df.select(
        pl.col("almene_boliger_i_alt").sum(),
        pl.col("familieboliger").sum(),
        pl.col("beboere").sum(),
        pl.col("boligmasse").sum(),
        pl.col("folketal").sum(),
        pl.col("ledige_familieboliger_pr_aar").sum(),
        pl.col("anvisningsret_pr_aar").sum(),
        pl.len().alias("antal_kommuner"),
    ).row(0, named=True)
    out = {k: float(v) if v is not None else 0.0 for k, v in s.items()}
    out["andel_af_boligmassen"] = 100 * out["almene_boliger_i_alt"] / out["boligmasse"]
    # weighted over the municipalities whose rate is given (a missing one does not dilute it)
    given = df.filter(pl.col("ledige_familieboliger_pr_aar").is_not_null())
    fam = float(given["familieboliger"].sum() or 0.0)
    out["fraflytningsprocent"] = 100 * out["ledige_familieboliger_pr_aar"] / fam if fam else 0.0
    del out["ledige_familieboliger_pr_aar"]
    return out


def rows(df: pl.DataFrame) -> dict[int, dict[str, object]]:
    """The frame as plain dicts keyed by kommunekode (what the planner reads)."""
    return {int(r["kommunekode"]): r for r in df.iter_rows(named=True)}


def regions(df: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Regional totals: almene dwellings, share of the housing stock, allocation right."""
    ledige = pl.col("ledige_familieboliger_pr_aar")
    g = df.group_by("region").agg(
        pl.col("almene_boliger_i_alt").sum(),
        pl.col("boligmasse").sum(),
        pl.col("anvisningsret_pr_aar").sum(),
        ledige.sum().alias("ledige"),
        pl.col("familieboliger").filter(ledige.is_not_null()).sum().alias("fam_givet"),
    )
    out = {}
    for r in g.iter_rows(named=True):
        fam = float(r["fam_givet"] or 0.0)
        out[str(r["region"])] = {
            "almene_boliger_i_alt": float(r["almene_boliger_i_alt"]),
            "andel_af_boligmassen": 100 * float(r["almene_boliger_i_alt"]) / float(r["boligmasse"]),
            "anvisningsret_pr_aar": float(r["anvisningsret_pr_aar"] or 0.0),
            "fraflytningsprocent": 100 * float(r["ledige"] or 0.0) / fam if fam else 0.0,
        }
    return out


ID_COLUMNS = ("kommunekode", "kommune", "region", "udgave", "datakilde")


def frame(
    records: Sequence[Record], folketal: Mapping[int, int], codes: Sequence[int] | None = None
) -> pl.DataFrame:
    """The indicators of one edition as the API returns them: the columns `ID_COLUMNS` (with
    the municipality's name), then one per indicator; all 98, or the municipalities `codes`."""
    df = compute(records, folketal, register())
    names = {k.kode: k.navn for k in register()}
    df = df.with_columns(df["kommunekode"].replace_strict(names).alias("kommune"))
    if codes is not None:
        df = df.filter(df["kommunekode"].is_in(list(codes)))
    return whole_numbers(df.select(*ID_COLUMNS, *INDICATOR_NAMES))


def whole_numbers(df: pl.DataFrame) -> pl.DataFrame:
    """The counts and ranks as integers (Int64) where every value is whole, as `frame` hands
    them out: CSV says 4614, not 4614.0. (The planner keeps its floats.)"""
    from faktaark.core.fields import INDICATORS

    casts = []
    for ind in INDICATORS:
        if ind.kind not in ("count", "rank") or ind.name not in df.columns:
            continue
        col = df[ind.name]
        if col.dtype.is_float() and bool(((col - col.round(0)).abs().fill_null(0) == 0).all()):
            casts.append(col.cast(pl.Int64))
    return df.with_columns(casts) if casts else df


FORMATS = ("csv", "json", "parquet")


def write_frame(
    frame: pl.DataFrame, fmt: str | None = None, out: str | Path | None = None
) -> str | None:
    """Write an indicator frame as CSV, JSON (a list of row objects) or Parquet, every number
    at full precision: to the file `out` (atomically; `fmt` defaults to its suffix) or, for
    CSV and JSON, returned as text when `out` is None."""
    import io

    fmt = fmt or (Path(out).suffix.lstrip(".").lower() if out is not None else "csv")
    fmt = {"pq": "parquet"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise UsageError(f"Unknown format {fmt!r}: use {', '.join(FORMATS)}.")
    if fmt == "parquet":
        if out is None:
            raise UsageError(
                "Parquet is a binary format: give a file to write it to.",
                advice="Use --out x.parquet.",
            )
        buf = io.BytesIO()
        frame.write_parquet(buf)
        data = buf.getvalue()
    else:
        text = frame.write_csv() if fmt == "csv" else frame.write_json() + "\n"
        if out is None:
            return text
        data = text.encode("utf-8")
    write_atomic(Path(out), data)
    return None

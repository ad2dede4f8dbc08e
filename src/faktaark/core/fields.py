"""The column contract of the figures file (`data/almene.csv`), as plain data.

One row per municipality and edition (`udgave`). `schema.py` validates against this list,
`README.md` documents it (a test keeps the two in step), `texts.py` formats each value by its
`kind`, and provenance names the column a printed figure came from.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "INDICATORS",
    "INDICATOR_NAMES",
    "KINDS",
    "NATIONAL",
    "Column",
    "Indicator",
    "by_name",
]

KINDS = ("code", "text", "source", "year", "count", "pct", "mio_kr")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of KINDS: decides parsing, checks and formatting
    meaning: str
    unit: str = ""
    required: bool = True  # the column must exist in the file
    missing_ok: bool = False  # a cell may be empty / ".." / "-" (shown as "–" with a note)
    year: str | None = None  # the column that holds the year (or first year) of this figure
    year_to: str | None = None  # the column holding the last year of a period


COLUMNS: tuple[Column, ...] = (
    Column("kommunekode", "code", "DST municipality code (101-860; `0161` and `161` both work)"),
    Column(
        "kommune",
        "text",
        "Municipality name; checked against the code when both are given",
        required=False,
        missing_ok=True,
    ),
    Column("udgave", "year", "Edition: the year the sheet is published for", "år"),
    Column(
        "datakilde",
        "source",
        '"officiel" for real published figures, "eksempel" for '
        "generated example data (the sheet then says so on every page)",
    ),
    Column("kilde", "text", "Source line printed under the figures"),
    Column(
        "beboere",
        "count",
        "Residents in almene boliger",
        "personer",
        missing_ok=True,
        year="beboere_aar",
    ),
    Column("beboere_aar", "year", "Year of `beboere`", "år"),
    Column(
        "ungdomsboliger",
        "count",
        "Almene ungdomsboliger (youth dwellings)",
        "boliger",
        year="boliger_aar",
    ),
    Column(
        "familieboliger",
        "count",
        "Almene familieboliger (family dwellings)",
        "boliger",
        year="boliger_aar",
    ),
    Column(
        "aeldreboliger",
        "count",
        "Almene ældreboliger (dwellings for the elderly)",
        "boliger",
        year="boliger_aar",
    ),
    Column("boliger_aar", "year", "Year of the dwelling counts", "år"),
    Column(
        "igangsat_ungdomsboliger",
        "count",
        "Almene ungdomsboliger started in the period",
        "boliger",
        missing_ok=True,
        year="igangsat_fra",
        year_to="igangsat_til",
    ),
    Column(
        "igangsat_familieboliger",
        "count",
        "Almene familieboliger started in the period",
        "boliger",
        missing_ok=True,
        year="igangsat_fra",
        year_to="igangsat_til",
    ),
    Column(
        "igangsat_aeldreboliger",
        "count",
        "Almene ældreboliger started in the period",
        "boliger",
        missing_ok=True,
        year="igangsat_fra",
        year_to="igangsat_til",
    ),
    Column("igangsat_fra", "year", "First year of the construction period", "år"),
    Column("igangsat_til", "year", "Last year of the construction period", "år"),
    Column(
        "fraflytningsprocent",
        "pct",
        "Move-out rate in almene familieboliger (fraflytninger per 100 dwellings per year)",
        "pct.",
        missing_ok=True,
        year="fraflytning_aar",
    ),
    Column("fraflytning_aar", "year", "Year of the move-out rate", "år"),
    Column(
        "boligmasse",
        "count",
        "All dwellings in the municipality (the housing stock); "
        "the almene share is derived from it",
        "boliger",
        year="boligmasse_aar",
    ),
    Column("boligmasse_aar", "year", "Year of the housing stock", "år"),
    Column(
        "huslejeomsaetning_mio_kr",
        "mio_kr",
        "Rent turnover in the municipality's almene afdelinger",
        "mio. kr.",
        missing_ok=True,
        year="huslejeomsaetning_aar",
    ),
    Column("huslejeomsaetning_aar", "year", "Year of the rent turnover", "år"),
    Column(
        "lokale_indkoeb_mio_kr",
        "mio_kr",
        "Turnover in the local area from the sector's purchases of services etc.",
        "mio. kr.",
        missing_ok=True,
        year="lokale_indkoeb_aar",
    ),
    Column(
        "lokale_indkoeb_aar",
        "year",
        "Year of the local purchases (empty when the source gives none)",
        "år",
        required=False,
        missing_ok=True,
    ),
    Column(
        "lbf_renovering_mio_kr",
        "mio_kr",
        "Renovation supported by Landsbyggefonden in the period",
        "mio. kr.",
        missing_ok=True,
        year="lbf_renovering_fra",
        year_to="lbf_renovering_til",
    ),
    Column("lbf_renovering_fra", "year", "First year of the renovation period", "år"),
    Column("lbf_renovering_til", "year", "Last year of the renovation period", "år"),
)

COLUMN_NAMES = tuple(c.name for c in COLUMNS)
_BY_NAME = {c.name: c for c in COLUMNS}

# Optional check columns: when a file carries them they must agree with what faktaark derives.
CHECK_COLUMNS = {
    "almene_boliger_i_alt": "must equal ungdomsboliger + familieboliger + aeldreboliger",
    "andel_af_boligmassen": "must match (almene boliger i alt / boligmasse) within 0,5 "
    "procentpoint",
}


def by_name(name: str) -> Column:
    return _BY_NAME[name]


@dataclass(frozen=True)
class Indicator:
    """A derived figure: computed by `indicators.py` for all municipalities at once."""

    name: str
    kind: str  # count | pct | rate | rank | pctpoint | text | mio_kr | estimate ("ca. 1.150")
    decimals: int
    formula: str
    meaning: str
    across: bool = False  # computed from other municipalities' figures too (ranks, totals)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "almene_boliger_i_alt",
        "count",
        0,
        "ungdomsboliger + familieboliger + aeldreboliger",
        "All almene dwellings",
    ),
    Indicator(
        "andel_af_boligmassen",
        "pct",
        0,
        "100 * almene_boliger_i_alt / boligmasse",
        "Almene dwellings as a share of the housing stock",
    ),
    Indicator(
        "ledige_familieboliger_pr_aar",
        "estimate",
        0,
        "familieboliger * fraflytningsprocent / 100",
        "Estimated vacant family dwellings per year (stock x move-out rate)",
    ),
    Indicator(
        "anvisningsret_pr_aar",
        "estimate",
        0,
        "ledige_familieboliger_pr_aar / 4",
        "The municipality's allocation right: every fourth vacant family dwelling, "
        "as dwellings per year",
    ),
    Indicator(
        "anvisningsret_pr_1000_familieboliger",
        "rate",
        1,
        "1000 * anvisningsret_pr_aar / familieboliger",
        "Allocation right per 1.000 family dwellings (comparable across sizes)",
    ),
    Indicator(
        "beboere_pr_1000_indbyggere",
        "rate",
        0,
        "1000 * beboere / folketal",
        "Residents in almene boliger per 1.000 inhabitants",
    ),
    Indicator(
        "almene_boliger_pr_1000_indbyggere",
        "rate",
        0,
        "1000 * almene_boliger_i_alt / folketal",
        "Almene dwellings per 1.000 inhabitants",
    ),
    Indicator(
        "igangsat_i_alt",
        "count",
        0,
        "igangsat_ungdomsboliger + igangsat_familieboliger + igangsat_aeldreboliger",
        "Almene dwellings started in the period",
    ),
    Indicator(
        "folketal", "count", 0, "FOLK1A population on 1 January (data/folketal.csv)", "Population"
    ),
    Indicator(
        "rang_andel",
        "rank",
        0,
        "rank of andel_af_boligmassen among the 98 (1 = highest)",
        "Rank on the almene share",
        across=True,
    ),
    Indicator(
        "rang_andel_region",
        "rank",
        0,
        "rank of andel_af_boligmassen within the region (1 = highest)",
        "Rank on the almene share within the region",
        across=True,
    ),
    Indicator(
        "rang_anvisningsret_region",
        "rank",
        0,
        "rank of anvisningsret_pr_aar within the region (1 = highest)",
        "Rank on the allocation right within the region",
        across=True,
    ),
    Indicator(
        "antal_i_region",
        "count",
        0,
        "number of municipalities in the region",
        "Municipalities in the region",
    ),
    Indicator(
        "andel_af_landets_almene_boliger",
        "pct",
        1,
        "100 * almene_boliger_i_alt / land.almene_boliger_i_alt",
        "The municipality's share of all almene dwellings in Denmark",
        across=True,
    ),
    Indicator(
        "forskel_andel_fra_landet",
        "pctpoint",
        1,
        "andel_af_boligmassen - land.andel_af_boligmassen",
        "Difference from the national almene share, in procentpoint",
        across=True,
    ),
    Indicator(
        "sammenligning_andel",
        "text",
        0,
        "'højere end' / 'lavere end' / 'på niveau med' (within 1 procentpoint) "
        "land.andel_af_boligmassen",
        "The almene share compared with the national one, as words",
        across=True,
    ),
)

NATIONAL: tuple[Indicator, ...] = (
    Indicator("almene_boliger_i_alt", "count", 0, "sum over the 98", "All almene dwellings"),
    Indicator("familieboliger", "count", 0, "sum over the 98", "All almene family dwellings"),
    Indicator("beboere", "count", 0, "sum over the 98", "Residents in almene boliger"),
    Indicator("boligmasse", "count", 0, "sum over the 98", "All dwellings"),
    Indicator("folketal", "count", 0, "sum over the 98", "Population"),
    Indicator(
        "andel_af_boligmassen",
        "pct",
        0,
        "100 * sum(almene) / sum(boligmasse)",
        "National almene share of the housing stock",
    ),
    Indicator(
        "fraflytningsprocent",
        "pct",
        0,
        "100 * sum(ledige_familieboliger_pr_aar) / sum(familieboliger)",
        "National move-out rate in family dwellings (weighted)",
    ),
    Indicator(
        "anvisningsret_pr_aar",
        "count",
        0,
        "sum over the 98",
        "Allocation right per year, all municipalities",
    ),
    Indicator("antal_kommuner", "count", 0, "98", "Municipalities"),
)
INDICATOR_NAMES = tuple(i.name for i in INDICATORS)

"""The checked data dictionary of a kit, as plain frozen data (no third-party imports).

Python knows *kinds* of figures (a count, a percentage, an amount in mio. kr., a rate ...):
how each is parsed, checked by default, formatted and aggregated. What a kit's figures are
called, what they mean and how they are computed is the kit's `fields.toml`, read by
`faktaark.dictionary.load` into a `Dictionary`.

Names a kit's texts print (placeholders):
- `<source>.<column>`: a column of the data (e.g. `almene.familieboliger`), the source's
  `kilde` and `datakilde`, and its periods (`almene.igangsat_periode`);
- `indikator.<name>`: a derived figure; `land.<name>` / `region.<name>`: a figure of the
  country / the municipality's region.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "AGGREGATE_FUNCTIONS",
    "COLUMN_KINDS",
    "EXAMPLE",
    "INDICATOR_KINDS",
    "KEY_COLUMNS",
    "NUMBER_KINDS",
    "PRINTED",
    "Aggregate",
    "Column",
    "Dictionary",
    "Example",
    "Indicator",
    "Period",
    "Rank",
    "Rule",
    "Source",
    "Statbank",
    "SumCheck",
    "Threshold",
    "compares",
]

# kinds of a column of the data
COLUMN_KINDS = ("count", "pct", "mio_kr", "rate", "decimal", "year", "text")
# kinds of a derived figure (an estimate prints "ca. 1.150", a rank "3", a pctpoint
# "2,5 procentpoint")
INDICATOR_KINDS = ("count", "pct", "mio_kr", "rate", "decimal", "estimate", "rank", "pctpoint",
                   "text")  # fmt: skip
NUMBER_KINDS = frozenset({"count", "pct", "mio_kr", "rate", "decimal", "estimate", "rank",
                          "pctpoint", "year"})  # fmt: skip
# the columns every figures file has (generic): the municipality and the edition
KEY_COLUMNS = ("kommunekode", "kommune", "udgave")
# the built-in columns an expression may read besides the declared ones
BUILTIN_COLUMNS = ("folketal",)
AGGREGATE_FUNCTIONS = frozenset({"sum", "count", "min", "max", "avg", "mean"})
# columns of a computed frame: a figure made from estimates as the sheet prints it, and per
# source whether a row's figures are example data
PRINTED = "__printed__"
EXAMPLE = "__eksempel__"


@dataclass(frozen=True)
class Loc:
    """Where a declaration stands: file, line and key (`columns.beboere.min`)."""

    file: str
    line: int | None
    key: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line or '?'}: {self.key}"


@dataclass(frozen=True)
class Threshold:
    """When `faktaark diff` flags a change: relative (`rel`, a fraction) or in procentpoint
    (`pp`); changes smaller than `min_abs` (in the figure's unit) are never flagged."""

    rel: float | None = None
    pp: float | None = None
    min_abs: float = 0.0
    zero_flip: bool = True  # flag a figure that goes to / comes from 0


@dataclass(frozen=True)
class Statbank:
    """How `faktaark data statbank` fills a column from a Statbank table: the table, the
    variables whose values are summed (all values, or those in `select`)."""

    table: str
    sum: tuple[str, ...] = ()
    select: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Example:
    """How `faktaark data eksempel` invents a plausible value: uniform in [min, max], times
    the column `per` when given (e.g. per = "folketal": a per-capita range); `empty`: always
    missing; `value`: always this value; a year: the edition plus `offset` (default -1)."""

    per: str | None = None
    min: float = 0.0
    max: float = 0.0
    decimals: int = 0
    empty: bool = False
    value: float | None = None
    offset: int | None = None


@dataclass(frozen=True)
class Source:
    """Where a group of columns comes from: its source line (`kilde`) and whether the figures
    are official or example data (`datakilde`), each a fixed text or a column of the data
    (per row); `file`: the bundled file holding these columns; `label`: what the example mark
    names ("tallene om almene boliger")."""

    id: str
    label: str
    kilde: str | None = None  # fixed source line
    kilde_column: str | None = None
    datakilde: str | None = None  # fixed: "officiel" | "eksempel"
    datakilde_column: str | None = None
    file: str | None = None
    loc: Loc | None = None

    @property
    def control_columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.kilde_column, self.datakilde_column) if c)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of COLUMN_KINDS
    meaning: str
    source: str  # the id of its `Source`
    unit: str = ""
    required: bool = True  # the column must be in the data
    missing: bool = False  # a cell may be empty ("ikke oplyst" on the sheet)
    year: str | None = None  # the column holding this figure's year (or first year)
    year_to: str | None = None  # ... and the last year of its period
    min: float | None = None
    max: float | None = None
    integer: bool = False
    decimals: int = 0  # printed decimals
    aggregate: str | None = None  # SQL aggregate expression (region.<name>, land.<name>)
    trim: bool = False  # a whole number prints without its decimals ("8 pct.", "7,7 pct.")
    diff: Threshold | None = None
    statbank: Statbank | None = None
    example: Example | None = None
    loc: Loc | None = None


@dataclass(frozen=True)
class Rank:
    by: str  # the figure ranked
    within: str = "land"  # "land" | "region"
    descending: bool = True  # 1 = the highest


@dataclass(frozen=True)
class Indicator:
    """A derived figure: `expr` (Polars SQL over columns, earlier indicators and region/country
    figures) or `rank`; `inputs`: the names it reads (`land.x`, `region.x` for aggregates)."""

    name: str
    kind: str  # one of INDICATOR_KINDS
    meaning: str
    expr: str | None = None
    rank: Rank | None = None
    decimals: int = 0
    unit: str = ""
    inputs: tuple[str, ...] = ()
    aggregate: str | None = None
    check: float | None = None  # a file's column of this name must agree within this
    diff: Threshold | None = None
    loc: Loc | None = None
    trim: bool = False

    @property
    def formula(self) -> str:
        if self.rank is not None:
            scope = "the region" if self.rank.within == "region" else "the 98"
            order = "highest" if self.rank.descending else "lowest"
            return f"rank of {self.rank.by} within {scope} (1 = {order})"
        return " ".join(str(self.expr).split())


@dataclass(frozen=True)
class Aggregate:
    """A figure of the country (`land.<name>`, over all municipalities) and of each region
    (`region.<name>`): an SQL aggregate expression."""

    name: str
    kind: str
    expr: str
    meaning: str
    decimals: int = 0
    inputs: tuple[str, ...] = ()
    loc: Loc | None = None
    trim: bool = False


@dataclass(frozen=True)
class Rule:
    """A check across the columns of one row (SQL, true when the row is right)."""

    check: str
    column: str  # where an error is reported
    message: str  # with {name} placeholders filled from the row
    severity: str = "error"
    inputs: tuple[str, ...] = ()
    loc: Loc | None = None


@dataclass(frozen=True)
class Period:
    name: str
    source: str
    start: str
    end: str


@dataclass(frozen=True)
class SumCheck:
    """`faktaark diff`: flag a part that grew by more than its whole, beyond a margin of the
    old whole (a fraction), and at least `at_least`."""

    part: str
    whole: str
    margin: float = 0.01
    at_least: float = 0.0


def compares(name: str, indicators: Mapping[str, Indicator]) -> bool:
    """Is the indicator `name` made from other municipalities' figures (a rank, or a region or
    country figure, directly or through the indicators it reads)?"""
    seen: set[str] = set()
    todo = [name]
    while todo:
        n = todo.pop()
        if n.startswith(("land.", "region.")):
            return True
        if n in seen or n not in indicators:
            continue
        seen.add(n)
        if indicators[n].rank is not None:
            return True
        todo.extend(indicators[n].inputs)
    return False


@dataclass(frozen=True, eq=False)
class Dictionary:
    """The data dictionary of one kit (its `fields.toml` with everything it includes). Two
    dictionaries are equal when they declare the same figures the same way (`digest`), so two
    kits that share one declaration (`include`) can print from the same prepared data."""

    name: str  # the kit's name
    files: tuple[str, ...]  # every fields file read (for messages and cache keys)
    digest: str  # of what the declarations say (see `__eq__`)
    sources: Mapping[str, Source]
    columns: Mapping[str, Column]  # file order
    indicators: Mapping[str, Indicator]  # declaration order
    aggregates: Mapping[str, Aggregate]  # declaration order (a column's or indicator's too)
    rules: tuple[Rule, ...] = ()
    periods: Mapping[str, Period] = field(default_factory=dict)
    sums: tuple[SumCheck, ...] = ()
    # the order of computation: ("indicator" | "aggregate", name), each after what it reads
    order: tuple[tuple[str, str], ...] = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Dictionary) and self.digest == other.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    # ------------------------------------------------------------------ columns

    def control_columns(self) -> dict[str, Source]:
        """The columns holding a source's line or data source, per row."""
        return {c: s for s in self.sources.values() for c in s.control_columns}

    def known_columns(self) -> set[str]:
        """Every column a figures file of this kit may have."""
        return {*KEY_COLUMNS, *self.columns, *self.control_columns(), *self.checked()}

    def checked(self) -> dict[str, Indicator]:
        """Indicators a file may also carry as a column (which must then agree)."""
        return {n: i for n, i in self.indicators.items() if i.check is not None}

    def source_of(self, column: str) -> Source:
        col = self.columns.get(column)
        if col is not None:
            return self.sources[col.source]
        return self.control_columns()[column]

    def is_example(self, values: Mapping[str, object], source: str) -> bool:
        """Are a row's figures of `source` example data (by its `datakilde`)?"""
        s = self.sources[source]
        if s.datakilde_column is not None:
            return values.get(s.datakilde_column) == "eksempel"
        return s.datakilde == "eksempel"

    def example_sources(self, values: Mapping[str, object]) -> list[str]:
        """The sources whose figures are example data in a row."""
        return [s for s in self.sources if self.is_example(values, s)]

    def datakilde(self, values: Mapping[str, object]) -> str:
        """ "officiel", "eksempel", or per source when they differ ("almene: officiel;
        faellesskab: eksempel")."""
        example = set(self.example_sources(values))
        if not example or len(example) == len(self.sources):
            return "eksempel" if example else "officiel"
        return "; ".join(f"{s}: {'eksempel' if s in example else 'officiel'}" for s in self.sources)

    def columns_of(self, source: str) -> list[Column]:
        return [c for c in self.columns.values() if c.source == source]

    # ------------------------------------------------------------------ figures

    def depends_on(self, name: str) -> set[str]:
        """The columns (bare names) a figure is computed from, transitively; `land.x` and
        `region.x` count as what x reads."""
        seen: set[str] = set()
        todo = [name]
        out: set[str] = set()
        while todo:
            n = todo.pop()
            bare = n.split(".", 1)[1] if n.startswith(("land.", "region.")) else n
            if bare in seen:
                continue
            seen.add(bare)
            if bare in self.columns or bare in BUILTIN_COLUMNS:
                out.add(bare)
            if bare in self.indicators:
                ind = self.indicators[bare]
                todo.extend(ind.inputs)
                if ind.rank is not None:
                    todo.append(ind.rank.by)
            if bare in self.aggregates:
                todo.extend(self.aggregates[bare].inputs)
        return out

    def sources_of(self, name: str) -> frozenset[str]:
        """The sources a figure is made from (its columns' sources). Worked out once per
        figure and dictionary in a process (every sheet asks for every figure)."""
        return _sources_of(self, name)

    def compares(self, name: str) -> bool:
        """Is an indicator made from other municipalities' figures (a rank, a region or
        country figure)? Once per indicator and dictionary in a process."""
        return _compares(self, name)

    # ------------------------------------------------------------------ placeholders

    def placeholders(self) -> Iterator[tuple[str, str, str]]:
        """Every name the kit's texts may print: (placeholder, kind, where it comes from)."""
        for s in self.sources.values():
            for c in self.columns_of(s.id):
                yield f"{s.id}.{c.name}", c.kind, f"column {c.name} ({s.file or 'the data'})"
            yield (
                f"{s.id}.kilde",
                "text",
                (f"column {s.kilde_column}" if s.kilde_column else f"{self.name}: sources.{s.id}"),
            )
            yield (
                f"{s.id}.datakilde",
                "text",
                (
                    f"column {s.datakilde_column}"
                    if s.datakilde_column
                    else f"{self.name}: sources.{s.id}"
                ),
            )
        for p in self.periods.values():
            yield f"{p.source}.{p.name}", "text", f"period {p.start}–{p.end}"
        for i in self.indicators.values():
            yield f"indikator.{i.name}", i.kind, i.formula
        for a in self.aggregates.values():
            yield f"land.{a.name}", a.kind, f"all municipalities: {a.expr}"
            yield f"region.{a.name}", a.kind, f"the municipality's region: {a.expr}"

        yield "indikator.folketal", "count", "population on 1 January (FOLK1A, data/folketal.csv)"

    def placeholder_names(self) -> set[str]:
        return {name for name, _, _ in self.placeholders()}


@lru_cache(maxsize=4096)
def _sources_of(d: Dictionary, name: str) -> frozenset[str]:
    return frozenset(d.columns[c].source for c in d.depends_on(name) if c in d.columns)


@lru_cache(maxsize=4096)
def _compares(d: Dictionary, name: str) -> bool:
    return compares(name, d.indicators)

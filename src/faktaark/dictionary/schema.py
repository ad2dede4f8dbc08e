"""The shape of a `fields.toml` (Pydantic): keys, types and value ranges of every declaration.

`parse` validates one file's document; `faktaark.dictionary.load` turns a `ValidationError`
into lines naming file, line and key. Pydantic objects never leave the dictionary stage.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from faktaark.dictionary.model import COLUMN_KINDS, INDICATOR_KINDS

__all__ = ["FieldsFile", "ValidationError", "parse"]

NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_EXPR = 600  # characters of one expression
RESERVED = {"kommunekode", "kommune", "udgave", "region", "land", "folketal", "indikator",
            "eksempel", "fakta", "fodnote", "kilde", "kort", "datakilde"}  # fmt: skip


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _names(value: dict[str, Any], what: str, reserved: bool = True) -> dict[str, Any]:
    for name in value:
        if not NAME.fullmatch(name):
            raise ValueError(
                f"{what} name {name!r}: lower-case a-z, 0-9 and _, starting with a letter, "
                "at most 64 characters"
            )
        if reserved and name in RESERVED:
            raise ValueError(f"{what} name {name!r} is reserved by faktaark")
    return value


class ColumnRef(_Strict):
    column: str


class SourceDecl(_Strict):
    label: str = Field(min_length=1, max_length=120)
    file: str | None = Field(default=None, max_length=200)
    kilde: str | ColumnRef | None = None
    datakilde: Literal["officiel", "eksempel"] | ColumnRef = "officiel"


class DiffDecl(_Strict):
    rel: float | None = Field(default=None, gt=0)
    pp: float | None = Field(default=None, gt=0)
    min_abs: float = Field(default=0.0, ge=0)
    zero_flip: bool = True


class StatbankDecl(_Strict):
    table: str = Field(pattern=r"^[A-Z0-9]{2,12}$")
    sum: list[str] = Field(default_factory=list, max_length=8)
    select: dict[str, list[str]] = Field(default_factory=dict)


class ExampleDecl(_Strict):
    per: str | None = None
    min: float = 0.0
    max: float = 0.0
    decimals: int = Field(default=0, ge=0, le=3)
    empty: bool = False
    value: float | None = None
    offset: int | None = Field(default=None, ge=-50, le=0)  # a year: udgave + offset


class ColumnDecl(_Strict):
    kind: Literal[COLUMN_KINDS]  # type: ignore[valid-type]
    meaning: str = Field(min_length=1, max_length=300)
    unit: str = Field(default="", max_length=40)
    source: str | None = None
    required: bool = True
    missing: bool = False
    year: str | None = None
    year_to: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool | None = None
    decimals: int = Field(default=0, ge=0, le=3)
    trim: bool = False
    aggregate: str | None = Field(default=None, max_length=MAX_EXPR)
    diff: DiffDecl | None = None
    statbank: StatbankDecl | None = None
    eksempel: ExampleDecl | None = None


class RankDecl(_Strict):
    by: str
    within: Literal["land", "region"] = "land"
    order: Literal["desc", "asc"] = "desc"


class IndicatorDecl(_Strict):
    kind: Literal[INDICATOR_KINDS]  # type: ignore[valid-type]
    meaning: str = Field(min_length=1, max_length=300)
    expr: str | None = Field(default=None, min_length=1, max_length=MAX_EXPR)
    rank: RankDecl | None = None
    decimals: int = Field(default=0, ge=0, le=3)
    trim: bool = False
    unit: str = Field(default="", max_length=40)
    aggregate: str | None = Field(default=None, max_length=MAX_EXPR)
    check: float | None = Field(default=None, ge=0)
    diff: DiffDecl | None = None


class AggregateDecl(_Strict):
    kind: Literal[INDICATOR_KINDS]  # type: ignore[valid-type]
    expr: str = Field(min_length=1, max_length=MAX_EXPR)
    meaning: str = Field(min_length=1, max_length=300)
    decimals: int = Field(default=0, ge=0, le=3)
    trim: bool = False


class PeriodDecl(_Strict):
    from_: str = Field(alias="from")
    to: str


class RuleDecl(_Strict):
    check: str = Field(min_length=1, max_length=MAX_EXPR)
    column: str
    message: str = Field(min_length=1, max_length=300)
    severity: Literal["error", "warning"] = "error"


class SumDecl(_Strict):
    part: str
    whole: str
    margin: float = Field(default=0.01, ge=0)
    at_least: float = Field(default=0.0, ge=0)


class FieldsFile(_Strict):
    include: list[str] = Field(default_factory=list, max_length=16)
    sources: dict[str, SourceDecl] = Field(default_factory=dict, max_length=32)
    columns: dict[str, ColumnDecl] = Field(default_factory=dict, max_length=500)
    periods: dict[str, PeriodDecl] = Field(default_factory=dict, max_length=100)
    indicators: dict[str, IndicatorDecl] = Field(default_factory=dict, max_length=500)
    aggregates: dict[str, AggregateDecl] = Field(default_factory=dict, max_length=200)
    rules: list[RuleDecl] = Field(default_factory=list, max_length=500)
    diff_sums: list[SumDecl] = Field(default_factory=list, max_length=50)

    @field_validator("sources")
    @classmethod
    def _source_names(cls, v: dict[str, Any]) -> dict[str, Any]:
        return _names(v, "source", reserved=True)

    @field_validator("columns", "indicators", "aggregates", "periods")
    @classmethod
    def _figure_names(cls, v: dict[str, Any]) -> dict[str, Any]:
        return _names(v, "figure", reserved=False)


def parse(doc: dict[str, Any]) -> FieldsFile:
    """Validate one fields file's document (raises `ValidationError`)."""
    return FieldsFile.model_validate(doc)

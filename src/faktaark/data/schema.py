"""Validation of the figures (Pydantic): every row, every column, all errors at once.

`validate_tables` turns raw `Table`s into `Record`s or raises `DataError` listing every
problem as `file:line: Kommune, column: message`. Pydantic objects never leave this module.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from faktaark.core.fields import CHECK_COLUMNS, COLUMN_NAMES, COLUMNS, by_name
from faktaark.core.formatting import parse_number
from faktaark.core.kommuner import REGION_CODES, Kommune, Register, normalise
from faktaark.data.dataset import Record, Value
from faktaark.data.table import Cell, Row, Table
from faktaark.errors import DataError, Issue

__all__ = ["FigureRow", "validate_tables"]

# control characters, and the invisible/bidirectional ones that make text display as
# something else than it is (zero-width, RTL override, isolates)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_MAX_MIO_KR = 1_000_000.0  # 1.000 mia. kr. for one municipality is not a plausible figure
_MAX_COUNT = 10_000_000


def _this_year() -> int:
    return _dt.date.today().year


class FigureRow(BaseModel):
    """One row of `almene.csv` after parsing; field names are the column names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kommunekode: int
    kommune: str | None = None
    udgave: int
    datakilde: Literal["officiel", "eksempel"]
    kilde: str
    beboere: int | None
    beboere_aar: int
    ungdomsboliger: int
    familieboliger: int
    aeldreboliger: int
    boliger_aar: int
    igangsat_ungdomsboliger: int | None
    igangsat_familieboliger: int | None
    igangsat_aeldreboliger: int | None
    igangsat_fra: int
    igangsat_til: int
    fraflytningsprocent: float | None
    fraflytning_aar: int
    boligmasse: int
    boligmasse_aar: int
    huslejeomsaetning_mio_kr: float | None
    huslejeomsaetning_aar: int
    lokale_indkoeb_mio_kr: float | None
    lokale_indkoeb_aar: int | None = None
    lbf_renovering_mio_kr: float | None
    lbf_renovering_fra: int
    lbf_renovering_til: int
    almene_boliger_i_alt: int | None = None
    andel_af_boligmassen: float | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _parse(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        kind = (
            by_name(name).kind
            if name in COLUMN_NAMES
            else "count"
            if name in ("almene_boliger_i_alt",)
            else "pct"
        )
        if kind in ("text", "source"):
            return _text(value, name)
        number = parse_number(value)
        if number is None:
            col = by_name(name) if name in COLUMN_NAMES else None
            if col is not None and not col.missing_ok:
                raise ValueError("is missing; this figure is required")
            return None
        return _check_number(number, kind, name, info.data)


def _text(value: Cell, name: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if _CONTROL.search(text):
        raise ValueError(f"contains control characters: {text[:40]!r}")
    if text.startswith(("=", "+", "@")) or re.match(r"^-\w", text):
        raise ValueError(f"looks like a spreadsheet formula, not text: {text[:40]!r}")
    if name == "kommune" and re.search(r"[/\\]", text):
        raise ValueError(f"a municipality name cannot contain / or \\: {text[:40]!r}")
    if name == "datakilde":
        low = text.lower()
        if low not in ("officiel", "eksempel"):
            raise ValueError(f'must be "officiel" or "eksempel", got {text[:40]!r}')
        return low
    if len(text) > 300:
        raise ValueError(f"is {len(text)} characters long; at most 300")
    return text


def _whole(number: float, name: str) -> int:
    if not number.is_integer():
        raise ValueError(f"must be a whole number, got {number:g}")
    return int(number)


def _check_number(number: float, kind: str, name: str, data: Mapping[str, Any]) -> int | float:
    if kind == "code":
        return _whole(number, name)
    if kind == "year":
        year = _whole(number, name)
        limit = (
            _this_year() + 1 if name == "udgave" else min(_this_year(), data.get("udgave") or 9999)
        )
        if year < 1990:
            raise ValueError(f"must be a year from 1990, got {year}")
        if year > limit:
            what = "after the edition (udgave)" if year <= _this_year() else "in the future"
            raise ValueError(f"is {what}: {year}")
        return year
    if number < 0:
        raise ValueError(f"must be ≥ 0, got {number:g}")
    if kind == "count":
        if number > _MAX_COUNT:
            raise ValueError(f"is implausibly large: {number:g}")
        return _whole(number, name)
    if kind == "pct":
        if number > 100:
            raise ValueError(f"is a percentage and must be ≤ 100, got {number:g}")
        return number
    if number > _MAX_MIO_KR:
        raise ValueError(f"is implausibly large for mio. kr.: {number:g}")
    return number


_SPECIAL_NAMES = {"hele landet": "the national total (Hele landet)", "danmark": "the whole country",
                  "christianso": "Christiansø (411), run by the state"}  # fmt: skip


def _resolve(cells: Mapping[str, Cell], reg: Register) -> tuple[Kommune | None, str | None]:
    """The municipality a row is about, or an error message about the code/name."""
    code_cell, name_cell = cells.get("kommunekode"), cells.get("kommune")
    name = str(name_cell).strip() if name_cell not in (None, "") else None
    if code_cell in (None, ""):
        if name is None:
            return None, "neither kommunekode nor kommune is given"
        key = normalise(name, plain=True)
        if key in _SPECIAL_NAMES or key.startswith("region"):
            return None, f"{name!r} is {_SPECIAL_NAMES.get(key, 'a region')}, not a municipality"
        hit = reg.find(name)
        return (hit, None) if hit else (None, f"unknown municipality name {name!r}")
    text = str(code_cell).strip()
    if isinstance(code_cell, float) and code_cell.is_integer():
        text = str(int(code_cell))
    if not re.fullmatch(r"\d{1,4}", text):
        hit = reg.find(text)  # a name in the code column is fine
        return (hit, None) if hit else (None, f"not a municipality code: {text[:40]!r}")
    code = int(text)
    if code == 411:
        return None, "411 is Christiansø, which is not a municipality (it is run by the state)"
    if code == 0:
        return None, "000 is the national total (Hele landet), not a municipality"
    if code in REGION_CODES.values():
        return None, f"0{code} is a region code, not a municipality"
    hit = reg.find(code)
    if hit is None:
        return None, f"{text} is not the code of one of the 98 municipalities"
    if name is not None and reg.find(name) is not hit:
        return hit, f"code {code} is {hit.navn}, but the row names {name!r}"
    return hit, None


def _cross_checks(row: FigureRow, folketal: Mapping[int, int]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    total = row.ungdomsboliger + row.familieboliger + row.aeldreboliger
    if row.boligmasse < total:
        out.append(("boligmasse", f"{row.boligmasse} is fewer than the {total} almene dwellings"))
    if row.beboere is not None:
        if total and row.beboere < 0.75 * total:
            out.append(
                (
                    "beboere",
                    f"{row.beboere} residents is fewer than {total} almene "
                    "dwellings would allow (at least 0,75 per dwelling)",
                )
            )
        if total and row.beboere > 6 * total:
            out.append(
                (
                    "beboere",
                    f"{row.beboere} residents in {total} dwellings is more than 6 per dwelling",
                )
            )
        pop = folketal.get(row.kommunekode)
        if pop is not None and row.beboere > pop:
            out.append(("beboere", f"{row.beboere} is more than the population ({pop})"))
    for a, b in (("igangsat_fra", "igangsat_til"), ("lbf_renovering_fra", "lbf_renovering_til")):
        if getattr(row, a) > getattr(row, b):
            out.append(
                (a, f"the period starts ({getattr(row, a)}) after it ends ({getattr(row, b)})")
            )
    if row.almene_boliger_i_alt is not None and row.almene_boliger_i_alt != total:
        out.append(
            (
                "almene_boliger_i_alt",
                f"is {row.almene_boliger_i_alt}, but the parts sum "
                f"to {total}: {CHECK_COLUMNS['almene_boliger_i_alt']}",
            )
        )
    if row.andel_af_boligmassen is not None and row.boligmasse:
        derived = 100 * total / row.boligmasse
        if abs(derived - row.andel_af_boligmassen) > 0.5:
            out.append(
                (
                    "andel_af_boligmassen",
                    f"is {row.andel_af_boligmassen:g} pct., but "
                    f"{total} / {row.boligmasse} = {derived:.1f} pct.",
                )
            )
    return out


def _header_issues(table: Table, mapping: Mapping[str, str]) -> list[Issue]:
    import difflib

    cols = [mapping.get(h, h) for h in table.header]
    known = set(COLUMN_NAMES) | set(CHECK_COLUMNS)
    issues = []
    explained: set[str] = set()
    for h, c in zip(table.header, cols, strict=False):
        if c not in known:
            near = difflib.get_close_matches(c, sorted(known), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else " (see README: The data columns)"
            if near and near[0] not in cols:
                hint += f" ({near[0]} is missing)"
                explained.add(near[0])
            issues.append(Issue(f"unknown column {h!r}{hint}", table.path, 1, h))
    for col in COLUMNS:
        if col.required and col.name not in cols and col.name not in explained:
            if col.name == "kommunekode" and "kommune" in cols:
                continue  # municipalities by name only
            issues.append(Issue("missing column", table.path, 1, col.name))
    for c in sorted({c for c in cols if cols.count(c) > 1}):
        theirs = [h for h, m in zip(table.header, cols, strict=True) if m == c]
        issues.append(Issue(f"columns {theirs} all map to {c!r}", table.path, 1, c))
    return issues


def _edition(cell: Cell) -> int:
    """A row's edition as far as it can be read (0: unreadable, i.e. any edition)."""
    try:
        return int(str(cell).strip())
    except (TypeError, ValueError):
        return 0


def _issue_from(err: Any, table: Table, row: Row, kommune: str) -> Issue:
    col = str(err["loc"][0]) if err.get("loc") else None
    msg = str(err.get("msg", "invalid"))
    msg = msg.removeprefix("Value error, ")
    if err.get("type") == "literal_error":
        msg = f'must be "officiel" or "eksempel", got {err.get("input")!r}'
    file, line = row.origin.get(col or "", (table.path, row.line))  # merged from a supplement
    return Issue(msg, file, line, col, kommune)


def validate_tables(
    tables: Sequence[Table],
    reg: Register,
    folketal: Mapping[int, int],
    mapping: Mapping[str, str] | None = None,
    require_all: bool = True,
    blocked: dict[tuple[int, int], tuple[Issue, ...]] | None = None,
) -> tuple[list[Record], list[Issue]]:
    """Validate every row of every table. Raises `DataError` with all errors; returns the
    records and the warnings otherwise. With `blocked` (a dict to fill), a row of a known
    municipality that has errors does not raise: its errors go to `blocked` under
    (kommunekode, udgave) and the row is left out (`Dataset.blocked`)."""
    mapping = dict(mapping or {})
    issues: list[Issue] = []
    records: list[Record] = []
    seen: dict[tuple[int, int], str] = {}
    for table in tables:
        head = _header_issues(table, mapping)
        issues.extend(head)
        if head:
            continue
        rename = {h: mapping.get(h, h) for h in table.header}
        for row in table.rows:
            cells = {rename[h]: v for h, v in row.cells.items()}
            kommune, problem = _resolve(cells, reg)
            label = kommune.navn if kommune else str(cells.get("kommune") or "")
            if problem:
                col = "kommunekode" if cells.get("kommunekode") not in (None, "") else "kommune"
                col = "kommune" if problem.startswith("code ") else col  # the name disagrees
                issues.append(Issue(problem, table.path, row.line, col, label or None))
                continue
            assert kommune is not None
            cells["kommunekode"] = kommune.kode
            try:
                fig = FigureRow.model_validate(cells)
            except ValidationError as exc:
                row_issues = [_issue_from(e, table, row, kommune.navn) for e in exc.errors()]
                if blocked is None:
                    issues.extend(row_issues)
                else:
                    key = (kommune.kode, _edition(cells.get("udgave")))
                    blocked[key] = (*blocked.get(key, ()), *row_issues)
                continue
            crossed = [
                Issue(msg, table.path, row.line, col, kommune.navn)
                for col, msg in _cross_checks(fig, folketal)
            ]
            if blocked is not None and any(i.severity == "error" for i in crossed):
                key = (kommune.kode, fig.udgave)
                blocked[key] = (*blocked.get(key, ()), *crossed)
                continue
            issues.extend(crossed)
            key = (kommune.kode, fig.udgave)
            where = f"{table.path}:{row.line}"
            if key in seen:
                issues.append(
                    Issue(
                        f"duplicate: udgave {fig.udgave} of this municipality is "
                        f"already in {seen[key]}",
                        table.path,
                        row.line,
                        "kommunekode",
                        kommune.navn,
                    )
                )
                continue
            seen[key] = where
            values: dict[str, Value] = fig.model_dump()
            values["kommune"] = kommune.navn
            records.append(
                Record(
                    kommune.kode,
                    fig.udgave,
                    values,
                    table.path,
                    row.line,
                    {v: k for k, v in rename.items()},
                )
            )
    if require_all and records and not any(i.severity == "error" for i in issues):
        for udgave in sorted({r.udgave for r in records}):
            have = {r.kommunekode for r in records if r.udgave == udgave}
            have |= {k for k, u in (blocked or {}) if u in (0, udgave)}
            missing = [k.navn for k in reg if k.kode not in have]
            if missing:
                names = ", ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")
                issues.append(
                    Issue(
                        f"udgave {udgave} lacks {len(missing)} of the 98 "
                        f"municipalities ({names}); ranks and national totals need "
                        "all 98",
                        tables[0].path if tables else None,
                    )
                )
    if blocked and not records:  # nothing left to build: every row failed
        issues = [*issues, *(i for found in blocked.values() for i in found)]
        blocked.clear()
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise DataError(issues)
    return records, issues

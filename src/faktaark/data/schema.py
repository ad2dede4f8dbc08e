"""Validation of the figures (Pydantic), by the kit's data dictionary: every row, every column,
all errors at once.

`validate_tables` turns raw `Table`s into `Record`s or raises `DataError` listing every
problem as `file:line: Kommune, column: message`. Each cell is parsed by its column's kind
(`count`, `pct`, `mio_kr`, `year`, `text` ...) and checked against the kind's limits and the
column's declared constraints (`min`, `max`, `integer`, `missing`); then the dictionary's row
rules and the indicator columns a file may carry are checked across the columns of each row
(`faktaark.data.rules`). Pydantic objects never leave this module.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, create_model

from faktaark.core.formatting import parse_number
from faktaark.core.kommuner import REGION_CODES, Kommune, Register, normalise
from faktaark.data.dataset import Record, Value
from faktaark.data.table import Cell, Row, Table
from faktaark.dictionary.model import KEY_COLUMNS, Column, Dictionary
from faktaark.errors import DataError, Issue

__all__ = ["row_model", "validate_tables"]

# control characters, and the invisible/bidirectional ones that make text display as
# something else than it is (zero-width, RTL override, isolates)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# the limits of a kind where a column declares none (min, max)
KIND_LIMITS: Mapping[str, tuple[float | None, float | None]] = {
    "count": (0, 10_000_000), "pct": (0, 100), "mio_kr": (0, 1_000_000), "rate": (0, None),
    "decimal": (None, None),
}  # fmt: skip
_TOO_LARGE = {"count": "is implausibly large: {n:g}",
              "mio_kr": "is implausibly large for mio. kr.: {n:g}",
              "pct": "is a percentage and must be ≤ 100, got {n:g}"}  # fmt: skip


def _this_year() -> int:
    return _dt.date.today().year


def _text(value: Cell, name: str, choices: tuple[str, ...] = ()) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if _CONTROL.search(text):
        raise ValueError(f"contains control characters: {text[:40]!r}")
    if text.startswith(("=", "+", "@")) or re.match(r"^-\w", text):
        raise ValueError(f"looks like a spreadsheet formula, not text: {text[:40]!r}")
    if name == "kommune" and re.search(r"[/\\]", text):
        raise ValueError(f"a municipality name cannot contain / or \\: {text[:40]!r}")
    if choices:
        if text.lower() not in choices:
            allowed = " or ".join(f'"{c}"' for c in choices)
            raise ValueError(f"must be {allowed}, got {text[:40]!r}")
        return text.lower()
    if len(text) > 300:
        raise ValueError(f"is {len(text)} characters long; at most 300")
    return text


def _whole(number: float) -> int:
    if not number.is_integer():
        raise ValueError(f"must be a whole number, got {number:g}")
    return int(number)


def _year(number: float, name: str, data: Mapping[str, Any]) -> int:
    year = _whole(number)
    limit = _this_year() + 1 if name == "udgave" else min(_this_year(), data.get("udgave") or 9999)
    if year < 1990:
        raise ValueError(f"must be a year from 1990, got {year}")
    if year > limit:
        what = "after the edition (udgave)" if year <= _this_year() else "in the future"
        raise ValueError(f"is {what}: {year}")
    return year


def _number(number: float, col: Column) -> int | float:
    low, high = KIND_LIMITS.get(col.kind, (None, None))
    declared = f" (declared: columns.{col.name}.{{}})"
    if col.min is not None:
        low = col.min
    if col.max is not None:
        high = col.max
    if low is not None and number < low:
        note = declared.format("min") if col.min is not None else ""
        raise ValueError(f"must be ≥ {low:g}, got {number:g}{note}")
    if high is not None and number > high:
        if col.max is not None:
            raise ValueError(f"must be ≤ {high:g}, got {number:g}{declared.format('max')}")
        raise ValueError(_TOO_LARGE.get(col.kind, "must be ≤ {h:g}, got {n:g}").format(
            n=number, h=high))  # fmt: skip
    if col.integer:
        return _whole(number)
    return number


def _parser(d: Dictionary) -> Any:
    columns = dict(d.columns)
    choices = {c: ("officiel", "eksempel") for s in d.sources.values()
               if (c := s.datakilde_column)}  # fmt: skip
    checked = d.checked()
    texts = frozenset(("kommune", *d.control_columns()))  # once, not for every cell

    def parse(cls: Any, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if name in texts:
            return _text(value, name, choices.get(name, ()))
        col = columns.get(name)
        if col is not None and col.kind == "text":
            text = _text(value, name)
            if text is None and not col.missing:
                raise ValueError("is missing; this text is required")
            return text
        number = parse_number(value)
        if number is None:
            if col is not None and not col.missing:
                raise ValueError("is missing; this figure is required")
            return None
        if name in ("kommunekode",):
            return _whole(number)
        if name == "udgave" or (col is not None and col.kind == "year"):
            return _year(number, name, info.data)
        if col is None:  # an indicator's check column
            return number if checked[name].kind != "count" else _whole(number)
        return _number(number, col)

    return parse


@lru_cache(maxsize=8)
def row_model(d: Dictionary) -> type[BaseModel]:
    """The Pydantic model of one row of the figures of dictionary `d`: a field per column."""
    from pydantic import field_validator

    fields: dict[str, Any] = {"kommunekode": (int, ...), "kommune": (str | None, None),
                              "udgave": (int, ...)}  # fmt: skip
    for c in d.columns.values():
        typ: Any = str if c.kind == "text" else int if c.integer else float
        fields[c.name] = (typ | None, ... if c.required else None)
    for col in d.control_columns():
        fields[col] = (str | None, ...)
    for name in d.checked():
        fields[name] = (float | int | None, None)
    validator: Any = field_validator("*", mode="before")(classmethod(_parser(d)))
    model: type[BaseModel] = create_model(
        f"Row_{re.sub(r'[^0-9A-Za-z_]', '_', d.name)}",  # a kit folder named in any bytes
        __config__=ConfigDict(extra="forbid", frozen=True),
        __validators__={"_parse": validator},
        **fields,
    )
    return model


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


def header_issues(
    table: Table, mapping: Mapping[str, str], d: Dictionary, ignored: frozenset[str] = frozenset()
) -> list[Issue]:
    """Unknown, missing and doubly mapped columns of a figures table (`ignored`: columns other
    kits declare, which this kit does not read)."""
    cols = [mapping.get(h, h) for h in table.header]
    known = d.known_columns()
    issues = []
    explained: set[str] = set()
    for h, c in zip(table.header, cols, strict=False):
        if c not in known and c not in ignored:
            import difflib  # only for an unknown column

            near = difflib.get_close_matches(c, sorted(known), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else " (see `faktaark layouts fields`)"
            if near and near[0] not in cols:
                hint += f" ({near[0]} is missing)"
                explained.add(near[0])
            issues.append(Issue(f"unknown column {h!r}{hint}", table.path, 1, h))
    need = [c.name for c in d.columns.values() if c.required]
    need += ["udgave", *d.control_columns()]
    if "kommunekode" not in cols and "kommune" not in cols:
        need.insert(0, "kommunekode")
    for name in need:
        if name not in cols and name not in explained:
            issues.append(Issue("missing column", table.path, 1, name))
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
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    if err.get("type") == "missing":
        msg = "missing column" if col not in row.cells else "is missing; this figure is required"
    file, line = row.origin.get(col or "", (table.path, row.line))  # merged from another file
    return Issue(msg, file, line, col, kommune)


def validate_tables(
    tables: Sequence[Table],
    reg: Register,
    folketal: Mapping[int, int],
    d: Dictionary,
    mapping: Mapping[str, str] | None = None,
    require_all: bool = True,
    blocked: dict[tuple[int, int], tuple[Issue, ...]] | None = None,
    ignored: frozenset[str] = frozenset(),
) -> tuple[list[Record], list[Issue]]:
    """Validate every row of every table. Raises `DataError` with all errors; returns the
    records and the warnings otherwise. With `blocked` (a dict to fill), a row of a known
    municipality that has errors does not raise: its errors go to `blocked` under
    (kommunekode, udgave) and the row is left out (`Dataset.blocked`)."""
    from faktaark.data.rules import row_issues

    mapping = dict(mapping or {})
    model = row_model(d)
    issues: list[Issue] = []
    candidates: list[tuple[Record, Kommune]] = []

    def stop(key: tuple[int, int], found: list[Issue]) -> None:
        if blocked is None:
            issues.extend(found)
        else:
            blocked[key] = (*blocked.get(key, ()), *found)

    for table in tables:
        head = header_issues(table, mapping, d, ignored)
        issues.extend(head)
        if head:
            continue
        rename = {h: mapping.get(h, h) for h in table.header}
        for row in table.rows:
            cells = {rename[h]: v for h, v in row.cells.items() if rename[h] not in ignored}
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
                fig = model.model_validate(cells)
            except ValidationError as exc:
                found = [_issue_from(e, table, row, kommune.navn) for e in exc.errors()]
                stop((kommune.kode, _edition(cells.get("udgave"))), found)
                continue
            values: dict[str, Value] = fig.model_dump()
            values["kommune"] = kommune.navn
            origin = {c: o for c, o in row.origin.items() if c in values}
            udgave = values["udgave"]
            assert isinstance(udgave, int)  # the model's type
            record = Record(kommune.kode, udgave, values, table.path, row.line,
                            {v: k for k, v in rename.items()}, origin)  # fmt: skip
            candidates.append((record, kommune))
    records: list[Record] = []
    crossed = row_issues([r for r, _ in candidates], d, folketal, reg)
    seen: dict[tuple[int, int], str] = {}
    for i, (record, kommune) in enumerate(candidates):
        found = crossed.get(i, [])
        key = (kommune.kode, record.udgave)
        if blocked is not None and any(x.severity == "error" for x in found):
            stop(key, found)
            continue
        issues.extend(found)
        if key in seen:
            issues.append(Issue(f"duplicate: udgave {record.udgave} of this municipality is "
                                f"already in {seen[key]}", record.file, record.line,
                                "kommunekode", kommune.navn))  # fmt: skip
            continue
        seen[key] = f"{record.file}:{record.line}"
        records.append(record.without(d.checked()))
    if require_all and records and not any(i.severity == "error" for i in issues):
        issues += _lacking(records, reg, blocked, tables)
    if blocked and not records:  # nothing left to build: every row failed
        issues = [*issues, *(i for found in blocked.values() for i in found)]
        blocked.clear()
    if any(i.severity == "error" for i in issues):
        raise DataError(issues)
    return records, issues


def _lacking(
    records: Sequence[Record], reg: Register, blocked: Mapping[tuple[int, int], object] | None,
    tables: Sequence[Table],
) -> list[Issue]:  # fmt: skip
    out = []
    for udgave in sorted({r.udgave for r in records}):
        have = {r.kommunekode for r in records if r.udgave == udgave}
        have |= {k for k, u in (blocked or {}) if u in (0, udgave)}
        missing = [k.navn for k in reg if k.kode not in have]
        if missing:
            names = ", ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")
            out.append(Issue(f"udgave {udgave} lacks {len(missing)} of the 98 municipalities "
                             f"({names}); ranks and national totals need all 98",
                             tables[0].path if tables else None))  # fmt: skip
    return out


KEYS = KEY_COLUMNS

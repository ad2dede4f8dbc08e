"""The checks of a data dictionary's declarations that need no expressions: sources, columns
and periods, each problem located by file, line and key."""

from __future__ import annotations

from typing import Any

from faktaark.dictionary.model import BUILTIN_COLUMNS, KEY_COLUMNS, Column, Loc, Period, Source

__all__ = ["Problems", "columns", "near", "periods", "sources"]


class Problems:
    """Problems found, each a line naming file, line and key."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, loc: Loc, msg: str) -> None:
        self.items.append(f"  {loc}: {msg}")


def near(name: str, options: Any) -> str:
    import difflib

    m = difflib.get_close_matches(name, sorted(options), n=1, cutoff=0.6)
    return f"; did you mean {m[0]!r}?" if m else ""


def sources(sources: dict[str, Source], columns: dict[str, Column], pr: Problems) -> None:
    seen: dict[str, str] = {}
    for s in sources.values():
        assert s.loc is not None
        for c in s.control_columns:
            if c in columns or c in KEY_COLUMNS:
                pr.add(s.loc, f"column {c!r} is a figure or key column; a source needs its own")
            elif c in seen and seen[c] != s.id:
                pr.add(s.loc, f"column {c!r} is also the control column of source {seen[c]!r}")
            seen[c] = s.id
    for col in columns.values():
        if col.source not in sources:
            assert col.loc is not None
            pr.add(col.loc, f"unknown source {col.source!r}{near(col.source, sources)}")


def columns(columns: dict[str, Column], pr: Problems) -> None:
    for c in columns.values():
        assert c.loc is not None
        for attr in ("year", "year_to"):
            ref = getattr(c, attr)
            if ref is not None and (ref not in columns or columns[ref].kind != "year"):
                pr.add(c.loc, f"{attr} = {ref!r}: not a declared year column{near(ref, columns)}")
        if c.min is not None and c.max is not None and c.min > c.max:
            pr.add(c.loc, f"min {c.min:g} is more than max {c.max:g}")
        if c.kind in ("year", "text") and c.aggregate is not None:
            pr.add(c.loc, f"a {c.kind} column has no aggregate")
        ex_ = c.example
        if ex_ is not None and ex_.per is not None and ex_.per not in (*columns, *BUILTIN_COLUMNS):
            pr.add(c.loc, f"eksempel.per = {ex_.per!r}: not a column{near(ex_.per, columns)}")
        if ex_ is not None and ex_.min > ex_.max:
            pr.add(c.loc, f"eksempel: min {ex_.min:g} is more than max {ex_.max:g}")


def periods(
    periods: dict[str, Period], columns: dict[str, Column], where: dict[str, Loc], pr: Problems
) -> dict[str, Period]:
    out = {}
    for p in periods.values():
        bad = [n for n in (p.start, p.end) if n not in columns or columns[n].kind != "year"]
        if bad:
            pr.add(where[p.name], f"{bad[0]!r} is not a declared year column")
            continue
        out[p.name] = Period(p.name, columns[p.start].source, p.start, p.end)
    return out

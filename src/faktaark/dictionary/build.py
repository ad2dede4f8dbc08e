"""From parsed `fields.toml` files to a checked `Dictionary`: names, references, expressions
and the order of computation, each problem located by file, line and key."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from faktaark.core.tomlfile import locate
from faktaark.dictionary import checks
from faktaark.dictionary import expressions as ex
from faktaark.dictionary.checks import Problems as _Problems
from faktaark.dictionary.checks import near as _near
from faktaark.dictionary.model import (
    BUILTIN_COLUMNS,
    KEY_COLUMNS,
    NUMBER_KINDS,
    Aggregate,
    Column,
    Dictionary,
    Example,
    Indicator,
    Loc,
    Period,
    Rank,
    Rule,
    Source,
    Statbank,
    SumCheck,
    Threshold,
    compares,
)

__all__ = ["assemble"]

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
SHORTHANDS = ("sum", "ratio", "mean", "min", "max")


def _loc(path: Path, text: str, *key: str) -> Loc:
    return Loc(str(path), locate(text, list(key)), ".".join(key))


def _threshold(d: Any) -> Threshold | None:
    if d is None:
        return None
    return Threshold(rel=d.rel, pp=d.pp, min_abs=d.min_abs, zero_flip=d.zero_flip)


def _example(d: Any) -> Example | None:
    if d is None:
        return None
    return Example(per=d.per, min=d.min, max=d.max, decimals=d.decimals, empty=d.empty,
                   value=d.value, offset=d.offset)  # fmt: skip


def _source(sid: str, d: Any, loc: Loc, folder: Path, data: Path, pr: _Problems) -> Source:
    file = None
    if d.file is not None:
        if any(ch in d.file for ch in "/\\") or d.file.startswith("."):
            pr.add(
                loc, f"file {d.file!r}: a plain file name (in the kit folder or the bundled data)"
            )
        else:
            hit = next((p for p in (folder / d.file, data / d.file) if p.is_file()), None)
            file = str(hit or folder / d.file)  # not there yet: reading the data says so
    kilde = d.kilde if isinstance(d.kilde, str) else None
    kilde_col = d.kilde.column if d.kilde is not None and not isinstance(d.kilde, str) else None
    fixed = d.datakilde if isinstance(d.datakilde, str) else None
    dk_col = None if isinstance(d.datakilde, str) else d.datakilde.column
    return Source(sid, d.label, kilde, kilde_col, fixed, dk_col, file, loc)


def assemble(
    kit: str, parsed: Sequence[tuple[Path, str, Any]], data: Path
) -> tuple[Dictionary, list[str]]:
    """The dictionary of `parsed` (each file after the files it includes), and its problems."""
    pr = _Problems()
    sources: dict[str, Source] = {}
    columns: dict[str, Column] = {}
    periods: dict[str, Period] = {}
    raw_ind: dict[str, tuple[Any, Loc]] = {}
    raw_agg: dict[str, tuple[str, str, int, str, Loc, bool]] = {}  # name -> kind, expr, ...
    rules_raw: list[tuple[Any, Loc]] = []
    sums: list[SumCheck] = []
    where: dict[str, Loc] = {}

    def declare(name: str, loc: Loc) -> bool:
        if name in where:
            pr.add(loc, f"{name!r} is declared twice (also at {where[name]})")
            return False
        where[name] = loc
        return True

    for path, text, f in parsed:
        own_sources = sorted((_loc(path, text, "sources", s).line or 0, s) for s in f.sources)
        for sid, d in f.sources.items():
            loc = _loc(path, text, "sources", sid)
            if sid in sources:
                pr.add(loc, f"source {sid!r} is declared twice (also at {sources[sid].loc})")
                continue
            sources[sid] = _source(sid, d, loc, path.parent, data, pr)
        for name, d in f.columns.items():
            loc = _loc(path, text, "columns", name)
            if name in (*KEY_COLUMNS, *BUILTIN_COLUMNS):
                pr.add(loc, f"{name!r} is a column faktaark reads itself; choose another name")
                continue
            # its source: as it says, or the source declared last above it in its file
            above = [s for line, s in own_sources if line < (loc.line or 0)]
            above = above or [s for _, s in own_sources]
            sid = d.source or (above[-1] if above else None)
            if sid is None:
                pr.add(loc, 'say which source it comes from: source = "<id>" of [sources.<id>]')
                continue
            if not declare(name, loc):
                continue
            integer = d.integer if d.integer is not None else d.kind in ("count", "year")
            columns[name] = Column(
                name, d.kind, d.meaning, sid, d.unit, d.required, d.missing, d.year, d.year_to,
                d.min, d.max, integer, d.decimals, trim=d.trim, diff=_threshold(d.diff),
                statbank=_statbank(d.statbank), example=_example(d.eksempel), loc=loc,
            )  # fmt: skip
            if d.aggregate is not None:
                raw_agg[name] = (d.kind, d.aggregate, d.decimals, d.meaning, loc, d.trim)
        for name, d in f.periods.items():
            loc = _loc(path, text, "periods", name)
            if declare(name, loc):
                periods[name] = Period(name, "", d.from_, d.to)
        for name, d in f.indicators.items():
            loc = _loc(path, text, "indicators", name)
            if declare(name, loc):
                raw_ind[name] = (d, loc)
                if d.aggregate is not None:
                    raw_agg[name] = (d.kind, d.aggregate, d.decimals, d.meaning, loc, d.trim)
        for name, d in f.aggregates.items():
            loc = _loc(path, text, "aggregates", name)
            if name in raw_agg:
                pr.add(loc, f"land.{name} is declared twice (also at {raw_agg[name][4]})")
                continue
            raw_agg[name] = (d.kind, d.expr, d.decimals, d.meaning, loc, d.trim)
        for i, d in enumerate(f.rules):
            rules_raw.append((d, _loc(path, text, "rules", str(i), "check")))
        for i, d in enumerate(f.diff_sums):
            loc = _loc(path, text, "diff_sums", str(i))
            sums.append(SumCheck(d.part, d.whole, d.margin, d.at_least))
            for n in (d.part, d.whole):
                if n not in columns and n not in raw_ind:
                    pr.add(loc, f"unknown figure {n!r}{_near(n, [*columns, *raw_ind])}")
    checks.sources(sources, columns, pr)
    checks.columns(columns, pr)
    periods = checks.periods(periods, columns, where, pr)
    known = {*columns, *BUILTIN_COLUMNS}
    indicators = {n: _indicator(n, d, loc, pr) for n, (d, loc) in raw_ind.items()}
    aggregates = {n: _aggregate(n, v, indicators, pr) for n, v in raw_agg.items()}
    names = known | set(indicators) | {f"{s}.{a}" for a in aggregates for s in ex.SCOPES}
    for ind in indicators.values():
        for n in (*ind.inputs, *([ind.rank.by] if ind.rank else [])):
            if n not in names:
                assert ind.loc is not None
                pr.add(ind.loc, f"reads {n!r}, which is not declared{_near(n, names)}")
    for agg in aggregates.values():
        for n in agg.inputs:
            if n not in known | set(indicators):
                assert agg.loc is not None
                pr.add(agg.loc, f"reads {n!r}, which is not declared{_near(n, known)}")
    order = _order(indicators, aggregates, pr)
    rules = [_rule(d, loc, known | set(indicators), indicators, pr) for d, loc in rules_raw]
    digest = _content_digest(sources, columns, indicators, aggregates, rules, periods, sums)
    dictionary = Dictionary(
        name=kit, files=tuple(str(p) for p, _, _ in parsed), digest=digest, sources=sources,
        columns=columns,
        indicators=indicators, aggregates=aggregates,
        rules=tuple(r for r in rules if r is not None), periods=periods, sums=tuple(sums),
        order=tuple(order),
    )  # fmt: skip
    return dictionary, pr.items


def _content_digest(*parts: Any) -> str:
    """A hash of what the declarations say (not where they stand): two kits whose
    dictionaries declare the same figures the same way have the same digest."""
    import dataclasses
    import hashlib
    import json

    def plain(x: Any) -> Any:
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            return {f.name: plain(getattr(x, f.name)) for f in dataclasses.fields(x)
                    if f.name != "loc"}  # fmt: skip
        if isinstance(x, dict):
            return {str(k): plain(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [plain(v) for v in x]
        return x

    blob = json.dumps([plain(p) for p in parts], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _statbank(d: Any) -> Statbank | None:
    if d is None:
        return None
    return Statbank(d.table, tuple(d.sum), {k: tuple(v) for k, v in d.select.items()})


def _parse(
    text: str, loc: Loc, pr: _Problems, what: str, *, aggregate: bool = False
) -> ex.Parsed | None:
    try:
        parsed = ex.parse(text, aggregate=aggregate)
        ex.compile_expr(parsed)
    except ex.ExprError as exc:
        pr.add(loc, f"{what}: {exc}")
        return None
    return parsed


def _indicator(name: str, d: Any, loc: Loc, pr: _Problems) -> Indicator:
    rank = None
    inputs: tuple[str, ...] = ()
    if (d.expr is None) == (d.rank is None):
        pr.add(loc, "give either expr (a formula) or rank (a ranking), not both or neither")
    elif d.rank is not None:
        rank = Rank(d.rank.by, d.rank.within, d.rank.order == "desc")
        if d.kind != "rank":
            pr.add(loc, 'a ranking has kind = "rank"')
    else:
        parsed = _parse(d.expr, loc, pr, "expr")
        inputs = parsed.names if parsed else ()
    if d.kind == "rank" and rank is None:
        pr.add(loc, 'kind = "rank" needs rank = { by = "<figure>", within = "land" | "region" }')
    if d.check is not None and d.kind not in NUMBER_KINDS:
        pr.add(loc, "check: only a number can be checked against a file's column")
    return Indicator(
        name, d.kind, d.meaning, d.expr, rank, d.decimals, d.unit, inputs, d.aggregate,
        d.check, _threshold(d.diff), loc, d.trim,
    )  # fmt: skip


def _aggregate(
    name: str, raw: tuple[str, str, int, str, Loc, bool], indicators: dict[str, Indicator],
    pr: _Problems,
) -> Aggregate:  # fmt: skip
    kind, spec, decimals, meaning, loc, trim = raw
    expr = spec
    if spec in SHORTHANDS or spec.startswith("weighted:"):
        expr = _shorthand(name, spec, indicators, loc, pr)
    parsed = _parse(expr, loc, pr, "aggregate", aggregate=True) if expr else None
    return Aggregate(name, kind, expr, meaning, decimals, parsed.names if parsed else (), loc, trim)


def _shorthand(
    name: str, spec: str, indicators: dict[str, Indicator], loc: Loc, pr: _Problems
) -> str:
    if spec in ("sum", "min", "max"):
        return f"{spec}({name})"
    if spec == "mean":
        return f"avg({name})"
    if spec.startswith("weighted:"):
        w = spec.split(":", 1)[1].strip()
        return f"sum({name} * {w}) / sum(CASE WHEN {name} IS NOT NULL THEN {w} END)"
    ind = indicators.get(name)  # "ratio": the formula with every figure summed
    if ind is None or ind.expr is None:
        pr.add(loc, 'aggregate = "ratio" needs an indicator with an expr')
        return ""
    try:
        return ex.sum_of(ex.parse(ind.expr))
    except ex.ExprError as exc:
        pr.add(loc, f"aggregate: {exc}")
        return ""


def _order(
    indicators: dict[str, Indicator], aggregates: dict[str, Aggregate], pr: _Problems
) -> list[tuple[str, str]]:
    """Indicators and aggregates in an order where each comes after what it reads."""
    nodes: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for ind in indicators.values():
        deps = [*ind.inputs, *([ind.rank.by] if ind.rank else [])]
        nodes[("indicator", ind.name)] = [_node(n, indicators) for n in deps]
    for agg in aggregates.values():
        nodes[("aggregate", agg.name)] = [_node(n, indicators) for n in agg.inputs]
    order: list[tuple[str, str]] = []
    state: dict[tuple[str, str], int] = {}

    def visit(node: tuple[str, str], path: list[tuple[str, str]]) -> None:
        if state.get(node) == 2 or node not in nodes:
            return
        if state.get(node) == 1:
            cycle = [*path[path.index(node) :], node]
            text = " -> ".join(("" if k == "indicator" else "land.") + n for k, n in cycle)
            first = indicators.get(node[1]) if node[0] == "indicator" else aggregates[node[1]]
            if first is not None and first.loc is not None:
                pr.add(first.loc, f"is computed from itself: {text}")
            raise _Cycle
        state[node] = 1
        for dep in nodes[node]:
            visit(dep, [*path, node])
        state[node] = 2
        order.append(node)

    for node in nodes:
        try:
            visit(node, [])
        except _Cycle:
            return []
    return order


class _Cycle(Exception):
    pass


def _node(name: str, indicators: dict[str, Indicator]) -> tuple[str, str]:
    if name.startswith(tuple(f"{s}." for s in ex.SCOPES)):
        return ("aggregate", name.split(".", 1)[1])
    return ("indicator", name) if name in indicators else ("column", name)


def _rule(
    d: Any, loc: Loc, known: set[str], indicators: dict[str, Indicator], pr: _Problems
) -> Rule | None:
    parsed = _parse(d.check, loc, pr, "check")
    if parsed is None:
        return None
    bad = [n for n in parsed.names if n not in known]
    across = [n for n in parsed.names if n in indicators and compares(n, indicators)]
    if bad:
        pr.add(loc, f"reads {bad[0]!r}, which is not declared{_near(bad[0], known)}")
    if across:
        pr.add(loc, f"reads {across[0]!r}, which compares municipalities; a rule checks one row")
    if d.column not in known:
        pr.add(loc, f"column = {d.column!r} is not declared{_near(d.column, known)}")
    unknown = [n for n in _PLACEHOLDER.findall(d.message) if n not in known]
    if unknown:
        pr.add(loc, f"message: unknown {{{unknown[0]}}}{_near(unknown[0], known)}")
    if bad or across or unknown or d.column not in known:
        return None
    return Rule(d.check, d.column, d.message, d.severity, parsed.names, loc)

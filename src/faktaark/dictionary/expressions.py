"""Expressions of a data dictionary: Polars SQL, checked before anything runs.

A kit's formulas (`expr`, `aggregate`, a rule's `check`) are SQL expressions that Polars parses
into lazy expressions (`polars.sql_expr`); nothing in them is Python, and Polars' SQL layer has
no file or network functions. On top of that, an expression is tokenised here and refused
unless it is short, every function it calls is on a small list (arithmetic, rounding,
`coalesce`, `CASE`; the aggregate functions only in aggregates), every name it reads is
declared, and aggregates are not mixed with per-row references. `land.x` and `region.x` are
read as the country's and the region's figure x.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from faktaark.dictionary.model import AGGREGATE_FUNCTIONS

__all__ = [
    "FUNCTIONS",
    "MAX_LENGTH",
    "ExprError",
    "Parsed",
    "column_id",
    "compile_expr",
    "parse",
    "renamed",
    "sum_of",
]

MAX_LENGTH = 600
MAX_TOKENS = 200
MAX_NESTING = 12
FUNCTIONS = frozenset({"abs", "round", "floor", "ceil", "sqrt", "ln", "log10", "exp", "power",
                       "least", "greatest", "coalesce", "nullif", "cast"})  # fmt: skip
KEYWORDS = frozenset({"case", "when", "then", "else", "end", "and", "or", "not", "is", "null",
                      "in", "between", "as", "double", "integer", "bigint", "true", "false",
                      "distinct"})  # fmt: skip
_TOKEN = re.compile(
    r"\s+|(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)"
    r"|(?P<op><=|>=|<>|!=|[-+*/%()<>=,])"
)
SCOPES = ("land", "region")


class ExprError(ValueError):
    """An expression that is refused; the message says why (without the file)."""


@dataclass(frozen=True)
class Parsed:
    text: str  # as declared
    sql: str  # as given to Polars (land.x -> "__land__x")
    names: tuple[str, ...]  # every figure read: "x", "land.x", "region.x"
    aggregate: bool  # uses aggregate functions


def column_id(name: str) -> str:
    """The frame column holding a name an expression reads (`land.x` -> `__land__x`)."""
    scope, dot, bare = name.partition(".")
    return f"__{scope}__{bare}" if dot else name


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExprError(f"unexpected character {text[pos]!r} at position {pos + 1}")
        pos = m.end()
        if m.lastgroup is not None:
            out.append((m.lastgroup, m.group()))
    return out


def parse(text: str, *, aggregate: bool = False) -> Parsed:
    """Check an expression (see the module docstring) and translate it for Polars.
    `aggregate`: an aggregate expression (sum(x), count(*) ...) instead of a per-row one."""
    if len(text) > MAX_LENGTH:
        raise ExprError(f"is {len(text)} characters long; at most {MAX_LENGTH}")
    tokens = _tokens(text)
    if len(tokens) > MAX_TOKENS:
        raise ExprError(f"has {len(tokens)} parts; at most {MAX_TOKENS}")
    names: list[str] = []
    sql: list[str] = []
    stack: list[str] = []  # the function (or "") of each open parenthesis
    used_aggregate = False
    pending = ""  # a function name whose ( comes next
    for i, (kind, tok) in enumerate(tokens):
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        low = tok.lower()
        if kind == "name" and nxt == "(":
            if "." in tok:
                raise ExprError(f"{tok}(...) is not a function")
            if low in AGGREGATE_FUNCTIONS:
                if not aggregate:
                    raise ExprError(
                        f"{tok}(...) sums over municipalities: declare it as an aggregate "
                        "(`aggregate` or [aggregates.<name>]), not in a per-row expression"
                    )
                if any(f in AGGREGATE_FUNCTIONS for f in stack):
                    raise ExprError(f"{tok}(...) inside another aggregate")
                used_aggregate = True
            elif low not in FUNCTIONS and low not in KEYWORDS:
                allowed = ", ".join(
                    sorted(FUNCTIONS | (AGGREGATE_FUNCTIONS if aggregate else set()))
                )
                raise ExprError(
                    f"calls {tok}(...), which is not allowed; the functions are {allowed}"
                )
            pending = low
            sql.append(tok)
            continue
        if tok == "(":
            stack.append(pending)
            pending = ""
            if len(stack) > MAX_NESTING:
                raise ExprError(f"nests parentheses more than {MAX_NESTING} deep")
        elif tok == ")":
            if not stack:
                raise ExprError("has a ) without its (")
            stack.pop()
        elif kind == "name" and low not in KEYWORDS:
            scope = tok.split(".", 1)[0] if "." in tok else None
            if scope is not None and scope not in SCOPES:
                raise ExprError(f"{tok}: only land.<name> and region.<name> may have a dot")
            if aggregate and scope is not None:
                raise ExprError(f"{tok}: an aggregate reads the municipalities' own figures")
            if aggregate and not any(f in AGGREGATE_FUNCTIONS for f in stack):
                raise ExprError(f"{tok} is read outside an aggregate function such as sum({tok})")
            names.append(tok)
            sql.append(f'"{column_id(tok)}"' if scope else tok)
            continue
        sql.append(tok)
    if stack:
        raise ExprError("has a ( without its )")
    if aggregate and not used_aggregate:
        raise ExprError("is an aggregate without an aggregate function (sum, count, avg ...)")
    return Parsed(text, " ".join(sql), tuple(dict.fromkeys(names)), used_aggregate)


def compile_expr(parsed: Parsed) -> object:
    """The Polars expression (parsing it with Polars' SQL layer; `ExprError` if it refuses)."""
    import polars as pl  # here: parsing an expression, not running it

    try:
        return pl.sql_expr(parsed.sql)
    except Exception as exc:  # Polars raises several kinds for bad SQL
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExprError(f"Polars cannot read it: {msg[:200]}") from exc


def sum_of(parsed: Parsed) -> str:
    """The ratio-of-sums form of a per-row expression: each name x becomes sum(x)
    (`100 * a / b` -> `100 * sum(a) / sum(b)`)."""
    out: list[str] = []
    tokens = _tokens(parsed.text)
    for i, (kind, tok) in enumerate(tokens):
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if kind == "name" and nxt != "(" and tok.lower() not in KEYWORDS:
            if "." in tok:
                raise ExprError(f'aggregate = "ratio" cannot sum {tok}')
            out.append(f"sum({tok})")
        else:
            out.append(tok)
    return _join(out)


def _join(tokens: list[str]) -> str:
    """Tokens as readable SQL: `100 * sum(a) / sum(b)`, `round(x, 1)`."""
    text = ""
    for i, t in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        glued = t in (")", ",") or prev == "(" or (t == "(" and prev.lower() in FUNCTIONS)
        text += t if not text or glued else f" {t}"
    return text


def renamed(text: str, rename: Mapping[str, str]) -> str:
    """The expression with some names replaced (the name of a frame column to read instead)."""
    out: list[str] = []
    tokens = _tokens(text)
    for i, (kind, tok) in enumerate(tokens):
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        out.append(rename.get(tok, tok) if kind == "name" and nxt != "(" else tok)
    return _join(out)

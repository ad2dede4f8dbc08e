"""Danish number, unit and date formatting: the only place a number becomes text.

Rules (Retskrivningsvejledningen, BL's house style):
- thousands separator "." for four digits or more (`4.451`), decimal comma (`8,5`);
- years, codes and postcodes are never grouped (`2024`, `161`);
- the number comes first, then a no-break space and the unit (`8 pct.`, `333 mio. kr.`);
- a real minus sign (U+2212) and en dash for ranges (`2021-2023` uses a hyphen in BL's sheets,
  ranges of numbers use an en dash);
- dates in running text: `1. januar 2026`.

Rounding is half-up (8,5 -> 9), as readers expect, not Python's banker's rounding.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

__all__ = [
    "MINUS",
    "MISSING",
    "NBSP",
    "dato",
    "estimate",
    "estimate_value",
    "heltal",
    "kr",
    "mio_kr",
    "parse_number",
    "pct",
    "procentpoint",
    "round_half_up",
    "tal",
]

NBSP = "\u00a0"
MINUS = "\u2212"
MISSING = "\u2013"  # shown for a suppressed or missing figure, with a note on the sheet

MAANEDER = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


@lru_cache(maxsize=8192)  # a sheet prints the same few hundred numbers as its neighbours
def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """Round like a person does: 0,5 goes up (away from zero)."""
    if not math.isfinite(value):
        raise ValueError(f"cannot format a non-finite number: {value!r}")
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=8192)
def tal(value: float | int, decimals: int = 0, thousands: str = ".") -> str:
    """`4451` -> `4.451`, `8.25, 1` -> `8,3`, `-12` -> `−12`.

    `thousands` may be a (narrow) space for the EU style; the default is the national rule.
    Numbers below 10.000 with four digits are grouped too (`1.234`), as BL does.
    """
    d = round_half_up(float(value), decimals)
    sign = MINUS if d < 0 else ""
    d = abs(d)
    whole, _, frac = f"{d:f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = thousands.join(groups)
    if decimals > 0:
        text += "," + frac.ljust(decimals, "0")[:decimals]
    if text.strip("0.,") == "":
        sign = ""  # never print "−0"
    return sign + text


def heltal(value: float | int) -> str:
    """A count, rounded to a whole number: `4451` -> `4.451`."""
    return tal(value, 0)


def pct(value: float | int, decimals: int = 0) -> str:
    """`8` -> `8 pct.` (with a no-break space)."""
    return f"{tal(value, decimals)}{NBSP}pct."


def procentpoint(value: float | int, decimals: int = 1) -> str:
    return f"{tal(value, decimals)}{NBSP}procentpoint"


def mio_kr(value: float | int, decimals: int = 0) -> str:
    """Millions of kroner: `333` -> `333 mio. kr.`; from 1.000 mio. kr. in milliards with one
    decimal, as Danish print writes them: `1250` -> `1,3 mia. kr.`, `5644` -> `5,6 mia. kr.`."""
    if abs(float(round_half_up(value, decimals))) >= 1000:
        return f"{tal(value / 1000, 1)}{NBSP}mia.{NBSP}kr."
    return f"{tal(value, decimals)}{NBSP}mio.{NBSP}kr."


_SMALL = ("nul", "én", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve",
          "tolv")  # fmt: skip


def estimate_value(value: float | int) -> int:
    """An estimate rounded to a step that claims no more precision than it has: to the unit
    under 100, to 10 under 10.000, to 100 above (`1149` -> 1150, `4597` -> 4600)."""
    v = float(value)
    step = 1 if v < 100 else 10 if v < 10_000 else 100
    return int(round_half_up(v / step, 0)) * step


def estimate(value: float | int) -> str:
    """An estimate as running text: `ca. 1.150`, `ca. 89`; small ones in words (`ca. tre`),
    and under one half `under én`."""
    if float(value) < 0.5:
        return "under én"
    n = estimate_value(value)
    return f"ca.{NBSP}{_SMALL[n] if n < len(_SMALL) else tal(n)}"


def kr(value: float | int, decimals: int = 0) -> str:
    return f"{tal(value, decimals)}{NBSP}kr."


def dato(year: int, month: int, day: int) -> str:
    """`dato(2026, 1, 1)` -> `1. januar 2026`."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    return f"{day}.{NBSP}{MAANEDER[month - 1]} {year}"


# --- reading ------------------------------------------------------------------------------

MISSING_MARKERS = frozenset({"", "..", ".", "-", "\u2013", "\u2014", "x", "NA", "n/a"})
_FORMULA_START = ("=", "+", "@")


def parse_number(cell: str | int | float | None, *, thousands_dot: bool = True) -> float | None:
    """Read a number as Danish (and most other) files write it; None for a missing cell.

    `4.451` -> 4451 (a dot followed by groups of three digits is a thousands separator),
    `8,5` -> 8.5, `1.234,5` -> 1234.5, `1,234.5` -> 1234.5, `8.5` -> 8.5, `−12` -> -12.
    `..`, `-`, `–` and empty mean missing (Statbank writes `..` for suppressed cells).
    Raises ValueError with a message fit for the user on anything else.
    """
    import math
    import re

    if cell is None:
        return None
    if isinstance(cell, bool):
        raise ValueError(f"expected a number, got {cell!r}")
    if isinstance(cell, (int, float)):
        value = float(cell)
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {cell!r}")
        return value
    text = str(cell).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if text in MISSING_MARKERS:
        return None
    if text.startswith(_FORMULA_START) and not re.fullmatch(r"\+\d[\d.,]*", text):
        raise ValueError(f"looks like a spreadsheet formula, not a number: {str(cell)[:40]!r}")
    text = text.replace(MINUS, "-")
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ValueError(f"expected a finite number, got {str(cell)!r}")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            raise ValueError(f"expected a number, got {str(cell)[:40]!r}")
        text = text.replace(",", ".")
    elif "." in text and thousands_dot and re.fullmatch(r"[+-]?[1-9]\d{0,2}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        raise ValueError(f"expected a number, got {str(cell)[:40]!r}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {str(cell)[:40]!r}")
    return value

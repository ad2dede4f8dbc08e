"""Texts with placeholders: `{kommune.officielt_navn}`, `{almene.familieboliger}`, ...

A template is Danish text with three kinds of markup:
- placeholders `{navn}`, `{navn:format}` and `{navn|ental|flertal}` (e.g.
  `{almene.aeldreboliger|ældrebolig|ældreboliger}` -> "1 ældrebolig", "90 ældreboliger";
  `{kommune.officielt_navn:sted}` -> "Glostrup kommune": the area, where the official name
  "Glostrup Kommune" is the authority);
  formats are a closed set (FORMATS); values are always formatted by `formatting.py`, so a raw
  float never reaches the page;
- `**fed**` for bold;
- `[BL.dk](https://bl.dk)` for a link.
Typography is applied afterwards: a no-break space between a number and its unit
(`333 mio. kr.`, `8 pct.`), after `ca.` / `nr.` and inside an official name
(`Glostrup Kommune`, `Bornholms Regionskommune`); the typographic apostrophe (`BL’s`) and
the layouts' quotes (`»...«`) for straight ones, also in values from the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from faktaark.core import formatting
from faktaark.errors import LayoutError

__all__ = [
    "FORMATS",
    "LINK_SCHEMES",
    "Notes",
    "Printed",
    "Seg",
    "Val",
    "area_name",
    "fill",
    "format_value",
    "link_problem",
    "links",
    "placeholders",
]

FORMATS = ("tal", "tal1", "pct1", "stort", "lille", "start", "sted", "cifre")
_TOKEN = re.compile(
    r"(?P<ph>\{(?P<name>[a-z_][a-z0-9_.]*)(?::(?P<fmt>[a-z0-9]+))?"
    r"(?:\|(?P<one>[^|{}]*)\|(?P<many>[^|{}]*))?\})"
    r"|(?P<bold>\*\*)"
    r"|(?P<link>\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\))"
)
_UNIT = re.compile(r"(\d) (pct\.|procent|procentpoint|mio\.|mia\.|kr\.|m²|boliger|bolig\b|år\b)")
_ABBR = re.compile(r"\b(ca\.|nr\.|kl\.|gns\.) (?=\d)")
# an official name stays on one line: "Glostrup Kommune", "Bornholms Regionskommune", the
# running-text form "Glostrup kommune", and the genitive of each ("Glostrup Kommunes")
_NAME = re.compile(r"\b([A-ZÆØÅ][\w-]*) (?=(?:[Kk]ommunes?|[Rr]egionskommunes?)\b)")
_OPERATOR = re.compile(r" (?=[×=+] )")  # the space before an operator between two terms
_REGION = re.compile(r"\b(Region) (?=[A-ZÆØÅ])")  # "Region Hovedstaden": one name, never split
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")  # BL's -> BL’s
_QUOTES = re.compile(r'"([^"\n]*)"')  # "..." -> »...« (the layouts' quote style)
NBSP = formatting.NBSP
LINK_SCHEMES = ("https", "http", "mailto")  # a link in a sheet goes to the web or to a mailbox


class Val(NamedTuple):
    """A value a placeholder can print: the raw value, how to format it, where it is from."""

    raw: object
    kind: str  # code | text | year | count | pct | mio_kr | rate | rank | decimal | mark
    source: str = ""  # e.g. "data/almene.csv:9 familieboliger" or a formula
    decimals: int = 0
    eksempel: bool = False  # made from example data (the sheet must then say so)
    compared: bool = False  # made from other municipalities' figures (a region, a rank)
    groups: tuple[str, ...] = ()  # the sources of its example data (when `eksempel`)
    trim: bool = False  # a whole number prints without its decimals ("8 pct.", "7,7 pct.")

    @property
    def missing(self) -> bool:
        return self.raw is None


class Printed(NamedTuple):
    """A value as the sheet prints it, and where: what provenance is made from."""

    name: str  # placeholder, e.g. "almene.familieboliger"
    text: str  # as printed (before typography), e.g. "4.451"
    value: Val  # the very value the text was filled from
    page: int = 0  # 0 = not on a page (document metadata)
    box: str = ""


class Seg(NamedTuple):
    """A piece of filled text: `value` marks text that came from a placeholder."""

    text: str
    bold: bool = False
    link: str | None = None
    value: bool = False


@dataclass
class Notes:
    """Footnotes of one sheet: numbered in the order their marks are printed."""

    sources: list[tuple[str, str]] = field(default_factory=list)  # (fact id, source text)
    missing: bool = False  # a missing figure was printed as "–"
    # what a notes item has listed: a later one (page 2's) lists only what came after
    listed: int = 0  # sources listed
    missing_listed: bool = False  # the "–" note listed, and no "–" printed since
    used: list[str] = field(default_factory=list)  # every placeholder printed (provenance)
    eksempel: bool = False  # a value made from example data was printed
    eksempel_egne: bool = False  # ... one of the municipality's own figures
    eksempel_sammenligning: bool = False  # ... a comparison (region, country, rank, chart)
    eksempel_kilder: list[str] = field(default_factory=list)  # their sources, in print order
    printed: list[Printed] = field(default_factory=list)  # each value with its printed text
    where: tuple[int, str] = (0, "")  # (page, box) being planned: recorded with `printed`

    def example(self, val: Val) -> None:
        """Record that an example value is printed (the sheet must say so, and say which)."""
        self.eksempel = True
        if val.compared:
            self.eksempel_sammenligning = True
        else:
            self.eksempel_egne = True
        self.eksempel_kilder.extend(g for g in val.groups if g not in self.eksempel_kilder)

    def mark(self, fact_id: str, source: str) -> str:
        """The footnote mark of a fact: one number per source, so two facts from the same
        report share it (¹ ¹ ²) and the notes list each source once."""
        ids = [i for i, _ in self.sources]
        if fact_id in ids:
            return _superscript(ids.index(fact_id) + 1)
        same = [s for _, s in self.sources]
        if source in same:
            return _superscript(same.index(source) + 1)
        self.sources.append((fact_id, source))
        return _superscript(len(self.sources))


_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _superscript(n: int) -> str:
    return str(n).translate(_SUPER)


def format_value(val: Val, fmt: str | None = None) -> str:
    """The Danish text of a value (`fmt` from FORMATS or None for the default)."""
    raw = val.raw
    if raw is None:
        return formatting.MISSING
    if val.trim and val.decimals and isinstance(raw, int | float):
        whole = formatting.round_half_up(float(raw), val.decimals) == formatting.round_half_up(
            float(raw), 0
        )
        val = val._replace(decimals=0) if whole else val
    if val.kind in ("code", "year", "text", "mark"):
        text = str(raw)
    elif not isinstance(raw, (int, float)):
        raise TypeError(f"{val.kind} value must be a number, got {raw!r}")
    elif val.kind == "estimate":  # "ca. 1.150", "ca. tre": never more precise than it is
        if fmt == "tal":
            text = formatting.tal(formatting.estimate_value(raw))
        elif fmt == "cifre":  # a key figure: "ca. 5", never "ca. fem"
            under = float(raw) < 0.5
            text = (
                f"under{NBSP}1"
                if under
                else f"ca.{NBSP}{formatting.tal(formatting.estimate_value(raw))}"
            )
        else:
            text = formatting.estimate(raw)
    elif fmt == "tal":
        text = formatting.tal(raw, val.decimals)
    elif fmt == "tal1":
        text = formatting.tal(raw, 1)
    elif fmt == "pct1":
        text = formatting.pct(raw, 1)
    elif val.kind == "pct":
        text = formatting.pct(raw, val.decimals)
    elif val.kind == "mio_kr":
        text = formatting.mio_kr(raw, val.decimals)
    elif val.kind == "pctpoint":
        text = formatting.procentpoint(raw, val.decimals)
    else:  # count, rate, rank, decimal
        text = formatting.tal(raw, val.decimals)
    if fmt == "stort":
        text = text.upper()
    elif fmt == "lille":
        text = text[:1].lower() + text[1:]
    elif fmt == "start":
        text = text[:1].upper() + text[1:]
    elif fmt == "sted":
        text = area_name(text)
    return text


def area_name(name: str) -> str:
    """The area a name stands for, as running text writes it: the last word of a name of
    several words in lower case ("Glostrup Kommune" -> "Glostrup kommune", "Bornholms
    Regionskommune" -> "Bornholms regionskommune"); the official name is the authority."""
    head, sep, last = name.rpartition(" ")
    return f"{head}{sep}{last[:1].lower()}{last[1:]}" if sep else name


def placeholders(template: str) -> list[tuple[str, str | None, bool]]:
    """(name, format, plural?) of every placeholder in a template."""
    return [(p.name, p.fmt, p.one is not None) for p in _parts(template) if isinstance(p, _Ph)]


def links(template: str) -> list[str]:
    """The URL of every `[label](url)` link in a template."""
    return [m["url"] for m in _TOKEN.finditer(template) if m["link"]]


def link_problem(url: str) -> str | None:
    """Why `url` may not become a link in a PDF (javascript:, file:, data: ...), or None."""
    scheme, sep, rest = url.partition(":")
    if not sep or scheme.lower() not in LINK_SCHEMES or not rest.strip("/"):
        return f"link {url!r}: only {', '.join(s + ':' for s in LINK_SCHEMES)} links are allowed"
    return None


def _plural(val: Val, one: str, many: str) -> str:
    if val.raw is None:
        return f"{formatting.MISSING} {many}"
    if val.kind == "estimate":
        e = formatting.estimate_value(float(val.raw))  # type: ignore[arg-type]
        return f"{format_value(val)} {one if e == 1 else many}"
    n = formatting.round_half_up(float(val.raw), val.decimals)  # type: ignore[arg-type]
    return f"{format_value(val, 'tal')} {one if n == 1 else many}"


def fill(
    template: str, ctx: Mapping[str, Val], notes: Notes | None = None, numerals: bool = False
) -> list[Seg]:
    """Fill a template's placeholders and markup into segments (see module docstring).
    `numerals`: numbers in digits, also small estimates (a key figure: "ca. 5")."""
    if "{" not in template:  # the same on every sheet: parse once per process
        return list(_static(template))
    return _fill(template, ctx, notes, numerals)


@lru_cache(maxsize=4096)
def _static(template: str) -> tuple[Seg, ...]:
    return tuple(_fill(template, {}, None))


class _Ph(NamedTuple):  # a placeholder as written: `{name:fmt}` or `{name|one|many}`
    name: str
    fmt: str | None
    one: str | None
    many: str | None


class _Link(NamedTuple):
    label: str
    url: str


class _Bold(NamedTuple):  # `**`: bold on, or off again
    pass


_BOLD = _Bold()
_Part = str | _Bold | _Link | _Ph  # literal text, a bold mark, a link, a placeholder


@lru_cache(maxsize=4096)
def _parts(template: str) -> tuple[_Part, ...]:
    """The template read once per process (a sheet fills each of its texts, and a box that
    must shrink fills them again): literal text, bold marks, links and placeholders."""
    parts: list[_Part] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            parts.append(template[pos : m.start()])
        pos = m.end()
        if m["bold"]:
            parts.append(_BOLD)
        elif m["link"]:
            parts.append(_Link(m["label"], m["url"]))
        else:
            parts.append(_Ph(m["name"], m["fmt"], m["one"], m["many"]))
    if pos < len(template):
        parts.append(template[pos:])
    return tuple(parts)


def _fill(
    template: str, ctx: Mapping[str, Val], notes: Notes | None, numerals: bool = False
) -> list[Seg]:
    segs: list[Seg] = []
    bold = False
    for part in _parts(template):
        if isinstance(part, str):
            segs.append(Seg(part, bold))
        elif isinstance(part, _Bold):
            bold = not bold
        elif isinstance(part, _Link):
            if problem := link_problem(part.url):
                raise LayoutError(problem)
            segs.append(Seg(part.label, bold, part.url))
        else:
            segs.append(Seg(_resolve(part, ctx, notes, numerals), bold, value=True))
    return _typography(segs)


def _resolve(m: _Ph, ctx: Mapping[str, Val], notes: Notes | None, numerals: bool = False) -> str:
    name = m.name
    val = ctx.get(name)
    if val is None:
        raise KeyError(name)
    if notes is not None:
        notes.used.append(name)
        if val.missing:
            notes.missing, notes.missing_listed = True, False
        if val.eksempel:
            notes.example(val)
    if val.kind == "mark":  # {fodnote.<id>}: a numbered footnote mark
        text = notes.mark(name.split(".", 1)[1], str(val.raw)) if notes else ""
    elif m.one is not None:
        if val.kind in ("code", "year", "text") or not isinstance(
            val.raw, (int, float, type(None))
        ):
            raise LayoutError(
                f"{{{name}|{m.one}|{m.many}}}: the singular/plural form needs a number; "
                f"{name} is text ({val.raw!r})"
            )
        text = _plural(val, m.one, str(m.many))
    else:
        text = format_value(val, m.fmt or ("cifre" if numerals else None))
    if notes is not None:  # as the page shows it (BL’s for BL's), for provenance
        notes.printed.append(Printed(name, _characters(text), val, *notes.where))
    return text


def _characters(text: str) -> str:
    """The typographic apostrophe and the layouts' quotes for straight ones."""
    if "'" in text or '"' in text:
        return _QUOTES.sub(lambda m: f"»{m[1]}«", _APOSTROPHE.sub("\u2019", text))
    return text


def _typography(segs: list[Seg]) -> list[Seg]:
    """No-break spaces between number and unit and inside a name ("Glostrup Kommune",
    "Region Hovedstaden"), across segment borders too."""
    text = "".join(s.text for s in segs)
    fixed, shortened = _typeset(text)
    if shortened:  # "... 87 mio. kr.." -> one full stop after an abbreviation
        return _typography_shortened(segs, fixed)
    if fixed == text:
        return [s for s in segs if s.text]
    out: list[Seg] = []
    pos = 0
    for s in segs:  # every replacement keeps the length, so positions still line up
        out.append(Seg(fixed[pos : pos + len(s.text)], s.bold, s.link, s.value))
        pos += len(s.text)
    return [s for s in out if s.text]


_DOUBLE_STOP = re.compile(r"\b(?:kr|pct|mio|mia|fx|mv|osv|ca|gns)(\.)\.(?!\.)")


@lru_cache(maxsize=8192)
def _typeset(text: str) -> tuple[str, bool]:
    """`text` with its no-break spaces and typographic characters, of the same length, and
    whether it has a double full stop to drop. Cached: a box's texts are set several times
    while it is fitted, and most of them are the same on every sheet."""
    fixed = _ABBR.sub(lambda m: m[1] + NBSP, _UNIT.sub(lambda m: m[1] + NBSP + m[2], text))
    fixed = _NAME.sub(lambda m: m[1] + NBSP, fixed)
    fixed = _REGION.sub(lambda m: m[1] + NBSP, fixed)
    fixed = _characters(fixed)
    fixed = fixed.replace("mio. kr.", f"mio.{NBSP}kr.").replace("mia. kr.", f"mia.{NBSP}kr.")
    fixed = _OPERATOR.sub(NBSP, fixed)  # "a × b": a line never starts with "×"
    return fixed, _DOUBLE_STOP.search(fixed) is not None


def _typography_shortened(segs: list[Seg], fixed: str) -> list[Seg]:
    """Like `_typography`, where some characters were dropped (double full stops)."""
    out: list[Seg] = []
    pos = 0
    drop = {m.end(1) for m in _DOUBLE_STOP.finditer(fixed)}
    for s in segs:
        kept = "".join(
            ch for i, ch in enumerate(fixed[pos : pos + len(s.text)], pos) if i not in drop
        )
        pos += len(s.text)
        if kept:
            out.append(Seg(kept, s.bold, s.link, s.value))
    return out


def plain(segs: Iterable[Seg]) -> str:
    return "".join(s.text for s in segs)


def spoken(segs: Iterable[Seg]) -> str:
    """The text as read, not set (alt text, document metadata): no-break spaces as spaces."""
    return plain(segs).replace(NBSP, " ")

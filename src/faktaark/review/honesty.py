"""Rules of honest figures and graceful gaps (issue 14): plain functions over a page's
extracted text or a planned sheet (`SheetPlan`), for `faktaark proof` and the tests.

- `calculation_errors(plan)`: every derived figure a page prints whose inputs it prints too,
  recomputed by its formula (the kit's data dictionary) from the inputs as printed;
- `dashes_in_sentences(text)` (a heuristic on extracted text) and `missing_in_sentences(plan)`
  (exact): a "–" for a missing figure inside a sentence or as a key figure;
- `source_problems(plan)`: a source line that cites what its page does not print, or a year
  later than the edition.
"""

from __future__ import annotations

import re

from faktaark.dictionary.model import NUMBER_KINDS
from faktaark.plan.model import SheetPlan
from faktaark.review.composition import Finding

__all__ = [
    "calculation_errors",
    "dashes_in_sentences",
    "missing_in_sentences",
    "normalise",
    "parse_number",
    "plan_findings",
    "source_problems",
    "text_findings",
]

# ------------------------------------------------------------------ text helpers

_WORDS = {
    "én": 1, "en": 1, "et": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7,
    "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
}  # fmt: skip


def normalise(text: str) -> str:
    """Extracted text as one line: no-break and other spaces as plain spaces, soft hyphens
    and line-end hyphenation joined."""
    text = text.replace("\u00ad", "").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text)


def parse_number(s: str) -> float | None:
    """ "4.451" -> 4451, "8,3" -> 8.3, "tre" -> 3; None if it is no number."""
    s = s.strip().rstrip(".")
    if s.lower() in _WORDS:
        return float(_WORDS[s.lower()])
    if not re.fullmatch(r"\d{1,3}(?:\.\d{3})*(?:,\d+)?|\d+(?:,\d+)?", s):
        return None
    return float(s.replace(".", "").replace(",", "."))


# ------------------------------------------------------------------ calculations

_LEADING = re.compile(
    r"^(?:ca\.\s*)?(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|[a-zæøå]+)"
    r"(?:\s*(mia\.))?"
)


def printed_number(text: str) -> float | None:
    """The number a printed figure says, from its start: "4.451 familieboliger" -> 4451,
    "ca. 360" -> 360, "8,0 pct." -> 8.0, "5,6 mia. kr." -> 5600 (in mio. kr.), "ca. tre" ->
    3, "under én" -> 0; None if it starts with no number."""
    t = " ".join(text.replace("\u00a0", " ").split())
    if t.startswith("under én"):
        return 0.0
    m = _LEADING.match(t)
    value = parse_number(m.group(1)) if m else None
    if value is None or m is None:
        return None
    return value * (1000.0 if m.group(2) else 1.0)


def _inputs_on(page: int, plan: SheetPlan) -> dict[str, set[str]]:
    """What a page prints, by the bare name an expression reads: `familieboliger` for
    `almene.familieboliger`, `land.x` for `land.x` -> the texts it was printed as."""
    out: dict[str, set[str]] = {}
    for p in plan.printed:
        if p.page != page or p.value.raw is None:
            continue
        prefix, _, bare = p.name.partition(".")
        key = p.name if prefix in ("land", "region") else bare
        out.setdefault(key, set()).add(p.text)
    return out


def calculation_errors(plan: SheetPlan) -> list[Finding]:
    """Every derived figure a page prints whose inputs the same page prints too, redone from
    the inputs as printed (its formula, from the kit's data dictionary): the result, formatted
    as the sheet formats it, must be what is printed ("ca. 360" ledige from "4.451" family
    dwellings and "8,0 pct.", then "ca. 90" as a fourth of them). An estimate must have its
    inputs on its page: a reader can redo it."""
    from itertools import product

    from faktaark.dictionary import expressions
    from faktaark.dictionary.evaluate import evaluate_row
    from faktaark.text.templates import Val, format_value

    out: list[Finding] = []
    seen: set[tuple[int, str, str]] = set()
    pages: dict[int, dict[str, set[str]]] = {}
    for p in plan.printed:
        numeric = p.value.kind in NUMBER_KINDS and p.value.kind != "rank"
        if not p.page or not p.name.startswith("indikator.") or p.value.raw is None or not numeric:
            continue
        try:
            names = expressions.parse(p.value.source).names
        except expressions.ExprError:
            continue  # a rank, or a figure without a formula
        on_page = pages.setdefault(p.page, _inputs_on(p.page, plan))
        if (p.page, p.name, p.text) in seen or not names:
            continue
        if any(n not in on_page for n in names):
            if p.value.kind == "estimate":  # an estimate must be reproducible from its page
                seen.add((p.page, p.name, p.text))
                lacking = ", ".join(n for n in names if n not in on_page)
                detail = f"{p.name}: an estimate without its inputs on the page ({lacking})"
                out.append(Finding("calculation", p.page, p.box, detail))
            continue
        seen.add((p.page, p.name, p.text))
        options = [sorted(on_page[n]) for n in names]
        redone: list[str] = []
        for combo in product(*options):
            values = dict(zip(names, (printed_number(t) for t in combo), strict=True))
            got = evaluate_row(p.value.source, values) if None not in values.values() else None
            if got is None:
                continue
            redone.append(format_value(Val(got, p.value.kind, "", p.value.decimals)))
            if printed_number(redone[-1]) == printed_number(p.text):
                break
        else:
            shown = " × ".join(f"{n} {'/'.join(options[i])}" for i, n in enumerate(names))
            shown = shown.replace("\u00a0", " ")
            want = redone[0].replace("\u00a0", " ") if redone else "no number"
            detail = (f"{p.name}: {p.value.source} from {shown} gives {want}, "
                      f"printed: {p.text.replace(chr(160), ' ')}")  # fmt: skip
            out.append(Finding("calculation", p.page, p.box, detail))
    return out


# ------------------------------------------------------------------ "–" in a sentence

_DASH_BAD = re.compile(
    r"–\s+–"  # two in a row: "Danmark – – af dem"
    r"|(?:\b(?:på|af|for|med|til|er|har|udgør|om|ca\.|nr\.))\s+–(?=[\s.,)]|$)"  # "på – i 2023"
    r"|–\s+(?:pct\.|procent|procentpoint|mio\.|mia\.|kr\.|af dem)"  # "– pct.": a unit
)


def dashes_in_sentences(text: str, page: int = 0) -> list[Finding]:
    """A "–" for a missing figure inside running text (a heuristic on extracted text: a dash
    after a preposition or a verb that wants a number, before a unit, or two in a row). The
    tankestreg between two clauses ("i Danmark – 7.900 af dem") is not flagged."""
    # a paragraph that ends in "–" (a table's last cell) and the note under it ("– betyder
    # ...") are two things, not "– –" in one sentence
    t = normalise(re.sub(r"–[ \t]*\n(?=\s*–)", "–.\n", text))
    return [
        Finding("dash", page, "", f"»…{t[max(m.start() - 30, 0) : m.end() + 30]}…«")
        for m in _DASH_BAD.finditer(t)
    ]


def missing_in_sentences(plan: SheetPlan) -> list[Finding]:
    """Exact form of the dash rule: a missing value printed as "–" anywhere but in a table
    cell or alone (a KPI figure)."""
    out = []
    cells = {
        (p.number, n.box) for p in plan.pages for top in p.content for n in top.walk()
        if n.role in ("Table", "TD", "TH")
    }  # fmt: skip
    for pr in plan.printed:
        if pr.value.missing and pr.page and (pr.page, pr.box) not in cells:
            out.append(Finding("dash", pr.page, pr.box, f"{pr.name} is missing and printed as »–«"))
    return out


# ------------------------------------------------------------------ sources

_POPULATION = re.compile(r"\bfolketal\b")  # a printed value made from the population
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def source_problems(plan: SheetPlan) -> list[Finding]:
    """A page's source lines ("Kilde: ...") cite only what the page prints: the population
    register only beside a population figure, the map's source only beside a map, a
    numbered source only when its mark is on the page; and no year they give is later than
    the edition (`plan.udgave`)."""
    out: list[Finding] = []
    for page in plan.pages:
        nodes = [n for top in page.content for n in top.walk()]
        sources = [n for n in nodes if n.text.startswith("Kilde:") and n.role != "Figure"]
        boxes = {n.box for n in sources}
        others = " ".join(n.text for n in nodes if n.box not in boxes)
        printed = [p for p in plan.printed if p.page == page.number and p.box not in boxes]
        population = any(
            p.name.startswith("folketal.") or _POPULATION.search(f"{p.name} {p.value.source}")
            for p in printed
        )
        maps = any(n.role == "Figure" and (n.alt or "").startswith("Kort:") for n in nodes)
        for n in sources:
            t = normalise(n.text)

            def f(detail: str, box: str = n.box, pg: int = page.number) -> None:
                out.append(Finding("source", pg, box, detail))

            if ("FOLK1A" in t or "Befolkning" in t) and not population:
                f("cites the population, which the page does not print")
            if "Kort:" in t and not maps:
                f("cites the map's source, but the page has no map")
            for m in re.finditer(r"(?<![\d.])(\d)\) ", t):
                if _SUPER[int(m.group(1))] not in others:
                    f(f"source {m.group(1)}) without a footnote mark on the page")
            for y in _YEAR.findall(t):
                if int(y) > plan.udgave:
                    f(f"year {y} is later than the edition {plan.udgave}")
    return out


def plan_findings(plan: SheetPlan) -> list[Finding]:
    """The honesty rules that read the plan: calculations redone from the printed figures,
    missing figures in sentences, source lines."""
    return [*calculation_errors(plan), *missing_in_sentences(plan), *source_problems(plan)]


def text_findings(pages: list[str]) -> list[Finding]:
    """The honesty rule that reads the PDF's text (one string per page, e.g. pypdf's
    `extract_text()`): "–" in a sentence."""
    out: list[Finding] = []
    for i, text in enumerate(pages, 1):
        out += dashes_in_sentences(text, i)
    return out

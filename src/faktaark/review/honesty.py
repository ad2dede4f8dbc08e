"""Rules of honest figures and graceful gaps (issue 14): plain functions over a page's
extracted text or a planned sheet (`SheetPlan`), for `faktaark proof` and the tests.

- `calculation_errors(text)`: every estimate a page prints (vacant family dwellings =
  dwellings × move-out rate; the allocation right = a fourth of them), recomputed from the
  figures printed on the same page;
- `dashes_in_sentences(text)` (a heuristic on extracted text) and `missing_in_sentences(plan)`
  (exact): a "–" for a missing figure inside a sentence or as a key figure;
- `source_problems(plan)`: a source line that cites what its page does not print, or a year
  later than the edition.
"""

from __future__ import annotations

import re

from faktaark.core import formatting
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

_NUM = r"(\d{1,3}(?:\.\d{3})+|\d+|elleve|tolv|seks|fire|otte|syv|fem|tre|to|ni|ti|én)"
_RATE = r"(\d+(?:,\d+)?) pct\."
_FAM = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+) ?(?:almene )?familieboliger")
_RATE_FRA = re.compile(
    r"fraflytningsprocent(?:en)?(?: i almene familieboliger)? (?:var )?på " + _RATE
)
_RATE_KPI = re.compile(_RATE + r" ?(?:af familieboligerne fraflyttes|fraflytning)")
_LEDIGE = re.compile(
    r"(?<!anvise )(?:ca\.|anslået) "
    + _NUM
    + r" ?(?:ledige familieboliger|familieboliger ledige|ledige om året"
    r"|ledige\b)"
)
_ANVIS = re.compile(
    r"(?:anvise (?:anslået )?ca\. "
    + _NUM
    + r"|ca\. "
    + _NUM
    + r" ?(?:familieboliger|boliger) om året"
    r" (?:kan|anviser) kommunen)"
)


def calculation_errors(text: str, page: int = 0) -> list[Finding]:
    """Every estimate of vacant family dwellings ("ca. N ledige ...") and of the allocation
    right ("anvise ca. N") on a page, recomputed from the family dwellings and the move-out
    rate printed on the same page: the printed estimate must be
    `formatting.estimate_value(boliger × rate)`, and the allocation right a fourth of that
    rounded estimate, rounded again. An estimate without its inputs on the page is an error
    too (nothing to reproduce it from)."""
    t = normalise(text)
    out: list[Finding] = []
    ledige = [m.group(1) for m in _LEDIGE.finditer(t)]
    anvis = [m.group(1) or m.group(2) for m in _ANVIS.finditer(t)]
    if not ledige and not anvis:
        return out
    fam = _FAM.search(t)
    rate = _RATE_FRA.search(t) or _RATE_KPI.search(t)
    if fam is None or rate is None:
        out.append(
            Finding(
                "calculation",
                page,
                "",
                "an estimate without the family dwellings and move-out rate on the page",
            )
        )
        return out
    f = parse_number(fam.group(1))
    p = parse_number(rate.group(1))
    if f is None or p is None:  # the patterns only match numbers
        return out
    vacant = formatting.estimate_value(f * p / 100)
    for label, found, div in (("ledige", ledige, 1), ("anvisning", anvis, 4)):
        # the allocation right: a fourth of the vacancy estimate as printed (ca. 360 -> ca. 90)
        want = vacant if div == 1 else formatting.estimate_value(vacant / 4)
        for s in found:
            got = parse_number(s)
            if got is None or abs(got - want) > 0.5:
                out.append(
                    Finding(
                        "calculation", page, "",
                        f"{label}: {fam.group(1)} × {rate.group(1)} pct."
                        f"{' ÷ 4' if div == 4 else ''} = {formatting.tal(want)}, printed: {s}",
                    )
                )  # fmt: skip
    return out


# ------------------------------------------------------------------ "–" in a sentence

_DASH_BAD = re.compile(
    r"–\s+–"  # two in a row: "Danmark – – af dem"
    r"|(?:\b(?:på|af|for|med|til|er|har|udgør|om|ca\.|nr\.))\s+–(?=[\s.,)]|$)"  # "på – i 2023"
    r"|–\s+(?:pct\.|procent|mio\.|mia\.|kr\.|af dem|ledige|familieboliger|boliger|mennesker)"
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

_POPULATION = {
    "indikator.folketal", "land.folketal", "folketal.aar", "folketal.dato",
    "indikator.beboere_pr_1000_indbyggere", "indikator.almene_boliger_pr_1000_indbyggere",
}  # fmt: skip
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
        printed = {p.name for p in plan.printed if p.page == page.number and p.box not in boxes}
        maps = any(n.role == "Figure" and (n.alt or "").startswith("Kort:") for n in nodes)
        for n in sources:
            t = normalise(n.text)

            def f(detail: str, box: str = n.box, pg: int = page.number) -> None:
                out.append(Finding("source", pg, box, detail))

            if ("FOLK1A" in t or "Befolkning" in t) and not printed & _POPULATION:
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
    """The honesty rules that read the plan: missing figures in sentences, source lines."""
    return [*missing_in_sentences(plan), *source_problems(plan)]


def text_findings(pages: list[str]) -> list[Finding]:
    """The honesty rules that read the PDF's text (one string per page, e.g. pypdf's
    `extract_text()`): calculations redone from the printed figures, "–" in a sentence."""
    out: list[Finding] = []
    for i, text in enumerate(pages, 1):
        out += calculation_errors(text, i)
        out += dashes_in_sentences(text, i)
    return out

"""`faktaark proof`: the rules a communications team checks, applied to every sheet planned.

The proof check plans a layout for all 98 municipalities and the worst cases of `layouts
check` (the longest names, figures ten times the largest), turns each plan into a `Sheet`
view (its paragraphs as lines with page, box, style, column and whether the line ends in an
inserted hyphen) and runs every rule over it. A rule is a function: `check(sheet)` yields
`Finding`s for one sheet, `series(sheets)` for the whole series (one title size, font subset
names). Rules are pluggable: `rule(...)` registers one, and every module named in
`RULE_MODULES` that is installed is imported for its rules (the typographic rules are in
`proof_rules`; figures and gaps may add theirs in another module). A rule registered later
under the same id replaces the earlier one: `proof_rules` has simple versions of
`tankestreg_i_saetning` and `regnestykke` that a fuller module later in RULE_MODULES may
replace. Hard rules make the command exit 1; soft rules are counted, and with `strict` they
fail too.
"""

from __future__ import annotations

import importlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from faktaark.core.kommuner import Kommune
from faktaark.layout.model import Box, Layout
from faktaark.plan.model import Node, SheetPlan, TextOp

__all__ = [
    "RULES",
    "Finding",
    "Line",
    "ProofReport",
    "Rule",
    "Sheet",
    "leaves",
    "proof",
    "rule",
    "rules",
    "sheet_view",
]

# modules whose import registers more rules (those not installed are skipped)
RULE_MODULES = (
    "faktaark.review.proof_rules",
    "faktaark.review.proof_figures",
    "faktaark.review.proof_page",
    "faktaark.review.proof_panels",
    "faktaark.review.proof_maps",
)


class Line(NamedTuple):
    """One printed line of a paragraph."""

    page: int
    box: str
    role: str  # the structure type: H1, H2, P, LBody, Caption, TD ...
    style: str  # the layout style ("" for tables and charts)
    para: int  # the paragraph's index in the sheet
    n: int  # the line's number in its paragraph (0, 1, ...)
    col: int  # the column of the box the line stands in (0, 1, ...)
    text: str
    hyphen: bool  # ends in a hyphen the line breaker inserted
    size: float  # the largest font size on the line
    x: float = 0.0  # where the line starts and its baseline (PDF points), and its width
    y: float = 0.0
    width: float = 0.0
    continued: bool = False  # a map's name set in two lines: its first line (`TextOp`)


class Finding(NamedTuple):
    rule: str
    layout: str
    kommune: str  # with " (10× figures)" for a worst case
    page: int
    box: str
    line: str
    detail: str = ""

    def where(self) -> str:
        box = f', box "{self.box}"' if self.box else ""
        return f"{self.layout}, {self.kommune}, page {self.page}{box}"


@dataclass
class Sheet:
    """A planned sheet as the rules read it."""

    layout: Layout
    kommune: Kommune
    label: str  # the municipality's name, with " (10× figures)" for a worst case
    plan: SheetPlan
    paras: tuple[tuple[Line, ...], ...]
    _pdf: bytes | None = field(default=None, repr=False)

    def pdf(self) -> bytes:
        """The sheet drawn (plain PDF, the fonts as in every variant), made on first use."""
        if self._pdf is None:
            from faktaark.pdf.render import render_pdf

            self._pdf = render_pdf(self.plan)
        return self._pdf

    def box(self, box_id: str) -> Box | None:
        return next((b for b in self.layout.boxes if b.id == box_id), None)

    def finding(self, rule_id: str, line: Line, detail: str = "") -> Finding:
        return Finding(rule_id, self.layout.name, self.label, line.page, line.box, line.text,
                       detail)  # fmt: skip


Check = Callable[[Sheet], Iterable[Finding]]
SeriesCheck = Callable[[Sequence[Sheet]], Iterable[Finding]]


class Rule(NamedTuple):
    id: str
    title: str  # what a breach is, in English (the report prints it)
    hard: bool
    check: Check | None = None
    series: SeriesCheck | None = None


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, title: str, *, hard: bool = False, series: bool = False
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register the decorated function as a rule (per sheet, or over the series)."""

    def register(fn: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        RULES[rule_id] = Rule(rule_id, title, hard, None if series else fn, fn if series else None)
        return fn

    return register


def rules() -> list[Rule]:
    """Every registered rule, after importing the installed rule modules."""
    for name in RULE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return list(RULES.values())


def leaves(nodes: Sequence[Node]) -> Iterator[Node]:
    for n in nodes:
        if n.role != "Lbl" and any(isinstance(o, TextOp) for o in n.ops):
            yield n
        yield from leaves(n.children)


def sheet_view(layout: Layout, kommune: Kommune, label: str, plan: SheetPlan) -> Sheet:
    """The plan's paragraphs as lines. A box's column changes where a line does not stand
    below the line before it in the same box."""
    paras: list[tuple[Line, ...]] = []
    for page in plan.pages:
        at: dict[str, tuple[int, float]] = {}
        for node in leaves(page.content):
            lines = []
            for i, op in enumerate(o for o in node.ops if isinstance(o, TextOp)):
                col, last_y = at.get(node.box, (0, float("inf")))
                if op.y > last_y - 0.5:  # not below the line before: the next column
                    col += 1
                at[node.box] = (col, op.y)
                size = max((p.size for p in op.pieces), default=0.0)
                lines.append(Line(page.number, node.box, node.role, node.style, len(paras), i,
                                  col, op.text, op.hyphen, size, op.x, op.y,
                                  op.width, op.continued))  # fmt: skip
            if lines:
                paras.append(tuple(lines))
    return Sheet(layout, kommune, label, plan, tuple(paras))


@dataclass
class ProofReport:
    layouts: list[str]
    sheets: int = 0
    findings: list[Finding] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # sheets that could not be planned

    def count(self, rule_id: str, layout: str | None = None) -> int:
        return sum(1 for f in self.findings if f.rule == rule_id and layout in (None, f.layout))

    def by_rule(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            out[f.rule].append(f)
        return out

    def breaches(self, strict: bool = False) -> list[Finding]:
        hard = {r.id for r in self.rules if r.hard or strict}
        return [f for f in self.findings if f.rule in hard]

    def ok(self, strict: bool = False) -> bool:
        return not self.failures and not self.breaches(strict)

    def counts(self) -> dict[str, dict[str, int]]:
        """rule -> layout -> findings (every rule and layout, zeros included)."""
        c = Counter((f.rule, f.layout) for f in self.findings)
        return {r.id: {lay: c[(r.id, lay)] for lay in self.layouts} for r in self.rules}


def check_sheets(sheets: Sequence[Sheet], selected: Sequence[Rule]) -> list[Finding]:
    found: list[Finding] = []
    for r in selected:
        if r.check is not None:
            for s in sheets:
                found.extend(r.check(s))
        if r.series is not None:
            found.extend(r.series(sheets))
    return found


def proof(
    layouts: Sequence[Layout],
    plans: Callable[[Layout], Iterable[tuple[Kommune, str, SheetPlan | str]]],
    progress: Callable[[str], None] | None = None,
) -> ProofReport:
    """Apply every rule to the sheets `plans(layout)` yields for each layout: (municipality,
    label, plan) or (municipality, label, message) for a sheet that could not be planned."""
    selected = rules()
    report = ProofReport([lay.name for lay in layouts], rules=selected)
    for layout in layouts:
        sheets: list[Sheet] = []
        for k, label, plan in plans(layout):
            if progress:
                progress(f"{layout.name}: {label}")
            report.sheets += 1
            if isinstance(plan, str):
                report.failures.append(plan)
                continue
            sheets.append(sheet_view(layout, k, label, plan))
        report.findings.extend(check_sheets(sheets, selected))
    return report

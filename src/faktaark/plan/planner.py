"""Plan a whole sheet: every box of the layout, for one municipality -> `SheetPlan`."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from faktaark.core.kommuner import register
from faktaark.dictionary.model import EXAMPLE
from faktaark.layout.model import Box, Layout
from faktaark.plan import figures, maps, sender, sizes, tables, textbox
from faktaark.plan.context import Ctx
from faktaark.plan.model import BoxFit, Node, Op, PagePlan, SheetPlan
from faktaark.text.fonts import metrics
from faktaark.text.templates import Notes, Printed, Val, format_value, spoken
from faktaark.values.sheet import EXAMPLE_LIST, SheetData, build_context, example_list

__all__ = ["make_plan"]

Planner = Callable[[Box, Ctx, float], tuple[list[Node], list[Op], BoxFit]]


def _shown(box: Box, eksempel: bool, egne: bool = True) -> bool:
    """`egne`: some of the municipality's own printed figures are example data (not only
    comparisons with other municipalities)."""
    if box.when == "eksempel":
        return eksempel
    if box.when == "eksempel_egne":
        return eksempel and egne
    if box.when == "eksempel_sammenligning":
        return eksempel and not egne
    if box.when == "officiel":
        return not eksempel
    return True


def _peers(box: Box, sd: SheetData) -> list[tuple[int, str, object]]:
    name = str(box.value).split(".", 1)[1]
    reg = register()
    out = []
    for kode, row in sd.all_indicators.items():
        k = reg.get(kode)
        if box.scope == "land" or k.region == sd.kommune.region:
            out.append((kode, k.navn, row.get(name)))
    return out


def make_plan(layout: Layout, sd: SheetData) -> SheetPlan:
    """Plan every page of `layout` for the municipality in `sd` (raises FitError, ...).

    Boxes shown only on example data (`when = "eksempel"`) are planned last: the sheet is an
    example sheet exactly when a value it prints was made from example data (one of its own
    figures, or a rank, a national total, a regional chart), and `{eksempel.kilder}` names the
    sources of those values.
    """
    values = build_context(sd)
    notes = Notes()
    c = Ctx(layout, values, notes, metrics(), sd.kommune.navn, False)

    def ranking(b: Box, cx: Ctx, h: float) -> tuple[list[Node], list[Op], BoxFit]:
        peers = _peers(b, sd)
        figure = str(b.value).split(".", 1)[1]
        sources = sd.dictionary.sources_of(figure)
        flagged = [s for s in sources
                   if any(sd.all_indicators[k].get(EXAMPLE + s) for k, _, _ in peers)]  # fmt: skip
        if flagged:
            cx.notes.example(Val(None, "text", compared=True, eksempel=True, groups=tuple(flagged)))
        return figures.plan_ranking_chart(b, cx, h, peers, sd.kommune.kode)

    planners: dict[str, Planner] = {
        "text": textbox.plan_text_box,
        "table": tables.plan_table,
        "bar_chart": figures.plan_bar_chart,
        "image": sender.plan_image,
        "logo": sender.plan_logo,
        "ranking_chart": ranking,
        "map": lambda b, cx, h: maps.plan_map(b, cx, h, sd.kommune),
    }
    planned: dict[str, tuple[list[Node], list[Op]]] = {}
    fit_of: dict[str, BoxFit] = {}

    def run(box: Box, max_scale: float = 1.0) -> None:
        planner = planners.get(box.kind)
        if planner is not None:
            notes.where = (box.page, box.id)
            if box.kind == "text":
                if box.same_size == sizes.SERIES:
                    max_scale = min(max_scale, sizes.series_scale(box, c))
                nodes, extra, fit = textbox.plan_text_box(box, c, layout.height, max_scale)
            else:
                nodes, extra, fit = planner(box, c, layout.height)
            notes.printed.extend(_chart_values(box, values, notes.where, layout))
            planned[box.id] = (nodes, extra)
            fit_of[box.id] = fit

    for box in sorted(layout.boxes, key=lambda b: (b.page, b.order)):
        if box.when is None:
            run(box)
    eksempel = notes.eksempel
    values[EXAMPLE_LIST] = values[EXAMPLE_LIST]._replace(
        raw=example_list(sd.dictionary, notes.eksempel_kilder)
    )
    shown = [b for b in layout.boxes if _shown(b, eksempel, notes.eksempel_egne)]
    for box in sorted(shown, key=lambda b: (b.page, b.order)):
        if box.when is not None:
            run(box)
    sizes.regroup(shown, fit_of, run)  # key figures in a row: one size
    fits = [fit_of[b.id] for b in sorted(layout.boxes, key=lambda b: (b.page, b.order))
            if b.id in fit_of]  # fmt: skip
    pages: list[PagePlan] = []
    for number in range(1, layout.pages + 1):
        boxes = [b for b in shown if b.page == number]
        artifacts: list[Op] = []
        for box in boxes:  # decoration in file order (that is the drawing order)
            artifacts += sender.background(box, c, layout.width, layout.height)
            artifacts += planned.get(box.id, ([], []))[1]
        content: list[Node] = []
        for box in sorted(boxes, key=lambda b: b.order):  # content in reading order
            content += planned.get(box.id, ([], []))[0]
        pages.append(PagePlan(number, tuple(artifacts), tuple(content)))
    printed = tuple(dict.fromkeys(notes.printed))  # the pages' values, before the metadata's
    notes.where = (0, "")
    title = spoken(c.fill(layout.title_key))
    subject = spoken(c.fill(layout.subject_key))
    return SheetPlan(
        layout=layout.name, kommunekode=sd.kommune.kode, kommune=sd.kommune.navn,
        width=layout.width, height=layout.height, pages=tuple(pages), title=title,
        subject=subject, author=layout.author, eksempel=eksempel, fits=tuple(fits),
        udgave=sd.record.udgave,
        used=tuple(dict.fromkeys(notes.used)), printed=printed,
        marks=layout.colors.get(layout.marks), min_white_stroke=layout.min_white_stroke,
    )  # fmt: skip


def _chart_values(
    box: Box, values: Mapping[str, Val], where: tuple[int, str], layout: Layout
) -> list[Printed]:
    """Values a chart prints as labels without a template (bars; the chart's own municipality)."""
    names = list(box.series) if box.kind == "bar_chart" else []
    if box.kind == "ranking_chart" and values[str(box.value)].raw is not None:
        names.append(str(box.value))
    decimals = figures.label_decimals(box, layout)
    out = []
    for n in names:  # a chart's labels keep their decimals (a column of figures aligns)
        v = values[n]._replace(trim=False)
        v = v if decimals is None else v._replace(decimals=decimals)
        out.append(Printed(n, format_value(v), values[n], *where))
    return out

"""Plan a whole sheet: every box of the layout, for one municipality -> `SheetPlan`."""

from __future__ import annotations

from collections.abc import Callable

from faktaark import figures, flow
from faktaark.context import SheetData, build_context
from faktaark.fonts import metrics
from faktaark.kommuner import register
from faktaark.layout import Box, Layout
from faktaark.plan import BoxFit, Node, Op, PagePlan, SheetPlan
from faktaark.texts import Notes, plain

__all__ = ["plan_sheet"]

Planner = Callable[[Box, flow.Ctx, float], tuple[list[Node], list[Op], BoxFit]]


def _shown(box: Box, eksempel: bool) -> bool:
    if box.when == "eksempel":
        return eksempel
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


def plan_sheet(layout: Layout, sd: SheetData) -> SheetPlan:
    """Plan every page of `layout` for the municipality in `sd` (raises FitError, ...)."""
    values = build_context(sd)
    notes = Notes()
    eksempel = sd.record.eksempel
    c = flow.Ctx(layout, values, notes, metrics(), sd.kommune.navn, eksempel)
    planners: dict[str, Planner] = {
        "text": flow.plan_text_box,
        "table": figures.plan_table,
        "bar_chart": figures.plan_bar_chart,
        "image": figures.plan_image,
        "ranking_chart": lambda b, cx, h: figures.plan_ranking_chart(
            b, cx, h, _peers(b, sd), sd.kommune.kode
        ),
    }
    pages: list[PagePlan] = []
    fits: list[BoxFit] = []
    for number in range(1, layout.pages + 1):
        boxes = [b for b in layout.boxes if b.page == number and _shown(b, eksempel)]
        artifacts: list[Op] = []
        for box in boxes:  # decoration in file order (that is the drawing order)
            artifacts += figures.background(box, c, layout.width, layout.height)
        content: list[Node] = []
        for box in sorted(boxes, key=lambda b: b.order):  # content in reading order
            planner = planners.get(box.kind)
            if planner is None:
                continue
            nodes, extra, fit = planner(box, c, layout.height)
            artifacts += extra
            content += nodes
            fits.append(fit)
        pages.append(PagePlan(number, tuple(artifacts), tuple(content)))
    title = plain(c.fill(layout.title_key))
    subject = plain(c.fill(layout.subject_key))
    return SheetPlan(
        layout=layout.name, kommunekode=sd.kommune.kode, kommune=sd.kommune.navn,
        width=layout.width, height=layout.height, pages=tuple(pages), title=title,
        subject=subject, author=layout.author, eksempel=eksempel, fits=tuple(fits),
        used=tuple(dict.fromkeys(notes.used)),
    )  # fmt: skip

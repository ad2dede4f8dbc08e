"""One size for boxes that must look alike: a title on every sheet of the series, and the
key figures in a row of one sheet (the layout's `same_size` key).

`same_size = "serie"`: the box is set at the scale the municipalities with the widest names
need, on every sheet (so "ALMENE BOLIGER GØR GLOSTRUP KOMMUNE BEDRE" is as large as
"... BORNHOLMS REGIONSKOMMUNE BEDRE"). Any other name: the boxes of one page with that name
share the smallest scale any of them needs (so "5.644 mio. kr." shrinks its row with it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from faktaark.core.kommuner import Kommune, register
from faktaark.errors import FitError
from faktaark.layout.model import Box, Layout
from faktaark.plan.context import Ctx
from faktaark.plan.model import BoxFit
from faktaark.plan.textbox import plan_text_box
from faktaark.text.templates import Notes, plain
from faktaark.values.sheet import kommune_values

__all__ = ["SERIES", "regroup", "series_scale"]

SERIES = "serie"
CANDIDATES = 8  # the municipalities with the widest names decide the series size
_SERIES: dict[int, tuple[Layout, dict[str, float]]] = {}


def series_scale(box: Box, c: Ctx) -> float:
    """The scale of a `same_size = "serie"` text box: the smallest at which it fits for the
    CANDIDATES municipalities whose official names are widest in the box's first style;
    worked out once per process and layout."""
    entry = _SERIES.setdefault(id(c.layout), (c.layout, {}))
    if entry[0] is not c.layout:  # another layout at a reused address
        entry = _SERIES[id(c.layout)] = (c.layout, {})
    hit = entry[1].get(box.id)
    if hit is not None:
        return hit
    style = c.layout.styles[str(next(it.style for it in box.content if it.style))]

    def width(k: Kommune) -> float:
        name = k.officielt_navn.upper() if style.upper else k.officielt_navn
        return c.metrics.width(name, style.font, 1.0)

    probes = []
    for k in sorted(register(), key=lambda k: (-width(k), k.kode))[:CANDIDATES]:
        values = {**c.values, **kommune_values(k)}
        probes.append(c._replace(values=values, notes=Notes(), kommune=k.navn))

    def compute() -> float:
        scale = 1.0
        for probe in probes:
            try:
                scale = min(scale, plan_text_box(box, probe, c.layout.height)[2].scale)
            except FitError:
                continue  # that municipality's own sheet reports it
        return scale

    # the scale depends only on the layout and the box's texts as filled for the candidates:
    # kept in the per-user cache under exactly those, so a single sheet does not plan 8 titles
    from faktaark.core.cache import cached

    texts = [plain(p.fill(it.text)) for p in probes for it in box.content if it.text]
    options = "\x1f".join([c.layout.digest, box.id, repr(box), *texts])
    scale = cached("series", (), options, compute, float)
    entry[1][box.id] = scale
    return scale


def regroup(
    shown: Sequence[Box], fits: Mapping[str, BoxFit], replan: Callable[[Box, float], None]
) -> None:
    """Plan again, at the group's smallest scale, every box of a `same_size` group (per
    page) that was set larger than another box of its group."""
    groups: dict[tuple[int, str], list[Box]] = {}
    for box in shown:
        if box.same_size and box.same_size != SERIES and box.id in fits:
            groups.setdefault((box.page, box.same_size), []).append(box)
    for members in groups.values():
        scale = min(fits[b.id].scale for b in members)
        for box in members:
            if fits[box.id].scale > scale + 1e-9:
                replan(box, scale)

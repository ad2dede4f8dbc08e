"""A text box's items with their placeholders filled, before they are set in lines.

A box is filled once per fit (`fill_box`), then set at each size tried
(`faktaark.plan.textbox`): what filling records in the sheet's notes (footnote marks,
sources, the values printed) happens once. `notes_lines` is the notes item: the sources of
the marks printed so far.
"""

from __future__ import annotations

from contextlib import suppress

from faktaark.layout.model import Box
from faktaark.plan.context import Ctx
from faktaark.text.templates import Seg, plain

__all__ = ["Filled", "fill_box", "notes_lines"]

# a box's items with their texts filled: (kind, item index, style name, segments), kind
# "para", "li" (a list entry), "space" or "break" (those two without a style or segments)
Filled = list[tuple[str, int, str, list[Seg]]]


def fill_box(box: Box, c: Ctx) -> Filled:
    """The box's texts filled, in order: once per fit, so what filling records in the notes
    (marks, sources, the values printed) happens once, whatever the sizes tried."""
    out: Filled = []
    # a box is one unit: when one of its texts lacks its figure (a KPI's number), every
    # text of the box that has a gap form uses it (the caption too)
    gap = any(c.lacks(it.text) for it in box.content if it.text is not None)
    numerals = box.id.startswith("kpi")  # a key figure prints digits: "ca. 5", never "ca. fem"
    for n, it in enumerate(box.content):
        if it.space is not None:
            out.append(("space", n, "", []))
        elif it.column_break:
            out.append(("break", n, "", []))
        elif it.text is not None:
            segs = c.fill(it.text, gap=gap, numerals=numerals)
            if segs:  # an empty text (a figure's gap form) is left out
                out.append(("para", n, str(it.style), segs))
        elif it.list is not None:
            for entry in c.layout.text(it.list):
                out.append(("li", n, str(it.style), c.fill(entry, template=True)))
        elif it.notes:  # the sources on one line, the "–" note on its own
            out.extend(("para", n, str(it.style), segs) for segs in notes_lines(c, it.source))
    return out


def notes_lines(c: Ctx, source: str | None = None) -> list[list[Seg]]:
    """One "Kilde:" line: the page's own source (the text `source`), then the numbered
    sources of the footnote marks printed so far; and the "–" note on its own line. Only what
    no earlier notes item of the sheet has listed (a sheet with notes on both pages lists
    each source, and the "–" note, on the page of its marks). Own figures real, comparisons
    example data: the line ends with `noter.sammenligning` (never a real source for them)."""
    n = c.notes
    parts = [f"{i}) {src}" for i, (_, src) in enumerate(n.sources, 1) if i > n.listed]
    own = c.fill(source) if source else []
    line = [*own, Seg(" " if own and parts else ""), Seg(", ".join(parts))]
    if own and n.eksempel_sammenligning and not n.eksempel_egne:
        with suppress(KeyError):
            after, ends = c.fill("noter.sammenligning"), plain(line).rstrip().endswith(".")
            line += [Seg(" " if ends else ". "), *after]
    out = [[*c.fill("noter.kilder"), Seg(" "), *line]] if own or parts else []
    if n.missing and not n.missing_listed:
        out.append(c.fill("noter.mangler"))
    n.listed, n.missing_listed = len(n.sources), n.missing
    return out

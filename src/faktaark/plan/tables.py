"""Tables: a header row and rows of a label and one or more values, planned as geometry and
tagged (Table, TR, TH with scope, TD). A value column per `kolonne`, or several (`kolonner`:
the municipality, its region, the country). A table that prints "–" for a missing figure sets
the note that explains it (`noter.mangler`) under itself, in `note_style` (default "note")."""

from __future__ import annotations

import math
from contextlib import suppress

from faktaark.core.units import MM
from faktaark.errors import FitError
from faktaark.layout.model import Box
from faktaark.plan.context import Ctx
from faktaark.plan.figures import Result, _height, _style, _text_op, _where
from faktaark.plan.model import BoxFit, LineOp, Node, Op, TextOp
from faktaark.text.templates import Seg

__all__ = ["plan_table", "table_columns"]


def table_columns(c: Ctx, sec: str) -> list[str]:
    """The header texts of a table's value columns: `kolonne` (one) or `kolonner` (several,
    e.g. the municipality, its region and the country)."""
    with suppress(KeyError):
        return [str(t) for t in c.layout.text(f"{sec}.kolonner")]
    return [str(c.layout.text(f"{sec}.kolonne"))]


def plan_table(box: Box, c: Ctx, page_h: float) -> Result:
    """A table: header row (TH, scope Column), rows of label (TH, scope Row) and one or more
    right-aligned values (TD)."""
    x, y, w, h = box.rect_pt(page_h)
    sec = f"{box.text}"
    head_st = _style(c, box.header_style, "table_header")
    cell_st = _style(c, box.style, "table_cell")
    num_st = _style(c, box.number_style, box.style or "table_cell")
    heads = table_columns(c, sec)
    n = len(heads)
    fracs = box.col_widths or ((0.62, 0.38) if n == 1 else (0.34, *([0.66 / n] * n)))
    total = sum(fracs)
    widths = [w * f / total for f in fracs]
    pad_v, pad_h = 1.1 * MM, 1.2 * MM
    missing_before, c.notes.missing = c.notes.missing, False
    rows: list[list[list[Seg]]] = [
        [c.fill(f"{sec}.titel"), *(c.fill(t, template=True) for t in heads)]
    ]
    rows += [
        [c.fill(str(t), template=True) for t in row] for row in c.layout.text(f"{sec}.raekker")
    ]
    dash, c.notes.missing = c.notes.missing, missing_before  # its own "–" note, below
    cursor = y + h
    trs: list[Node] = []
    art: list[Op] = []
    rule = c.color(box.stroke) if box.stroke else c.color(head_st.color)
    grey = c.layout.colors.get("rule") or rule
    for r, row in enumerate(rows):
        header = r == 0
        cells: list[Node] = []
        cell_ops: list[list[TextOp]] = []
        for ci, segs in enumerate(row):
            st = head_st if header else (cell_st if ci == 0 else num_st)
            cx = x + sum(widths[:ci]) + (0 if ci == 0 else pad_h)
            cw = widths[ci] - pad_h
            base = cursor - pad_v - (st.leading + st.size * 0.61) / 2
            align = "right" if ci > 0 else "left"
            cell_ops.append(_text_op(segs, st, cx, base, cw, c, box, align))
        row_h = max(_height(ops, head_st if header else cell_st) for ops in cell_ops) + 2 * pad_v
        for ci, ops in enumerate(cell_ops):
            role = "TH" if header or ci == 0 else "TD"
            scope = "Column" if header else "Row"
            cells.append(
                Node(
                    role, tuple(ops), box=box.id, attrs=(("Scope", scope),) if role == "TH" else ()
                )
            )
        trs.append(Node("TR", (), tuple(cells), box=box.id))
        cursor -= row_h
        art.append(
            LineOp(x, cursor, x + w, cursor, rule if header else grey, 1.0 if header else 0.4)
        )
    nodes = [Node("Table", (), tuple(trs), box=box.id)]
    if dash:  # the note that explains "–" stands under the table that prints it
        note_st = _style(c, box.note_style, "note" if "note" in c.layout.styles else cell_st.name)
        base = cursor - pad_v / 2 - note_st.size
        ops = _text_op(c.fill("noter.mangler"), note_st, x, base, w, c, box, "left")
        nodes.append(Node("P", tuple(ops), box=box.id, style=note_st.name))
        cursor -= pad_v / 2 + _height(ops, note_st)
    used = y + h - cursor
    if used > h + 0.01:
        raise FitError(
            *_where(box, c), f"{math.ceil(used - h)} pt too tall (the table has {len(rows)} rows)"
        )
    return nodes, art, BoxFit(box.page, box.id, h - used)

"""Columns: the lines of a text box's blocks placed top to bottom and column to column.

A heading stays with the first lines of what follows it; a paragraph never leaves a single
first line at the bottom of a column nor a single last line at the top of the next; a list
stays in one column, or, after a lead-in line ("... faser, fx:"), starts in the column of
that line: a short list (at most four items of at most two lines) whole, a longer one may break
between its items; columns can be balanced. `column_end_hyphens` finds the
lines that end a column with a hyphen (the text box breaks them again elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from faktaark.layout.model import Style
from faktaark.text import linebreak

__all__ = ["Block", "Placed", "balance", "column_end_hyphens", "flow", "short_list"]

EPS = 0.01


@dataclass
class Block:
    kind: str  # para | li | space | break
    style: Style | None = None
    lines: Sequence[linebreak.Line] = ()
    height: float = 0.0
    list_id: int | None = None
    text: str = ""


class Placed(NamedTuple):
    block: int
    line: int
    col: int
    y: float  # top of the line, from the top of the content area


def flow(blocks: Sequence[Block], height: float, ncols: int) -> tuple[list[Placed], float, float]:
    """Place lines into columns. Returns placements, overflow (pt) and spare room (pt)."""
    placed: list[Placed] = []
    col, y = 0, 0.0
    overflow = 0.0

    def next_col() -> bool:
        nonlocal col, y
        if col + 1 < ncols:
            col, y = col + 1, 0.0
            return True
        return False

    for bi, b in enumerate(blocks):
        if b.kind == "break":
            next_col()
            continue
        if b.kind == "space":
            y += b.height if y > 0 else 0
            continue
        assert b.style is not None
        st = b.style
        if b.kind == "li" and not _same_list(blocks, bi) and not _is_lead_in(blocks, bi - 1):
            # keep a list in one column (a list with a lead-in stays with it instead)
            total = _list_height(_items(blocks, bi))
            if y > 0 and y + st.space_before + total > height + EPS and total <= height:
                next_col()
        y += st.space_before if y > 0 and not (b.kind == "li" and _same_list(blocks, bi)) else 0
        lead_in = _lead_in(blocks, bi)
        n_lines = len(b.lines)
        for li in range(n_lines):
            need = st.leading + (lead_in if li == n_lines - 1 else 0.0)
            if n_lines >= 2 and li == n_lines - 2:
                # no widow: the last line (and a lead-in's first item) not alone on top
                need = 2 * st.leading + lead_in
            if li == 0:
                if n_lines >= 2:
                    need = max(need, 2 * st.leading)  # no orphaned first line
                if st.tag.startswith("H") and bi + 1 < len(blocks):
                    nb = blocks[bi + 1]
                    if nb.style is not None and nb.lines:
                        need = (
                            b.height
                            + nb.style.space_before
                            + min(2, len(nb.lines)) * nb.style.leading
                        )  # keep a heading with its text
                need = max(need, st.leading + lead_in) if len(b.lines) == 1 else need
            if y + min(need, height) > height + EPS and y > 0 and not next_col():
                pass  # last column: keep placing below the box to measure the overflow
            placed.append(Placed(bi, li, col, y))
            y += st.leading
        y += st.space_after
    used = max(
        (p.y + blocks[p.block].style.leading for p in placed if p.col == col),  # type: ignore[union-attr]
        default=0.0,
    )
    if used > height + EPS:
        overflow = used - height
    return placed, overflow, height - used


SHORT_LIST = 4  # a list of at most this many items ...
SHORT_ITEM = 2  # ... of at most this many lines each is kept in one column, whole


def _items(blocks: Sequence[Block], bi: int) -> list[Block]:
    """The items of the list that starts at block `bi`."""
    out = []
    n = bi
    while n < len(blocks) and blocks[n].kind == "li" and blocks[n].list_id == blocks[bi].list_id:
        out.append(blocks[n])
        n += 1
    return out


def short_list(items: Sequence[Block]) -> bool:
    """A list that is never split over two columns (or pages): at most SHORT_LIST items of
    at most SHORT_ITEM lines each."""
    return 0 < len(items) <= SHORT_LIST and all(len(it.lines) <= SHORT_ITEM for it in items)


def _list_height(items: Sequence[Block]) -> float:
    """The height of a list set whole (items follow each other without space_before)."""
    h = 0.0
    for k, it in enumerate(items):
        assert it.style is not None
        h += len(it.lines) * it.style.leading + (it.style.space_after if k < len(items) - 1 else 0)
    return h


def _lead_in(blocks: Sequence[Block], bi: int) -> float:
    """For a paragraph that introduces a list ("... faser, fx:"): the height its last line
    needs below it, so that the list starts in the same column: the whole list when it is
    short (`short_list`), else its first item's first two lines (the list may then break
    between later items)."""
    b = blocks[bi]
    if not _is_lead_in(blocks, bi):
        return 0.0
    assert b.style is not None
    first = blocks[bi + 1]
    st = first.style
    assert st is not None
    items = _items(blocks, bi + 1)
    if short_list(items):
        return b.style.space_after + st.space_before + _list_height(items)
    return b.style.space_after + st.space_before + min(2, len(first.lines)) * st.leading


def _is_lead_in(blocks: Sequence[Block], bi: int) -> bool:
    b = blocks[bi]
    return (
        b.kind == "para"
        and b.text.rstrip().endswith(":")
        and bi + 1 < len(blocks)
        and blocks[bi + 1].kind == "li"
    )


def balance(blocks: Sequence[Block], height: float, ncols: int) -> list[Placed]:
    """The placement with the shortest columns that still fits (balanced columns)."""
    lo, hi = 0.0, height
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        if flow(blocks, mid, ncols)[1] > 0:
            lo = mid
        else:
            hi = mid
    return flow(blocks, hi, ncols)[0]


def _same_list(blocks: Sequence[Block], i: int) -> bool:
    return i > 0 and blocks[i - 1].kind == "li" and blocks[i - 1].list_id == blocks[i].list_id


def column_end_hyphens(blocks: Sequence[Block], placed: Sequence[Placed]) -> dict[int, set[int]]:
    """Lines that end in an inserted hyphen at the bottom of a column (block -> lines)."""
    col = {(p.block, p.line): p.col for p in placed}
    out: dict[int, set[int]] = {}
    for p in placed:
        if blocks[p.block].lines[p.line].hyphen and col.get((p.block, p.line + 1)) != p.col:
            out.setdefault(p.block, set()).add(p.line)
    return out

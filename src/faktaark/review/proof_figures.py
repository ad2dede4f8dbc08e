"""The proof rules about figures and composition, registered for `faktaark proof`.

They wrap the checks of `faktaark.review.honesty` (calculations redone from the printed
figures, a missing figure inside a sentence, source lines) and `faktaark.review.composition`
(empty bands, pale or invisible bars, the regional map's labels against its alt text and the
land borders). The calculation rule redoes every derived figure a page prints from its
inputs as printed, by the formula in the kit's data dictionary; the dash rule reads the
sheet's text as planned, page by page, which is the text the PDF's text layer holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from faktaark.plan.fitcheck import is_worst_case
from faktaark.review import composition, honesty
from faktaark.review.proof import Finding, Sheet, leaves, rule

NBSP = "\u00a0"

__all__ = ["bars", "calculation", "dash_in_sentence", "empty_band", "map_labels", "sources"]


def _page_texts(s: Sheet) -> list[str]:
    """Each page's text in reading order, a paragraph a line, hyphenated words joined
    (`Node.text`): what a reader of the PDF's text layer gets."""
    pages = ["\n".join(n.text for n in leaves(page.content)) for page in s.plan.pages]
    return [text.replace(NBSP, " ") for text in pages]


def _found(s: Sheet, rule_id: str, found: Iterable[composition.Finding]) -> Iterator[Finding]:
    for f in found:
        yield Finding(rule_id, s.layout.name, s.label, f.page, f.box, "", f.detail)


@rule("regnestykke", "A calculation on the sheet does not add up from the printed figures",
      hard=True)  # fmt: skip
def calculation(s: Sheet) -> Iterator[Finding]:
    found = honesty.calculation_errors(s.plan)
    if is_worst_case(s.label):
        # a worst case prints every share as 100 pct. (the widest it can be) beside counts
        # ten times the largest, which give another share: that sum is synthetic, not the page's
        shares = {p.name for p in s.plan.printed if p.value.kind == "pct"}
        found = [f for f in found if f.detail.split(":", 1)[0] not in shares]
    yield from _found(s, "regnestykke", found)


@rule("tankestreg_i_saetning", "»–« (a missing figure) stands inside a sentence", hard=True)
def dash_in_sentence(s: Sheet) -> Iterator[Finding]:
    yield from _found(s, "tankestreg_i_saetning", honesty.missing_in_sentences(s.plan))
    for i, text in enumerate(_page_texts(s), 1):
        yield from _found(s, "tankestreg_i_saetning", honesty.dashes_in_sentences(text, i))


@rule("kilde", "A source line cites what the page does not print, or a year after the edition")
def sources(s: Sheet) -> Iterator[Finding]:
    yield from _found(s, "kilde", honesty.source_problems(s.plan))


@rule("tomt_felt", "An empty band taller than 15 mm inside the content area")
def empty_band(s: Sheet) -> Iterator[Finding]:
    frames, columns = composition.figure_frames(s.layout), composition.text_columns(s.layout)
    bands = composition.empty_bands(s.plan, figures=frames, columns=columns)
    yield from _found(s, "tomt_felt", bands)


@rule("bleg_soejle", "A bar below 3:1 contrast against its background, or too small to see")
def bars(s: Sheet) -> Iterator[Finding]:
    yield from _found(s, "bleg_soejle", composition.pale_bars(s.plan))


@rule("kortetiketter", "Map labels differ from the land neighbours or the alt text, or overlap",
      hard=True)  # fmt: skip
def map_labels(s: Sheet) -> Iterator[Finding]:
    yield from _found(s, "kortetiketter", composition.map_problems(s.plan))

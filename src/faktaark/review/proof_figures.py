"""The proof rules about figures and composition, registered for `faktaark proof`.

They wrap the checks of `faktaark.review.honesty` (calculations redone from the printed
figures, a missing figure inside a sentence, source lines) and `faktaark.review.composition`
(empty bands, pale or invisible bars, the regional map's labels against its alt text and the
land borders). The calculation and dash rules replace the simple versions of
`proof_rules` (same ids); they read the sheet's text as planned, page by page, which is the
text the PDF's text layer holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from faktaark.review import composition, honesty
from faktaark.review.proof import Finding, Line, Sheet, leaves, rule

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


_PRINTED = re.compile(r"printed: (\S+)$")


def _estimate_line(s: Sheet, page: int, printed: str) -> Line | None:
    """The line that prints the estimate "ca. <printed>" on a page (to name its box)."""
    want = re.compile(rf"(?:ca\.|anslået) {re.escape(printed)}(?![\d,])")
    for para in s.paras:
        if para[0].page == page:
            for ln in para:
                if want.search(ln.text.replace(NBSP, " ")):
                    return ln
    return None


@rule("regnestykke", "A calculation on the sheet does not add up from the printed figures",
      hard=True)  # fmt: skip
def calculation(s: Sheet) -> Iterator[Finding]:
    for i, text in enumerate(_page_texts(s), 1):
        for f in honesty.calculation_errors(text, i):
            m = _PRINTED.search(f.detail)
            ln = _estimate_line(s, f.page, m.group(1)) if m else None
            if ln is not None:
                yield s.finding("regnestykke", ln, f.detail)
            else:
                yield Finding("regnestykke", s.layout.name, s.label, f.page, f.box, "", f.detail)


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

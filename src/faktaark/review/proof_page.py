"""The proof rules of a page a designer signs (issue 22), registered for `faktaark proof`.

Each reads the planned sheet (`Sheet`: its lines by paragraph, page, box, style and column,
and the plan itself) and works on any layout: nothing here names a box or a text of the
shipped layouts; boxes are known by their kind and the layout's conventions (`kpi_...` for
key figures), texts by the language data of `faktaark.text` (short words, number words).

- hyphenation: a break neither at a compound's joint nor at a syllable the dictionary
  allows, or inside a name (`orddeling_uden_led`);
- text flow: a short list split over two columns (`liste_delt`), the columns of a box ending
  more than two lines apart (`spalter_skaeve`), a heading, lead or table head whose line ends
  in a one- or two-letter preposition or conjunction (`kort_ord_sidst`), an unbalanced
  two-line heading or key figure caption (`skaev_overskrift`);
- key figures: a number in words in a key figure (`noegletal_i_ord`), a key-figure box
  without its figure (`noegletal_uden_tal`), a table's "–" without its note beside it
  (`tankestreg_uden_note`);
- house style: the official name (the authority) after "i" where the area is meant
  (`kommune_som_sted`), two source lines in one box or a method inside a source line
  (`kilde_dobbelt`), a semicolon or colon straight after an abbreviation's point
  (`tegn_efter_forkortelse`), a line that starts with an operator (`regnetegn_forrest`).

The composition rules (a panel with a hole, the sender) are in `proof_panels.py`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import pairwise

from faktaark.plan.model import Node
from faktaark.review.proof import Finding, Line, Sheet, rule
from faktaark.text.hyphenation import word_breaks
from faktaark.text.lexicon import number_words, short_words
from faktaark.text.linebreak import SOFT_HYPHEN
from faktaark.text.templates import area_name

NBSP = "\u00a0"
SHORT_LIST, SHORT_ITEM = 4, 2  # plan.columns: such a list is kept whole
SKEW_LINES = 2  # columns of a box may end this many lines apart
BALANCE = 0.5  # a two-line heading's shorter line at least this part of the longer

__all__ = [
    "columns_skewed",
    "dash_without_note",
    "heading_unbalanced",
    "hyphen_not_at_joint",
    "key_figure_in_words",
    "key_figure_without_figure",
    "list_split",
    "official_name_for_the_area",
    "punctuation_after_abbreviation",
    "short_word_at_line_end",
    "sources_twice",
]


def _plain(text: str) -> str:
    return text.replace(NBSP, " ")


def _para_text(para: Sequence[Line]) -> str:
    out = ""
    for ln in para:
        if out and not out.endswith(SOFT_HYPHEN):
            out += " "
        out = out.removesuffix(SOFT_HYPHEN) + ln.text
    return _plain(out)


def _by_box(s: Sheet) -> dict[tuple[int, str], list[tuple[Line, ...]]]:
    out: dict[tuple[int, str], list[tuple[Line, ...]]] = defaultdict(list)
    for para in s.paras:
        out[(para[0].page, para[0].box)].append(para)
    return out


# ------------------------------------------------------------------ hyphenation

_TAIL = re.compile(r"[^\W\d_]+$")
_HEAD = re.compile(r"^[^\W\d_]+")


def _sentence_start(before: str) -> bool:
    stripped = before.rstrip(" »«\"')”")
    return not stripped or stripped.endswith((".", "!", "?", ":"))


@rule(
    "orddeling_uden_led",
    "A word is hyphenated neither at a compound joint nor at a syllable the dictionary "
    "allows, or a name is hyphenated",
    hard=True,
)
def hyphen_not_at_joint(s: Sheet) -> Iterator[Finding]:
    known = s.layout.hyphenation
    for para in s.paras:
        for i, (a, b) in enumerate(pairwise(para)):
            if not a.hyphen:
                continue
            left = a.text.rstrip().removesuffix(SOFT_HYPHEN).removesuffix("-")
            head, tail = _TAIL.search(left), _HEAD.search(b.text)
            if head is None or tail is None:
                continue
            word = head[0] + tail[0]
            before = " ".join(ln.text for ln in para[:i]) + " " + left[: head.start()]
            if word[0].isupper() and not _sentence_start(_plain(before).strip()):
                yield s.finding("orddeling_uden_led", a, f"{head[0]}- | {tail[0]}: a name")
            elif len(head[0]) not in word_breaks(word, known).points:
                yield s.finding("orddeling_uden_led", a, f"{head[0]}- | {tail[0]}")


# ------------------------------------------------------------------ text flow


def _lists(paras: Sequence[tuple[Line, ...]]) -> Iterator[tuple[int, list[tuple[Line, ...]]]]:
    """(index of the paragraph before it, items) of every list among a box's paragraphs."""
    i = 0
    while i < len(paras):
        if paras[i][0].role != "LBody":
            i += 1
            continue
        j = i
        while j < len(paras) and paras[j][0].role == "LBody":
            j += 1
        yield i - 1, list(paras[i:j])
        i = j


@rule("liste_delt", "A short list (at most 4 items of at most 2 lines) is split over columns",
      hard=True)  # fmt: skip
def list_split(s: Sheet) -> Iterator[Finding]:
    for paras in _by_box(s).values():
        for before, items in _lists(paras):
            if len(items) > SHORT_LIST or any(len(it) > SHORT_ITEM for it in items):
                continue
            cols = {ln.col for it in items for ln in it}
            lead = paras[before][-1] if before >= 0 else None
            if lead is not None and lead.text.rstrip().endswith(":"):
                cols.add(lead.col)
            if len(cols) > 1:
                yield s.finding("liste_delt", items[0][0],
                                " | ".join(it[0].text for it in items))  # fmt: skip


@rule("spalter_skaeve", f"The columns of a text box end more than {SKEW_LINES} lines apart",
      hard=True)  # fmt: skip
def columns_skewed(s: Sheet) -> Iterator[Finding]:
    for (_, box_id), paras in _by_box(s).items():
        box = s.box(box_id)
        if box is None or box.columns < 2:
            continue
        ends: dict[int, Line] = {}
        for para in paras:
            for ln in para:
                if ln.col not in ends or ln.y < ends[ln.col].y:
                    ends[ln.col] = ln
        if len(ends) < 2:
            continue
        low, high = min(ends.values(), key=lambda ln: ln.y), max(ends.values(), key=lambda ln: ln.y)
        style = s.layout.styles.get(low.style)
        leading = style.leading if style else low.size * 1.3
        if high.y - low.y > SKEW_LINES * leading + 0.5:
            lines = (high.y - low.y) / leading
            yield s.finding("spalter_skaeve", high, f"columns end {lines:.1f} lines apart")


def _display(s: Sheet, ln: Line) -> bool:
    """Headings, leads, table heads, captions: text set without hyphenation."""
    if ln.role.startswith("H") or ln.role in ("TH", "Caption"):
        return True
    style = s.layout.styles.get(ln.style)
    return style is not None and not style.hyphenate


@rule("kort_ord_sidst", "A line of a heading, lead or table head ends in a one- or two-letter "
      "preposition or conjunction", hard=True)  # fmt: skip
def short_word_at_line_end(s: Sheet) -> Iterator[Finding]:
    short = short_words()
    for para in s.paras:
        for a, b in pairwise(para):
            words = _plain(a.text).split()
            if words and words[-1].casefold() in short and _display(s, a):
                yield s.finding("kort_ord_sidst", a, f"{a.text} | {b.text}")


@rule("skaev_overskrift", "A two-line heading (or text of a `balance` style: a key figure's "
      "caption) whose second line is under half the first, or the other way round",
      hard=True)  # fmt: skip
def heading_unbalanced(s: Sheet) -> Iterator[Finding]:
    """Headings (H2-H6) and the texts of a style the layout balances; a title (H1) breaks
    where its text says, before the name, and has rules of its own (`ensomt_ord_i_titel`,
    `titel_stoerrelse`)."""
    for para in s.paras:
        if len(para) != 2:
            continue
        style = s.layout.styles.get(para[0].style)
        heading = para[0].role[:1] == "H" and para[0].role != "H1"
        if heading or (style is not None and style.balance and para[0].role != "H1"):
            a, b = para
            if min(a.width, b.width) < BALANCE * max(a.width, b.width):
                yield s.finding("skaev_overskrift", b, f"{a.text} | {b.text}")


# ------------------------------------------------------------------ key figures


def _key_figure_boxes(s: Sheet) -> dict[tuple[int, str], list[tuple[Line, ...]]]:
    return {k: v for k, v in _by_box(s).items() if k[1].startswith("kpi")}


@rule("noegletal_i_ord", "A key figure holds a number in words (»ca. fem«), not digits",
      hard=True)  # fmt: skip
def key_figure_in_words(s: Sheet) -> Iterator[Finding]:
    words = number_words()
    for paras in _key_figure_boxes(s).values():
        top = max(ln.size for para in paras for ln in para)
        for para in paras:
            for ln in para:
                if ln.size >= top - 0.01 and words & set(_plain(ln.text).casefold().split()):
                    yield s.finding("noegletal_i_ord", ln, ln.text)


@rule("noegletal_uden_tal", "A key-figure box without its figure (a missing figure needs its "
      "designed state: »Ikke oplyst« at the figure's size)", hard=True)  # fmt: skip
def key_figure_without_figure(s: Sheet) -> Iterator[Finding]:
    for (_, box_id), paras in _key_figure_boxes(s).items():
        box = s.box(box_id)
        if box is None or not box.content or box.content[0].style is None:
            continue
        figure = box.content[0].style
        if not any(para[0].style == figure for para in paras):
            yield s.finding("noegletal_uden_tal", paras[0][0], _para_text(paras[0]))


def _walk(nodes: Sequence[Node]) -> Iterator[Node]:
    for n in nodes:
        yield from n.walk()


@rule("tankestreg_uden_note", "A table prints »–« without the note that explains it beside it",
      hard=True)  # fmt: skip
def dash_without_note(s: Sheet) -> Iterator[Finding]:
    for page in s.plan.pages:
        tables = {n.box for n in _walk(page.content) if n.role == "Table"}
        for box_id in sorted(tables):
            nodes = [n for n in page.content if n.box == box_id]
            dash = any(c.role == "TD" and c.text.strip() == "–" for n in nodes for c in n.walk())
            noted = any(n.role != "Table" and n.text.startswith("–") for n in nodes)
            if dash and not noted:
                yield Finding("tankestreg_uden_note", s.layout.name, s.label, page.number, box_id,
                              "–", "no note under the table")  # fmt: skip


# ------------------------------------------------------------------ house style


@rule("kommune_som_sted", "»i <official name>« where the area is meant: write »<navn> kommune« "
      "(the official name is the authority)", hard=True)  # fmt: skip
def official_name_for_the_area(s: Sheet) -> Iterator[Finding]:
    official = s.kommune.officielt_navn
    if area_name(official) == official:
        return
    pattern = re.compile(rf"\bi {re.escape(official)}(?![\w-])")
    for para in s.paras:
        if pattern.search(_para_text(para)):
            yield s.finding("kommune_som_sted", para[0], _para_text(para)[:80])


_SOURCE, _METHOD = "Kilde:", "Metode:"


@rule("kilde_dobbelt", "Two »Kilde:« lines in one box, or a method inside a source line "
      "(one »Kilde:« line with numbered sources, a separate »Metode:« line)",
      hard=True)  # fmt: skip
def sources_twice(s: Sheet) -> Iterator[Finding]:
    for paras in _by_box(s).values():
        sources = [p for p in paras if _para_text(p).startswith(_SOURCE)]
        for p in sources[1:]:
            yield s.finding("kilde_dobbelt", p[0], _para_text(p)[:80])
        for p in sources:
            if _METHOD in _para_text(p):
                yield s.finding("kilde_dobbelt", p[0], "Metode inside the Kilde line")


_ABBREVIATION = re.compile(
    r"\b(?:pct|kr|mio|mia|ca|nr|fx|mv|osv|gns|inkl|ekskl|bl\.a|dvs|jf)\.[;:]"
)


@rule("tegn_efter_forkortelse", "A semicolon or colon straight after an abbreviation's point "
      "(»20 pct.; i«)", hard=True)  # fmt: skip
def punctuation_after_abbreviation(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        if m := _ABBREVIATION.search(_para_text(para)):
            yield s.finding("tegn_efter_forkortelse", para[0], m[0])


@rule("regnetegn_forrest", "A line starts with an operator (»× 4«, »= 12«): it belongs with "
      "the term before it", hard=True)  # fmt: skip
def operator_first(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        for line in para[1:]:
            if line.text.lstrip()[:1] in ("×", "=", "+"):
                yield s.finding("regnetegn_forrest", line, line.text)

"""The typographic rules of `faktaark proof` (see `proof.py`; layouts/README.md lists them).

Each rule reads the planned lines of a sheet (or of the series) and yields a `Finding` per
breach: layout, municipality, page, box, the line and what is wrong. Hard rules are those a
published sheet must never break: an official name split over two lines, a hyphen at the
bottom of a column, a lone word on a title's last line, and two different font subsets with
one name. The rules about figures ("–" inside a sentence, calculations, sources, empty bands,
bars, the map) are in `proof_figures.py`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from itertools import pairwise

from faktaark.core.kommuner import Kommune
from faktaark.pdf.examine import font_programs
from faktaark.review.proof import Finding, Line, Sheet, rule
from faktaark.text.linebreak import RUNT_CHARS, RUNT_WORDS, SOFT_HYPHEN, is_runt

NBSP = "\u00a0"
SERIES = "serie"


def _norm(text: str) -> str:
    return text.replace(NBSP, " ").replace(SOFT_HYPHEN, "-").casefold()


def name_forms(k: Kommune) -> list[str]:
    """The forms of a municipality's name that must not be split: the official name and its
    genitive, "<navn> kommune", a name with a hyphen or a space of its own, and its region's
    name ("Region Hovedstaden")."""
    forms = {k.navn, k.officielt_navn, k.officielt_navn_genitiv, f"{k.navn} kommune",
             f"{k.navn} kommunes", k.region, f"{k.region}s"}  # fmt: skip
    return sorted({_norm(f) for f in forms if " " in f or "-" in f}, key=len, reverse=True)


def _joint(a: Line, b: Line) -> tuple[str, int]:
    """Two consecutive lines as the reader reads them, and where the line break is."""
    left = a.text.rstrip(" ")
    if a.hyphen:
        left = left.removesuffix(SOFT_HYPHEN).removesuffix("-")
        return _norm(left + b.text), len(left)
    sep = "" if left.endswith("-") else " "
    return _norm(left + sep + b.text), len(left)


@rule("navn_delt", "An official name is split over two lines", hard=True)
def names_split(s: Sheet) -> Iterator[Finding]:
    """Not a map's name set in two lines at its hyphen or space, as a cartographer does."""
    forms = name_forms(s.kommune)
    for para in s.paras:
        for a, b in pairwise(para):
            if a.continued:
                continue
            joint, cut = _joint(a, b)
            hit = next(
                (f for f in forms for m in re.finditer(re.escape(f), joint)
                 if m.start() < cut < m.end()),
                None,
            )  # fmt: skip
            if hit:
                yield s.finding("navn_delt", a, f"{a.text} | {b.text}")


def _column_end(para: Sequence[Line], i: int) -> bool:
    return i + 1 >= len(para) or para[i + 1].col != para[i].col


@rule("orddeling_spalteslut", "A hyphenated word ends a column or a box", hard=True)
def hyphen_at_column_end(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        for i, ln in enumerate(para):
            if ln.hyphen and _column_end(para, i):
                nxt = para[i + 1].text if i + 1 < len(para) else ""
                yield s.finding("orddeling_spalteslut", ln, f"{ln.text} | {nxt}")


def _title(s: Sheet, ln: Line) -> bool:
    box = s.box(ln.box)
    return ln.role == "H1" or (box is not None and box.same_size == SERIES)


@rule("ensomt_ord_i_titel", "A single word alone on the last line of a title", hard=True)
def lone_title_word(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        if len(para) >= 2 and _title(s, para[0]) and len(para[-1].text.split()) < 2:
            yield s.finding("ensomt_ord_i_titel", para[-1], " | ".join(ln.text for ln in para))


def _no_hyphen_zone(ln: Line) -> bool:
    return ln.role.startswith("H") or ln.role == "Caption" or ln.box.startswith("kpi")


@rule("orddeling_i_overskrift", "Hyphenation in a title, heading, caption or key figure")
def hyphen_in_heading(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        for i, ln in enumerate(para):
            if ln.hyphen and _no_hyphen_zone(ln):
                nxt = para[i + 1].text if i + 1 < len(para) else ""
                yield s.finding("orddeling_i_overskrift", ln, f"{ln.text} | {nxt}")


@rule("orddeling_i_traek", "More than two hyphenated lines in a row")
def hyphen_ladder(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        run = 0
        for ln in para:
            run = run + 1 if ln.hyphen else 0
            if run == 3:
                yield s.finding("orddeling_i_traek", ln)


_TAIL = re.compile(r"[^\W\d_]+$")
_HEAD = re.compile(r"^[^\W\d_]+")


@rule("orddeling_kort_stump", "Fewer than 3 letters before or after a hyphenation")
def hyphen_short_part(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        for a, b in pairwise(para):
            if a.hyphen:
                head = _TAIL.search(a.text.rstrip().removesuffix(SOFT_HYPHEN).removesuffix("-"))
                tail = _HEAD.search(b.text)
                if len(head[0] if head else "") < 3 or len(tail[0] if tail else "") < 3:
                    yield s.finding("orddeling_kort_stump", a, f"{a.text} | {b.text}")


@rule(
    "horeunge",
    f"A paragraph's last line is one word under {RUNT_CHARS} characters or a hyphenated word's end",
)
def runt(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        if len(para) < 2 or not para[0].style or para[0].role.startswith("H"):
            continue
        if para[-2].col != para[-1].col:
            continue
        if is_runt(para[-1].text, para[-2].hyphen, (RUNT_WORDS, RUNT_CHARS)):
            yield s.finding("horeunge", para[-1], f"{para[-2].text} | {para[-1].text}")


def _by_box(s: Sheet) -> dict[tuple[int, str], list[tuple[Line, ...]]]:
    out: dict[tuple[int, str], list[tuple[Line, ...]]] = defaultdict(list)
    for para in s.paras:
        out[(para[0].page, para[0].box)].append(para)
    return out


@rule("liste_uden_indledning", "A list starts in another column than the line that leads into it")
def list_apart(s: Sheet) -> Iterator[Finding]:
    for paras in _by_box(s).values():
        for a, b in pairwise(paras):
            lead = a[-1]
            if lead.text.rstrip().endswith(":") and b[0].role == "LBody" and b[0].col != lead.col:
                yield s.finding("liste_uden_indledning", lead, f"{lead.text} | {b[0].text}")


@rule("overskrift_nederst", "A heading stands at the bottom of a column")
def heading_at_column_end(s: Sheet) -> Iterator[Finding]:
    for paras in _by_box(s).values():
        for a, b in pairwise(paras):
            if a[0].role.startswith("H") and b[0].col != a[-1].col:
                yield s.finding("overskrift_nederst", a[-1], f"{a[-1].text} | {b[0].text}")


@rule("titel_stoerrelse", "The title differs in size between sheets of the series", series=True)
def title_size(sheets: Sequence[Sheet]) -> Iterator[Finding]:
    sizes: dict[tuple[str, str], Counter[float]] = defaultdict(Counter)
    for s in sheets:
        for para in s.paras:
            if _title(s, para[0]):
                sizes[(s.layout.name, para[0].box)][round(para[0].size, 2)] += 1
    for s in sheets:
        for para in s.paras:
            common = sizes.get((s.layout.name, para[0].box))
            if common and len(common) > 1 and _title(s, para[0]):
                usual = common.most_common(1)[0][0]
                if round(para[0].size, 2) != usual:
                    yield s.finding("titel_stoerrelse", para[0],
                                    f"{para[0].size:.2f} pt, elsewhere {usual:g} pt")  # fmt: skip


@rule("noegletal_stoerrelse", "Key figures in one row differ in size")
def key_figure_size(s: Sheet) -> Iterator[Finding]:
    rows: dict[tuple[int, float], list[Line]] = defaultdict(list)
    for para in s.paras:
        ln = para[0]
        box, style = s.box(ln.box), s.layout.styles.get(ln.style)
        if box is not None and box.id.startswith("kpi") and style and style.min_size:
            rows[(ln.page, box.y)].append(ln)
    for row in rows.values():
        sizes = sorted({round(ln.size, 2) for ln in row})
        if len(sizes) > 1:
            small = min(row, key=lambda ln: ln.size)
            yield s.finding("noegletal_stoerrelse", small, " / ".join(f"{x:g} pt" for x in sizes))


_SPACE = re.compile(
    r"\d (?:pct\.|procent|procentpoint|mio\.|mia\.|kr\.|m²)|\b(?:ca\.|nr\.|kl\.) \d"
    r"|(?:mio|mia)\. kr\."
)


@rule(
    "mellemrum_uden_binding",
    "A breaking space in a name, in »ca. 89«, »nr. 3« or between number and unit",
)
def no_break_space(s: Sheet) -> Iterator[Finding]:
    k = s.kommune
    names = [n for n in {k.officielt_navn, k.officielt_navn_genitiv} if " " in n]
    names += [f"{k.navn} kommune", f"{k.navn} kommunes"]
    for para in s.paras:
        for ln in para:
            if _SPACE.search(ln.text) or any(n in ln.text for n in names):
                yield s.finding("mellemrum_uden_binding", ln)


_RANGE = re.compile(r"\b\d{1,4}(?:\.\d{3})*-\d{1,4}(?:\.\d{3})*\b")


@rule("interval_med_bindestreg", "A hyphen in a range (2021-2023 for 2021–2023)")
def range_hyphen(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        for ln in para:
            if _RANGE.search(ln.text):
                yield s.finding("interval_med_bindestreg", ln)


@rule("tegn", "»...« for »…«, a straight apostrophe (') or straight quotes (\")")
def characters(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        for ln in para:
            if "..." in ln.text or "'" in ln.text or '"' in ln.text:
                yield s.finding("tegn", ln)


@rule("orddeling_i_tekstlaget", "An inserted hyphen is hard in the text layer (not U+00AD)")
def hard_hyphen_in_text(s: Sheet) -> Iterator[Finding]:
    for para in s.paras:
        for ln in para:
            if ln.hyphen and not ln.text.endswith(SOFT_HYPHEN):
                yield s.finding("orddeling_i_tekstlaget", ln)


@rule("delt_subset_navn", "Two different font subsets share one name", hard=True, series=True)
def shared_subset_name(sheets: Sequence[Sheet]) -> Iterator[Finding]:
    """Across every sheet of the series (all that `--combine` may put in one file)."""
    seen: dict[str, tuple[str, Sheet]] = {}
    for s in sheets:
        if s.label != s.kommune.navn:
            continue  # the worst cases are never published
        for name, digest in font_programs(s.pdf()).items():
            first = seen.setdefault(name, (digest, s))
            if first[0] != digest:
                other = first[1]
                yield Finding("delt_subset_navn", s.layout.name, s.label, 1, "", name,
                              f"also the name of another subset ({other.label})")  # fmt: skip

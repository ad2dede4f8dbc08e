"""Line breaking: rich text (spans of one font each) into lines no wider than a box.

Greedy, left to right, like a careful typesetter's first pass: words break at spaces only
(a no-break space U+00A0 keeps `333 mio. kr.` together); a word that does not fit may be
hyphenated (`hyphenation`: a compound's joint first, then a syllable) or after a hard hyphen,
unless it came from a placeholder value such as a municipality name or is a name itself (a
capitalised word inside a sentence). Pure Python: widths come from a
`Measure` object (the renderer's font metrics), so this is testable without drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from faktaark.text.hyphenation import Known, word_breaks

__all__ = [
    "RUNT_CHARS",
    "RUNT_WORDS",
    "SOFT_HYPHEN",
    "Line",
    "Measure",
    "Measured",
    "Piece",
    "Span",
    "break_lines",
    "count_lines",
    "is_runt",
    "measure",
]

HYPHEN = "-"
SOFT_HYPHEN = (
    "\u00ad"  # an inserted hyphen: drawn as a hyphen, read as U+00AD (ISO 32000-1 14.8.2.2.3)
)
MAX_LADDER = 2  # hyphenated lines in a row at most
RUNT_WORDS, RUNT_CHARS = 2, 8  # a paragraph's last line: at least 2 words or 8 characters


class Measure(Protocol):
    def width(self, text: str, font: str, size: float) -> float: ...


class Span(NamedTuple):
    """A run of text in one font. `hyphenate=False` for values such as names."""

    text: str
    font: str
    link: str | None = None
    hyphenate: bool = True
    color: str | None = None  # a colour name; None = the style's colour


class Piece(NamedTuple):
    """A positioned run on a line: `x` is the offset from the line's start."""

    text: str
    font: str
    x: float
    width: float
    link: str | None = None
    color: str | None = None


class Line(NamedTuple):
    pieces: tuple[Piece, ...]
    width: float
    hyphen: bool = False  # ends in a hyphen the line breaker inserted (soft in the text layer)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


# A word is a list of (text, span) fragments with no breakable space inside.
_Frag = tuple[str, Span]


def _words(spans: Sequence[Span]) -> list[tuple[list[_Frag], Span | None]]:
    """Split spans at spaces into words; each word remembers the span of the space before it.
    A line break in the text ("\n") is a word with no fragments (a forced break)."""
    words: list[tuple[list[_Frag], Span | None]] = []
    current: list[_Frag] = []
    space_before: Span | None = None
    for span in spans:
        for n, chunk in enumerate(span.text.split("\n")):
            if n > 0:  # a forced line break came before this chunk
                if current:
                    words.append((current, space_before))
                    current = []
                words.append(([], None))
                space_before = None
            for i, part in enumerate(chunk.split(" ")):
                if i > 0:  # a space came before this part
                    if current:
                        words.append((current, space_before))
                        current = []
                    space_before = span
                if part:
                    current.append((part, span))
    if current:
        words.append((current, space_before))
    return words


def _frag_width(frags: Sequence[_Frag], size: float, m: Measure) -> float:
    return sum(m.width(t, s.font, size) for t, s in frags)


def _split_word(
    frags: list[_Frag], room: float, size: float, m: Measure, known: Known | None,
    soft: bool = True, name: bool = False,
) -> tuple[list[_Frag], list[_Frag], bool] | None:  # fmt: skip
    """The head of the word (ending in a hyphen) that fits in `room`, the tail, and whether
    the hyphen was inserted (False: the break follows a hard hyphen). A compound's joint or
    a hard hyphen first (the rightmost that fits), else the rightmost syllable that fits.
    `name`: a capitalised word inside a sentence (a name) is never hyphenated."""
    text = "".join(t for t, _ in frags)
    candidates: list[tuple[int, bool, bool]] = []  # (break index, add a hyphen?, preferred?)
    if soft and not name and all(s.hyphenate for _, s in frags):
        b = word_breaks(text, known)
        candidates += [(i, True, i in b.joints) for i in b.points]
    candidates += [
        (i + 1, False, True)
        for i, c in enumerate(text[:-1])
        if c in "-\u2010" and i > 0 and _span_at(frags, i).hyphenate
        and not (name and text[i + 1].isupper())  # "Ringkøbing-Skjern" stays whole
    ]  # fmt: skip
    ordered = sorted(set(candidates), key=lambda c: (c[2], c[0]), reverse=True)
    for cut, add, _ in ordered:
        head, tail = _cut(frags, cut)
        if add:
            head = [*head[:-1], (head[-1][0] + SOFT_HYPHEN, head[-1][1])]
        if _frag_width(head, size, m) <= room:
            return head, tail, add
    return None


def _span_at(frags: Sequence[_Frag], index: int) -> Span:
    pos = 0
    for t, s in frags:
        if index < pos + len(t):
            return s
        pos += len(t)
    return frags[-1][1]


def _cut(frags: Sequence[_Frag], index: int) -> tuple[list[_Frag], list[_Frag]]:
    head: list[_Frag] = []
    tail: list[_Frag] = []
    pos = 0
    for t, s in frags:
        if pos + len(t) <= index:
            head.append((t, s))
        elif pos >= index:
            tail.append((t, s))
        else:
            head.append((t[: index - pos], s))
            tail.append((t[index - pos :], s))
        pos += len(t)
    return head, tail


def _make_line(items: list[_Frag], size: float, m: Measure, hyphen: bool = False) -> Line:
    """The line of `items`: runs of the same font, link and colour joined into one piece each
    (its width their widths added in order, as the line's offsets are)."""
    pieces: list[Piece] = []
    x = 0.0
    run: list[str] = []
    start = width = 0.0
    key: tuple[str, str | None, str | None] | None = None
    for text, span in items:
        w = m.width(text, span.font, size)
        k = (span.font, span.link, span.color)
        if k == key:
            run.append(text)
            width += w
        else:
            if key is not None:
                pieces.append(Piece("".join(run), key[0], start, width, key[1], key[2]))
            key, run, start, width = k, [text], x, w
        x += w
    if key is not None:
        pieces.append(Piece("".join(run), key[0], start, width, key[1], key[2]))
    return Line(tuple(pieces), x, hyphen)


class Overflow(Exception):
    """A single word is wider than the line and cannot be hyphenated."""

    def __init__(self, word: str, width: float, room: float) -> None:
        super().__init__(word)
        self.word, self.width, self.room = word, width, room


class _Row(NamedTuple):
    items: list[_Frag]
    end: str  # how the row ends: "" (at a space), "soft" (inserted hyphen), "hard", "forced"


def break_lines(
    spans: Sequence[Span],
    size: float,
    width: float,
    m: Measure,
    first_width: float | None = None,
    hyphenate: bool = True,
    known: Known | None = None,
    avoid: frozenset[int] = frozenset(),
    runt: tuple[int, float] = (RUNT_WORDS, RUNT_CHARS),
) -> list[Line]:
    """Break `spans` at `size` pt into lines at most `width` wide (`first_width` for the
    first line; `known`: hyphenation points worked out in advance). Raises `Overflow` for a
    word wider than the line.

    Greedy, with the rules of a Danish page: no more than MAX_LADDER hyphenated lines in a
    row, no hyphenation at the end of the lines numbered in `avoid` (the planner's column
    ends), and no runt: a paragraph's last line with fewer than `runt` = (words, characters)
    of both (default one word under 8 characters), or that is only the rest of a hyphenated
    word, takes the last word of the line above when it fits."""
    words = _measured(spans, size, m)
    rows = _rows(words, size, width, m, first_width, hyphenate, known, avoid)
    if len(rows) >= 2:
        rows = _no_runt(rows, size, width, m, runt)
    return [_make_line(r.items, size, m, r.end == "soft") for r in rows]


class Measured(NamedTuple):
    """Spans split into words, each measured once at `size` (with the space before it), to
    be counted into lines at many measures (`count_lines`)."""

    size: float
    words: tuple[_Word, ...]


def measure(spans: Sequence[Span], size: float, m: Measure) -> Measured:
    return Measured(size, tuple(_measured(spans, size, m)))


def count_lines(
    words: Measured, width: float, m: Measure, runt: tuple[int, float] = (RUNT_WORDS, RUNT_CHARS)
) -> int:
    """How many lines `break_lines` (without hyphenation) sets the words in, without setting
    them (a search for the narrowest measure tries many)."""
    size = words.size
    rows = _rows(words.words, size, width, m, None, False, None, frozenset())
    return len(_no_runt(rows, size, width, m, runt) if len(rows) >= 2 else rows)


# a word as `_rows` sets it: its fragments, the span of the space before it (None: no space),
# its width and the width of that space, in points
_Word = tuple[list[_Frag], Span | None, float, float]


def _measured(spans: Sequence[Span], size: float, m: Measure) -> list[_Word]:
    return [
        (frags, sp, _frag_width(frags, size, m), m.width(" ", sp.font, size) if sp else 0.0)
        for frags, sp in _words(spans)
    ]


def _rows(
    words: Sequence[_Word],
    size: float,
    width: float,
    m: Measure,
    first_width: float | None,
    hyphenate: bool,
    known: Known | None,
    avoid: frozenset[int],
) -> list[_Row]:
    rows: list[_Row] = []
    current: list[_Frag] = []
    used = 0.0
    room = first_width if first_width is not None else width
    pending = list(words)
    i = 0
    while i < len(pending):
        frags, space_span, ww, space = pending[i]
        if not frags:  # a forced line break
            rows.append(_Row(current, "forced"))
            current, used, room = [], 0.0, width
            i += 1
            continue
        gap = space if current and space_span else 0.0
        if used + gap + ww <= room + 1e-6:
            if gap and space_span:
                current.append((" ", space_span))
            current.extend(frags)
            used += gap + ww
            i += 1
            continue
        ladder = len(rows) >= MAX_LADDER and all(r.end == "soft" for r in rows[-MAX_LADDER:])
        may = hyphenate and len(rows) not in avoid and not ladder
        name = frags[0][0][:1].isupper() and not _sentence_start(pending, i)
        split = (
            _split_word(frags, room - used - gap, size, m, known, may, name) if hyphenate else None
        )
        end = ""
        if split is not None and split[0]:
            head, tail, inserted = split
            if gap and space_span:
                current.append((" ", space_span))
            current.extend(head)
            pending[i] = (tail, None, _frag_width(tail, size, m), 0.0)
            end = "soft" if inserted else "hard"
        elif not current:
            # alone on a line and still too wide: a name may break at its hard hyphen
            split = _split_word(frags, room, size, m, known, False) if name else None
            if split is None or not split[0]:
                raise Overflow("".join(t for t, _ in frags), ww, room)
            current.extend(split[0])
            pending[i] = (split[1], None, _frag_width(split[1], size, m), 0.0)
            end = "hard"
        rows.append(_Row(current, end))
        current, used, room = [], 0.0, width
    if current:
        rows.append(_Row(current, ""))
    return rows


def _sentence_start(pending: Sequence[_Word], i: int) -> bool:
    """Whether word `i` starts a sentence (or the paragraph, or a line after a forced break):
    a capitalised word elsewhere is a name."""
    if i == 0 or not pending[i - 1][0]:
        return True
    return pending[i - 1][0][-1][0].rstrip("»«\"')”").endswith((".", "!", "?", ":"))


def _last_word(items: list[_Frag]) -> int:
    """Index where the row's last word starts (after its last space)."""
    for k in range(len(items) - 1, -1, -1):
        if items[k][0] == " ":
            return k + 1
    return 0


def is_runt(
    last: str, after_soft: bool, runt: tuple[int, float] = (RUNT_WORDS, RUNT_CHARS)
) -> bool:
    """A paragraph's last line that reads as a fragment (see `break_lines`)."""
    words = last.split()
    if after_soft and len(words) == 1:
        return True
    return len(words) < runt[0] and len(last.strip()) < runt[1]


def _no_runt(
    rows: list[_Row], size: float, width: float, m: Measure, runt: tuple[int, float]
) -> list[_Row]:
    prev, last = rows[-2], rows[-1]
    text = "".join(t for t, _ in last.items)
    if prev.end == "forced" or not is_runt(text, prev.end == "soft", runt):
        return rows
    k = _last_word(prev.items)
    if k == 0:  # the line above is one word: nothing to take
        return rows
    word = list(prev.items[k:])
    if prev.end == "soft":  # take the whole hyphenated word down, without its hyphen
        t, sp = word[-1]
        word[-1] = (t.removesuffix(SOFT_HYPHEN), sp)
        moved = word + last.items
    elif prev.end == "hard":
        moved = word + last.items
    else:
        moved = [*word, prev.items[k - 1], *last.items]
    if _frag_width(moved, size, m) > width + 1e-6:
        return rows
    return [*rows[:-2], _Row(prev.items[: k - 1], ""), _Row(moved, last.end)]

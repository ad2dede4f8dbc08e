"""Line breaking: rich text (spans of one font each) into lines no wider than a box.

Greedy, left to right, like a careful typesetter's first pass: words break at spaces only
(a no-break space U+00A0 keeps `333 mio. kr.` together); a word that does not fit may be
hyphenated at Danish hyphenation points (pyphen, da_DK) or after a hard hyphen, unless it came
from a placeholder value such as a municipality name. Pure Python: widths come from a
`Measure` object (the renderer's font metrics), so this is testable without drawing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import NamedTuple, Protocol

__all__ = ["Line", "Measure", "Piece", "Span", "break_lines", "hyphenation_points"]

HYPHEN = "-"
MIN_HYPHENATE = 7  # shortest word that may be hyphenated


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

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


# A word is a list of (text, span) fragments with no breakable space inside.
_Frag = tuple[str, Span]


def _words(spans: Sequence[Span]) -> list[tuple[list[_Frag], Span | None]]:
    """Split spans at spaces into words; each word remembers the span of the space before it."""
    words: list[tuple[list[_Frag], Span | None]] = []
    current: list[_Frag] = []
    space_before: Span | None = None
    for span in spans:
        parts = span.text.split(" ")
        for i, part in enumerate(parts):
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


@cache
def _pyphen() -> Callable[[str], list[int]]:
    import pyphen

    dic = pyphen.Pyphen(lang="da_DK", left=2, right=3)
    # plain ints, not pyphen's `DataInt`s: a cached layout's hyphenation points would
    # otherwise import pyphen (and its dictionaries' resource machinery) when unpickled
    return lambda word: [int(p) for p in dic.positions(word)]


_PUNCT = ".,;:!?()«»\"'”“„"


def hyphenate_words(texts: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """The hyphenation points of every hyphenatable word in `texts`."""
    out: dict[str, tuple[int, ...]] = {}
    for text in texts:
        for word in re.split(r"[\s\u00a0]+", text):
            core = word.strip(_PUNCT)
            if len(core) >= MIN_HYPHENATE and core.isalpha() and core not in out:
                out[core] = tuple(_pyphen()(core))
    return out


Known = Mapping[str, tuple[int, ...]]  # hyphenation points worked out in advance, by word


def hyphenation_points(word: str, known: Known | None = None) -> tuple[int, ...]:
    """Where `word` may break (index of the first character after the break). `known`: the
    points of words worked out in advance (a layout's words: `Layout.hyphenation`), so a sheet
    whose words are all known never loads the hyphenation dictionary."""
    core = word.strip(_PUNCT)
    if len(core) < MIN_HYPHENATE or not core.isalpha():
        return ()
    offset = word.find(core)
    points = known.get(core) if known is not None else None
    return tuple(offset + p for p in (points if points is not None else _points(core)))


@cache
def _points(core: str) -> tuple[int, ...]:
    return tuple(_pyphen()(core))


def _frag_width(frags: Sequence[_Frag], size: float, m: Measure) -> float:
    return sum(m.width(t, s.font, size) for t, s in frags)


def _split_word(
    frags: list[_Frag], room: float, size: float, m: Measure, known: Known | None
) -> tuple[list[_Frag], list[_Frag]] | None:
    """The longest head of the word (ending in a hyphen) that fits in `room`, and the tail."""
    text = "".join(t for t, _ in frags)
    candidates: list[tuple[int, bool]] = []  # (break index, add a hyphen?)
    if all(s.hyphenate for _, s in frags):
        candidates += [(i, True) for i in hyphenation_points(text, known)]
    candidates += [
        (i + 1, False)
        for i, c in enumerate(text[:-1])
        if c in "-\u2010" and i > 0 and _span_at(frags, i).hyphenate
    ]
    for cut, add in sorted(set(candidates), reverse=True):
        head, tail = _cut(frags, cut)
        if add:
            head = [*head[:-1], (head[-1][0] + HYPHEN, head[-1][1])]
        if _frag_width(head, size, m) <= room:
            return head, tail
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


def _make_line(items: list[_Frag], size: float, m: Measure) -> Line:
    pieces: list[Piece] = []
    x = 0.0
    for text, span in items:
        w = m.width(text, span.font, size)
        last = pieces[-1] if pieces else None
        if last and last.font == span.font and last.link == span.link and last.color == span.color:
            pieces[-1] = Piece(
                last.text + text, span.font, last.x, last.width + w, span.link, span.color
            )
        else:
            pieces.append(Piece(text, span.font, x, w, span.link, span.color))
        x += w
    return Line(tuple(pieces), x)


class Overflow(Exception):
    """A single word is wider than the line and cannot be hyphenated."""

    def __init__(self, word: str, width: float, room: float) -> None:
        super().__init__(word)
        self.word, self.width, self.room = word, width, room


def break_lines(
    spans: Sequence[Span],
    size: float,
    width: float,
    m: Measure,
    first_width: float | None = None,
    hyphenate: bool = True,
    known: Known | None = None,
) -> list[Line]:
    """Break `spans` at `size` pt into lines at most `width` wide (`first_width` for the
    first line; `known`: hyphenation points worked out in advance). Raises `Overflow` for a
    word wider than the line."""
    lines: list[Line] = []
    current: list[_Frag] = []
    used = 0.0
    room = first_width if first_width is not None else width
    pending = list(_words(spans))
    i = 0
    while i < len(pending):
        frags, space_span = pending[i]
        ww = _frag_width(frags, size, m)
        gap = m.width(" ", space_span.font, size) if current and space_span else 0.0
        if used + gap + ww <= room + 1e-6:
            if gap and space_span:
                current.append((" ", space_span))
            current.extend(frags)
            used += gap + ww
            i += 1
            continue
        split = _split_word(frags, room - used - gap, size, m, known) if hyphenate else None
        if split is not None and split[0]:
            head, tail = split
            if gap and space_span:
                current.append((" ", space_span))
            current.extend(head)
            pending[i] = (tail, None)
        elif not current:
            word = "".join(t for t, _ in frags)
            raise Overflow(word, ww, room)
        lines.append(_make_line(current, size, m))
        current, used, room = [], 0.0, width
    if current:
        lines.append(_make_line(current, size, m))
    return lines

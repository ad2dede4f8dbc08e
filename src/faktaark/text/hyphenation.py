"""Danish hyphenation that knows compounds: break at a compound's joint first, then between
syllables of its parts.

A Danish compound breaks best between its parts ("bolig-organisationer", "familie-bolig",
"fraflytnings-procent"); syllable patterns alone do not know where the parts meet and give
"boli-gorganisationer" and "familiebo-lig". So a word is first split into its parts with
Stavekontrolden's dictionary (the forms a word takes first or inside a compound, linking
element included, and the words that may stand last, with their inflectional endings:
`lexicon/da_DK-sammensaetninger.txt`, made by `tools/make_compounds.py`); the joints are
the preferred breaks, and inside each part pyphen's da_DK patterns give the syllables. A word
the dictionary does not know is hyphenated by the patterns alone. Words of the list
`lexicon/da_DK-orddeling.txt` (a house list, data) break exactly where it says.

`breaks(word)` returns every allowed break (at least MIN_PART letters from either end of the
word and of the part a syllable break is in) and which of them are joints; `word_breaks` those
a line breaker may use in a word as it stands in a text (punctuation around it, words shorter
than MIN_HYPHENATE letters never), and `hyphenate_words` works them out in advance for every
word of a layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Mapping
from functools import cache
from itertools import pairwise
from typing import NamedTuple

from faktaark.text.lexicon import read, read_section, read_trie

__all__ = ["MIN_HYPHENATE", "MIN_PART", "Breaks", "Known", "breaks", "hyphenate_words",
           "parts", "word_breaks"]  # fmt: skip

MIN_PART = 3  # letters at least on either side of a break (and inside a part, of a syllable)
MIN_STEM = 3  # the shortest part of a compound (the dictionary allows 2: "by", too many false
# splits)
COMPOUNDS = "da_DK-sammensaetninger.txt"
HOUSE = "da_DK-orddeling.txt"


class Breaks(NamedTuple):
    """Where a word may break (index of the first character after the break), ascending;
    `joints`: those of them at a compound joint (the breaks to prefer)."""

    points: tuple[int, ...]
    joints: tuple[int, ...] = ()


class _Lexicon(NamedTuple):
    forled: Container[str]  # first and middle parts, with their linking element (a trie)
    efterled: Container[str]  # last parts, in their dictionary form (a trie)
    endelser: frozenset[str]  # inflectional endings of a last part ("" included)
    house: dict[str, Breaks]  # the house list: word -> its breaks


def _house_entry(spelled: str) -> tuple[str, Breaks]:
    """ "bolig|organisation" (a joint) and "or-ga-ni-sa-tion" (syllables) -> word, breaks."""
    word, points, joints = "", [], []
    for ch in spelled:
        if ch in "|-":
            points.append(len(word))
            if ch == "|":
                joints.append(len(word))
        else:
            word += ch
    return word.casefold(), Breaks(tuple(points), tuple(joints))


@cache
def _lexicon() -> _Lexicon:
    own = read(HOUSE)
    return _Lexicon(
        _Either(read_trie(COMPOUNDS, "forled"), frozenset(own.get("forled", ()))),
        _Either(read_trie(COMPOUNDS, "efterled"), frozenset(own.get("efterled", ()))),
        frozenset(["", *read_section(COMPOUNDS, "endelser")]),
        dict(_house_entry(spelled) for spelled in own.get("ord", ())),
    )


class _Either(Container[str]):
    """A word of the dictionary's trie or of the house list's few words."""

    __slots__ = ("big", "small")

    def __init__(self, big: Container[str], small: frozenset[str]) -> None:
        self.big, self.small = big, small

    def __contains__(self, word: object) -> bool:
        return word in self.small or word in self.big


@cache
def _pyphen() -> Callable[[str], list[int]]:
    import pyphen

    dic = pyphen.Pyphen(lang="da_DK", left=MIN_PART, right=MIN_PART)
    # plain ints, not pyphen's `DataInt`s: a cached layout's hyphenation points would
    # otherwise import pyphen (and its dictionaries' resource machinery) when unpickled
    return lambda word: [int(p) for p in dic.positions(word)]


def _stem(lex: _Lexicon, w: str) -> int:
    """The length of the longest dictionary word `w` is with an ending (a doubled consonant
    before it allowed: "tal|l|ene"), or 0."""
    for k in range(len(w), MIN_STEM - 1, -1):
        if w[:k] in lex.efterled and (
            w[k:] in lex.endelser or (w[k - 1] == w[k : k + 1] and w[k + 1 :] in lex.endelser)
        ):
            return k
    return 0


def _last_part(lex: _Lexicon, part: str, endings: bool = True) -> bool:
    """A word that may end a compound: a last part (with one of its endings)."""
    return bool(_stem(lex, part)) if endings else part in lex.efterled


def _split(lex: _Lexicon, w: str, endings: bool) -> tuple[int, ...]:
    """The cuts of the best split of `w` into two or more parts (see `parts`), or ()."""
    n = len(w)
    # best[i]: the best split of w[i:] as (parts, -shortest part, cuts), or None
    best: list[tuple[int, int, tuple[int, ...]] | None] = [None] * (n + 1)
    for i in range(n - MIN_STEM, -1, -1):
        options: list[tuple[int, int, tuple[int, ...]]] = []
        if i > 0 and _last_part(lex, w[i:], endings):
            options.append((1, -(n - i), ()))
        for j in range(i + MIN_STEM, n - MIN_STEM + 1):
            rest = best[j]
            if rest is not None and w[i:j] in lex.forled:
                options.append((rest[0] + 1, max(rest[1], -(j - i)), (j, *rest[2])))
        if options:
            best[i] = min(options)
    top = best[0]
    return top[2] if top is not None else ()


def parts(word: str) -> tuple[str, ...]:
    """The parts of a compound, linking elements kept with the part before ("fraflytnings",
    "procenten"); a word that is no compound the dictionary knows is one part.

    Of several ways to split, the one with the fewest parts wins, then the one whose
    shortest part is longest ("fraflytnings|procent", not "fra|flytnings|procent"). A word
    the dictionary has itself (with an ending: "andel|en", "aktør|er") splits only inside
    that dictionary word, into parts without endings: so "andelen" is never "ande|len"."""
    w = word.casefold()
    lex = _lexicon()
    if w in lex.house:  # the house list knows it: no split of its own
        return (word,)
    stem = _stem(lex, w)
    cuts = _split(lex, w[:stem], endings=False) if stem else _split(lex, w, endings=True)
    if not cuts:
        return (word,)
    at = (0, *cuts, len(w))
    return tuple(word[a:b] for a, b in pairwise(at))


@cache
def breaks(word: str) -> Breaks:
    """Every break the word allows, joints marked (see the module docstring). `word` is
    letters only, in any case."""
    n = len(word)
    lex = _lexicon()
    joints: list[int] = []
    points: list[int] = []
    at = 0
    for k, part in enumerate(parts(word)):
        if k:
            joints.append(at)
            points.append(at)
        own = lex.house.get(part.casefold())  # the house list: for a word, or a part of one
        if own is not None:
            joints += [at + p for p in own.joints]
            points += [at + p for p in own.points]
        else:
            points += [at + p for p in _pyphen()(part.casefold())]
        at += len(part)
    ok = sorted({p for p in points if MIN_PART <= p <= n - MIN_PART})
    return Breaks(tuple(ok), tuple(p for p in joints if p in ok))


MIN_HYPHENATE = 7  # shortest word that may be hyphenated
_PUNCT = ".,;:!?()«»\"'”“„"


def hyphenate_words(texts: Iterable[str]) -> dict[str, Breaks]:
    """The breaks (compound joints marked) of every hyphenatable word in `texts`."""
    out: dict[str, Breaks] = {}
    for text in texts:
        for word in re.split(r"[\s\u00a0]+", text):
            core = word.strip(_PUNCT)
            if len(core) >= MIN_HYPHENATE and core.isalpha() and core not in out:
                out[core] = breaks(core)
    return out


# breaks worked out in advance, by word (a plain tuple: points without joints)
Known = Mapping[str, Breaks | tuple[int, ...]]


def word_breaks(word: str, known: Known | None = None) -> Breaks:
    """Where `word` may break (index of the first character after the break) and which of
    those are compound joints, at least MIN_PART letters from either end. `known`: the
    breaks of words worked out in advance (a layout's words: `Layout.hyphenation`), so a
    sheet whose words are all known never loads the hyphenation dictionaries."""
    core = word.strip(_PUNCT)
    if len(core) < MIN_HYPHENATE or not core.isalpha():
        return Breaks(())
    offset = word.find(core)
    found = known.get(core) if known is not None else None
    if found is None:
        found = breaks(core)
    elif not isinstance(found, Breaks):
        found = Breaks(tuple(found))
    n = len(core)
    points = tuple(offset + p for p in found.points if MIN_PART <= p <= n - MIN_PART)
    return Breaks(points, tuple(offset + p for p in found.joints if offset + p in points))

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
  two-line heading (`skaev_overskrift`);
- key figures: a number in words in a key figure (`noegletal_i_ord`), a key-figure box
  without its figure (`noegletal_uden_tal`), a table's "–" without its note beside it
  (`tankestreg_uden_note`);
- house style: the official name (the authority) after "i" where the area is meant
  (`kommune_som_sted`), two source lines in one box or a method inside a source line
  (`kilde_dobbelt`), a semicolon or colon straight after an abbreviation's point
  (`tegn_efter_forkortelse`).

The composition rules (a panel with a hole, the sender) are in `proof_panels.py`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import pairwise

from faktaark.review.proof import Finding, Line, Sheet, leaves, rule
from faktaark.text import lexicon
from faktaark.text.linebreak import SOFT_HYPHEN, word_breaks

NBSP = "\u00a0"

__all__ = [
    "area_name",
    "balanced_columns",
    "hyphen_not_at_joint",
    "key_figure_in_words",
    "key_figure_missing",
    "list_split",
    "short_word_at_line_end",
    "sources_twice",
]

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
        for a, b in pairwise(para):
            if not a.hyphen:
                continue
            left = a.text.rstrip().removesuffix(SOFT_HYPHEN).removesuffix("-")
            head, tail = _TAIL.search(left), _HEAD.search(b.text)
            if head is None or tail is None:
                continue
            word = head[0] + tail[0]
            before = left[: head.start()]
            if word[0].isupper() and not (_sentence_start(before) and a.n == 0 or
                                          _sentence_start(before) and before.strip()):
                yield s.finding("orddeling_uden_led", a, f"{head[0]}- | {tail[0]}: a name")
                continue
            if len(head[0]) not in word_breaks(word, known).points:
                yield s.finding("orddeling_uden_led", a, f"{head[0]}- | {tail[0]}")

"""The Danish language data faktaark ships (`faktaark/lexicon/`), as sets of words.

Plain text files of `[section]`s of whitespace-separated words (a line starting with "#" is a
note): `da_DK-ord.txt` holds the short words that are bound to the next word in display text
and the number words a key figure never holds; the hyphenation's dictionaries
(`faktaark.text.hyphenation`) are in the same folder and format. Read once per process.

The two large sections of the compound dictionary (96.000 words) are also shipped as marisa
tries (`trie_path`, written by `tools/make_compounds.py` from the text, which stays the source
and is what a reader edits; a test holds the tries to it): a process loads them in well under a
millisecond into about 1 MB, where sets of the words took 17 ms and 14 MB.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import cache
from pathlib import Path

from faktaark.core.resources import package_dir

__all__ = ["FOLDER", "TRIE_SECTIONS", "bind_short_words", "number_words", "read", "read_section",
           "read_trie", "sections", "short_words", "trie_path"]  # fmt: skip

NBSP = "\u00a0"

FOLDER = "lexicon"
WORDS = "da_DK-ord.txt"
TRIE_SECTIONS = ("forled", "efterled")  # the sections of a dictionary shipped as tries too


def sections(text: str) -> dict[str, list[str]]:
    """`[name]` sections of whitespace-separated words; lines before the first section and
    lines starting with "#" are notes."""
    out: dict[str, list[str]] = {}
    for block in ("\n" + text).split("\n[")[1:]:
        name, _, body = block.partition("]\n")
        if "#" in body:
            body = "\n".join(ln for ln in body.splitlines() if not ln.lstrip().startswith("#"))
        out[name.strip()] = body.split()
    return out


def read(name: str) -> dict[str, list[str]]:
    """The sections of the lexicon file `name`."""
    return sections((package_dir() / FOLDER / name).read_text(encoding="utf-8"))


_TAIL = 64 * 1024  # where the small last section of a large lexicon file is looked for first


def read_section(name: str, section: str) -> list[str]:
    """One section of the lexicon file `name`, read without splitting the others: the small
    last section of a large file is read from its end (the compound dictionary is 1 MB; its
    83 endings are its last 2 KB), the whole file only when it is not there."""
    head = f"\n[{section}]\n".encode()
    with (package_dir() / FOLDER / name).open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - _TAIL))
        data = fh.read().replace(b"\r\n", b"\n")  # as read as text (a Windows checkout)
        at = data.rfind(head)
        if at < 0 and size > _TAIL:
            fh.seek(0)
            data = fh.read().replace(b"\r\n", b"\n")
            at = data.rfind(head)
    # from a newline on, the bytes decode as they do in the whole text
    return sections(data[at:].decode("utf-8")).get(section, []) if at >= 0 else []


def trie_path(text_file: Path, section: str) -> Path:
    """Where the trie of a section of a lexicon file is: `<stem>.<section>.marisa` beside it."""
    return text_file.with_name(f"{text_file.stem}.{section}.marisa")


def read_trie(name: str, section: str) -> Container[str]:
    """The words of one section of the lexicon file `name`, from its trie (`in` only)."""
    import marisa_trie

    path = trie_path(package_dir() / FOLDER / name, section)
    trie: Container[str] = marisa_trie.Trie().load(str(path))
    return trie


@cache
def _words() -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in read(WORDS).items()}


def short_words() -> frozenset[str]:
    """One- and two-letter prepositions, conjunctions and articles ("i", "på", "og" ...)."""
    return _words().get("korte_ord", frozenset())


def number_words() -> frozenset[str]:
    """Numbers written as words ("fem", "tre" ...)."""
    return _words().get("talord", frozenset())


@cache
def _short_pattern() -> re.Pattern[str]:
    words = "|".join(sorted(map(re.escape, short_words()), key=len, reverse=True))
    return re.compile(rf"(?<![\w\u00a0-])({words}) (?=\S)", re.IGNORECASE)


def bind_short_words(text: str) -> str:
    """`text` with a no-break space after every short word (`short_words`), so that no line
    ends in one; the length is kept (one space for one no-break space)."""
    if not short_words():
        return text
    return _short_pattern().sub(lambda m: m[1] + NBSP, text)

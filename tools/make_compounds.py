"""One-off: the Danish compound data the hyphenation ships, from Stavekontrolden's dictionary.

    apt-get download hunspell-da && dpkg-deb -x hunspell-da_*.deb /tmp/hunspell-da
    .venv/bin/python tools/make_compounds.py --dic /tmp/hunspell-da/usr/share/hunspell/da_DK.dic

Stavekontrolden's hunspell dictionary (Debian `hunspell-da`, GPL 2.0/LGPL 2.1/MPL 1.1) says of
every word whether, and in which form, it may stand first or inside a compound (the linking
element: "bolig" + Ø, "fraflytning" + s, "land" + e, "skole" - e ...: the affix rules whose
continuation flags are COMPOUNDBEGIN or COMPOUNDMIDDLE) and whether it may stand last
(COMPOUNDEND: flag 39, "ord sidst i sammensætning"). This script applies those affix rules and
writes, for faktaark's compound splitter (`faktaark.text.hyphenation`):

- `[forled]`: every form a word takes as the first or a middle part of a compound, the
  linking element included ("boligs" is not one, "bolig" and "fraflytnings" are);
- `[efterled]`: every word that may stand last, in its dictionary form;
  (both without the compounds the splitter finds from their parts: `compact`)
- `[endelser]`: the inflectional endings a last part may carry ("er", "erne", "ens" ...),
  the added strings of the affix rules that keep COMPOUNDEND;

lower-case words of letters only (proper names are never hyphenated by faktaark), at least 2
letters (the dictionary's COMPOUNDMIN). Output: src/faktaark/lexicon/da_DK-sammensaetninger.txt
and its provenance note (.SOURCE.txt), and from that text the two sections as tries
(`da_DK-sammensaetninger.forled.marisa`, `.efterled.marisa`: what a process loads, in well under
a millisecond and 1 MB, where sets of the 96.000 words took 17 ms and 14 MB).
`--tries` writes only the tries, from the text as it is (after editing it by hand).
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "faktaark" / "lexicon" / "da_DK-sammensaetninger.txt"
BEGIN, MIDDLE, END, ONLY_IN_COMPOUND = "32", "33", "34", "36"
LAST = "39"  # "Sammensætning, ord sidst i sammensætning": SFX 39 0 0/35,34


def _rules(aff: str) -> dict[str, list[tuple[str, str, set[str], re.Pattern[str]]]]:
    """flag -> [(strip, add, continuation flags, condition)] of every SFX rule."""
    out: dict[str, list[tuple[str, str, set[str], re.Pattern[str]]]] = defaultdict(list)
    for line in aff.splitlines():
        parts = line.split()
        if len(parts) < 5 or parts[0] != "SFX":
            continue
        flag, strip, add, cond = parts[1], parts[2], parts[3], parts[4]
        add, _, cont = add.partition("/")
        strip = "" if strip == "0" else strip
        add = "" if add == "0" else add
        out[flag].append((strip, add, set(cont.split(",")) if cont else set(),
                          re.compile(f"(?:{cond})$")))  # fmt: skip
    return out


def _apply(word: str, strip: str, add: str, cond: re.Pattern[str]) -> str | None:
    if not cond.search(word) or not word.endswith(strip):
        return None
    return word[: len(word) - len(strip)] + add


def build(dic: str, aff: str) -> tuple[set[str], set[str], set[str]]:
    rules = _rules(aff)
    forled: set[str] = set()
    efterled: set[str] = set()
    endelser: set[str] = {""}
    for line in dic.splitlines()[1:]:
        word, _, flags_s = line.partition("/")
        flags = set(flags_s.split("\t")[0].split(",")) if flags_s else set()
        if not (word.isalpha() and word.islower() and len(word) >= 2):
            continue
        if BEGIN in flags or MIDDLE in flags:
            forled.add(word)
        if LAST in flags or END in flags:
            efterled.add(word)
        for flag in flags:
            for strip, add, cont, cond in rules.get(flag, ()):
                form = _apply(word, strip, add, cond)
                if form is None or not form.isalpha():
                    continue
                if BEGIN in cont or MIDDLE in cont:
                    forled.add(form)
                elif END in cont and not strip and (LAST in flags or END in flags):
                    endelser.add(add)
    return forled, efterled, endelser


def compact(forled: set[str], efterled: set[str]) -> tuple[set[str], set[str]]:
    """Leave out what the splitter finds anyway: a last part that is itself a first part and
    a last part ("familiebolig" = "familie" + "bolig"), a first part that is two first parts
    (every part at least 4 letters: "par|allel" is no compound). Fewer words, the same
    joints, a shorter load."""

    def two(w: str, first: set[str], rest: set[str]) -> bool:
        return any(w[:j] in first and w[j:] in rest for j in range(4, len(w) - 3))

    return ({w for w in forled if not two(w, forled, forled)},
            {w for w in efterled if not two(w, forled, efterled)})  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dic", type=Path, help="da_DK.dic of hunspell-da")
    ap.add_argument("--aff", type=Path, help="da_DK.aff (default: beside the .dic)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--tries", action="store_true", help="only the tries, from the text")
    args = ap.parse_args()
    if args.tries:
        write_tries(args.out)
        return
    if args.dic is None:
        ap.error("--dic is required (or --tries)")
    aff_path = args.aff or args.dic.with_suffix(".aff")
    dic = args.dic.read_text(encoding="utf-8")
    aff = aff_path.read_text(encoding="utf-8")
    version = re.search(r"#Stavekontrolden version (\S+)", aff)
    forled, efterled, endelser = build(dic, aff)
    forled, efterled = compact(forled, efterled)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    head = (
        "# Danish compound parts for faktaark's hyphenation (faktaark.text.hyphenation).\n"
        f"# Generated by tools/make_compounds.py from Stavekontrolden "
        f"{version.group(1) if version else '?'} (hunspell-da); see the .SOURCE.txt beside it.\n"
    )
    body = "".join(
        f"[{name}]\n" + "\n".join(sorted(words)) + "\n"
        for name, words in (("forled", forled), ("efterled", efterled),
                            ("endelser", endelser - {""}))
    )  # fmt: skip
    args.out.write_text(head + body, encoding="utf-8")
    print(f"{args.out}: {len(forled)} forled, {len(efterled)} efterled, {len(endelser)} endelser")
    write_tries(args.out)


def write_tries(text_file: Path) -> None:
    """The [forled] and [efterled] sections of the text as marisa tries beside it."""
    import marisa_trie

    from faktaark.text.lexicon import TRIE_SECTIONS, sections, trie_path

    found = sections(text_file.read_text(encoding="utf-8"))
    for name in TRIE_SECTIONS:
        path = trie_path(text_file, name)
        marisa_trie.Trie(found[name]).save(str(path))
        print(f"{path}: {len(found[name])} words, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()

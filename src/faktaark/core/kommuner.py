"""The register of the 98 municipalities: codes, names and their forms, regions, lookup.

A municipality is found by code (`161`, `0161`) or by name in any case and with or without
Danish letters (`KØBENHAVN`, `koebenhavn`, `kobenhavn`, `lyngby taarbaek`), each letter
spelt either way (`laeso`, `laesoe`, `laso` for Læsø) as long as only one municipality is
written so. Unknown input raises `UnknownKommune` with the closest names. Standard library
only.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from faktaark.core import resources
from faktaark.errors import InputError, UnknownKommune

__all__ = ["Kommune", "Register", "collation_key", "normalise", "register", "slugify", "spellings"]

REGION_CODES = {
    "Region Hovedstaden": 84,
    "Region Sjælland": 85,
    "Region Syddanmark": 83,
    "Region Midtjylland": 82,
    "Region Nordjylland": 81,
}


@dataclass(frozen=True)
class Kommune:
    kode: int
    navn: str  # short name as DST writes it: "København"
    officielt_navn: str  # "Københavns Kommune"
    officielt_navn_genitiv: str  # "Københavns Kommunes"
    region: str  # "Region Hovedstaden" (until 31.12.2026)
    landsdel: str
    region_fra_2027: str
    andre_navne: tuple[str, ...] = ()

    @property
    def kode4(self) -> str:
        """The four-digit form used by DAGI and CPR: `0161`."""
        return f"{self.kode:04d}"

    @property
    def slug(self) -> str:
        return slugify(self.navn)

    @property
    def filnavn(self) -> str:
        """`161-glostrup`: the stem of this municipality's output files."""
        return f"{self.kode}-{self.slug}"


_TRANSLIT = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "AE", "Ø": "OE", "Å": "AA"}
_PLAIN = {"æ": "a", "ø": "o", "å": "a"}


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise(text: str, plain: bool = False, spell: bool = True) -> str:
    """Lower-case, Danish letters spelt out (`ø` -> `oe`, or `o` with `plain`; kept with
    `spell=False`), accents dropped, hyphens/underscores/dots/extra spaces folded into one
    space."""
    if text.isascii():  # no Danish letters, no accents: the same result, sooner
        return _FOLD.sub(" ", text.strip().lower()).strip()
    t = unicodedata.normalize("NFC", text).strip().lower()
    if spell:
        table = _PLAIN if plain else _TRANSLIT
        t = "".join(table.get(c, c) for c in t)
    t = _strip_accents(t)
    t = _FOLD.sub(" ", t).strip()
    return t


_FOLD = re.compile(r"[\s\-_.,']+")


def slugify(name: str) -> str:
    """ASCII file-name slug: `Lyngby-Taarbæk` -> `lyngby-taarbaek`."""
    return normalise(name).replace(" ", "-")


def collation_key(name: str) -> tuple[int, ...]:
    """Danish alphabetical order: æ, ø, å after z, and "Aa" at the start sorts as "Å"."""
    order = "abcdefghijklmnopqrstuvwxyzæøå"
    t = unicodedata.normalize("NFC", name).lower()
    if t.startswith("aa"):
        t = "å" + t[2:]
    key = []
    for c in t:
        base = _strip_accents(c) if c not in "æøå" else c
        key.append(order.index(base) if base in order else 100 + ord(base))
    return tuple(key)


def spellings(name: str) -> set[str]:
    """Every way to write `name` without Danish letters, normalised: each æ as ae or a, ø as
    oe or o, å as aa or a, independently (`Læsø`: laesoe, laeso, lasoe, laso)."""
    forms = [""]
    for c in normalise(name, plain=False, spell=False):
        options = _SPELLINGS.get(c, (c,))
        forms = [f + o for f in forms for o in options]
    return {normalise(f) for f in forms}


_SPELLINGS = {"æ": ("ae", "a"), "ø": ("oe", "o"), "å": ("aa", "a")}


class Register:
    """The 98 municipalities, looked up by code or name."""

    def __init__(self, kommuner: list[Kommune], source: str) -> None:
        self.kommuner = sorted(kommuner, key=lambda k: k.kode)
        self.source = source
        self.by_code = {k.kode: k for k in self.kommuner}
        self._by_name: dict[str, Kommune] | None = None

    @property
    def _names(self) -> dict[str, Kommune]:
        """Every form of every name -> its municipality (made at the first name looked up):
        the two usual forms of each name, and every mixed spelling (`laeso`) that only one
        municipality has."""
        if self._by_name is None:
            names: dict[str, Kommune] = {}
            claims: dict[str, set[int]] = {}
            for k in self.kommuner:
                for name in (k.navn, k.officielt_navn, *k.andre_navne):
                    for plain in (False, True):  # the two usual forms win a tie
                        names.setdefault(normalise(name, plain), k)
                    for form in spellings(name):
                        claims.setdefault(form, set()).add(k.kode)
            for form, codes in claims.items():
                if len(codes) == 1:
                    names.setdefault(form, self.by_code[codes.pop()])
            self._by_name = names
        return self._by_name

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.kommuner)

    def __len__(self) -> int:
        return len(self.kommuner)

    def find(self, query: str | int) -> Kommune | None:
        """The municipality a code or name refers to, or None."""
        if isinstance(query, int):
            return self.by_code.get(query)
        q = str(query).strip()
        if re.fullmatch(r"\d{1,4}", q):
            return self.by_code.get(int(q))
        for plain in (False, True):
            hit = self._names.get(normalise(q, plain))
            if hit is not None:
                return hit
        return None

    def get(self, query: str | int) -> Kommune:
        """Like `find`, but raises `UnknownKommune` with the closest names."""
        hit = self.find(query)
        if hit is None:
            raise UnknownKommune(str(query), self.suggest(str(query)))
        return hit

    def suggest(self, query: str, n: int = 3) -> list[str]:
        import difflib  # only for a name that is not found

        keys = {normalise(k.navn): k.navn for k in self.kommuner}
        for k in self.kommuner:
            for alt in k.andre_navne:
                keys.setdefault(normalise(alt), k.navn)
        close = difflib.get_close_matches(normalise(query), list(keys), n=n, cutoff=0.6)
        names = list(dict.fromkeys(keys[c] for c in close))
        if not names:  # a prefix is a good hint too ("ringkøbing" -> Ringkøbing-Skjern)
            q = normalise(query)
            names = [k.navn for k in self.kommuner if q and normalise(k.navn).startswith(q)][:n]
        return names

    def region(self, region: str) -> list[Kommune]:
        return [k for k in self.kommuner if k.region == region]


def _load(path: Path) -> Register:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the municipality register: {exc}") from exc
    kommuner = []
    for i, row in enumerate(rows, start=2):
        try:
            kommuner.append(
                Kommune(
                    kode=int(row["kommunekode"]),
                    navn=row["kommune"],
                    officielt_navn=row["officielt_navn"],
                    officielt_navn_genitiv=row["officielt_navn_genitiv"],
                    region=row["region"],
                    landsdel=row["landsdel"],
                    region_fra_2027=row["region_fra_2027"],
                    andre_navne=tuple(n for n in (row.get("andre_navne") or "").split("|") if n),
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise InputError(f"{path}:{i}: broken municipality register row: {exc}") from exc
    if len(kommuner) != 98 or len({k.kode for k in kommuner}) != 98:
        raise InputError(f"{path}: the register must list 98 distinct municipalities")
    return Register(kommuner, str(path))


@cache
def register() -> Register:
    """The bundled register (`data/kommuner.csv`), loaded once per process."""
    return _load(resources.data_file("kommuner.csv"))

"""The deterministic generator of the example figures in `data/almene.csv` (a tool, not part of
the package: the committed file is what it made, and a test keeps the two equal).

`faktaark data eksempel --layout NAME` makes example figures for any kit from its data
dictionary's declarations; this older generator made the bundled housing figures, with the
shares and types of each part of the country, before kits declared their figures.

Only Glostrup's figures are real (BL's published sheet). The other 97 rows are invented,
flagged `datakilde = eksempel`, and every sheet built from them says so on every page. They
are plausible rather than random noise: scaled by the real population of 1 January 2026,
with almene shares typical of the part of the country (high in Københavns omegn, low in
Nordsjælland), youth dwellings where the universities are, and national sums near the real
totals (about 600.000 almene dwellings and 1 million residents).

Regenerate (the output must equal the committed file; a test checks it):
    python tools/make_almene_example.py > data/almene.csv
"""

from __future__ import annotations

import csv
import random
import sys

from faktaark.core.kommuner import register
from faktaark.data import eksempel

__all__ = ["COLUMN_NAMES", "GLOSTRUP", "SEED", "generate", "to_csv"]

# the columns of data/almene.csv, in file order (declared in layouts/almene-boliger/fields.toml)
COLUMN_NAMES = (
    "kommunekode", "kommune", "udgave", "datakilde", "kilde", "beboere", "beboere_aar",
    "ungdomsboliger", "familieboliger", "aeldreboliger", "boliger_aar",
    "igangsat_ungdomsboliger", "igangsat_familieboliger", "igangsat_aeldreboliger",
    "igangsat_fra", "igangsat_til", "fraflytningsprocent", "fraflytning_aar", "boligmasse",
    "boligmasse_aar", "huslejeomsaetning_mio_kr", "huslejeomsaetning_aar",
    "lokale_indkoeb_mio_kr", "lokale_indkoeb_aar", "lbf_renovering_mio_kr",
    "lbf_renovering_fra", "lbf_renovering_til",
)  # fmt: skip

SEED = 20250101
UDGAVE = 2025
NATIONAL_DWELLINGS = 600_000

# The real figures of BL's sheet "Almene boliger gør Glostrup kommune bedre" (seed 004).
# boligmasse is not printed on the sheet (only the 40 pct. share is): 11.535 is chosen so
# that 4.614 almene dwellings / 11.535 = 40,0 pct.; see data/almene.csv.SOURCE.txt.
GLOSTRUP: dict[str, object] = {
    "kommunekode": 161, "kommune": "Glostrup", "udgave": UDGAVE, "datakilde": "officiel",
    "kilde": "BL's egne beregninger på baggrund af Danmarks Statistiks registerdata.",
    "beboere": 7900, "beboere_aar": 2024,
    "ungdomsboliger": 73, "familieboliger": 4451, "aeldreboliger": 90, "boliger_aar": 2024,
    "igangsat_ungdomsboliger": 0, "igangsat_familieboliger": 0, "igangsat_aeldreboliger": 0,
    "igangsat_fra": 2021, "igangsat_til": 2023,
    "fraflytningsprocent": 8, "fraflytning_aar": 2023,
    "boligmasse": 11535, "boligmasse_aar": 2024,
    "huslejeomsaetning_mio_kr": 333, "huslejeomsaetning_aar": 2023,
    "lokale_indkoeb_mio_kr": 87, "lokale_indkoeb_aar": None,
    "lbf_renovering_mio_kr": 222, "lbf_renovering_fra": 2021, "lbf_renovering_til": 2023,
}  # fmt: skip

SHARE_BY_LANDSDEL = {
    "Landsdel Byen København": 0.20,
    "Landsdel Københavns omegn": 0.30,
    "Landsdel Nordsjælland": 0.12,
    "Landsdel Bornholm": 0.15,
    "Landsdel Østsjælland": 0.22,
    "Landsdel Vest- og Sydsjælland": 0.16,
    "Landsdel Fyn": 0.19,
    "Landsdel Sydjylland": 0.19,
    "Landsdel Østjylland": 0.20,
    "Landsdel Vestjylland": 0.14,
    "Landsdel Nordjylland": 0.19,
}
UNIVERSITY_TOWNS = {
    101,
    147,
    461,
    751,
    851,
    173,
}  # København, Frederiksberg, Odense, Aarhus, Aalborg, Lyngby
RURAL = {"Landsdel Vestjylland", "Landsdel Bornholm", "Landsdel Vest- og Sydsjælland",
         "Landsdel Nordjylland", "Landsdel Sydjylland"}  # fmt: skip
EKSEMPEL_KILDE = eksempel.EKSEMPEL_KILDE


def _population() -> dict[int, int]:
    from faktaark.core.resources import data_file

    with data_file("folketal.csv").open(encoding="utf-8") as fh:
        return {int(r["kommune_kode"]): int(r["folketal"]) for r in csv.DictReader(fh)}


def generate(seed: int = SEED) -> list[dict[str, object]]:
    """All 98 rows: Glostrup's real figures and 97 deterministic example rows."""
    rng = random.Random(seed)
    pop = _population()
    reg = register()
    draft = []
    for k in reg:
        if k.kode == 161:
            continue
        stock = round(pop[k.kode] * rng.uniform(0.45, 0.53))
        share = SHARE_BY_LANDSDEL[k.landsdel] * rng.uniform(0.6, 1.45)
        draft.append((k, stock, share, rng.random()))
    glostrup_total = 73 + 4451 + 90
    raw_total = sum(stock * share for _, stock, share, _ in draft)
    scale = (NATIONAL_DWELLINGS - glostrup_total) / raw_total
    rows: list[dict[str, object]] = []
    for k, stock, share, _ in draft:
        total = max(40, round(stock * min(0.6, max(0.03, share * scale))))
        ungdom_frac = (0.13 if k.kode in UNIVERSITY_TOWNS else 0.05) * rng.uniform(0.5, 1.5)
        aeldre_frac = (0.17 if k.landsdel in RURAL else 0.12) * rng.uniform(0.7, 1.3)
        ungdom = round(total * ungdom_frac)
        aeldre = round(total * aeldre_frac)
        familie = total - ungdom - aeldre
        building = 0.0 if rng.random() < 0.3 else rng.uniform(0.002, 0.035)
        rows.append({
            "kommunekode": k.kode, "kommune": k.navn, "udgave": UDGAVE, "datakilde": "eksempel",
            "kilde": EKSEMPEL_KILDE,
            "beboere": round(total * rng.uniform(1.55, 1.85)), "beboere_aar": 2024,
            "ungdomsboliger": ungdom, "familieboliger": familie, "aeldreboliger": aeldre,
            "boliger_aar": 2024,
            "igangsat_ungdomsboliger": round(ungdom * building * rng.uniform(0.5, 2.0)),
            "igangsat_familieboliger": round(familie * building * rng.uniform(0.5, 1.5)),
            "igangsat_aeldreboliger": round(aeldre * building * rng.uniform(0.5, 2.0)),
            "igangsat_fra": 2021, "igangsat_til": 2023,
            "fraflytningsprocent": round(rng.uniform(7.0, 15.0), 1), "fraflytning_aar": 2023,
            "boligmasse": stock, "boligmasse_aar": 2024,
            "huslejeomsaetning_mio_kr": round(total * rng.uniform(62_000, 78_000) / 1e6),
            "huslejeomsaetning_aar": 2023,
            "lokale_indkoeb_mio_kr": round(total * rng.uniform(12_000, 25_000) / 1e6),
            "lokale_indkoeb_aar": None,
            "lbf_renovering_mio_kr": round(total * rng.uniform(0, 110_000) / 1e6),
            "lbf_renovering_fra": 2021, "lbf_renovering_til": 2023,
        })  # fmt: skip
    rows.append(dict(GLOSTRUP))
    rows.sort(key=lambda r: int(str(r["kommunekode"])))
    return rows


def to_csv(rows: list[dict[str, object]]) -> str:
    return eksempel.to_csv(COLUMN_NAMES, rows)


if __name__ == "__main__":
    sys.stdout.write(to_csv(generate()))

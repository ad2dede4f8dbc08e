"""The keys that make a batch incremental: the hash of every input of a sheet.

A sheet is skipped as unchanged only when its key equals the one the manifest recorded:
faktaark's version, the fonts and the register, the layout, the variants and validation asked
for, the date the PDFs carry (`SOURCE_DATE_EPOCH`), the edition's facts and population year,
its own data row and population, the kit's data dictionary; and for a layout that compares
municipalities, the whole edition.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from faktaark._version import __version__
from faktaark.core.config import source_date_epoch
from faktaark.core.kommuner import Kommune
from faktaark.core.resources import data_file, fonts_dir
from faktaark.layout.model import Layout
from faktaark.layout.rules import compares_municipalities
from faktaark.values.prepared import Prepared

__all__ = ["fonts_digest", "shared_key", "sheet_key"]


def fonts_digest() -> str:
    h = hashlib.sha256()
    for f in sorted(fonts_dir().glob("*.ttf")):
        h.update(f.read_bytes())
    h.update(data_file("kommuner.csv").read_bytes())
    return h.hexdigest()[:16]


def shared_key(
    prep: Prepared, layout: Layout, variants: Sequence[str], validate: str, fonts: str
) -> str:
    """The inputs every sheet of a run shares: version, fonts, layout, options, the date the
    PDFs carry, the facts and, for a layout that prints comparisons with other
    municipalities, the whole edition. Raises `ConfigError` for a bad SOURCE_DATE_EPOCH."""
    epoch = source_date_epoch()
    parts = [
        __version__,
        fonts,
        layout.digest,
        ",".join(variants),
        validate,
        str(prep.dataset.folketal_aar),
        json.dumps(
            sorted((f.id, f.tekst, f.kilde) for f in prep.dataset.fakta.values()),
            ensure_ascii=False,
        ),
    ]
    if epoch is not None:  # unset: the date is 1 January of the edition, already in the key
        parts.append(f"SOURCE_DATE_EPOCH={epoch}")
    parts.append(prep.dataset.fields.digest)  # the kit's formulas and declarations
    if compares_municipalities(layout, prep.dataset.fields):
        parts.append(prep.dataset.digest())
    return "\x1f".join(parts)


def sheet_key(prep: Prepared, k: Kommune, shared: str) -> str:
    """The hash of every input of one sheet: the shared part, its row and its population."""
    rec = prep.dataset.record(k.kode, prep.udgave)
    own = f"{rec.digest()}\x1f{prep.dataset.folketal.get(k.kode)}"
    return hashlib.sha256(f"{shared}\x1f{own}".encode()).hexdigest()[:24]

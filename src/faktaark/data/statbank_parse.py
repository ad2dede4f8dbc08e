"""Statbank answers -> observations -> the rows of a file `--data` reads (no network here).

`parse_csv` reads DST's CSV (UTF-8 with BOM, `;`, CRLF, `..` for suppressed cells, decimal
comma); `parse_jsonstat` reads JSON-stat (1.x `{"dataset": ...}` and 2.0); both give
`Observation`s keyed by the upper-cased variable ids (`OMRÅDE`, `TID`, ...). `convert` turns
FOLK1A observations into a population file, and a table a kit's data dictionary maps to its
columns (`statbank = { table = "BOL101", ... }`) into a file of those columns, keeping only
the 98 municipalities and refusing anything it would have to guess (a split it did not ask
for, a suppressed figure, a missing municipality). Standard library only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

from faktaark.core.formatting import parse_number
from faktaark.core.kommuner import register
from faktaark.dictionary.model import Statbank
from faktaark.errors import InputError

__all__ = [
    "FOLK1A_HEADER",
    "POPULATION",
    "Observation",
    "convert",
    "parse_csv",
    "parse_jsonstat",
    "parse_response",
]

POPULATION = "FOLK1A"  # the population on 1 January (quarter K1): faktaark's own input


def load_json(raw: bytes, what: str) -> object:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"{what}: not valid JSON ({exc}).") from exc


@dataclass(frozen=True)
class Observation:
    keys: dict[str, str]  # VARIABLE (upper case) -> code, or label when only labels came
    value: float | None  # None: suppressed ("..")
    labels: dict[str, str] = field(default_factory=dict)


def parse_csv(raw: bytes, what: str = "Statbank CSV") -> list[Observation]:
    """`OMRÅDE;TID;INDHOLD` rows (UTF-8 with BOM, `;`, CRLF, `..` suppressed)."""
    import csv
    import io

    from faktaark.data.readers import decode, sniff_delimiter

    text, _ = decode(raw, Path(what))
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError(f"{what}: empty answer.")
    delim = sniff_delimiter(lines[0], Path(what))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    header = [h.strip().upper() for h in rows[0]]
    if not header or header[-1] != "INDHOLD":
        raise InputError(f"{what}: the last column is {header[-1:]}, not INDHOLD.")
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise InputError(f"{what}:{n}: {len(row)} cells for {len(header)} columns.")
        out.append(
            Observation(dict(zip(header[:-1], row[:-1], strict=True)), _value(row[-1], what, n))
        )
    return out


def _value(cell: object, what: str, n: int) -> float | None:
    try:
        return parse_number(cell)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InputError(f"{what}:{n}: INDHOLD {exc}.") from exc


def parse_jsonstat(raw: bytes, what: str = "Statbank JSON-stat") -> tuple[list[Observation], str]:
    """JSON-stat (1.x `{"dataset": ...}` or 2.0) -> observations and the `updated` stamp."""
    data = load_json(raw, what)
    ds = data.get("dataset", data) if isinstance(data, dict) else None
    try:
        dims = ds["dimension"]  # type: ignore[index]
        ids = list(dims.get("id") or ds["id"])  # type: ignore[index]
        sizes = list(dims.get("size") or ds["size"])  # type: ignore[index]
        values = ds["value"]  # type: ignore[index]
        cats: list[list[tuple[str, str]]] = []
        for d in ids:
            cat = dims[d]["category"]
            index = cat.get("index")
            codes = (
                sorted(index, key=lambda c: index[c])
                if isinstance(index, dict)
                else list(index or cat["label"])
            )
            labels = cat.get("label", {})
            cats.append([(str(c), str(labels.get(c, c))) for c in codes])
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{what}: not JSON-stat (missing {exc}).") from exc
    cube = 1
    for s in sizes:
        cube *= int(s)
    if [len(c) for c in cats] != [int(s) for s in sizes]:
        raise InputError(f"{what}: dimension sizes {sizes} do not match their categories.")
    if isinstance(values, dict):
        values = [values.get(str(i)) for i in range(cube)]
    if not isinstance(values, list) or len(values) != cube:
        raise InputError(f"{what}: {len(values)} values for a cube of {cube}; truncated?")
    out = []
    for combo, v in zip(product(*cats), values, strict=True):
        keys = {d.upper(): c for d, (c, _) in zip(ids, combo, strict=True)}
        labels = {d.upper(): lab for d, (_, lab) in zip(ids, combo, strict=True)}
        out.append(Observation(keys, _value(v, what, 0), labels))
    return out, str(ds.get("updated", ""))  # type: ignore[union-attr]


def parse_response(raw: bytes, what: str) -> tuple[list[Observation], str]:
    if raw.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"{":
        return parse_jsonstat(raw, what)
    return parse_csv(raw, what), ""


# --- conversion ---------------------------------------------------------------------------

FOLK1A_HEADER = ["kommune_kode", "kommune_navn", "folketal", "aar"]


def _year(period: str, name: str) -> int:
    m = re.fullmatch(r"(\d{4})(?:[KQ](\d))?", period.strip())
    if m is None or (name == POPULATION and m.group(2) not in (None, "1")):
        raise InputError(
            f"{name}: period {period!r} is not a year or 1 January (K1); faktaark's figures "
            "are per year."
        )
    return int(m.group(1))


def _matches(o: Observation, spec: Statbank) -> bool:
    return all(o.keys.get(var.upper()) in values for var, values in spec.select.items())


def convert(
    name: str,
    obs: Sequence[Observation],
    columns: Mapping[str, Statbank] | None = None,
    years: Mapping[str, str | None] | None = None,
) -> tuple[list[str], list[list[object]], list[str]]:
    """Observations of FOLK1A (`columns` None) or of a table the kit maps to `columns` (each
    the sum of the observations its selection matches; `years`: each column's year column)
    -> the header and rows of the file `--data` reads, and notes."""
    if not obs:
        raise InputError(f"{name}: the answer holds no figures.")
    keys = set(obs[0].keys)
    for need in ("OMRÅDE", "TID"):
        if need not in keys:
            raise InputError(f"{name}: the answer has no {need} column (it has {sorted(keys)}).")
    spread = {v.upper() for spec in (columns or {}).values() for v in (*spec.sum, *spec.select)}
    for k in sorted(keys - {"OMRÅDE", "TID", *spread}):
        seen = sorted({o.keys[k] for o in obs})
        if len(seen) > 1:
            raise InputError(
                f"{name}: the answer splits by {k} ({', '.join(seen[:4])}); expected totals "
                f"only (leave {k} out of the query)."
            )
    for col, spec in (columns or {}).items():
        named = {v.upper() for v in (*spec.sum, *spec.select)}
        for k in sorted(keys - {"OMRÅDE", "TID", *named}):
            if len({o.keys[k] for o in obs}) > 1:
                raise InputError(
                    f"{name}: the answer splits by {k}, which column {col} neither sums over "
                    "nor selects (statbank.sum / statbank.select in the data dictionary)."
                )
    reg = register()
    names = list(columns or {"folketal": Statbank(name)})
    specs = dict(columns or {"folketal": Statbank(name)})
    sums: dict[tuple[int, int], list[float]] = {}
    counts: dict[tuple[int, int], int] = {}
    skipped: set[str] = set()
    for o in obs:
        area = o.keys["OMRÅDE"]
        kommune = reg.find(area)  # None for 000 / Hele landet, regions, 411 Christiansø
        if kommune is None:
            skipped.add(_area_name(area, o.labels.get("OMRÅDE")))
            continue
        key = (kommune.kode, _year(o.keys["TID"], name))
        if o.value is None:
            msg = f"{name}: {kommune.navn} {o.keys['TID']}: the figure is suppressed (..)."
            raise InputError(msg)
        acc = sums.setdefault(key, [0.0] * len(names))
        counts[key] = counts.get(key, 0) + 1
        for i, col in enumerate(names):
            if _matches(o, specs[col]):
                acc[i] += o.value
    found = sorted({y for _, y in sums})
    for y in found:
        missing = [k.navn for k in reg if (k.kode, y) not in sums]
        if missing:
            raise InputError(
                f"{name} {y}: the answer lacks {len(missing)} municipalities "
                f"({', '.join(missing[:5])})."
            )
    notes = []
    if skipped:
        some = ", ".join(sorted(skipped)[:6])
        notes.append(f"left out {len(skipped)} areas that are not one of the 98: {some}")
    ordered = sorted(sums.items(), key=lambda item: (item[0][1], item[0][0]))
    if columns is None:
        if len(found) != 1 or any(n != 1 for n in counts.values()):
            raise InputError(
                f"{name}: expected one figure per municipality for one year, got years "
                f"{found}; ask for one --tid."
            )
        rows = [[k, reg.by_code[k].navn, _count(v[0], name), y] for (k, y), v in ordered]
        return FOLK1A_HEADER, rows, notes
    header = ["kommunekode", "kommune"]
    for col in names:
        header += [c for c in (col, (years or {}).get(col)) if c and c not in header]
    out: list[list[object]] = []
    for (kode, y), v in ordered:
        cells: dict[str, object] = {"kommunekode": kode, "kommune": reg.by_code[kode].navn}
        for i, col in enumerate(names):
            cells[col] = _count(v[i], name)
            if (ycol := (years or {}).get(col)) is not None:
                cells[ycol] = y
        out.append([cells.get(h) for h in header])
    return header, out, notes


def _area_name(code: str, label: str | None) -> str:
    from faktaark.core.kommuner import REGION_CODES

    known = {0: "Hele landet", 411: "Christiansø", **{v: k for k, v in REGION_CODES.items()}}
    name = label or (known.get(int(code)) if code.isdigit() else None)
    return f"{code} {name}" if name and name != code else code


def _count(value: float, name: str) -> int:
    if not value.is_integer() or value < 0:
        raise InputError(f"{name}: {value:g} is not a count.")
    return int(value)

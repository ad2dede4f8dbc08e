"""Sheet kits in the public API: a kit's data dictionary, what it can print, a new kit from an
old one, and example figures for a kit whose data does not exist yet.

A kit is a folder: `layout.toml` (the page), `texts.da.toml` (the words) and `fields.toml`
(the data dictionary: the figures, how each is computed and where it comes from). Nothing in
a kit is code. `faktaark.api` re-exports these functions; the command line calls them as
`faktaark layouts new`, `faktaark layouts fields` and `faktaark data eksempel`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from faktaark.data.dataset import Dataset
from faktaark.errors import OutputError, UsageError
from faktaark.layout.model import Layout

if TYPE_CHECKING:
    from faktaark.dictionary.model import Dictionary
    from faktaark.plan.fitcheck import FitReport
    from faktaark.review.proof import ProofReport

__all__ = [
    "Field",
    "available_layouts",
    "bundled_data",
    "checked_layout",
    "data_dictionary",
    "describe_layout",
    "example_data",
    "fit_check",
    "kit_fields",
    "load_layout_for",
    "new_kit",
    "proof",
]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
KIT_FILES = ("layout.toml", "texts.da.toml", "fields.toml")


def checked_layout(layout: str | Path | Layout | None, ds: Dataset) -> Layout:
    """The checked layout of a kit, for data checked by the same data dictionary."""
    from faktaark.layout.load import cached_layout
    from faktaark.values.sheet import known_names

    own = data_dictionary(layout)
    if own != ds.fields:
        raise UsageError(
            f"The data was checked by the data dictionary of kit {ds.fields.name!r}, but the "
            f"kit {own.name!r} declares other figures (its fields.toml).",
            advice=f"Load or prepare the data with layout={own.name!r}.",
        )
    return cached_layout(layout, known_names(ds.fields, ds.fakta))


def _load(data: object, layout: str | Path | Layout | None) -> Dataset:
    from faktaark.data.frames import load_any

    if isinstance(data, Dataset):
        return data
    return load_any(data, dictionary=data_dictionary(layout))


def load_layout_for(layout: str | Path | Layout | None, data: object = None) -> Layout:
    """Load and check a layout against the placeholders the data provides."""
    return checked_layout(layout, _load(data, layout))


def describe_layout(layout: str | Path) -> str:
    """One line about a layout folder (its description)."""
    from faktaark.layout.load import describe

    return describe(layout)


def fit_check(
    layout: str | Path | Layout | None = None, *, data: object = None, udgave: int | None = None
) -> FitReport:
    """Plan a layout for all 98 municipalities and synthetic worst cases -> `FitReport`."""
    from faktaark.plan.fitcheck import check_fit

    ds = _load(data, layout)
    return check_fit(checked_layout(layout, ds), ds, udgave)


def proof(layouts: Sequence[str | Path | Layout] | None = None, *, data: object = None,
          udgave: int | None = None) -> ProofReport:  # fmt: skip
    """The proof rules (`review.proof`) on every sheet of each layout (default: all shipped)."""
    from faktaark.plan.fitcheck import planned_sheets
    from faktaark.review.proof import proof as run_proof

    laid: list[Layout] = []
    data_of: dict[int, Dataset] = {}
    for x in layouts or available_layouts():
        ds = _load(data, x)
        lay = checked_layout(x, ds)
        laid.append(lay)
        data_of[id(lay)] = ds
    return run_proof(laid, lambda lay: planned_sheets(lay, data_of[id(lay)], udgave))


def available_layouts() -> list[Path]:
    """The layout folders shipped with faktaark."""
    from faktaark.layout.load import available

    return available()


def data_dictionary(layout: str | Path | Layout | None = None) -> Dictionary:
    """The checked data dictionary of a kit (`fields.toml`, with what it includes): its
    columns, indicators, region and country figures, rules and sources. Raises `LayoutError`
    naming file, line and key of every problem."""
    from faktaark.dictionary.load import load_dictionary
    from faktaark.layout.load import resolve

    if isinstance(layout, Layout):
        return load_dictionary(layout.path, layout.name)  # type: ignore[no-any-return]
    return load_dictionary(resolve(layout))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Field:
    """One name a kit's texts can print: `{placeholder}`, its kind and unit, where it comes
    from (a column of a file, a formula, a region or country figure, the register ...)."""

    placeholder: str
    kind: str
    unit: str
    source: str
    meaning: str


def kit_fields(layout: str | Path | Layout | None = None) -> list[Field]:
    """Every placeholder and figure a kit can print (`faktaark layouts fields`)."""
    from faktaark.data.loader import load_facts
    from faktaark.values.sheet import KOMMUNE_FIELDS

    d = data_dictionary(layout)
    out = []
    units = {c.name: c.unit for c in d.columns.values()} | {
        i.name: i.unit for i in d.indicators.values()
    }
    meanings = {c.name: c.meaning for c in d.columns.values()}
    meanings |= {i.name: i.meaning for i in d.indicators.values()}
    meanings |= {a.name: a.meaning for a in d.aggregates.values()}
    for name, kind, where in d.placeholders():
        short = name.split(".", 1)[1]
        out.append(Field(name, kind, units.get(short, ""), where, meanings.get(short, "")))
    for f in KOMMUNE_FIELDS:
        out.append(Field(f"kommune.{f}", "text", "", "the register (data/kommuner.csv)", ""))
    out += [
        Field("folketal.aar", "year", "", "data/folketal.csv", "the year of the population"),
        Field("folketal.dato", "text", "", "data/folketal.csv", "1. januar <year>"),
        Field("udgave.aar", "year", "", "the data's udgave column", "the edition"),
        Field("kort.kilde", "text", "", "data/geo/kommuner.json.SOURCE.txt", "map attribution"),
        Field("eksempel.kilder", "text", "", "the sheet", "the sources of its example figures"),
    ]
    for fid, fact in load_facts().items():
        for prefix, kind in (("fakta", "text"), ("fodnote", "mark"), ("kilde", "text")):
            out.append(Field(f"{prefix}.{fid}", kind, "", "data/landsfakta.toml", fact.kilde))
    return out


def new_kit(name: str, into: str | Path | None = None, *, from_: str | Path | None = None) -> Path:
    """Copy a kit (`from_`: a shipped kit's name or a kit folder; the default kit when None)
    to a new folder `into/name` (the working folder when `into` is None) under the new name;
    returns the folder. Refuses to write over anything. The new kit's data dictionary takes in
    a shipped kit's (`include`) rather than copying it, so the two never drift; a kit folder
    of your own is copied."""
    from faktaark.core.resources import layouts_dir
    from faktaark.layout.load import resolve

    if not isinstance(name, str) or not _SLUG.fullmatch(name):
        raise UsageError(
            f"kit name {name!r}: lower-case a-z, 0-9 and '-', at most 64 characters (it becomes "
            "part of file names)."
        )
    source = resolve(from_)
    target = Path(into if into is not None else ".") / name
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target}: already exists; choose another name or folder.")
    try:
        target.mkdir(parents=True)
        for fname in KIT_FILES:
            src = source / fname
            if fname == "fields.toml" and not src.is_file():
                continue
            text = src.read_text(encoding="utf-8")
            if fname == "layout.toml":
                text = _renamed(text, name, source.name)
            elif fname == "fields.toml" and source.parent == layouts_dir():
                text = _included(source.name)
            elif fname == "fields.toml":
                text = _own_includes(text, source)
            (target / fname).write_text(text, encoding="utf-8")
        for asset in sorted(source.iterdir()):
            if asset.is_file() and asset.suffix.lower() in (".png", ".jpg", ".jpeg", ".svg"):
                shutil.copyfile(asset, target / asset.name)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the new kit: {exc.strerror or exc}.") from exc
    return target


def _included(kit: str) -> str:
    return (
        f"# The data dictionary of this kit: the figures of the shipped kit {kit!r}, taken in\n"
        "# (not copied, so the two never drift), and below them the figures of this kit's own:\n"
        "# [sources.<id>], [columns.<name>], [indicators.<name>] ... (faktaark layouts fields\n"
        "# lists what the kit can print; the documentation's data dictionary page says how).\n"
        f'include = ["{kit}"]\n'
    )


def _renamed(text: str, name: str, old: str) -> str:
    """layout.toml with `[layout] name` set to the new kit's name."""
    new, n = re.subn(r'(?m)^(name\s*=\s*)"[^"]*"', lambda m: f'{m[1]}"{name}"', text, count=1)
    if not n:
        raise UsageError(f"the kit {old!r} has no [layout] name to change.")
    return new


def _own_includes(text: str, source: Path) -> str:
    """fields.toml whose includes by path still point at the same files from the new place."""

    def fix(m: re.Match[str]) -> str:
        ref = m[1]
        if "/" in ref or "\\" in ref or ref.endswith(".toml"):
            return f'"{(source / ref).resolve().as_posix()}"'
        return m[0]  # a shipped kit's name stays a name

    head, sep, rest = text.partition("include")
    if not sep:
        return text
    line, nl, tail = rest.partition("\n")
    return head + sep + re.sub(r'"([^"]+)"', fix, line) + nl + tail


def bundled_data(layout: str | Path | Layout | None = None, source: str | None = None) -> bytes:
    """The figures file a kit ships for a source (its `file`; the kit's only bundled file when
    `source` is None): a copy to start from, or to compare an edition with."""
    from faktaark.core.paths import read_bytes

    d = data_dictionary(layout)
    files = {s.id: s.file for s in d.sources.values() if s.file}
    if source is not None and source not in d.sources:
        raise UsageError(f"Kit {d.name!r} has no source {source!r}; it has {', '.join(d.sources)}.")
    chosen = {source: files.get(source)} if source else files
    paths = set(chosen.values())
    if len(paths) != 1 or None in paths:
        what = f"source {source!r} has no bundled file" if source else "say which source"
        raise UsageError(
            f"Kit {d.name!r}: {what}; the bundled files are "
            f"{', '.join(f'{s}: {Path(str(f)).name}' for s, f in files.items()) or 'none'}.",
            advice="--source NAME",
        )
    return read_bytes(str(paths.pop()), what="bundled data file")


def example_data(
    layout: str | Path | Layout | None = None,
    sources: list[str] | None = None,
    udgave: int | None = None,
) -> str:
    """Example figures for a kit (all its sources, or `sources`) as CSV text: deterministic,
    plausible by the kit's declarations, and marked as example data in every row."""
    from faktaark.data.eksempel import generate, to_csv
    from faktaark.data.loader import bundled_population, load_facts_udgave

    d = data_dictionary(layout)
    pop, _ = bundled_population()
    edition = udgave or load_facts_udgave()
    base = _example_bases(d, sources or list(d.sources), edition)
    header, rows = generate(d, pop, edition, sources, base=base)
    return to_csv(header, rows)


def _example_bases(
    d: Dictionary, chosen: Sequence[str], udgave: int
) -> dict[int, dict[str, object]]:
    """The figures of sources not asked for that a chosen column's example is `per` (e.g.
    afdelinger per familieboliger of the housing figures), from those sources' bundled files:
    per municipality, the row of the edition `udgave` (else the latest)."""
    from faktaark.core.formatting import parse_number
    from faktaark.core.kommuner import register
    from faktaark.data.sources import read_table

    wanted: dict[str, set[str]] = {}  # source -> its columns wanted
    for c in d.columns.values():
        per = c.example.per if c.example else None
        if per is None or c.source not in chosen or per not in d.columns:
            continue
        if d.columns[per].source not in chosen:
            wanted.setdefault(d.columns[per].source, set()).add(per)
    reg = register()
    out: dict[int, dict[str, object]] = {}
    for sid, names in sorted(wanted.items()):
        file = d.sources[sid].file
        if file is None:
            continue  # no bundled figures: those examples stay empty
        best: dict[int, tuple[tuple[bool, float], dict[str, object]]] = {}
        for row in read_table(file).rows:
            k = reg.find(str(row.cells.get("kommunekode", "")).removesuffix(".0"))
            try:
                edition = parse_number(row.cells.get("udgave")) or 0.0
                values: dict[str, object] = {n: parse_number(row.cells.get(n)) for n in names}
            except ValueError:
                continue  # a cell `faktaark validate` would name; no base for this row
            rank = (edition == udgave, edition)
            if k is not None and (k.kode not in best or rank > best[k.kode][0]):
                best[k.kode] = (rank, values)
        for kode, (_, values) in best.items():
            out.setdefault(kode, {}).update(values)
    return out

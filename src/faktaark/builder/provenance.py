"""Where every printed value comes from: the sidecar `161-glostrup.json` next to each PDF.

Made from `SheetPlan.printed`, i.e. from the very `Val`s the sheet's texts were filled from,
with the text each one printed as and the page and box it was printed in (recorded by
`texts.fill` while the planner fills the layout's texts; chart labels by the planner). For
each value: the text as printed, the raw value, the source (file, row, column, edition, or a
key such as `fakta.<id>` in `data/landsfakta.toml`) and, for a derived figure, its formula
(from the kit's data dictionary) and the names it is computed from.

The sheet's footnotes are numbered by `texts.Notes.mark` in the same call that records the
printed mark here, from the same `Val` (the fact's source text), so `fact_sources` and the
"Kilde: 1) ..." line on the sheet cannot disagree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from faktaark.core.limits import MAX_MANIFEST_BYTES
from faktaark.core.paths import read_bytes
from faktaark.data.dataset import Record
from faktaark.dictionary.model import Dictionary
from faktaark.errors import FaktaarkError
from faktaark.plan.model import SheetPlan
from faktaark.text.templates import Printed

__all__ = [
    "FactSource",
    "Figure",
    "Provenance",
    "Source",
    "changed_values",
    "collect",
    "sidecar_path",
]

_FILE_ROW = re.compile(r"(?P<file>.+):(?P<row>\d+)(?: (?P<cols>.+))?")
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# one encoder for every line: json.dumps with an option makes a new one on every call
_JSON = json.JSONEncoder(ensure_ascii=False)
DERIVED = ("indikator", "land", "region")


@dataclass(frozen=True)
class Source:
    """Where a value was read: a file and row/column, or a key in a file, or a scope."""

    file: str | None = None
    row: int | None = None  # 1-based line in the file (header = 1)
    columns: tuple[str, ...] = ()
    udgave: int | None = None  # the edition of the figures
    key: str | None = None  # e.g. "fakta.helhedsplaner" in data/landsfakta.toml
    scope: str | None = None  # totals: "land" (all municipalities) or a region's name


@dataclass(frozen=True)
class Figure:
    """One value the sheet prints."""

    name: str  # the placeholder, e.g. "almene.familieboliger"
    printed: tuple[str, ...]  # every text it was printed as, e.g. ("4.451",)
    raw: object  # the value before formatting (None = missing, printed as "–")
    kind: str  # count | pct | mio_kr | year | text | mark ...
    source: Source
    formula: str | None = None  # derived figures: how (the kit's data dictionary)
    inputs: tuple[str, ...] = ()  # derived figures: the names the formula reads
    meaning: str = ""
    eksempel: bool = False  # made from example data
    where: tuple[tuple[int, str], ...] = ()  # (page, box) it is printed in, visibly
    alt: tuple[tuple[int, str], ...] = ()  # (page, box) whose alternative text alone has it

    @property
    def derived(self) -> bool:
        return self.formula is not None


@dataclass(frozen=True)
class FactSource:
    """A numbered footnote of the sheet: mark, the fact it belongs to, its source text."""

    number: int
    mark: str  # as printed, e.g. "¹"
    fact: str  # the fact's id in data/landsfakta.toml
    source: str


@dataclass(frozen=True)
class Provenance:
    """Every value one sheet prints, traced to its source."""

    kommunekode: int
    kommune: str
    layout: str
    udgave: int
    datakilde: str
    figures: tuple[Figure, ...]
    fact_sources: tuple[FactSource, ...]
    pdf: str = ""  # the PDF's file name
    pdf_sha256: str = ""

    def figure(self, name: str) -> Figure:
        for f in self.figures:
            if f.name == name:
                return f
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kommunekode": self.kommunekode, "kommune": self.kommune, "layout": self.layout,
            "udgave": self.udgave, "datakilde": self.datakilde,
            "pdf": {"file": self.pdf, "sha256": self.pdf_sha256},
            "figures": [_figure_dict(f) for f in self.figures],
            "fact_sources": [
                {"number": s.number, "mark": s.mark, "fact": s.fact, "source": s.source}
                for s in self.fact_sources
            ],
        }  # fmt: skip

    def to_json(self) -> bytes:
        """Readable JSON, one figure per line (json's C encoder: indent= is 10x slower)."""
        doc = self.as_dict()
        figures = doc.pop("figures")
        sources = doc.pop("fact_sources")
        head = _JSON.encode(doc)[:-1]
        rows = ",\n    ".join(map(_JSON.encode, figures))
        notes = ",\n    ".join(map(_JSON.encode, sources))
        text = (
            f'{head},\n  "figures": [\n    {rows}\n  ],\n'
            f'  "fact_sources": [\n    {notes}\n  ]\n}}\n'
        )
        # a source file name that is not UTF-8 is written as the JSON escape \udcxx
        return text.encode("utf-8", errors="backslashreplace")


def _figure_dict(f: Figure) -> dict[str, Any]:
    src = {k: v for k, v in f.source.__dict__.items() if v not in (None, ())}
    if "columns" in src:
        src["columns"] = list(f.source.columns)
    out: dict[str, Any] = {
        "name": f.name, "printed": list(f.printed), "raw": f.raw, "kind": f.kind,
        "source": src,
    }  # fmt: skip
    if f.formula is not None:
        out["formula"] = f.formula
        out["inputs"] = list(f.inputs)
    if f.meaning:
        out["meaning"] = f.meaning
    out["eksempel"] = f.eksempel
    out["where"] = [{"page": p, "box": b} for p, b in f.where]
    if f.alt:
        out["alt_text"] = [{"page": p, "box": b} for p, b in f.alt]
    return out


def sidecar_path(pdf: Path) -> Path:
    """`out/161-glostrup.pdf` -> `out/161-glostrup.json`."""
    return pdf.with_suffix(".json")


@lru_cache(maxsize=1024)
def display_path(path: str) -> str:
    """Bundled data files as `data/<name>` (wherever installed); other paths as given."""
    from faktaark.core.resources import data_dir

    try:
        return "data/" + Path(path).resolve().relative_to(data_dir().resolve()).as_posix()
    except (ValueError, OSError):
        return path


def collect(
    plan: SheetPlan, record: Record, d: Dictionary, pdf: str = "", pdf_sha256: str = ""
) -> Provenance:
    """The provenance of a planned sheet (`record`: its municipality's row of figures, `d`:
    the data dictionary it was checked by)."""
    shown: dict[tuple[int, str], str] = {}  # the visible text of each box
    for page in plan.pages:
        for node in page.content:
            key = (page.number, node.box)
            shown[key] = shown.get(key, "") + _norm(node.text)
    groups: dict[str, list[tuple[Printed, bool]]] = {}
    for p in plan.printed:
        if p.page:  # values printed on a page (not only in the document metadata)
            visible = _norm(p.text) in shown.get((p.page, p.box), "")
            groups.setdefault(p.name, []).append((p, visible))
    figures = tuple(_figure(ps, record, d) for ps in groups.values())
    facts = [
        FactSource(_number(t), t, f.name.split(".", 1)[1], str(f.raw))
        for f in figures
        if f.kind == "mark"
        for t in f.printed
        if t
    ]
    facts.sort(key=lambda s: s.number)
    return Provenance(
        plan.kommunekode, plan.kommune, plan.layout, record.udgave,
        d.datakilde(record.values), figures, tuple(facts), pdf, pdf_sha256,
    )  # fmt: skip


def _norm(text: str) -> str:
    """For finding a value in a box's text: no whitespace, case folded (styles upper-case)."""
    return "".join(text.split()).casefold()


def _number(mark: str) -> int:
    return int(mark.translate(_SUPER))


def _figure(ps: list[tuple[Printed, bool]], record: Record, d: Dictionary) -> Figure:
    first = ps[0][0]
    val, name = first.value, first.name
    prefix, _, short = name.partition(".")
    printed = tuple(dict.fromkeys(p.text for p, _ in ps))
    where = tuple(dict.fromkeys((p.page, p.box) for p, visible in ps if visible))
    alt = tuple(b for b in dict.fromkeys((p.page, p.box) for p, _ in ps) if b not in where)
    formula: str | None = None
    inputs: tuple[str, ...] = ()
    meaning = ""
    ind = d.indicators.get(short) if prefix == "indikator" else None
    agg = d.aggregates.get(short) if prefix in ("land", "region") else None
    if ind is not None:
        formula, meaning = ind.formula, ind.meaning
        inputs = (*ind.inputs, *((ind.rank.by,) if ind.rank else ()))
    elif agg is not None:
        formula, meaning, inputs = agg.expr, agg.meaning, agg.inputs
    elif prefix in d.sources and short in d.columns:
        meaning = d.columns[short].meaning
    source = _source(prefix, short, val.source, record, d)
    return Figure(
        name, printed, val.raw, val.kind, source, formula, inputs, meaning, val.eksempel, where,
        alt,
    )  # fmt: skip


def _source(prefix: str, short: str, text: str, record: Record, d: Dictionary) -> Source:
    rec_file = display_path(record.file)
    m = _FILE_ROW.fullmatch(text)
    if m and (prefix in d.sources or prefix == "udgave"):
        cols = tuple(c.strip() for c in (m["cols"] or "").split(",") if c.strip())
        cols = tuple(record.source_columns.get(c, c) for c in cols)  # as named in the file
        return Source(display_path(m["file"]), int(m["row"]), cols, record.udgave)
    if prefix == "indikator":
        scope = "land" if short in d.indicators and d.compares(short) else None
        return Source(rec_file, record.line, udgave=record.udgave, scope=scope)
    if prefix == "land":
        return Source(rec_file, udgave=record.udgave, scope="land")
    if prefix == "region":
        region = text.removeprefix("region ").split(":", 1)[0]
        return Source(rec_file, udgave=record.udgave, scope=region)
    file, _, key = text.partition(" ")
    if prefix == "kommune":  # the register of the 98
        return Source(file, columns=(short,), key=f"kommunekode={record.kommunekode}")
    return Source(display_path(file), key=key or None)


def changed_values(old_pdf: Path, new_pdf: Path) -> tuple[str, ...]:
    """The printed values that differ between two sheets, from their sidecars (when both
    have one): `"almene.beboere: 7.900 -> 8.000"`."""
    try:
        old, new = (
            json.loads(read_bytes(sidecar_path(p), limit=MAX_MANIFEST_BYTES, what="sidecar"))
            for p in (old_pdf, new_pdf)
        )
        before = {f["name"]: f["printed"] for f in old["figures"]}
        after = {f["name"]: f["printed"] for f in new["figures"]}
    except (FaktaarkError, ValueError, KeyError, TypeError, RecursionError):
        return ()
    out = []
    for name in sorted(before.keys() | after.keys()):
        x, y = before.get(name), after.get(name)
        if x != y:
            shown = [" / ".join(v).replace("\u00a0", " ") if v else "–" for v in (x, y)]
            out.append(f"{name}: {shown[0]} -> {shown[1]}")
    return tuple(out)

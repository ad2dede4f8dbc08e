"""Edition to edition: what changed in the figures, and which changes look implausible.

`compare_editions(old, new)` lines up two editions (each a validated `Dataset`; the newest
edition of `new` against the newest earlier edition of `old`) and returns a `DiffReport`: per
municipality and figure the old and new value and the change, plus national totals. Flags:

- `jump`: the figure moved more than its threshold (`THRESHOLDS`: e.g. almene dwellings
  ±15 %, the almene share ±5 procentpoint); small absolute changes are never flagged;
- `sign`: the figure changed sign, i.e. went to 0 or came from 0 (counts are never negative);
- `sum`: the almene dwellings grew by more than the whole housing stock (the part outgrew
  the whole: the sums no longer add up);
- `missing`: a figure that was there is now missing;
- `year`: a figure's year went backwards, or the new edition is not later than the old;
- `new` / `gone`: a municipality appears in / vanishes from the figures.

Standard library only; the CLI prints the report (`faktaark diff`, `faktaark validate
--previous`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from faktaark.core.fields import COLUMNS
from faktaark.core.formatting import tal
from faktaark.core.kommuner import register
from faktaark.data.dataset import Dataset, Record
from faktaark.errors import Issue, UsageError

__all__ = [
    "FLAGS",
    "THRESHOLDS",
    "Change",
    "DiffReport",
    "Threshold",
    "against_previous",
    "compare_editions",
    "display",
    "load_pair",
    "with_flags",
]

FLAGS = ("jump", "sign", "sum", "missing", "year", "new", "gone")
NATIONAL = "Hele landet"


@dataclass(frozen=True)
class Threshold:
    """When a change is implausible: relative (`rel`, a fraction) or in procentpoint (`pp`);
    changes smaller than `min_abs` (in the figure's unit) are never flagged."""

    rel: float | None = None
    pp: float | None = None
    min_abs: float = 0.0
    zero_flip: bool = True  # flag a figure that goes to / comes from 0


_DWELLINGS = Threshold(rel=0.15, min_abs=10)
_STARTED = Threshold(rel=1.0, min_abs=50, zero_flip=False)  # periods move; volatile
THRESHOLDS: Mapping[str, Threshold] = {
    "beboere": Threshold(rel=0.15, min_abs=50),
    "ungdomsboliger": _DWELLINGS,
    "familieboliger": _DWELLINGS,
    "aeldreboliger": _DWELLINGS,
    "almene_boliger_i_alt": _DWELLINGS,
    "igangsat_ungdomsboliger": _STARTED,
    "igangsat_familieboliger": _STARTED,
    "igangsat_aeldreboliger": _STARTED,
    "boligmasse": Threshold(rel=0.05, min_abs=100),
    "fraflytningsprocent": Threshold(pp=3.0),
    "andel_af_boligmassen": Threshold(pp=5.0),
    "huslejeomsaetning_mio_kr": Threshold(rel=0.15, min_abs=5),
    "lokale_indkoeb_mio_kr": Threshold(rel=0.25, min_abs=5),
    "lbf_renovering_mio_kr": Threshold(rel=0.5, min_abs=10, zero_flip=False),
}
_YEARS = tuple(c.name for c in COLUMNS if c.kind == "year" and c.name != "udgave")
_FIGURES = tuple(c.name for c in COLUMNS if c.kind in ("count", "pct", "mio_kr"))
DERIVED = ("almene_boliger_i_alt", "andel_af_boligmassen")
FIGURES = (*_FIGURES, *DERIVED)
_SUMMED = (*(f for f in _FIGURES if f not in ("fraflytningsprocent",)), "almene_boliger_i_alt")

Number = int | float


@dataclass(frozen=True)
class Change:
    """One municipality's figure in two editions (kommunekode 0 = Hele landet)."""

    kommunekode: int
    kommune: str
    figur: str
    gammel: Number | None
    ny: Number | None
    aendring: Number | None
    aendring_pct: float | None
    flags: tuple[str, ...] = ()
    besked: str = ""
    file: str | None = None  # where the new value stands
    line: int | None = None

    def cells(self) -> tuple[str, ...]:
        """The change as the cells of a table row: code (empty for Hele landet), kommune,
        figure, old, new, change, change in per cent, flags, message."""
        return (
            "" if self.kommune == NATIONAL else str(self.kommunekode),
            self.kommune,
            self.figur,
            display(self.gammel, self.figur, "–"),
            display(self.ny, self.figur, "–"),
            display(self.aendring, self.figur if self.figur in ("udgave", "*") else "", "–"),
            "" if self.aendring_pct is None else tal(self.aendring_pct, 1),
            ", ".join(self.flags),
            self.besked,
        )

    def issue(self, old_udgave: int) -> Issue:
        msg = f"{'/'.join(self.flags)}: {self.besked} (since udgave {old_udgave})"
        col = None if self.figur == "*" else self.figur
        return Issue(msg, self.file, self.line, col, self.kommune, severity="warning")


@dataclass(frozen=True)
class DiffReport:
    old_udgave: int
    new_udgave: int
    old_files: tuple[str, ...]
    new_files: tuple[str, ...]
    changes: tuple[Change, ...]

    @property
    def flagged(self) -> list[Change]:
        return [c for c in self.changes if c.flags]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(FLAGS, 0)
        for c in self.changes:
            for f in c.flags:
                out[f] += 1
        return {k: v for k, v in out.items() if v}

    def year_moves(self) -> list[Change]:
        """Unflagged years moving on with the edition (`*_aar` +1 from 2024 to 2025)."""
        step = self.new_udgave - self.old_udgave
        return [c for c in self.changes if c.figur in _YEARS and not c.flags
                and c.aendring == step and step > 0]  # fmt: skip

    def listed(self, all_: bool = False, flagged_only: bool = False) -> list[Change]:
        """The flagged changes first, then the rest (without the year moves unless `all_`)."""
        moves = set() if all_ else {id(c) for c in self.year_moves()}
        rows = self.flagged if flagged_only else [c for c in self.changes if id(c) not in moves]
        return sorted(rows, key=lambda c: (not c.flags, c.kommunekode == 0, c.kommunekode))

    def issues(self) -> list[Issue]:
        return [c.issue(self.old_udgave) for c in self.flagged]

    def summary(self) -> str:
        counts = self.counts()
        detail = ", ".join(f"{k} {v}" for k, v in counts.items())
        kommuner = len({c.kommunekode for c in self.changes if c.kommunekode})
        return (
            f"udgave {self.old_udgave} → {self.new_udgave}: {kommuner} municipalities, "
            f"{len(self.changes)} figures compared; {sum(counts.values())} flag(s) on "
            f"{len(self.flagged)} figure(s)" + (f": {detail}" if detail else "")
        )

    def to_csv(self, changes: Sequence[Change] | None = None) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["kommunekode", "kommune", "figur", "gammel", "ny", "aendring",
                    "aendring_pct", "flag", "besked"])  # fmt: skip
        for c in self.changes if changes is None else changes:
            w.writerow([c.kommunekode, c.kommune, c.figur, _plain(c.gammel), _plain(c.ny),
                        _plain(c.aendring), _plain(c.aendring_pct), "|".join(c.flags),
                        c.besked])  # fmt: skip
        return buf.getvalue()

    def to_json(self, changes: Sequence[Change] | None = None) -> str:
        rows = [
            {k: v for k, v in asdict(c).items() if k not in ("file", "line")}
            for c in (self.changes if changes is None else changes)
        ]
        return json.dumps(
            {
                "gammel": {"udgave": self.old_udgave, "files": list(self.old_files)},
                "ny": {"udgave": self.new_udgave, "files": list(self.new_files)},
                "flag": self.counts(),
                "aendringer": rows,
            },
            ensure_ascii=False,
            indent=2,
        )


def _plain(value: Number | None) -> str:
    if value is None:
        return ""
    return str(round(value, 4)) if isinstance(value, float) else str(value)


def _num(value: object) -> Number | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _figures(record: Record) -> dict[str, Number | None]:
    v = record.values
    out = {f: _num(v.get(f)) for f in (*_FIGURES, *_YEARS)}
    parts = [out[p] for p in ("ungdomsboliger", "familieboliger", "aeldreboliger")]
    total = sum(p for p in parts if p is not None) if all(p is not None for p in parts) else None
    out["almene_boliger_i_alt"] = total
    stock = out["boligmasse"]
    out["andel_af_boligmassen"] = 100 * total / stock if total is not None and stock else None
    return out


def display(value: Number | None, figur: str, missing: str = "missing") -> str:
    """A figure as the analyst reads it: `4.451`, `7,7`, `40,0` (shares), `2024` (years)."""
    if value is None:
        return missing
    if figur in _YEARS or figur == "udgave":
        return str(int(value))
    pct = figur in ("fraflytningsprocent", "andel_af_boligmassen")
    return tal(value, 1 if pct or (isinstance(value, float) and not value.is_integer()) else 0)


def _judge(figur: str, old: Number | None, new: Number | None) -> tuple[tuple[str, ...], str]:
    """The flags of one figure's change, and the message that explains them."""
    if old is None or new is None:
        if old is not None:
            return ("missing",), f"was {display(old, figur)}, now missing"
        return (), ""
    if figur in _YEARS:
        if new < old:
            return ("year",), f"the year went backwards: {old} → {new}"
        return (), ""
    th = THRESHOLDS.get(figur)
    if th is None or old == new:
        return (), ""
    delta = new - old
    flags: list[str] = []
    notes: list[str] = []
    if (th.zero_flip and (old > 0) != (new > 0)) or (old < 0) != (new < 0):
        flags.append("sign")
        notes.append(f"changed sign: {display(old, figur)} → {display(new, figur)}")
    elif abs(delta) >= th.min_abs:
        if th.pp is not None and abs(delta) > th.pp:
            flags.append("jump")
            sign = "+" if delta > 0 else ""
            notes.append(
                f"moved {sign}{tal(delta, 1)} percentage points (more than ±{tal(th.pp, 0)})"
            )
        if th.rel is not None and old and abs(delta) / abs(old) > th.rel:
            flags.append("jump")
            notes.append(
                f"moved {'+' if delta > 0 else ''}{tal(100 * delta / old, 1)} % "
                f"(more than ±{tal(100 * th.rel, 0)} %)"
            )
    if "jump" in flags:
        notes[-1] += f": {display(old, figur)} → {display(new, figur)}"
    return tuple(flags), "; ".join(notes)


def _sum_check(old: Mapping[str, Number | None], new: Mapping[str, Number | None]) -> str:
    """A message when the almene dwellings grew by more than the whole housing stock."""
    keys = ("almene_boliger_i_alt", "boligmasse")
    if any(d.get(k) is None for d in (old, new) for k in keys):
        return ""
    d_almene = new["almene_boliger_i_alt"] - old["almene_boliger_i_alt"]  # type: ignore[operator]
    d_stock = new["boligmasse"] - old["boligmasse"]  # type: ignore[operator]
    tolerance = max(25.0, 0.01 * float(old["boligmasse"] or 0))
    if d_almene - d_stock > tolerance:
        return (
            f"the almene dwellings grew by {tal(d_almene)}, the whole housing stock "
            f"(boligmasse) by {tal(d_stock)}: the parts no longer add up"
        )
    return ""


def _rows(
    kode: int,
    navn: str,
    old: Mapping[str, Number | None],
    new: Mapping[str, Number | None],
    where: tuple[str | None, int | None],
) -> list[Change]:
    out = []
    sum_msg = _sum_check(old, new)
    for figur in (*FIGURES, *_YEARS):
        a, b = old.get(figur), new.get(figur)
        if a is None and b is None:
            continue
        flags, msg = _judge(figur, a, b)
        if figur == "almene_boliger_i_alt" and sum_msg:
            flags, msg = (*flags, "sum"), "; ".join(m for m in (msg, sum_msg) if m)
        delta = b - a if a is not None and b is not None else None
        pct = 100 * delta / a if delta is not None and a and figur not in _YEARS else None
        out.append(Change(kode, navn, figur, a, b, delta, pct, flags, msg, *where))
    return out


def _pick(ds: Dataset, below: int | None) -> int:
    eds = [u for u in ds.udgaver if below is None or u < below]
    return (eds or ds.udgaver)[-1]


def compare_editions(old: Dataset, new: Dataset) -> DiffReport:
    """Compare the newest edition of `new` with the newest earlier edition of `old` (the
    same data set may be given twice when it holds two editions)."""
    new_u = _pick(new, None)
    old_u = _pick(old, new_u)
    if old is new and old_u == new_u:
        raise UsageError(
            f"The data holds one edition ({new_u}); give two editions.",
            advice="faktaark diff --data OLD --data NEW",
        )
    olds = {r.kommunekode: r for r in old.edition(old_u)}
    news = {r.kommunekode: r for r in new.edition(new_u)}
    reg = register()
    changes: list[Change] = []
    if new_u <= old_u:
        msg = f"the new edition ({new_u}) is not later than the old ({old_u}): swapped?"
        changes.append(
            Change(0, NATIONAL, "udgave", old_u, new_u, new_u - old_u, None, ("year",), msg)
        )
    totals_old: dict[str, Number | None] = dict.fromkeys(_SUMMED, 0)
    totals_new: dict[str, Number | None] = dict.fromkeys(_SUMMED, 0)
    for kode in sorted(olds.keys() | news.keys()):
        navn = reg.by_code[kode].navn
        o, n = olds.get(kode), news.get(kode)
        if o is None and n is not None:
            changes.append(Change(kode, navn, "*", None, None, None, None, ("new",),
                                  "appears in the new edition", n.file, n.line))  # fmt: skip
            continue
        if n is None:
            changes.append(Change(kode, navn, "*", None, None, None, None, ("gone",),
                                  "is in the old edition but not in the new"))  # fmt: skip
            continue
        assert o is not None
        fo, fn = _figures(o), _figures(n)
        changes += _rows(kode, navn, fo, fn, (n.file, n.line))
        for f in _SUMMED:  # national totals over the values both editions have
            a, b = fo[f], fn[f]
            if a is not None and b is not None:
                totals_old[f] = (totals_old[f] or 0) + a
                totals_new[f] = (totals_new[f] or 0) + b
    for tot in (totals_old, totals_new):
        a, s = tot["almene_boliger_i_alt"], tot["boligmasse"]
        tot["andel_af_boligmassen"] = 100 * a / s if a is not None and s else None
    changes += _rows(0, NATIONAL, totals_old, totals_new, (None, None))
    return DiffReport(old_u, new_u, old.files, new.files, tuple(changes))


def load_pair(
    paths: Sequence[str | Path],
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> tuple[Dataset, Dataset]:
    """`--data OLD --data NEW` (files or folders), or one `--data` holding two editions."""
    from faktaark.data.loader import load_dataset

    if len(paths) not in (1, 2):
        raise UsageError(
            f"a diff compares two data sets, OLD and NEW (or one holding two editions); got "
            f"{len(paths)}.",
            advice="faktaark diff --data OLD --data NEW",
        )
    loaded = [load_dataset([p], columns, sheet, require_all=False) for p in paths]
    return (loaded[0], loaded[-1])


def against_previous(
    previous: Sequence[str | Path],
    current: Dataset,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> list[Issue]:
    """`faktaark validate --previous OLD`: the flags of `current` against OLD, as warnings."""
    from faktaark.data.loader import load_dataset

    old = load_dataset(list(previous), columns, sheet, require_all=False)
    return compare_editions(old, current).issues()


def with_flags(
    previous: Sequence[str | Path],
    data: Dataset,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> Dataset:
    """`data` with the flags of `against_previous` added to its warnings."""
    from dataclasses import replace

    flags = against_previous(previous, data, columns, sheet)
    return replace(data, warnings=(*data.warnings, *flags))

"""Edition to edition: what changed in the figures, and which changes look implausible.

`compare_editions(old, new)` lines up two editions (each a validated `Dataset`; the newest
edition of `new` against the newest earlier edition of `old`) and returns a `DiffReport`: per
municipality and figure the old and new value and the change, plus national totals. Flags:

- `jump`: the figure moved more than its threshold (each figure's `diff` in the kit's data
  dictionary: e.g. almene dwellings ±15 %, the almene share ±5 procentpoint); small absolute
  changes are never flagged;
- `sign`: the figure changed sign, i.e. went to 0 or came from 0 (counts are never negative);
- `sum`: a part grew by more than its whole (`[[diff_sums]]`: the almene dwellings by more than
  the whole housing stock; the sums no longer add up);
- `missing`: a figure that was there is now missing;
- `year`: a figure's year went backwards, or the new edition is not later than the old;
- `new` / `gone`: a municipality appears in / vanishes from the figures.

The figures compared are the numeric columns of the kit's data dictionary and the indicators
that declare a `diff` threshold (computed per row); Hele landet is each figure's country
aggregate over the municipalities both editions have. The CLI prints the report (`faktaark
diff`, `faktaark validate --previous`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from faktaark.core.formatting import tal
from faktaark.core.kommuner import register
from faktaark.data.dataset import Dataset
from faktaark.dictionary.model import Column, Dictionary, Indicator, SumCheck, Threshold
from faktaark.errors import Issue, UsageError

__all__ = [
    "FLAGS",
    "Change",
    "DiffReport",
    "against_previous",
    "compare_editions",
    "display",
    "load_pair",
    "with_flags",
]

FLAGS = ("jump", "sign", "sum", "missing", "year", "new", "gone")
NATIONAL = "Hele landet"


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
    kind: str = "count"  # the figure's kind (how it is shown)

    def cells(self) -> tuple[str, ...]:
        """The change as the cells of a table row: code (empty for Hele landet), kommune,
        figure, old, new, change, change in per cent, flags, message."""
        return (
            "" if self.kommune == NATIONAL else str(self.kommunekode),
            self.kommune,
            self.figur,
            display(self.gammel, self.kind, "–"),
            display(self.ny, self.kind, "–"),
            display(self.aendring, self.kind if self.kind == "year" else "", "–"),
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
        return [c for c in self.changes if c.kind == "year" and c.figur != "udgave"
                and not c.flags and c.aendring == step and step > 0]  # fmt: skip

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
            {k: v for k, v in asdict(c).items() if k not in ("file", "line", "kind")}
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


def display(value: Number | None, kind: str, missing: str = "missing") -> str:
    """A figure as the analyst reads it: `4.451`, `7,7`, `40,0` (shares), `2024` (years)."""
    if value is None:
        return missing
    if kind == "year":
        return str(int(value))
    whole = isinstance(value, int) or float(value).is_integer()
    return tal(value, 1 if kind in ("pct", "pctpoint") or not whole else 0)


def _judge(
    figur: str, old: Number | None, new: Number | None, th: Threshold | None, kind: str
) -> tuple[tuple[str, ...], str]:
    """The flags of one figure's change, and the message that explains them."""
    if old is None or new is None:
        if old is not None:
            return ("missing",), f"was {display(old, kind)}, now missing"
        return (), ""
    if kind == "year":
        if new < old:
            return ("year",), f"the year went backwards: {old} → {new}"
        return (), ""
    if th is None or old == new:
        return (), ""
    delta = new - old
    flags: list[str] = []
    notes: list[str] = []
    if (th.zero_flip and (old > 0) != (new > 0)) or (old < 0) != (new < 0):
        flags.append("sign")
        notes.append(f"changed sign: {display(old, kind)} → {display(new, kind)}")
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
        notes[-1] += f": {display(old, kind)} → {display(new, kind)}"
    return tuple(flags), "; ".join(notes)


def _sum_check(
    s: SumCheck, old: Mapping[str, Number | None], new: Mapping[str, Number | None]
) -> str:
    """A message when the part grew by more than its whole."""
    if any(d.get(k) is None for d in (old, new) for k in (s.part, s.whole)):
        return ""
    d_part = new[s.part] - old[s.part]  # type: ignore[operator]
    d_whole = new[s.whole] - old[s.whole]  # type: ignore[operator]
    tolerance = max(s.at_least, s.margin * float(old[s.whole] or 0))
    if d_part - d_whole > tolerance:
        return (
            f"{s.part} grew by {tal(d_part)}, the whole ({s.whole}) by {tal(d_whole)}: the "
            "parts no longer add up"
        )
    return ""


@dataclass(frozen=True)
class _Figures:
    """The figures a diff compares, by the kit's data dictionary."""

    d: Dictionary
    names: tuple[str, ...]  # numeric columns and indicators with a threshold, then years
    kinds: Mapping[str, str]
    thresholds: Mapping[str, Threshold | None]

    @classmethod
    def of(cls, d: Dictionary) -> _Figures:
        numbers: list[Column | Indicator] = [
            c for c in d.columns.values() if c.kind not in ("year", "text")
        ]
        numbers += [i for i in d.indicators.values() if i.diff and not d.compares(i.name)]
        years = [c for c in d.columns.values() if c.kind == "year"]
        names = tuple(x.name for x in (*numbers, *years))
        kinds = {x.name: x.kind for x in (*numbers, *years)}
        return cls(d, names, kinds, {x.name: x.diff for x in numbers})

    def rows(
        self, ds: Dataset, udgave: int, codes: set[int]
    ) -> dict[int, dict[str, Number | None]]:
        """Each municipality's figures (of `codes`), and Hele landet (0) over them."""
        from faktaark.dictionary import evaluate
        from faktaark.dictionary.expressions import column_id

        records = [r for r in ds.edition(udgave) if r.kommunekode in codes]
        reg = register()
        if not records:
            return {}
        df = evaluate.frame([r.values for r in records], self.d,
                            [reg.get(r.kommunekode).region for r in records],
                            [ds.folketal.get(r.kommunekode) for r in records])  # fmt: skip
        df = evaluate.compute(df, self.d)
        out: dict[int, dict[str, Number | None]] = {}
        for row in df.iter_rows(named=True):
            out[int(row["kommunekode"])] = {n: self._typed(n, row.get(n)) for n in self.names}
        first = df.row(0, named=True)
        out[0] = {n: self._typed(n, first.get(column_id(f"land.{n}"))) for n in self.names
                  if n in self.d.aggregates}  # fmt: skip
        return out

    def _typed(self, name: str, value: object) -> Number | None:
        """A count or a year as an integer (the frame holds floats)."""
        v = _num(value)
        whole = self.kinds[name] in ("count", "year") and isinstance(v, float) and v.is_integer()
        return int(v) if whole and v is not None else v

    def changes(
        self, kode: int, navn: str, old: Mapping[str, Number | None],
        new: Mapping[str, Number | None], where: tuple[str | None, int | None],
    ) -> list[Change]:  # fmt: skip
        out = []
        sums = {s.part: m for s in self.d.sums if (m := _sum_check(s, old, new))}
        for figur in self.names:
            a, b = old.get(figur), new.get(figur)
            if a is None and b is None:
                continue
            kind = self.kinds[figur]
            flags, msg = _judge(figur, a, b, self.thresholds.get(figur), kind)
            if figur in sums:
                flags, msg = (*flags, "sum"), "; ".join(m for m in (msg, sums[figur]) if m)
            delta = b - a if a is not None and b is not None else None
            pct = 100 * delta / a if delta is not None and a and kind != "year" else None
            out.append(Change(kode, navn, figur, a, b, delta, pct, flags, msg, *where, kind))
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
    figs = _Figures.of(new.fields)
    changes: list[Change] = []
    if new_u <= old_u:
        msg = f"the new edition ({new_u}) is not later than the old ({old_u}): swapped?"
        changes.append(Change(0, NATIONAL, "udgave", old_u, new_u, new_u - old_u, None,
                              ("year",), msg, kind="year"))  # fmt: skip
    both = set(olds) & set(news)
    fo, fn = figs.rows(old, old_u, both), figs.rows(new, new_u, both)
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
        changes += figs.changes(kode, navn, fo[kode], fn[kode], (n.file, n.line))
    if both:
        changes += figs.changes(0, NATIONAL, fo[0], fn[0], (None, None))
    return DiffReport(old_u, new_u, old.files, new.files, tuple(changes))


def load_pair(
    paths: Sequence[str | Path],
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    dictionary: Dictionary | None = None,
) -> tuple[Dataset, Dataset]:
    """`--data OLD --data NEW` (files or folders), or one `--data` holding two editions."""
    from faktaark.data.loader import load_dataset

    if len(paths) not in (1, 2):
        raise UsageError(
            f"a diff compares two data sets, OLD and NEW (or one holding two editions); got "
            f"{len(paths)}.",
            advice="faktaark diff --data OLD --data NEW",
        )
    loaded = [load_dataset([p], columns, sheet, require_all=False, dictionary=dictionary)
              for p in paths]  # fmt: skip
    return (loaded[0], loaded[-1])


def against_previous(
    previous: Sequence[str | Path],
    current: Dataset,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> list[Issue]:
    """`faktaark validate --previous OLD`: the flags of `current` against OLD, as warnings."""
    from faktaark.data.loader import load_dataset

    old = load_dataset(list(previous), columns, sheet, require_all=False,
                       dictionary=current.fields)  # fmt: skip
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

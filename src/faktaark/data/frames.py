"""Figures handed over as a DataFrame (Polars, or pandas via Polars) instead of a file.

The merge rule: a frame's rows update the base data (the bundled figures, or the files given
with it: `data=["almene.csv", frame]`), row by row. A frame row replaces the base row of the
same municipality and edition (kommunekode, udgave) as a whole; base rows the frame does not
mention stay as they are; a frame row for a municipality or edition the base lacks is added.
So a one-row frame with Glostrup's new figures for the newest edition gives the other 97 from
the base, and a frame with all 98 replaces the edition. Every edition must still have all 98.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from faktaark.core.kommuner import register
from faktaark.data.dataset import Dataset, Record
from faktaark.data.loader import assemble, load_dataset
from faktaark.data.table import Row, Table, check_size
from faktaark.dictionary.model import Dictionary
from faktaark.errors import DataError, InputError, Issue, UsageError

__all__ = ["DEFAULT_SOURCE", "dataset_from_frame", "is_frame", "load_any", "merge",
           "table_from_frame"]  # fmt: skip

DEFAULT_SOURCE = "<DataFrame>"


def is_frame(data: object) -> bool:
    """A Polars or pandas DataFrame (by its type's module, without importing either)."""
    module = type(data).__module__ or ""
    return type(data).__name__ == "DataFrame" and module.split(".")[0] in ("polars", "pandas")


def _polars(frame: Any) -> Any:
    import polars as pl

    if isinstance(frame, pl.DataFrame):
        return frame
    if (type(frame).__module__ or "").startswith("pandas"):
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:  # Polars reads pandas through Arrow
            raise UsageError(
                "a pandas DataFrame needs pyarrow to be read: install faktaark[pandas] "
                "(pandas and pyarrow), or pass a Polars DataFrame."
            )
        return pl.from_pandas(frame)
    raise UsageError(
        "data must be a path, a list of paths, a Dataset or a Polars/pandas DataFrame; "
        f"got {type(frame).__module__}.{type(frame).__name__}"
    )


def table_from_frame(frame: Any, name: str = DEFAULT_SOURCE) -> Table:
    shape = getattr(frame, "shape", None)  # Polars and pandas: (rows, columns), before anything
    if isinstance(shape, tuple) and len(shape) == 2:
        check_size(name, int(shape[0]), int(shape[1]), "DataFrame")
    frame = _polars(frame)
    if frame.height == 0:
        raise InputError(f"{name}: the DataFrame has columns but no rows; nothing to build.")
    header = [str(c) for c in frame.columns]
    from faktaark.data.readers import typed_cell  # a Decimal column: its numbers, as numbers

    rows = [
        Row(i, {k: typed_cell(v) for k, v in r.items()})
        for i, r in enumerate(frame.iter_rows(named=True), start=1)
    ]
    return Table(name, header, rows, [], "frame")


def dataset_from_frame(
    frame: Any,
    columns: Mapping[str, str] | None = None,
    *,
    base: Dataset | None = None,
    source: str | None = None,
    isolate: bool = False,
    dictionary: Dictionary | None = None,
) -> Dataset:
    """The figures of `frame` (named `source` in messages and provenance), merged into `base`
    by the rule of this module's docstring; with no base, the frame alone (all 98)."""
    table = table_from_frame(frame, source or DEFAULT_SOURCE)
    d = base.fields if base is not None else dictionary
    if base is None:
        return assemble([table], columns, isolate=isolate, dictionary=d)
    update = assemble([table], columns, require_all=False, isolate=isolate, dictionary=d)
    return merge(base, update)


def load_any(
    data: Any, columns: Mapping[str, str] | None = None, sheet: str | None = None,
    source: str | None = None, strict: bool = True, dictionary: Dictionary | None = None,
) -> Dataset:  # fmt: skip
    """What `api.load` reads: None (bundled), a path or paths, a frame, or paths and frames
    (each frame merged into what comes before it, the bundled data when no path is given),
    checked by `dictionary` (the default kit's when None)."""
    iso, d = not strict, dictionary
    if data is None or isinstance(data, (str, Path)):
        paths0 = None if data is None else [data]
        return load_dataset(paths0, columns, sheet, isolate=iso, dictionary=d)
    items = list(data) if isinstance(data, Sequence) and not is_frame(data) else [data]
    paths = [p for p in items if isinstance(p, (str, Path))]
    frames = [f for f in items if not isinstance(f, (str, Path))]
    if not frames:
        return load_dataset(paths, columns, sheet, isolate=iso, dictionary=d)
    base = load_dataset(paths or None, columns if paths else None, sheet, isolate=iso,
                        dictionary=d)  # fmt: skip
    for frame in frames:
        base = dataset_from_frame(frame, columns, base=base, source=source, isolate=iso)
    return base


def merge(base: Dataset, update: Dataset) -> Dataset:
    """`base` with the records of `update` in place of those of the same (kommunekode,
    udgave); the population and facts of `base`."""
    new = {(r.kommunekode, r.udgave): r for r in update.records}
    records: list[Record] = [new.pop((r.kommunekode, r.udgave), r) for r in base.records]
    records += sorted(new.values(), key=lambda r: (r.udgave, r.kommunekode))
    updated = {(r.kommunekode, r.udgave) for r in update.records} | set(update.blocked)
    blocked = {k: v for k, v in base.blocked.items() if k not in updated}
    blocked.update(update.blocked)
    records = [r for r in records if (r.kommunekode, r.udgave) not in update.blocked]
    issues = []
    for udgave in sorted({r.udgave for r in records}):
        have = {r.kommunekode for r in records if r.udgave == udgave}
        have |= {k for k, u in blocked if u in (0, udgave)}
        missing = [k.navn for k in register() if k.kode not in have]
        if missing:
            names = ", ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")
            issues.append(
                Issue(
                    f"udgave {udgave} lacks {len(missing)} of the 98 municipalities ({names}) "
                    f"after merging {', '.join(update.files)} into {', '.join(base.files)}: a "
                    "frame updates the rows of an edition the base data has; ranks and "
                    "national totals need all 98",
                    update.files[0] if update.files else None,
                )
            )
    if issues:
        raise DataError(issues)
    return replace(
        base,
        records=tuple(records),
        files=tuple(dict.fromkeys((*base.files, *update.files))),
        warnings=(*base.warnings, *update.warnings),
        blocked=blocked,
    )

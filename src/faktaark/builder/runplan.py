"""What a batch run would do, without doing it (`build --dry-run`), and `build --clean`.

`plan_run` answers, per requested sheet, whether it would be built or skipped as unchanged,
and why, from the same keys and manifest the batch itself uses; and which files would be
removed. `stale_files` is what `--clean` removes: regular files (never a symlink, never a
subfolder) directly in the output folder that have exactly one of the names faktaark writes
and that no manifest in the folder lists. Those names are a municipality's file name with a
layout faktaark wrote here (the default layout, this run's layout, or one whose own manifest
`manifest-<layout>.json` is in the folder), `-tryk` or not, `.pdf` or the `.json` sidecar; and
the temporary files of an interrupted run whose process is gone. A user's
`161-glostrup-notes.pdf` is not one of them. A manifest's paths only ever *keep* files.
Nothing else in the folder, and nothing outside it, is ever touched.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faktaark._version import __version__
from faktaark.builder.keys import fonts_digest, shared_key, sheet_key
from faktaark.builder.manifest import files_present, read_manifest
from faktaark.core.atomic import TMP_PREFIX, is_stale_leftover
from faktaark.core.kommuner import Kommune, register
from faktaark.core.limits import MAX_MANIFEST_BYTES
from faktaark.core.paths import SLUG, read_bytes
from faktaark.errors import DataError, FaktaarkError
from faktaark.layout.model import DEFAULT_LAYOUT, Layout
from faktaark.layout.rules import compares_municipalities, manifest_name, sheet_stem
from faktaark.values.prepared import Prepared

__all__ = ["PlannedFile", "PlannedSheet", "RunPlan", "all_blocked", "clean", "plan_run",
           "stale_files"]  # fmt: skip


@dataclass(frozen=True)
class PlannedSheet:
    kommunekode: int
    kommune: str
    action: str  # "build" | "skip"
    reason: str
    files: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kommunekode": self.kommunekode,
            "kommune": self.kommune,
            "action": self.action,
            "reason": self.reason,
            "files": list(self.files),
        }


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"action": "remove", "file": str(self.path), "reason": self.reason}


@dataclass(frozen=True)
class RunPlan:
    sheets: tuple[PlannedSheet, ...]
    remove: tuple[PlannedFile, ...]
    manifest: Path

    @property
    def to_build(self) -> list[PlannedSheet]:
        return [s for s in self.sheets if s.action == "build"]

    @property
    def to_skip(self) -> list[PlannedSheet]:
        return [s for s in self.sheets if s.action == "skip"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": True,
            "manifest": str(self.manifest),
            "build": len(self.to_build),
            "skip": len(self.to_skip),
            "remove": len(self.remove),
            "sheets": [s.as_dict() for s in self.sheets],
            "files_to_remove": [f.as_dict() for f in self.remove],
        }


def _file_names(k: Kommune, layout_name: str, variants: Sequence[str]) -> tuple[str, ...]:
    names = [f"{sheet_stem(layout_name, k, v)}.pdf" for v in variants]
    return (*names, f"{sheet_stem(layout_name, k)}.json")


def plan_run(
    kommuner: Sequence[Kommune], prep: Prepared, layout: Layout, out: Path, *,
    variants: tuple[str, ...] = ("screen",), validate: str = "sample", force: bool = False,
    clean: bool = False,
) -> RunPlan:  # fmt: skip
    """What `run_batch` with the same arguments would build, skip and (with `clean`) remove.
    Reads the manifest and the folder; writes nothing."""
    mpath = out / manifest_name(layout.name)
    try:  # untrusted: through the guard (a FIFO or a folder here is no manifest)
        doc = json.loads(read_bytes(mpath, within=out, limit=MAX_MANIFEST_BYTES, what="manifest"))
    except (FaktaarkError, ValueError, RecursionError):
        doc = {}
    if not isinstance(doc, dict):
        doc = {}
    old = read_manifest(mpath)
    shared = shared_key(prep, layout, variants, validate, fonts_digest())
    sheets = []
    for k in kommuner:
        key = sheet_key(prep, k, shared)
        prev = old.get(k.kode)
        names = _file_names(k, layout.name, variants)
        if force:
            action, reason = "build", "--force"
        elif prev is None:
            action, reason = "build", "not in the manifest (never built here)"
        elif prev.get("input_key") != key:
            action, reason = "build", _why_changed(doc, prev, layout, variants)
        elif not files_present(out, prev):
            action, reason = "build", "a file is missing or has another size"
        else:
            action, reason = "skip", "unchanged since the manifest was written"
        sheets.append(PlannedSheet(k.kode, k.navn, action, reason, names))
    # after the run, this layout's manifest lists this run's files for the requested sheets
    # (and keeps the entries of the others)
    keep = {n for s in sheets for n in s.files}
    replaced = (mpath, {k.kode for k in kommuner})
    stale = stale_files(out, also_keep=keep, replaced=replaced, layout=layout.name)
    remove = stale if clean else [f for f in stale if f.path.name.startswith(TMP_PREFIX)]
    return RunPlan(tuple(sheets), tuple(remove), mpath)


def all_blocked(kommuner: Sequence[Kommune], prep: Prepared, layout: Layout) -> DataError | None:
    """The error to stop with when rows with errors (`Dataset.blocked`) leave none of the
    requested sheets buildable; None when at least one can be built."""
    compares = compares_municipalities(layout, prep.dataset.fields)
    stops = [prep.blocked_for(k, compares) for k in kommuner]
    return stops[0] if stops and all(e is not None for e in stops) else None


def _why_changed(
    doc: dict[str, Any], prev: dict[str, Any], layout: Layout, variants: Sequence[str]
) -> str:
    if doc.get("faktaark") != __version__:
        return f"faktaark version changed ({doc.get('faktaark')} -> {__version__})"
    if doc.get("layout_hash") != layout.digest:
        return "the layout changed"
    if sorted({f.get("variant") for f in prev.get("files", [])}) != sorted(variants):
        return "the variants changed (--print)"
    return "its inputs changed (its data row, the edition's facts or the options)"


def _listed(out: Path, replaced: tuple[Path, set[int]] | None = None) -> set[str]:
    """Every file any manifest in `out` lists, with the sidecars of its PDFs; without the
    entries of `replaced` (a manifest and the sheets a run is about to rewrite in it)."""
    names: set[str] = set()
    for m in out.glob("manifest*.json"):
        for code, entry in read_manifest(m).items():
            if replaced is not None and m == replaced[0] and code in replaced[1]:
                continue
            for f in entry.get("files", []):
                name = str(f.get("file", ""))
                names.add(name)
                if name.endswith(".pdf") and not name.endswith("-tryk.pdf"):
                    names.add(name[: -len(".pdf")] + ".json")
    return names


def own_layouts(out: Path, layout: str | None = None) -> frozenset[str]:
    """The layouts whose files `out` may hold: the default, `layout` (this run's), and each
    one whose own manifest (`manifest-<layout>.json`, of the form faktaark writes) is there."""
    names = {DEFAULT_LAYOUT} | ({layout} if layout else set())
    for m in out.glob("manifest-*.json"):
        name = m.name[len("manifest-") : -len(".json")]
        if SLUG.fullmatch(name) and name not in names and read_manifest(m):
            names.add(name)
    return frozenset(names)


def is_own_name(name: str, layouts: frozenset[str] = frozenset({DEFAULT_LAYOUT})) -> bool:
    """Is `name` exactly one of the names faktaark gives the files it writes (for a sheet of
    one of `layouts`), or a temporary file of an interrupted run whose process is gone?"""
    if name.startswith(TMP_PREFIX):
        return is_stale_leftover(name)
    m = re.match(r"^(\d{3})-", name)
    if m is None:
        return False
    try:
        k = register().get(int(m.group(1)))
    except FaktaarkError:  # not one of the 98
        return False
    for lay in layouts:
        stem = sheet_stem(lay, k)
        if name in (f"{stem}.pdf", f"{stem}-tryk.pdf", f"{stem}.json", f"{stem}-tryk.json"):
            return True
    return False


def stale_files(
    out: Path,
    *,
    also_keep: set[str] | frozenset[str] = frozenset(),
    replaced: tuple[Path, set[int]] | None = None,
    layout: str | None = None,
) -> list[PlannedFile]:
    """The files `--clean` removes from `out` (only there, never in a subfolder, never
    through a symlink); `layout`: the run's layout."""
    if not out.is_dir():
        return []
    keep = _listed(out, replaced) | set(also_keep)
    layouts = own_layouts(out, layout)
    found = []
    for f in sorted(out.iterdir()):
        if f.name in keep or not is_own_name(f.name, layouts):
            continue
        try:
            if not stat.S_ISREG(f.lstat().st_mode):  # a symlink, a folder, a FIFO: not ours
                continue
        except OSError:
            continue
        if f.name.startswith(TMP_PREFIX):
            reason = "temporary file of an interrupted run"
        elif f.name.endswith("-tryk.pdf"):
            reason = "stale print variant of an earlier --print run; no manifest lists it"
        else:
            reason = "no manifest lists it"
        found.append(PlannedFile(f, reason))
    return found


def clean(out: Path, layout: str | None = None) -> list[PlannedFile]:
    """Remove the stale files of `out` (after a run of `layout`: its manifest is up to date)."""
    removed = []
    for f in stale_files(out, layout=layout):
        try:
            f.path.unlink()
        except FileNotFoundError:
            continue
        removed.append(f)
    return removed

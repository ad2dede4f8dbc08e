"""The manifest of a batch (`manifest.json`): per sheet the municipality, layout, files
(variant, sha256, pages, bytes), the hash of all its inputs, warnings and the validation done;
plus totals. Sorted and without timestamps (unless asked for), so two identical runs give
identical manifests. It is what makes a run incremental.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faktaark._version import __version__
from faktaark.layout.model import Layout
from faktaark.values.prepared import Prepared

__all__ = ["SheetOutcome", "files_present", "manifest_doc", "read_manifest"]


@dataclass
class SheetOutcome:
    kommunekode: int
    kommune: str
    key: str  # hash of every input of this sheet
    status: str = "built"  # built | skipped | failed
    files: list[dict[str, Any]] = field(default_factory=list)
    eksempel: bool = False
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    exit_code: int = 0
    duration_ms: float = 0.0
    validation: str = ""
    result: Any = None  # the sheet's `BuildResult`, when the batch is asked to keep them


def read_manifest(path: Path) -> dict[int, dict[str, Any]]:
    """The sheets an earlier run recorded, by municipality code ({} when there is none)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return {int(s["kommunekode"]): s for s in doc.get("sheets", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _totals(sheets: Sequence[dict[str, Any]]) -> dict[str, int]:
    return {
        "sheets": len(sheets),
        "files": sum(len(s["files"]) for s in sheets),
        "bytes": sum(f["bytes"] for s in sheets for f in s["files"]),
    }


def manifest_doc(
    outcomes: Sequence[SheetOutcome],
    layout: Layout,
    prep: Prepared,
    timings: bool,
    carried: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The manifest of the sheets built or skipped (failed ones are left out), plus `carried`:
    entries of earlier runs for sheets this run did not ask for."""
    sheets = []
    for o in sorted(outcomes, key=lambda o: o.kommunekode):
        if o.status == "failed":
            continue
        entry: dict[str, Any] = {
            "kommunekode": o.kommunekode, "kommune": o.kommune, "layout": layout.name,
            "input_key": o.key, "eksempel": o.eksempel, "files": o.files,
            "warnings": o.warnings, "validation": o.validation,
        }  # fmt: skip
        if timings:
            entry["duration_ms"] = round(o.duration_ms, 1)
        sheets.append(entry)
    if carried:
        sheets = sorted([*sheets, *carried], key=lambda s: s["kommunekode"])
    return {
        "faktaark": __version__, "layout": layout.name, "layout_hash": layout.digest,
        "data_hash": prep.dataset.digest(), "udgave": prep.udgave,
        "totals": _totals(sheets), "sheets": sheets,
    }  # fmt: skip


def files_present(out: Path, entry: dict[str, Any]) -> bool:
    """Are the files a manifest entry lists still in `out/`, with their recorded size?"""
    return all(
        (out / f["file"]).is_file() and (out / f["file"]).stat().st_size == f["bytes"]
        for f in entry.get("files", [])
    )

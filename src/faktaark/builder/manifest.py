"""The manifest of a batch (`manifest.json`): per sheet the municipality, layout, files
(variant, sha256, pages, bytes), the hash of all its inputs, warnings and the validation done;
plus totals. Sorted and without timestamps (unless asked for), so two identical runs give
identical manifests. It is what makes a run incremental.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faktaark._version import __version__
from faktaark.core.limits import MAX_MANIFEST_BYTES, MAX_PDF_BYTES
from faktaark.core.paths import read_bytes
from faktaark.errors import FaktaarkError
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


# a file a manifest may name: a plain file name faktaark writes (no folder, no "..")
_FILE = re.compile(r"[0-9]{3}-[a-z0-9-]+\.(?:pdf|json)")
_SHA = re.compile(r"[0-9a-f]{64}")


def _valid_file(f: object) -> bool:
    return (
        isinstance(f, dict)
        and isinstance(f.get("file"), str)
        and _FILE.fullmatch(f["file"]) is not None
        and f.get("variant") in ("screen", "print")
        and isinstance(f.get("sha256"), str)
        and _SHA.fullmatch(f["sha256"]) is not None
        and all(type(f.get(k)) is int and f[k] >= 0 for k in ("pages", "bytes"))
    )


def _valid_entry(s: object, known: set[int] | None) -> bool:
    """An entry as faktaark writes it: anything else in the file is not trusted."""
    return (
        isinstance(s, dict)
        and type(s.get("kommunekode")) is int
        and (known is None or s["kommunekode"] in known)
        and isinstance(s.get("kommune"), str)
        and isinstance(s.get("input_key"), str)
        and isinstance(s.get("files"), list)
        and bool(s["files"])
        and all(_valid_file(f) for f in s["files"])
        and isinstance(s.get("warnings", []), list)
        and all(isinstance(w, str) for w in s.get("warnings", []))
    )


def read_manifest(path: Path, known: set[int] | None = None) -> dict[int, dict[str, Any]]:
    """The sheets an earlier run recorded, by municipality code ({} when there is none).

    The file is untrusted (anyone may have written it): it must be a regular file of sane
    size; an entry is kept only when it is of the form faktaark writes, for a municipality in
    `known`, naming plain file names inside the folder. Everything else is dropped."""
    try:
        raw = read_bytes(path, limit=MAX_MANIFEST_BYTES, what="manifest")
        doc = json.loads(raw.decode("utf-8"))
    except (FaktaarkError, ValueError, RecursionError):
        return {}
    sheets = doc.get("sheets") if isinstance(doc, dict) else None
    if not isinstance(sheets, list):
        return {}
    return {s["kommunekode"]: s for s in sheets if _valid_entry(s, known)}


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
    """Are the files a manifest entry lists still in `out/`, byte for byte (their SHA-256,
    not just their size: a damaged file of the same size is rebuilt)?"""
    for f in entry.get("files", []):
        p = out / f["file"]
        try:
            if p.stat().st_size != f["bytes"]:
                return False
            data = read_bytes(p, within=out, limit=MAX_PDF_BYTES, what="sheet")
        except (FaktaarkError, OSError):
            return False
        if hashlib.sha256(data).hexdigest() != f["sha256"]:
            return False
    return True

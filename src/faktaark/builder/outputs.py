"""Where a batch may write: the `--combine` file is checked before anything is built.

A combined PDF must not land on an input of the run (the data, the column mapping, a layout
file) nor on a file the run itself writes or records (a sheet, its sidecar, the manifest),
and it must be a file name, not a folder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from faktaark.core.paths import check_length
from faktaark.errors import OutputError, UsageError

__all__ = ["check_combine_target"]

# the names a run writes into its folder: sheets, sidecars, manifests
_RUN_FILE = re.compile(r"(?:[0-9]{3}-[a-z0-9-]+\.(?:pdf|json)|manifest(?:-[a-z0-9-]+)?\.json)")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def check_combine_target(combine: Path, out: Path, inputs: Sequence[str | Path]) -> Path:
    """`combine`, resolved, after refusing a target that would destroy an input or a file of
    the run (`UsageError`) or that is a folder (`OutputError`)."""
    raw = str(combine)
    if not raw or "\x00" in raw:
        raise UsageError(f"--combine {raw!r}: not a file name.")
    check_length(raw, "--combine")
    target = Path(raw).resolve()
    if target.is_dir():
        raise OutputError(
            f"{combine}: --combine names a folder; give a file name such as {combine}/alle.pdf."
        )
    for given in inputs:
        src = Path(given).resolve()
        if target == src or (src.is_dir() and _inside(target, src)):
            raise UsageError(
                f"--combine {combine}: that is an input of this run ({given}); refusing to "
                "overwrite it. Give another file name."
            )
    folder = out.resolve()
    if target.parent == folder and _RUN_FILE.fullmatch(target.name):
        raise UsageError(
            f"--combine {combine}: {target.name} is a file this run writes or records in "
            f"{out}; give another name (e.g. {out}/alle.pdf)."
        )
    return target

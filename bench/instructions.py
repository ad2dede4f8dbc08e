"""Instructions per warm sheet, counted by valgrind: a figure that does not move with the
machine's load, for comparing two versions of the code where wall time is too noisy to see a
few per cent (the shared 2-core machines this project is built on vary by 10-20 % from run to
run; instruction counts repeat to 0.1 %).

    .venv/bin/python bench/instructions.py [SRC ...]    # default: this checkout's src/

For each source tree (`PYTHONPATH=SRC`, so an older checkout's `src` can be compared with this
one's in the same environment) it runs, under `valgrind --tool=callgrind`, a process that
prepares the data and builds 5 sheets, once with 40 more sheets and once without, and prints
the difference divided by 40: the instructions of one warm sheet (plan, draw, PDF/A, checks,
writes, provenance). Each tree is measured twice and the second is printed: the first fills
the per-user cache of that code version (the projected maps). Needs valgrind (Debian:
`apt-get install valgrind`); takes about a minute per tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"

SHEETS = """
import sys
from pathlib import Path
from faktaark import api
from faktaark.builder.batch import run_batch
prep = api.prepare()
lay = api.load_layout_for(None, prep.dataset)
todo = api.resolve_kommuner()
run_batch(todo[:5], prep, lay, Path(sys.argv[2]) / "a", jobs=1, force=True)
k = int(sys.argv[1])
if k:
    run_batch(todo[5 : 5 + k], prep, lay, Path(sys.argv[2]) / "b", jobs=1, force=True)
"""
MORE = 40


def count(src: Path, sheets: int) -> int:
    """Instructions of the whole process (valgrind's "Collected")."""
    out = Path(tempfile.mkdtemp(prefix="faktaark-ir-"))
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode as an installation has it
    try:
        res = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(PY), "-c",
             SHEETS, str(sheets), str(out)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        shutil.rmtree(out, ignore_errors=True)
    m = re.search(r"Collected : (\d+)", res.stderr)
    if m is None:
        raise SystemExit(f"valgrind printed no count:\n{res.stderr[-2000:]}")
    return int(m[1])


def per_sheet(src: Path) -> float:
    for _ in range(2):  # the first run fills the per-user cache of this code version
        base, more = count(src, 0), count(src, MORE)
    return (more - base) / MORE


def main() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    trees = [Path(a).resolve() for a in sys.argv[1:]] or [ROOT / "src"]
    for src in trees:
        print(f"{per_sheet(src) / 1e6:8.2f} M instructions per warm sheet  {src}")


if __name__ == "__main__":
    main()

"""What `build --all --combine` costs, and what the combined files weigh: one tree against
another, in alternating runs on the same machine.

    .venv/bin/python bench/combine_cost.py [--reps 5] [--layout NAME] [--against /path/to/src]

Per rep and per tree: `faktaark build --all --out <fresh folder> --combine <folder>/alle.pdf`
(screen) and the same with `--print`, each in a new process, wall seconds; each tree with its
own per-user cache (the cache is keyed by the version, not by the code), warmed by one run
first. `--against` names the `src` folder of another checkout (e.g. main before this change,
`git archive main | tar -x -C /tmp/main`): its code runs with this virtual environment.
Medians with min-max; the sizes of the combined files of the last rep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def _run(src: Path, cache: Path, out: Path, layout: str, *extra: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(cache)}
    cmd = [sys.executable, "-m", "faktaark", "build", "--all", "--out", str(out), "--quiet",
           "--layout", layout, "--combine", str(out / "alle.pdf"), *extra]  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--against", type=Path, default=None)
    ap.add_argument("--layout", default="almene-boliger")
    a = ap.parse_args()
    trees = {"this": HERE / "src"}
    if a.against is not None:
        trees["against"] = a.against.resolve()
    with tempfile.TemporaryDirectory(prefix="faktaark-combine-") as tmp:
        root = Path(tmp)
        times: dict[tuple[str, str], list[float]] = {}
        sizes: dict[tuple[str, str], int] = {}
        for rep in range(a.reps + 1):  # rep 0 warms each tree's cache
            for name, src in trees.items():
                for variant, extra in (("screen", ()), ("print", ("--print",))):
                    out = root / f"{name}-{variant}-{rep}"
                    took = _run(src, root / f"cache-{name}", out, a.layout, *extra)
                    if rep:
                        times.setdefault((name, variant), []).append(took)
                        sizes[(name, variant)] = (out / "alle.pdf").stat().st_size
        for (name, variant), values in sorted(times.items()):
            print(f"{name:8} {variant:7} {statistics.median(values):6.2f} s "
                  f"({min(values):.2f}-{max(values):.2f})  "
                  f"{sizes[(name, variant)] / 1e6:.2f} MB")  # fmt: skip


if __name__ == "__main__":
    main()

"""What the locator map costs: 98 sheets with and without it (issue 10: at most 10 % slower).

    .venv/bin/python bench/map_cost.py [--runs 7] [--cli-runs 5]

"Without" is a copy of the default layout with its map boxes (kind "map" and the card under
it) removed. Two measurements, runs alternating between the two layouts, medians reported:

- in-process: plan + render + write all 98 sheets with `make_sheet` (data prepared and
  the map shapes loaded before timing: the steady state of `faktaark build --all`);
- command line: `faktaark build --all` in a fresh process each run (start-up, data, the
  one-time loading and projection of the shapes included).

Wall-clock time is what a user waits; CPU time (this process, or the command's own process:
the worker processes of a parallel build are not counted) is also reported, and the best run
of each, because on a shared machine the medians move with whatever else is running.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from faktaark import api
from faktaark.builder.sheet import make_sheet
from faktaark.core.kommuner import register
from faktaark.layout.load import resolve

MAP_CARD = "kort_felt"  # the white card under the map in the default layout


def layout_without_map(dst: Path) -> Path:
    """A copy of the default layout folder without the map boxes."""
    src = resolve(None)
    folder = dst / src.name
    shutil.copytree(src, folder)
    toml = folder / "layout.toml"
    head, *boxes = re.split(r"(?m)^(?=\[\[box\]\])", toml.read_text(encoding="utf-8"))
    keep = [
        b for b in boxes if 'kind = "map"' not in b and not re.search(rf'(?m)^id = "{MAP_CARD}"', b)
    ]
    assert len(keep) < len(boxes), "the default layout has no map box"
    toml.write_text(head + "".join(keep), encoding="utf-8")
    return folder


Timing = tuple[float, float]  # wall, CPU (seconds)


def in_process(layout: str | Path | None, out: Path) -> Timing:
    prep = api.prepare()
    lay = api.load_layout_for(layout, prep.dataset)
    t0, c0 = time.perf_counter(), time.process_time()
    for k in register():
        make_sheet(k, prep, lay, out).write()
    return time.perf_counter() - t0, time.process_time() - c0


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def cli(layout: Path | None, out: Path) -> Timing:
    exe = Path(sys.executable).with_name("faktaark")
    cmd = [str(exe), "build", "--all", "--out", str(out)]
    if layout is not None:
        cmd += ["--layout", str(layout)]
    shutil.rmtree(out, ignore_errors=True)  # no "unchanged, skipped" shortcuts
    t0, c0 = time.perf_counter(), _children_cpu()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0, _children_cpu() - c0


def _report(name: str, with_map: list[Timing], without: list[Timing]) -> None:
    for i, what in ((0, "wall"), (1, "CPU")):
        a = statistics.median(t[i] for t in with_map)
        b = statistics.median(t[i] for t in without)
        print(
            f"{name}, {what}: with map {a:.3f} s, without {b:.3f} s (medians of "
            f"{len(with_map)}; {1000 * a / 98:.1f} vs {1000 * b / 98:.1f} ms per sheet): "
            f"{100 * (a / b - 1):+.1f} %"
        )
        lo_a, lo_b = min(t[i] for t in with_map), min(t[i] for t in without)
        print(f"  best runs: {lo_a:.3f} vs {lo_b:.3f} s: {100 * (lo_a / lo_b - 1):+.1f} %")
        print(f"  with:    {', '.join(f'{t[i]:.3f}' for t in with_map)}")
        print(f"  without: {', '.join(f'{t[i]:.3f}' for t in without)}")


def main() -> None:
    ap = argparse.ArgumentParser(description="98 sheets with and without the locator map")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cli-runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bare = layout_without_map(root)
        out = root / "out"
        in_process(None, out)  # warm up both (fonts, shapes, caches)
        in_process(bare, out)
        w: list[Timing] = []
        wo: list[Timing] = []
        for _ in range(args.runs):
            w.append(in_process(None, out))
            wo.append(in_process(bare, out))
        _report("in-process, 98 sheets", w, wo)
        cw: list[Timing] = []
        cwo: list[Timing] = []
        for _ in range(args.cli_runs):
            cw.append(cli(None, out))
            cwo.append(cli(bare, out))
        if cw:
            _report("faktaark build --all", cw, cwo)


if __name__ == "__main__":
    main()

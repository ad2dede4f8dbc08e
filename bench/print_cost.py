"""What the print variant costs per sheet: warm, in one process, against the screen variant.

    .venv/bin/python bench/print_cost.py [--reps 5] [--layout almene-boliger]

For each of the 98 municipalities, per rep: a whole sheet build (`make_sheet`: plan, draw,
write, structural scan, sidecar) of the screen variant alone and with the print variant
(`build_screen`, `build_screen_print`); drawing and writing one PDF (`make_pdf`, planned once)
per variant plus the structural scan every sheet gets; and, for the print variant, the
preflight (`faktaark preflight`) and the full validators (page-validation PDF/A-2b + pikepdf's
second opinion, which a build runs on 1 sheet in 32). Medians over the reps of the mean ms per
sheet, with min-max; the first rep warms the caches and is not counted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from faktaark import api
from faktaark.builder.sheet import make_sheet
from faktaark.core.kommuner import register
from faktaark.pdf.make import make_pdf
from faktaark.pdf.preflight import preflight
from faktaark.pdf.validate import full_verdicts, structural_problems
from faktaark.plan.planner import make_plan


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--layout", default="almene-boliger")
    a = ap.parse_args()
    prep = api.prepare()
    lay = api.load_layout_for(a.layout, prep.dataset)
    plans = [make_plan(lay, prep.sheet_data(k)) for k in register()]
    timings: dict[str, list[float]] = {
        "build_screen": [], "build_screen_print": [], "screen": [], "print": [],
        "print-x1a": [], "preflight": [], "validators": [],
    }  # fmt: skip
    tmp = Path(tempfile.mkdtemp())
    for rep in range(a.reps + 1):
        for name, printed in (("build_screen", False), ("build_screen_print", True)):
            t0 = time.perf_counter()
            for k in register():
                make_sheet(k, prep, lay, tmp / name, printed, "fast").write()
            if rep:
                timings[name].append((time.perf_counter() - t0) / 98 * 1000)
        for variant in ("screen", "print", "print-x1a"):
            t0 = time.perf_counter()
            for plan in plans:
                data = make_pdf(plan, variant)
                assert not structural_problems(data, variant)
            if rep:
                timings[variant].append((time.perf_counter() - t0) / len(plans) * 1000)
        files = []
        for i, plan in enumerate(plans[:20]):
            f = tmp / f"{i}.pdf"
            f.write_bytes(make_pdf(plan, "print"))
            files.append(f)
        t0 = time.perf_counter()
        for f in files:
            assert preflight(f).ok
        if rep:
            timings["preflight"].append((time.perf_counter() - t0) / len(files) * 1000)
        t0 = time.perf_counter()
        for f in files[:10]:
            assert set(full_verdicts(f.read_bytes(), "print").values()) == {"pass"}
        if rep:
            timings["validators"].append((time.perf_counter() - t0) / 10 * 1000)
    out = {
        k: {"median_ms": round(statistics.median(v), 2), "min": round(min(v), 2),
            "max": round(max(v), 2)}
        for k, v in timings.items()
    }  # fmt: skip
    added = statistics.median(timings["build_screen_print"]) - statistics.median(
        timings["build_screen"]
    )
    out["print_adds_ms_per_sheet"] = {"median_ms": round(added, 2), "min": 0.0, "max": 0.0}
    print(json.dumps({"layout": a.layout, "reps": a.reps, "sheets": len(plans), **out}, indent=1))


if __name__ == "__main__":
    main()

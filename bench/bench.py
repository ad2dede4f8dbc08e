"""Benchmark faktaark against the typst peer (../shared/peers), in one interleaved run.

    .venv/bin/python bench/bench.py [--cold 7] [--reps 3] [--peers-dir ../shared/peers]

Measures, for faktaark and for typst on the same machine in the same run, alternating:
  (a) a cold single sheet: a new process (`faktaark build --kommune Glostrup` into an empty
      folder; typst: `peer_typst.py one 161 DIR`), wall ms and peak RSS; after one unmeasured
      `build --all`, so the per-user cache holds the checked data, layout, the validator's
      verdict for identical bytes and each sheet's projected maps, as on a machine that has
      built the sheets before (without it, the first warm run also projects 97 maps, about
      15 ms each); plus 3 runs with an empty cache (a first build on a new machine);
  (b) warm ms per sheet inside one process (all 98 after setup; faktaark: the full pipeline of
      `build --all` with one worker: plan, render, PDF/A, checks, manifest);
  (c) all 98 sheets with 2 workers as a new process (`faktaark build --all --jobs 2`), wall and
      CPU seconds, peak RSS of the largest process;
  (d) 1.000 faktaark sheets in one process (98 x 10 + 20), ms per sheet per block and RSS,
      to show time linear in sheets and memory flat.
Medians with min-max over the runs. Peak RSS is the largest VmHWM of any process of the run
(sampled from /proc every 10 ms, so pool workers count too). Prints a Markdown table and writes
bench/results/results.json.

The typst peer is set up like its run.sh: a venv in /tmp/peers_venv with typst==0.15.2, a copy
of the peers folder (it writes data/, fonts/ and out/), DejaVu Sans from fontconfig.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKTAARK = ROOT / ".venv" / "bin" / "faktaark"
PY = ROOT / ".venv" / "bin" / "python"
RESULTS = ROOT / "bench" / "results"
PEERS_VENV = Path(os.environ.get("PEERS_VENV", "/tmp/peers_venv"))

WARM = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from faktaark import api
from faktaark.builder.batch import run_batch
prep = api.prepare()
lay = api.load_layout_for(None, prep.dataset)
todo = api.resolve_kommuner()
t1 = time.perf_counter()
report = run_batch(todo, prep, lay, Path(sys.argv[1]), jobs=1, force=True)
t2 = time.perf_counter()
assert len(report.built) == 98, report.failed
print(json.dumps({"setup_s": t1 - t0, "per_sheet_ms": (t2 - t1) / 98 * 1000}))
"""

THOUSAND = """
import json, resource, sys, time
from pathlib import Path
from faktaark import api
from faktaark.builder.batch import run_batch
prep = api.prepare()
lay = api.load_layout_for(None, prep.dataset)
todo = api.resolve_kommuner()
blocks = []
done = 0
while done < 1000:
    n = min(98, 1000 - done)
    t = time.perf_counter()
    report = run_batch(todo[:n], prep, lay, Path(sys.argv[1]) / f"b{done}", jobs=1, force=True)
    assert len(report.built) == n
    rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
    blocks.append({"sheets": n, "ms_per_sheet": (time.perf_counter() - t) / n * 1000,
                   "rss_mib": rss})
    done += n
print(json.dumps(blocks))
"""


class PeakRSS:
    """The largest VmHWM of a process tree, and its CPU time, sampled from /proc while it
    runs (every 10 ms: a process's last few ms of CPU before it exits may be missed)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, False
        self.cpu: dict[int, float] = {}
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _tree(self) -> set[int]:
        kids: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    stat = Path(f"/proc/{d}/stat").read_text()
                    ppid = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                kids.setdefault(ppid, []).append(int(d))
        out, todo = set(), [self.pid]
        while todo:
            p = todo.pop()
            out.add(p)
            todo += kids.get(p, [])
        return out

    def _run(self) -> None:
        while not self._stop:
            for p in self._tree():
                try:
                    fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                    self.cpu[p] = (int(fields[11]) + int(fields[12])) / self.TICK
                    for line in Path(f"/proc/{p}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.peak = max(self.peak, int(line.split()[1]) / 1024)
                except OSError:
                    pass
            time.sleep(0.01)

    def stop(self) -> float:
        self._stop = True
        self._t.join()
        return self.peak


def run(
    args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> dict[str, object]:
    t0 = time.perf_counter()
    p = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    watch = PeakRSS(p.pid)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    peak = watch.stop()
    if p.returncode:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{err.decode()[-2000:]}")
    return {"wall": wall, "rss": peak, "stdout": out.decode(), "cpu": sum(watch.cpu.values())}


def setup_typst(peers_dir: Path, work: Path) -> Path:
    if not (PEERS_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    if subprocess.run(
        [str(PEERS_VENV / "bin" / "python"), "-c", "import typst"], capture_output=True
    ).returncode:
        subprocess.run(
            [str(PEERS_VENV / "bin" / "pip"), "install", "-q", "typst==0.15.2"], check=True
        )
    dst = work / "peers"
    shutil.copytree(peers_dir, dst)
    for p in dst.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    (dst / "fonts").mkdir(exist_ok=True)
    for style, name in (("Book", "DejaVuSans.ttf"), ("Bold", "DejaVuSans-Bold.ttf")):
        src = subprocess.run(
            ["fc-match", "-f", "%{file}", f"DejaVu Sans:style={style}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        shutil.copy(src, dst / "fonts" / name)
    subprocess.run(
        [str(PEERS_VENV / "bin" / "python"), "gen_data.py"],
        cwd=dst,
        check=True,
        capture_output=True,
    )
    return dst


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def span(xs: list[float], scale: float = 1, fmt: str = ".0f") -> str:
    return f"{med(xs) * scale:{fmt}} ({min(xs) * scale:{fmt}}–{max(xs) * scale:{fmt}})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cold", type=int, default=7)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--peers-dir", default=str(ROOT.parent / "shared" / "peers"))
    ap.add_argument("--no-typst", action="store_true")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="faktaark-bench-"))
    meta: dict[str, object] = {
        "when_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        **machine(),
        "load_before": os.getloadavg(),
        "cold_runs": a.cold,
        "reps": a.reps,
        "typst": None if a.no_typst else "typst==0.15.2 (the peer in ../shared/peers)",
    }
    peers = None if a.no_typst else setup_typst(Path(a.peers_dir), work)
    tpy = str(PEERS_VENV / "bin" / "python")
    R: dict[str, dict[str, list[float]]] = {"faktaark": {}, "typst": {}}

    def add(tool: str, key: str, value: float) -> None:
        R[tool].setdefault(key, []).append(value)

    # bytecode as a normal installation has it (this sandbox sets PYTHONDONTWRITEBYTECODE), then
    # one unmeasured build of all 98: the per-user cache of checked data, layout and maps is
    # filled
    subprocess.run([str(PY), "-m", "compileall", "-q", str(ROOT / "src" / "faktaark")], check=True)
    run([str(FAKTAARK), "build", "--all", "--quiet", "--out", str(work / "warmup")])
    if peers:
        run([tpy, "peer_typst.py", "one", "161", str(work / "tw")], cwd=peers)
    for i in range(a.cold):  # (a) cold single sheet, interleaved
        r = run([str(FAKTAARK), "build", "--kommune", "Glostrup", "--out", str(work / f"c{i}")])
        add("faktaark", "cold_ms", r["wall"] * 1000)
        add("faktaark", "cold_rss", r["rss"])
        r = run(
            [str(FAKTAARK), "build", "-k", "161", "--no-validate", "--out", str(work / f"n{i}")]
        )
        add("faktaark", "cold_nv_ms", r["wall"] * 1000)
        if i < 3:  # a first build on a machine: an empty per-user cache
            env = dict(os.environ, XDG_CACHE_HOME=str(work / f"empty{i}"))
            r = run([str(FAKTAARK), "build", "-k", "161", "--out", str(work / f"e{i}")], env=env)
            add("faktaark", "cold_empty_ms", r["wall"] * 1000)
            add("faktaark", "cold_empty_rss", r["rss"])
        if peers:
            r = run([tpy, "peer_typst.py", "one", "161", str(work / f"tc{i}")], cwd=peers)
            add("typst", "cold_ms", r["wall"] * 1000)
            add("typst", "cold_rss", r["rss"])
        print(f"cold {i + 1}/{a.cold}", file=sys.stderr)
    for i in range(a.reps):  # (b) warm, (c) 98 with 2 workers, interleaved
        r = run([str(PY), "-c", WARM, str(work / f"w{i}")])
        add("faktaark", "warm_ms", json.loads(str(r["stdout"]).splitlines()[-1])["per_sheet_ms"])
        add("faktaark", "warm_rss", r["rss"])
        for key, extra in (("all", []), ("all_nv", ["--no-validate"])):  # default, no validation
            r = run([str(FAKTAARK), "build", "--all", "--jobs", "2", "--quiet", *extra, "--out",
                     str(work / f"{key}{i}")])  # fmt: skip
            add("faktaark", f"{key}_s", r["wall"])
            if key == "all":
                add("faktaark", "all_cpu", r["cpu"])
                add("faktaark", "all_rss", r["rss"])
        if peers:
            r = run([tpy, "peer_typst.py", "batch", str(work / f"tw{i}"), "1"], cwd=peers)
            add("typst", "warm_ms", json.loads(str(r["stdout"]).splitlines()[-1])["per_sheet_ms"])
            add("typst", "warm_rss", r["rss"])
            r = run([tpy, "peer_typst.py", "batch", str(work / f"ta{i}"), "2"], cwd=peers)
            add("typst", "all_s", r["wall"])
            add("typst", "all_cpu", r["cpu"])
            add("typst", "all_rss", r["rss"])
        print(f"batch rep {i + 1}/{a.reps}", file=sys.stderr)
    r = run([str(PY), "-c", THOUSAND, str(work / "k")])  # (d) 1.000 sheets, one process
    blocks = json.loads(str(r["stdout"]).splitlines()[-1])
    meta["load_after"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(
        json.dumps({"meta": meta, "raw": R, "thousand": blocks}, indent=1) + "\n",
        encoding="utf-8",
    )
    print(json.dumps(meta))
    print(table(R, blocks))
    shutil.rmtree(work, ignore_errors=True)


def table(R: dict[str, dict[str, list[float]]], blocks: list[dict[str, float]]) -> str:
    """The Markdown table of a run (also rendered from results.json by the docs' performance
    page, tools/mkdocs_hooks.py)."""
    f, t = R["faktaark"], R["typst"]

    def ratio(key: str) -> str:
        return f"{med(f[key]) / med(t[key]):.2f}×" if t.get(key) else "–"

    lines = [
        "| figure | faktaark | typst | faktaark / typst |",
        "|---|---|---|---|",
        f"| cold `build --kommune Glostrup`, ms (min–max) | {span(f['cold_ms'])} | "
        f"{span(t['cold_ms']) if t else '–'} | {ratio('cold_ms')} |",
        f"| cold, `--no-validate` | {span(f['cold_nv_ms'])} | | "
        f"{med(f['cold_nv_ms']) / med(t['cold_ms']):.2f}× |"
        if t
        else "",
        f"| cold, first build on a machine (empty cache), ms | {span(f['cold_empty_ms'])} | | "
        f"{med(f['cold_empty_ms']) / med(t['cold_ms']):.2f}× |"
        if t
        else "",
        f"| warm ms/sheet, one process | {span(f['warm_ms'], fmt='.1f')} | "
        f"{span(t['warm_ms'], fmt='.1f') if t else '–'} | {ratio('warm_ms')} |",
        f"| 98 sheets, 2 workers, wall s | {span(f['all_s'], fmt='.2f')} | "
        f"{span(t['all_s'], fmt='.2f') if t else '–'} | {ratio('all_s')} |",
        f"| 98 sheets, 2 workers, `--no-validate`, wall s | {span(f['all_nv_s'], fmt='.2f')} | | "
        f"{med(f['all_nv_s']) / med(t['all_s']):.2f}× |"
        if t
        else "",
        f"| 98 sheets, 2 workers, CPU s | {med(f['all_cpu']):.2f} | "
        f"{(format(med(t['all_cpu']), '.2f') if t else '–')} | {ratio('all_cpu')} |",
        f"| peak RSS of any process, MiB (cold / warm / 98 sheets; cold with an empty cache) | "
        f"{max(f['cold_rss']):.0f} / {max(f['warm_rss']):.0f} / {max(f['all_rss']):.0f}; "
        f"{max(f['cold_empty_rss']):.0f} | "
        + (
            f"{max(t['cold_rss']):.0f} / {max(t['warm_rss']):.0f} / {max(t['all_rss']):.0f}"
            if t
            else "–"
        )
        + " | |",
        f"| 1.000 sheets in one process, 11 blocks: ms/sheet (min–max over blocks) | "
        f"{min(b['ms_per_sheet'] for b in blocks):.1f}–"
        f"{max(b['ms_per_sheet'] for b in blocks):.1f} | | |",
        f"| 1.000 sheets: RSS MiB after block 1, 2 and 11 (caches fill in block 1) | "
        f"{blocks[0]['rss_mib']:.0f}, {blocks[1]['rss_mib']:.0f}, "
        f"{blocks[-1]['rss_mib']:.0f} | | |",
    ]
    return "\n".join(line for line in lines if line)


def machine() -> dict[str, object]:
    """What the figures were measured on: CPU model, cores, memory, load, Python, the commit."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor() or "unknown",
    )  # fmt: skip
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem = next(
        (int(line.split()[1]) / 1024**2 for line in meminfo if line.startswith("MemTotal:")), 0.0
    )
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu, "cpus": os.cpu_count(), "memory_gib": round(mem, 1),
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "commit": commit or "unknown",
    }  # fmt: skip


if __name__ == "__main__":
    main()

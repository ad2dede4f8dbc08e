"""Batch runs: parallel, incremental, one failure does not stop the rest, safe interruption."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import faktaark.cli.app
from faktaark import api
from faktaark.builder.batch import run_batch
from faktaark.core.kommuner import register

ROOT = Path(__file__).resolve().parents[1]
SOME = ["Glostrup", "København", "Ringkøbing-Skjern", "Lyngby-Taarbæk", "Bornholm", "Læsø"]
runner = CliRunner()


def cli(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(faktaark.cli.app.app, list(args))
    return res.exit_code, res.stdout, res.stderr


def kargs(names: list[str]) -> list[str]:
    return [a for n in names for a in ("-k", n)]


def test_output_does_not_depend_on_the_number_of_jobs(
    tmp_path: Path, prepared: api.Prepared
) -> None:
    lay = api.load_layout_for(None, prepared.dataset)
    todo = api.resolve_kommuner(SOME)
    one = run_batch(todo, prepared, lay, tmp_path / "j1", jobs=1)
    two = run_batch(todo, prepared, lay, tmp_path / "j2", jobs=2)
    assert len(one.built) == len(two.built) == len(SOME)
    for o in one.outcomes:
        for f in o.files:
            assert (tmp_path / "j1" / f["file"]).read_bytes() == (
                tmp_path / "j2" / f["file"]
            ).read_bytes()
    assert (tmp_path / "j1/manifest.json").read_bytes() == (
        tmp_path / "j2/manifest.json"
    ).read_bytes()


def test_one_process_reports_in_order_each_sheet_once_written(
    tmp_path: Path, prepared: api.Prepared
) -> None:
    """In one process a thread writes each sheet while the next is made (`builder.work`): a
    sheet whose file cannot be written fails alone, with nothing of it left, and the progress
    reports every sheet in order, each after its files are on disk."""
    lay = api.load_layout_for(None, prepared.dataset)
    todo = api.resolve_kommuner(SOME)
    out = tmp_path / "ark"
    (out / "101-koebenhavn.pdf").mkdir(parents=True)  # a folder where the PDF belongs
    (out / "101-koebenhavn.pdf" / "x").write_text("keep")
    seen: list[tuple[int, str, bool]] = []

    def progress(o: object) -> None:
        files = getattr(o, "files", [])
        on_disk = bool(files) and all((out / f["file"]).is_file() for f in files)
        seen.append((getattr(o, "kommunekode", 0), getattr(o, "status", ""), on_disk))

    report = run_batch(todo, prepared, lay, out, jobs=1, progress=progress)
    assert seen == [(k.kode, "failed" if k.kode == 101 else "built", k.kode != 101) for k in todo]
    failed = [o for o in report.outcomes if o.status == "failed"]
    assert [o.kommunekode for o in failed] == [101]
    assert f"{out / '101-koebenhavn.pdf'}: cannot write" in failed[0].error
    assert failed[0].exit_code == 1
    assert failed[0].duration_ms > 0
    assert not (out / "101-koebenhavn.json").exists()
    assert (out / "101-koebenhavn.pdf" / "x").read_text() == "keep"
    assert not list(out.glob(".faktaark-tmp-*"))
    assert len(report.built) == len(SOME) - 1


def test_one_process_fail_fast_writes_nothing_after_the_failure(
    tmp_path: Path, prepared: api.Prepared, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail-fast in one process: the sheet made while the failing one was written is never
    written, so its files of the run before stay as they were (the failing write is slowed
    down: the next sheet is made, and would be written, meanwhile)."""
    from faktaark.builder.sheet import MadeSheet

    write = MadeSheet.write

    def slow_for_101(made: MadeSheet) -> api.BuildResult:
        if made.result.kommunekode == 101:
            time.sleep(0.3)
        return write(made)

    monkeypatch.setattr(MadeSheet, "write", slow_for_101)
    lay = api.load_layout_for(None, prepared.dataset)
    todo = api.resolve_kommuner(["København", "Frederiksberg", "Glostrup"])
    out = tmp_path / "ark"
    assert len(run_batch(todo, prepared, lay, out, jobs=1).built) == 3
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.glob("147-*")}
    (out / "101-koebenhavn.pdf").unlink()
    (out / "101-koebenhavn.pdf").mkdir()  # the first sheet cannot be written
    report = run_batch(todo, prepared, lay, out, jobs=1, force=True, fail_fast=True)
    assert [(o.kommunekode, o.status) for o in report.outcomes] == [(101, "failed")]
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.glob("147-*")}
    assert after == before
    assert len(before) == 2
    assert not list(out.glob(".faktaark-tmp-*"))


def test_one_process_without_a_thread_writes_each_sheet_itself(
    tmp_path: Path, prepared: api.Prepared, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No thread can be started (a process or thread limit): the batch writes each sheet
    itself, one after the other, with the same files."""
    import threading

    start = threading.Thread.start

    def refuse_writer(thread: threading.Thread) -> None:
        if thread.name.startswith("faktaark-write"):
            raise RuntimeError("can't start new thread")
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", refuse_writer)
    lay = api.load_layout_for(None, prepared.dataset)
    todo = api.resolve_kommuner(["København", "Frederiksberg", "Glostrup"])
    report = run_batch(todo, prepared, lay, tmp_path / "ark", jobs=1)
    assert [(o.kommunekode, o.status) for o in report.outcomes] == [
        (101, "built"), (147, "built"), (161, "built")
    ]  # fmt: skip
    for o in report.outcomes:
        assert all((tmp_path / "ark" / f["file"]).is_file() for f in o.files)
    assert not [t for t in threading.enumerate() if t.name.startswith("faktaark-write")]


def test_manifest_is_stable_and_complete(tmp_path: Path) -> None:
    code, _, err = cli("build", *kargs(SOME[:3]), "--out", str(tmp_path))
    assert code == 0, err
    first = (tmp_path / "manifest.json").read_bytes()
    code, _, _ = cli("build", *kargs(SOME[:3]), "--out", str(tmp_path), "--force")
    assert code == 0
    assert (tmp_path / "manifest.json").read_bytes() == first
    doc = json.loads(first)
    assert doc["faktaark"] == faktaark.__version__
    assert doc["totals"]["sheets"] == 3
    entry = doc["sheets"][0]
    assert entry["kommunekode"] == 101
    assert entry["files"][0]["file"] == "101-koebenhavn.pdf"
    assert {"input_key", "layout", "eksempel", "files", "warnings", "validation"} <= set(entry)
    assert {"sha256", "pages", "bytes", "variant"} <= set(entry["files"][0])
    assert "duration_ms" not in entry  # no timings unless asked (--timings)


def _edit_row(src: Path, dst: Path, code: str, column: str, value: str) -> None:
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["kommunekode"] == code:
            r[column] = value
    with dst.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def test_changing_one_row_rebuilds_that_sheet_only(tmp_path: Path) -> None:
    data = tmp_path / "almene.csv"
    shutil.copy(ROOT / "data" / "almene.csv", data)
    out = tmp_path / "ark"
    code, _, err = cli("build", *kargs(SOME), "--data", str(data), "--out", str(out))
    assert code == 0, err
    code, out_json, _ = cli("build", *kargs(SOME), "--data", str(data), "--out", str(out), "--json")
    doc = json.loads(out_json)
    assert doc["built"] == 0
    assert doc["skipped"] == len(SOME)
    _edit_row(ROOT / "data" / "almene.csv", data, "101", "huslejeomsaetning_mio_kr", "5700")
    code, out_json, _ = cli("build", *kargs(SOME), "--data", str(data), "--out", str(out), "--json")
    doc = json.loads(out_json)
    built = [s["kommune"] for s in doc["sheets"] if s["status"] == "built"]
    assert built == ["København"]
    assert doc["skipped"] == len(SOME) - 1
    code, out_json, _ = cli(
        "build", *kargs(SOME), "--data", str(data), "--out", str(out), "--json", "--force"
    )
    assert json.loads(out_json)["built"] == len(SOME)


def test_a_deleted_output_is_rebuilt(tmp_path: Path) -> None:
    cli("build", "-k", "Glostrup", "--out", str(tmp_path))
    (tmp_path / "161-glostrup.pdf").unlink()
    _code, out_json, _ = cli("build", "-k", "Glostrup", "--out", str(tmp_path), "--json")
    assert json.loads(out_json)["built"] == 1
    assert (tmp_path / "161-glostrup.pdf").is_file()


def _strict_title_layout(tmp_path: Path) -> Path:
    folder = tmp_path / "streng"
    shutil.copytree(ROOT / "layouts" / "almene-boliger", folder)
    toml = folder / "layout.toml"
    text = toml.read_text(encoding="utf-8").replace("size = 27\nmin_size = 18", "size = 27", 1)
    text = text.replace('name = "almene-boliger"', 'name = "streng"', 1)
    toml.write_text(text, encoding="utf-8")
    return folder


def test_one_failing_sheet_does_not_stop_the_others(tmp_path: Path) -> None:
    layout = _strict_title_layout(tmp_path)  # the title cannot shrink: long names overflow
    out = tmp_path / "out"
    names = ["Glostrup", "Ringkøbing-Skjern", "Aarhus", "Odense"]
    code, _, err = cli("build", *kargs(names), "--layout", str(layout), "--out", str(out))
    assert code == 1
    assert 'Failed: 760 Ringkøbing-Skjern: streng, Ringkøbing-Skjern, page 1, box "titel"' in err
    built = sorted(p.name for p in out.glob("*.pdf"))
    assert built == ["161-glostrup-streng.pdf", "461-odense-streng.pdf", "751-aarhus-streng.pdf"]
    assert "3 built, 0 unchanged (skipped), 1 failed" in err


def test_fail_fast_stops_at_the_first_error(tmp_path: Path) -> None:
    layout = _strict_title_layout(tmp_path)
    out = tmp_path / "out"
    names = ["Ringkøbing-Skjern", "Glostrup", "Aarhus", "Odense"]
    code, _, err = cli(
        "build",
        *kargs(names),
        "--layout",
        str(layout),
        "--out",
        str(out),
        "--fail-fast",
        "--jobs",
        "1",
    )
    assert code == 1
    assert "0 built" in err or "1 failed" in err
    assert len(list(out.glob("*.pdf"))) < 3


def test_combine_writes_one_pdf_in_municipality_order(tmp_path: Path) -> None:
    code, _, err = cli(
        "build",
        *kargs(SOME[:3]),
        "--out",
        str(tmp_path / "ark"),
        "--combine",
        str(tmp_path / "alle.pdf"),
    )
    assert code == 0, err
    with pikepdf.open(tmp_path / "alle.pdf") as pdf:
        assert len(pdf.pages) == 6
    import pypdf

    firsts = [
        pypdf.PdfReader(str(tmp_path / "alle.pdf")).pages[i].extract_text() for i in (0, 2, 4)
    ]
    assert "KØBENHAVNS" in firsts[0]
    assert "GLOSTRUP" in firsts[1]


def test_plain_log_when_not_a_terminal(tmp_path: Path) -> None:
    code, _, err = cli("build", "-k", "161", "-k", "101", "--out", str(tmp_path))
    assert code == 0
    lines = [ln for ln in err.splitlines() if ln.startswith("built")]
    assert len(lines) == 2
    assert "161-glostrup.pdf" in err
    code, _, err = cli("build", "-k", "161", "--out", str(tmp_path), "--quiet", "--force")
    assert code == 0
    assert err.startswith("1 built, 0 unchanged (skipped), 0 failed")  # the summary only
    assert "161-glostrup.pdf" not in err


def test_leftovers_of_a_killed_run_are_cleaned(tmp_path: Path) -> None:
    # the exact name write_atomic makes, of a process that is gone (above any pid_max)
    tmp_path.joinpath(".faktaark-tmp-4194305-0123456789abcdef.part").write_bytes(b"%PDF-1.4 half")
    code, _, _ = cli("build", "-k", "161", "--out", str(tmp_path))
    assert code == 0
    assert not list(tmp_path.glob(".faktaark-tmp-*"))


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["2", "1"])  # 1: a thread writes while the next sheet is made
def test_ctrl_c_exits_130_and_leaves_no_partial_file(tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "ark"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "faktaark",
            "build",
            "--all",
            "--out",
            str(out),
            "--validate",
            "full",
            "--jobs",
            jobs,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("*.pdf"))) < 5:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Interrupted" in err
    assert "Traceback" not in err
    pdfs = list(out.glob("*.pdf"))
    assert 0 < len(pdfs) < 98
    for p in pdfs:  # every file under a final name is a complete PDF
        with pikepdf.open(p) as pdf:
            assert len(pdf.pages) == 2
    assert not list(out.glob(".faktaark-tmp-*"))
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["totals"]["sheets"]
    assert 0 < recorded <= len(pdfs)
    code, out_json, _ = cli("build", "--all", "--out", str(out), "--json", "--validate", "full")
    doc = json.loads(out_json)
    assert code == 0
    assert doc["built"] + doc["skipped"] == 98
    assert doc["skipped"] == recorded  # what was finished and recorded is kept
    assert len(register()) == 98


@pytest.mark.parametrize("kit", ["almene-boliger", "kommuneaftale", "levende-faellesskaber"])
def test_a_written_sheet_leaves_no_cyclic_garbage(tmp_path: Path, kit: str) -> None:
    """A sheet's objects (the plan, ReportLab's document, the structure tree) are freed by
    reference counting as soon as it is written, both variants: a batch never waits for the
    cyclic collector, and a long run's memory stays flat. (The structure tree's nested
    recursive functions once held each document in a cycle: 20 ms of collection per 98
    sheets, and 51 MiB after 1.000 sheets where it is now 35.) With the structural check
    every sheet gets: the full validator (page-validation, 1 sheet in 32) keeps cycles of its
    own."""
    import gc

    from faktaark.builder.sheet import make_sheet

    prep = api.prepare(layout=kit)
    lay = api.load_layout_for(kit, prep.dataset)
    todo = api.resolve_kommuner(["Glostrup", "Læsø", "Fanø", "København", "Aalborg"])
    for k in todo[:3]:  # the first sheets fill the process's caches (fonts, subsets, lines)
        make_sheet(k, prep, lay, tmp_path, print_variant=True, validate="fast").write()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage
    try:
        for k in todo[3:]:
            make_sheet(k, prep, lay, tmp_path, print_variant=True, validate="fast").write()
        gc.collect()
        left = sorted({type(o).__qualname__ for o in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == [], f"cyclic garbage after a sheet of {kit}: {left}"

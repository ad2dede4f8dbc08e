"""The command line: exit codes, messages, outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faktaark.cli.app import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


def test_build_one(tmp_path: Path) -> None:
    code, _, err = run("build", "--kommune", "Glostrup", "--out", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "161-glostrup.pdf").stat().st_size > 10_000
    assert "161-glostrup.pdf" in err


def test_build_several_by_code_and_name(tmp_path: Path) -> None:
    code, _, err = run(
        "build",
        "-k",
        "101",
        "-k",
        "lyngby taarbaek",
        "-k",
        "KØBENHAVN",
        "--out",
        str(tmp_path / "new" / "dir"),
    )
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "new" / "dir").glob("*.pdf")) == [
        "101-koebenhavn.pdf",
        "173-lyngby-taarbaek.pdf",
    ]


def test_unknown_kommune_is_a_usage_error_with_suggestions(tmp_path: Path) -> None:
    code, _, err = run("build", "--kommune", "Glostrupp", "--out", str(tmp_path))
    assert code == 2
    assert "Unknown kommune 'Glostrupp'" in err
    assert "Did you mean: Glostrup?" in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_build_needs_a_target() -> None:
    code, _, err = run("build")
    assert code == 2
    assert "--kommune" in err


def test_bad_data_exits_1_and_writes_nothing(tmp_path: Path, data_copy: Path) -> None:
    text = data_copy.read_text(encoding="utf-8").replace(
        "\n161,Glostrup,2025,officiel", "\n161,Glostrup,2025,officel"
    )
    data_copy.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run("build", "-k", "Glostrup", "--data", str(data_copy), "--out", str(out))
    assert code == 1
    assert f"{data_copy}:9: Glostrup, datakilde:" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_validate_ok_and_failing(data_copy: Path) -> None:
    code, _, err = run("validate")
    assert code == 0
    assert "98 rows" in err
    assert "97 row(s) are example data" in err
    data_copy.write_text(
        data_copy.read_text(encoding="utf-8").replace(",4451,", ",-4451,"), encoding="utf-8"
    )
    code, _, err = run("validate", "--data", str(data_copy))
    assert code == 1
    assert "Glostrup, familieboliger: must be ≥ 0, got -4451" in err


def test_validate_json(data_copy: Path) -> None:
    data_copy.write_text(
        data_copy.read_text(encoding="utf-8").replace(",4451,", ",-1,"), encoding="utf-8"
    )
    code, out, _ = run("validate", "--json", "--data", str(data_copy))
    assert code == 1
    doc = json.loads(out)
    assert doc["ok"] is False
    assert doc["issues"][0]["column"] == "familieboliger"
    assert doc["issues"][0]["kommune"] == "Glostrup"


def test_list_shows_98_and_the_data_source() -> None:
    code, out, _ = run("list", "--json")
    rows = json.loads(out)
    assert code == 0
    assert len(rows) == 98
    glostrup = next(r for r in rows if r["kommunekode"] == 161)
    assert glostrup["datakilde"] == "officiel"
    assert sum(r["datakilde"] == "eksempel" for r in rows) == 97


def test_missing_data_file_is_a_data_error(tmp_path: Path) -> None:
    code, _, err = run("validate", "--data", str(tmp_path / "nope.csv"))
    assert code == 1
    assert "file not found" in err


def test_one_sheet_imports_only_what_it_needs(tmp_path: Path) -> None:
    """`faktaark build --kommune Glostrup` from cached data, run as the console script runs it,
    loads no other command's module, no Typer, Click or rich (the hand-off parses it), no Pillow
    (ReportLab gets a stand-in until an image is drawn), none of the libraries that check data
    or layouts (Pydantic, Polars, fontTools, the validator: their results are cached), no worker
    processes and no pool (nor subprocess, nor logging), no hyphenation dictionary, no TOML
    parser, no preview and no layout checks, and decodes no map shapes (the projected map is
    cached too)."""
    code = (
        "import sys\n"
        "from faktaark.cli.console import main\n"
        "sys.argv = ['faktaark', 'build', '--kommune', 'Glostrup', '-o', sys.argv[1]]\n"
        "try:\n    main(exit_quickly=False)\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "from faktaark.plan import geodata\n"
        "print(geodata.atlas.cache_info().currsize, ' '.join(sorted(sys.modules)))\n"
        "print(type(sys.modules['PIL.Image']).__name__)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "FAKTAARK_CACHE": "1"}
    for out in ("first", "second"):  # the first run fills the cache
        cmd = [sys.executable, "-c", code, str(tmp_path / out)]
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
        assert res.returncode == 0, res.stderr
    first, stand_in = res.stdout.splitlines()
    atlas, *modules = first.split()
    assert atlas == "0"
    assert stand_in == "_Deferred"
    assert (tmp_path / "second" / "161-glostrup.pdf").stat().st_size > 10_000
    loaded = set(modules)
    assert {"faktaark.plan.planner", "faktaark.cli.handoff", "reportlab.pdfgen.canvas"} <= loaded
    unwanted = {
        *("faktaark.cli.app", "faktaark.cli.root", "faktaark.cli.options", "faktaark.cli.output"),
        *("faktaark.cli.checks", "faktaark.cli.data", "faktaark.cli.review", "faktaark.cli.kits"),
        *("typer", "click", "rich", "PIL.ImageMode", "PIL._imaging"),
        *("pydantic", "pydantic_core", "polars", "fontTools", "page", "pikepdf", "pyphen"),
        *("faktaark.data.schema", "faktaark.layout.schema", "faktaark.dictionary.schema"),
        *("faktaark.dictionary.build", "faktaark.dictionary.expressions"),
        *("faktaark.dictionary.evaluate", "faktaark.values.indicators", "faktaark.data.readers"),
        *(
            "faktaark.review.pages",
            "faktaark.review.contact",
            "faktaark.data.editions",
            "faktaark.layout.checks",
            "multiprocessing",
            "concurrent",
            "subprocess",
            "faktaark.builder.pool",
            "logging",
            "tomllib",
        ),
    }
    assert not loaded & unwanted, loaded & unwanted


def test_help_runs_as_a_subprocess_quickly() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "faktaark", "--help"], capture_output=True, text=True, check=False
    )
    assert res.returncode == 0
    assert "build" in res.stdout
    assert "validate" in res.stdout


@pytest.mark.parametrize(("argv0", "quick"), [("faktaark", True), ("my_pipeline.py", False)])
def test_a_plain_build_leaves_at_once_only_as_the_command(
    tmp_path: Path, argv0: str, quick: bool
) -> None:
    """The `faktaark` command leaves without the interpreter's clean-up once a plain build has
    written everything (its exit handlers do not run); a program that calls the command line's
    `main` itself gets `SystemExit` and goes on. Either way: exit 0, the sheet, its sidecar, the
    manifest and the summary line complete."""
    code = (
        "import atexit, sys\n"
        "from faktaark.cli.console import main\n"
        f"sys.argv = [{argv0!r}, 'build', '--kommune', 'Glostrup', '-o', sys.argv[1]]\n"
        "atexit.register(lambda: print('exit handlers ran', flush=True))\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    print('went on', exc.code)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ark")],
                         capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "1 built" in res.stdout + res.stderr
    assert ("exit handlers ran" in res.stdout) is not quick
    assert ("went on 0" in res.stdout) is not quick
    for name in ("161-glostrup.pdf", "161-glostrup.json", "manifest.json"):
        assert (tmp_path / "ark" / name).stat().st_size > 100, name

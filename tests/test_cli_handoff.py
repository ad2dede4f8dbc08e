"""The hand-off (`faktaark.cli.handoff`): a plain `faktaark build` is parsed without Typer. What a
user would check: the same command line gives the same values, files, messages and exit codes
with and without it, and everything it does not know (help, errors, unusual forms) still goes to
Typer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import faktaark.cli.build
from faktaark.cli.app import app
from faktaark.cli.handoff import DEFAULTS, parse_build


class _Called(Exception):
    pass


def typer_values(argv: list[str]) -> dict[str, Any] | None:
    """The parameters Typer hands to `build_command` for `argv`, or None when Typer does not
    call it (help, a usage error)."""
    seen: dict[str, Any] = {}

    def record(**params: Any) -> None:
        seen.update(params)
        raise _Called

    original = faktaark.cli.build.build_command
    faktaark.cli.build.build_command = record  # type: ignore[assignment]
    try:
        res = CliRunner().invoke(app, argv)
    finally:
        faktaark.cli.build.build_command = original
    if not seen:
        return None
    assert isinstance(res.exception, _Called), res.exception
    return seen


PLAIN = [
    ["build", "--kommune", "Glostrup"],
    ["build", "-k", "161", "-k", "København", "--out", "ark"],
    ["build", "--kommune=Lyngby-Taarbæk", "--out=ud mappe", "--print", "-q"],
    ["build", "--all", "--jobs", "2", "--force", "--no-validate"],
    ["build", "-k", "101", "--validate", "full", "--layout", "kommuneaftale", "-j", "1"],
    ["build", "-k", "101", "--data", "a.csv", "-d", "b.xlsx", "--sheet", "2", "--udgave", "2025"],
    ["build", "-k", "101", "--column", "ny=gammel", "--columns-file", "k.toml", "--strict"],
    ["build", "--all", "--no-print", "--timings", "--clean", "--fail-fast", "--combine", "a.pdf"],
    ["build", "-k", "101", "--print", "--print-standard", "x1a", "--quiet"],
    ["build", "--validate=bogus", "-k", "x", "--jobs", "0", "--print-standard", "x9"],
]
TO_TYPER = [
    [],
    ["--help"],
    ["build", "--help"],
    ["build", "-k", "161", "--help"],
    ["--debug", "build", "-k", "161"],
    ["build", "-k", "161", "--debug"],
    ["--version"],
    ["list"],
    ["build", "-k", "161", "--json"],
    ["build", "-k", "161", "--format", "json"],
    ["build", "-k", "161", "--dry-run"],
    ["build", "-qk", "161"],
    ["build", "-k161"],
    ["build", "-k", "161", "extra"],
    ["build", "-k", "161", "--"],
    ["build", "-k", ""],
    ["build", "-k", "-5"],
    ["build", "-k"],
    ["build", "-k", "161", "--jobs", "two"],
    ["build", "-k", "161", "--jobs", " 2"],
    ["build", "-k", "161", "--udgave", "+2025"],
    ["build", "-k", "161", "--out", "a", "--out", "b"],
    ["build", "-k", "161", "--print", "--no-print"],
    ["build", "-k", "161", "--force", "--force"],
    ["build", "-k", "161", "--force=yes"],
    ["build", "-k", "161", "--kommun", "x"],
    ["build", "-k", "161", "-h"],
    ["build", "-k", "161\udcff"],
]


@pytest.mark.parametrize("argv", PLAIN, ids=" ".join)
def test_a_plain_command_line_gets_the_values_typer_gives(argv: list[str]) -> None:
    mine = parse_build(argv)
    assert mine is not None
    assert mine == typer_values(argv)


@pytest.mark.parametrize("argv", TO_TYPER, ids=" ".join)
def test_anything_else_goes_to_typer(argv: list[str]) -> None:
    assert parse_build(argv) is None


def test_shell_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_FAKTAARK_COMPLETE", "bash_complete")
    assert parse_build(["build", "-k", "161"]) is None


# fmt: off
TOKENS = ["build", "-k", "--kommune", "Glostrup", "161", "--kommune=København", "-o", "--out",
          "ark", "--out=x y", "--all", "--print", "--no-print", "--force", "-q", "--quiet", "-j",
          "--jobs", "2", "0", "--validate", "full", "--data", "-d", "a.csv", "--udgave", "2025",
          "--udgave=2024", "--layout", "-l", "kommuneaftale", "--column", "a=b", "--strict",
          "--clean", "--timings", "--fail-fast", "--combine", "--print-standard", "x1a",
          "--no-validate", "--sheet", "--columns-file", "--debug", "--help", "--json", "-f",
          "json", "--dry-run", "", "-", "--", "-qk", "-kGlostrup", "=", "list", "--force=1"]
# fmt: on


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=9).map(lambda t: ["build", *t]))
def test_whatever_the_hand_off_takes_typer_reads_the_same(argv: list[str]) -> None:
    mine = parse_build(argv)
    if mine is not None:
        assert mine == typer_values(argv), argv


def test_defaults_are_typers() -> None:
    """A new option of `build` must be known here too (or the hand-off would pass a stale set)."""
    assert typer_values(["build"]) is not None
    assert set(DEFAULTS) == set(typer_values(["build"]) or {})
    assert parse_build(["build"]) == typer_values(["build"])


# ------------------------------------------------------------------------- the same run

CONSOLE = "import sys; from faktaark.cli.console import main; sys.argv[0] = 'faktaark'; main()"
TYPER = "import sys; from faktaark.cli.app import main; sys.argv[0] = 'faktaark'; main()"


def _run(code: str, args: list[str], cwd: Path) -> tuple[int, str, str]:
    res = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd,
        env={**os.environ, "FAKTAARK_CACHE": "1"},
    )  # fmt: skip
    # the run's duration is the only thing that may differ
    err = re.sub(r"in \d+\.\d\d s", "in T s", res.stderr)
    return res.returncode, res.stdout, err


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "args",
    [
        ["build", "-k", "Glostrup", "-o", "OUT"],
        ["build", "--kommune", "Glostrupp", "-o", "OUT"],
        ["build", "-k", "161", "--all", "-o", "OUT"],
        ["build", "-k", "161", "--validate", "bogus", "-o", "OUT"],
        ["build", "-k", "161", "--jobs", "0", "-o", "OUT"],
        ["build", "-k", "161", "--print-standard", "x1a", "-o", "OUT"],
        ["build", "-k", "161", "--data", "missing.csv", "-o", "OUT"],
        ["build", "-k", "161", "--no-validate", "--validate", "full", "-o", "OUT"],
        ["build", "-k", "Bornholm", "--print", "-q", "--layout", "kommuneaftale", "-o", "OUT"],
    ],
    ids=" ".join,
)
def test_the_same_files_messages_and_exit_code(tmp_path: Path, args: list[str]) -> None:
    assert parse_build([a.replace("OUT", "x") for a in args]) is not None
    results = []
    for name, code in (("handoff", CONSOLE), ("typer", TYPER)):
        out = tmp_path / name
        got = _run(code, [a.replace("OUT", str(out)) for a in args], tmp_path)
        results.append((got[0], got[1], got[2].replace(str(out), "OUT")))
        if out.exists():
            results.append(_files(out))  # type: ignore[arg-type]
    half = len(results) // 2
    assert results[:half] == results[half:]
    assert "Traceback" not in results[0][2]


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["build", "-k", "1", "-qz"]])
def test_help_and_usage_errors_are_typers(tmp_path: Path, args: list[str]) -> None:
    assert _run(CONSOLE, args, tmp_path) == _run(TYPER, args, tmp_path)

"""Every example in docs/ runs, as a reader would run it, and shows what the page says it shows.

One test per page (`test_page[tutorials/first-sheet.md]`), its examples in page order in one
empty folder, so a later example sees what an earlier one made (as in a terminal):

- ```` ```console ```` blocks are terminal sessions: each `$ command` runs in bash with the
  installed `faktaark` first on PATH, and the lines after it are its output (stdout and stderr
  as a terminal interleaves them, but a pipe's: CSV rather than tables). A line `...` stands for
  any number of lines, `...` inside a line for any text (timings, paths). A command must exit 0
  unless the next command is `echo $?`, which shows its exit code;
- ```` ```sh ```` blocks are scripts: run with `set -e` in bash, they must exit 0 (their output
  is not shown on the page, so it is not checked);
- ```` ```python ```` blocks run in one namespace per page (Sybil); `>>>` lines are doctests;
- `<!-- skip: next "reason" -->` before a block skips it, saying why (it needs the network or
  a display, or installs software); other languages (toml, yaml, text) are not examples.

Sybil (https://sybil.readthedocs.io) parses the pages; the shell runner is the small one below.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unittest
from pathlib import Path
from typing import Any

import pytest
from sybil import Sybil
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent  # the virtual environment faktaark is installed in
STEP = "@@faktaark-docs-step@@"
COMMAND_TIMEOUT = 180  # s for one block; the slowest example (all 98) takes a few seconds


def _env(cwd: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKTAARK_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", HOME=str(cwd.parent / "home"),
               COLUMNS="100", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")  # fmt: skip
    # the run's own per-user cache (conftest.py sets XDG_CACHE_HOME), so examples start warm
    return env


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=_env(cwd), capture_output=True, text=True,
        timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def session(source: str) -> list[tuple[str, list[str]]]:
    """A console block as (command, expected output lines)."""
    steps: list[tuple[str, list[str]]] = []
    for line in source.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"a console block starts with output, not '$ ': {line!r}")
    return steps


def matches(expected: list[str], actual: list[str]) -> bool:
    """`...` alone on a line matches any lines; `...` inside a line any text."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in head.rstrip().split("..."))
    return re.fullmatch(pattern, actual[0].rstrip()) is not None and matches(rest, actual[1:])


def run_console(example: Any) -> None:
    steps = session(example.parsed)
    script = ["exec 2>&1", "__rc=0"]
    for i, (command, _) in enumerate(steps):
        # `( exit $__rc )` hands the previous command's status on to `echo $?`
        script += [f"echo '{STEP}'", "( exit $__rc )", command, "__rc=$?"]
        if not (i + 1 < len(steps) and steps[i + 1][0].strip() == "echo $?"):
            script.append(f'[ "$__rc" = 0 ] || {{ echo "{STEP} exit $__rc"; exit 99; }}')
    done = _run("\n".join(script), example.namespace["cwd"])
    outputs = done.stdout.split(STEP + "\n")[1:]
    for (command, expected), output in zip(steps, outputs, strict=False):
        lines = output.splitlines()
        failed = next((line for line in lines if line.startswith(f"{STEP} exit")), None)
        if failed:
            raise AssertionError(f"$ {command}\nexited {failed.split()[-1]}:\n{output}")
        if not matches(expected, lines):
            raise AssertionError(
                f"$ {command}\n--- the page shows:\n" + "\n".join(expected)
                + "\n--- it printed:\n" + "\n".join(lines)
            )  # fmt: skip
    assert len(outputs) == len(steps), done.stdout


def run_sh(example: Any) -> None:
    done = _run("set -e\n" + example.parsed, example.namespace["cwd"])
    assert done.returncode == 0, (
        f"{example.parsed}\nexited {done.returncode}:\n{done.stdout}{done.stderr}"
    )


DOCS_SYBIL = Sybil(
    parsers=[
        SkipParser(),
        PythonCodeBlockParser(),
        CodeBlockParser("console", run_console),
        CodeBlockParser("sh", run_sh),
    ],
    path=str(DOCS),
    pattern="**/*.md",
)


def _kind(example: Any) -> str:
    """What evaluates an example: run_console, run_sh, Skipper, or Sybil's Python evaluators."""
    evaluator = example.region.evaluator
    return str(getattr(evaluator, "__name__", type(evaluator).__name__))


def _runnable(page: str) -> bool:
    return any(_kind(e) != "Skipper" for e in DOCS_SYBIL.parse(DOCS / page).examples())


# the pages with an example to run (reference and explanation pages mostly have none)
PAGES = [
    page
    for page in sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    if _runnable(page)
]


def test_the_tutorials_and_guides_have_examples() -> None:
    assert {"tutorials/first-sheet.md", "tutorials/own-data.md", "how-to/publish.md",
            "how-to/python.md"} <= set(PAGES)  # fmt: skip


@pytest.mark.parametrize("page", PAGES)
def test_page(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cwd = tmp_path / "work"
    cwd.mkdir()
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(cwd)  # the Python examples write where the shell examples do
    for key in [k for k in os.environ if k.startswith("FAKTAARK_")]:
        monkeypatch.delenv(key)
    document = DOCS_SYBIL.parse(DOCS / page)
    document.namespace["cwd"] = cwd
    for example in document.examples():
        if _kind(example) == "Skipper":
            assert example.parsed[1], f"{page}:{example.line}: say why an example is skipped"
        try:
            example.evaluate()
        except unittest.SkipTest:  # <!-- skip: next "reason" -->: the page says why
            continue


def test_examples_are_found() -> None:
    """The runner sees the blocks: a page with a console block yields console examples."""
    page = DOCS_SYBIL.parse(DOCS / "tutorials" / "first-sheet.md")
    kinds = {_kind(e) for e in page.examples()}
    assert {"run_console", "run_sh", "Skipper"} <= kinds, kinds


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        (["a", "...", "d"], ["a", "b", "c", "d"], True),
        (["a ... s"], ["a 0.05 s"], True),
        (["a"], ["a", "b"], False),
        (["..."], [], True),
        (["x"], ["y"], False),
    ],
)
def test_the_output_rule(expected: list[str], actual: list[str], ok: bool) -> None:
    assert matches(expected, actual) is ok

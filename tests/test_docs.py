"""The README tells the truth: short, its two commands intact, the test command the one CI runs,
its links and commands real. (The examples in docs/ run in test_docs_examples.py; the built
site is checked in test_docs_site.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from faktaark import api
from faktaark.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
INSTALL_AND_BUILD = (
    "python3 -m venv .venv && .venv/bin/pip install -e . && "
    ".venv/bin/faktaark build --kommune Glostrup"
)
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && sh tools/check.sh"


def test_every_data_column_is_documented() -> None:
    """Each shipped kit's data dictionary says what every figure means, and `faktaark
    layouts fields` (generated from it) lists them all."""
    for kit in api.available_layouts():
        d = api.data_dictionary(kit)
        fields = {f.placeholder: f for f in api.kit_fields(kit)}
        for c in d.columns.values():
            assert c.meaning.strip(), c.name
            assert f"{c.source}.{c.name}" in fields, c.name
        for i in d.indicators.values():
            assert i.meaning.strip(), i.name
            assert f"indikator.{i.name}" in fields, i.name


def _sh_blocks(text: str) -> list[str]:
    return re.findall(r"```(?:sh|console)\n(.*?)```", text, flags=re.S)


def test_readme_fits_on_a_few_screens() -> None:
    assert len(README.splitlines()) <= 160


def test_the_two_commands_are_there_verbatim() -> None:
    blocks = [b.strip() for b in _sh_blocks(README)]
    assert INSTALL_AND_BUILD in blocks
    assert TEST_COMMAND in blocks


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs the README's test command (quietly), under the README's heading."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "## Run the tests" in README
    assert 'README.md ("Run the tests")' in ci
    assert TEST_COMMAND.replace("pip install -e", "pip install -q -e") in ci
    section = README.split("## Run the tests", 1)[1].split("\n## ", 1)[0]
    assert TEST_COMMAND in section
    assert "MEASURED" not in section, "the README's test time was never filled in"


def test_check_sh_builds_the_docs_strictly() -> None:
    check = (ROOT / "tools" / "check.sh").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in check


def test_every_command_in_the_readme_and_the_docs_exists() -> None:
    import typer.main

    group = typer.main.get_group(app)
    names = set(group.commands)
    texts = [README, *(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))]
    blocks = "\n".join(b for t in texts for b in _sh_blocks(t))
    used = set(re.findall(r"(?:^|\$ |[|;&] )faktaark ([a-z-]+)", blocks, flags=re.M))
    assert {"build", "validate", "contact-sheet", "data"} <= used
    assert used <= names, used - names


def test_readme_links_point_at_files_that_exist() -> None:
    links = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)|src=\"([^\"]+)\"", README)
    paths = [a or b for a, b in links]
    assert "docs/tutorials/own-data.md" in paths
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing


def test_readme_picture_is_small() -> None:
    picture = ROOT / "docs" / "assets" / "glostrup-side1.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size < 200_000


def test_readme_own_data_lines_are_the_tutorials() -> None:
    """The five lines are not typed twice: the tutorial runs the same block (as a test)."""
    tutorial = (ROOT / "docs" / "tutorials" / "own-data.md").read_text(encoding="utf-8")
    five = README.split("## Your own data in five lines", 1)[1]
    block = _sh_blocks(five)[0]
    assert block in _sh_blocks(tutorial)

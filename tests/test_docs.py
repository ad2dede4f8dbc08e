"""The README tells the truth: every data column is documented, the commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from faktaark.cli.app import app
from faktaark.core.fields import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_data_column_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", README, flags=re.M))
    assert {c.name for c in COLUMNS} <= documented


def test_every_command_in_the_readme_exists() -> None:
    import typer.main

    group = typer.main.get_group(app)
    names = set(group.commands)
    blocks = "\n".join(re.findall(r"```sh\n(.*?)```", README, flags=re.S))
    used = set(re.findall(r"^faktaark ([a-z-]+)", blocks, flags=re.M))
    assert used, "no commands found in README"
    assert used <= names, used - names


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    m = re.search(
        r"```sh\n(python3 -m venv .venv && .venv/bin/pip install -e '\.\[dev\]' && "
        r"sh tools/check\.sh)\n```",
        README,
    )
    assert m, "README lost its test command"
    assert m.group(1).replace("pip install -e", "pip install -q -e") in ci

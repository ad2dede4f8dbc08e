"""The README tells the truth: every data column is documented, the commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from faktaark import api
from faktaark.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


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

"""CLI commands about sheet kits: start a new kit from an old one, list what a kit can print.
Registered on `cli.root.layouts_app` (when imported: see `cli.app`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from faktaark.cli.common import _err_console, _run
from faktaark.cli.options import JsonOpt
from faktaark.cli.output import FormatOpt, choose_format, emit_rows
from faktaark.cli.root import layouts_app


@layouts_app.command("new")
def layouts_new(
    name: Annotated[str, typer.Argument(help="The new kit's name (a-z, 0-9, '-').")],
    from_: Annotated[
        str | None,
        typer.Option("--from", help="The kit to copy: a shipped kit's name or a kit folder."),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option("--into", help="The folder to make the kit in (default: here)."),
    ] = None,
) -> None:
    """Start a new sheet kit: copy a kit (layout.toml, texts.da.toml, fields.toml) into the
    folder NAME under the new name. Then change its texts, its figures (fields.toml) and its
    page, and build with --layout NAME."""
    from faktaark import api

    folder = _run(lambda: api.new_kit(name, into, from_=from_))
    err = _err_console()
    err.print(f"{folder}: a new kit copied from {from_ or 'the default kit'}.", markup=False)
    err.print(
        f"Next: faktaark layouts fields {folder}  (what it can print), faktaark layouts check "
        f"{folder}, faktaark build --kommune Glostrup --layout {folder}",
        markup=False,
    )


@layouts_app.command("fields")
def layouts_fields(
    layout: Annotated[
        str | None, typer.Argument(help="A kit: a shipped kit's name or a kit folder.")
    ] = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Every placeholder and figure a kit can print, with its kind, unit and where it comes
    from (a column of the data, a formula, a region or country figure, the register ...)."""
    from faktaark import api

    chosen = choose_format(fmt, as_json)
    rows = [f.__dict__ for f in _run(lambda: api.kit_fields(layout))]
    columns = [("placeholder", "Placeholder"), ("kind", "Kind"), ("unit", "Unit"),
               ("source", "Comes from"), ("meaning", "Meaning")]  # fmt: skip
    emit_rows(rows, columns, chosen, title=f"Fields of {layout or 'the default kit'}")

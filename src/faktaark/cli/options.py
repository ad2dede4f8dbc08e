"""The option types several commands share (Typer): `--data`, `--layout`, `--kommune` ...

Kept apart from `faktaark.cli.common`, which imports no Typer: a plain `faktaark build` is
parsed without it (`faktaark.cli.handoff`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "ColumnOpt",
    "ColumnsFileOpt",
    "DataOpt",
    "JsonOpt",
    "KommuneOpt",
    "LayoutNamesArg",
    "LayoutOpt",
    "SheetOpt",
    "UdgaveOpt",
]

# text, not Path: typer would make "" the current folder and refuse unreadable files itself;
# the data stage guards every path (an empty one is a usage error, a FIFO is refused)
DataOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--data", "-d", help="Figures file or folder (repeatable). Default: bundled data/."
    ),
]
LayoutOpt = Annotated[
    str | None,
    typer.Option("--layout", "-l", help="Layout name (see `faktaark layouts list`) or folder."),
]
KommuneOpt = Annotated[
    list[str] | None,
    typer.Option("--kommune", "-k", help="Municipality code or name (repeatable): 161, Glostrup."),
]
LayoutNamesArg = Annotated[
    list[str] | None,
    typer.Argument(help="Layout names or folders (default: all shipped layouts)."),
]
UdgaveOpt = Annotated[
    int | None, typer.Option("--udgave", help="Edition (year) to use. Default: the newest.")
]
ColumnOpt = Annotated[
    list[str] | None,
    typer.Option("--column", help="Map a column of your file to ours: --column ny=gammel."),
]
ColumnsFileOpt = Annotated[
    Path | None,
    typer.Option("--columns-file", help='Column mapping file (TOML): [kolonner] ny = "gammel".'),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet", help="XLSX: the sheet to read (name, or number from 1). Default: first."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a machine-readable result on stdout.")]

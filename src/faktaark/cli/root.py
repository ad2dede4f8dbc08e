"""The root command and its groups, on which every command module registers its commands.

`faktaark.cli.app.app` is the complete command line: `app` defines build, list and validate;
`checks`, `data` and `review` register their commands on `root`, `data_app` and `layouts_app`
when imported, which `main` does only when they are asked for.
"""

from __future__ import annotations

from typing import Annotated

import typer

from faktaark._version import __version__
from faktaark.cli.common import _state

root = typer.Typer(
    name="faktaark",
    help="Print-ready PDF fact sheets about almene boliger for the 98 Danish municipalities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
layouts_app = typer.Typer(help="List and check layouts (layouts/<name>/).", no_args_is_help=True)
data_app = typer.Typer(help="Data helpers: example data, Statbank import.", no_args_is_help=True)
root.add_typer(layouts_app, name="layouts")
root.add_typer(data_app, name="data")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"faktaark {__version__}")
        raise typer.Exit()


@root.callback()
def main_callback(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    _state["debug"] = debug

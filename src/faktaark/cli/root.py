"""The root command and its groups, on which every command module registers its commands.

`faktaark.cli.app.app` is the complete command line: `app` defines build, list and validate;
`checks`, `data` and `review` register their commands on `root`, `data_app` and `layouts_app`
when imported, which `main` does only when they are asked for.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from faktaark._version import __version__
from faktaark.cli.common import _state

EXIT_CODES = (
    "Exit codes: 0 ok; 1 data, layout or build error (also a failed check, --strict with "
    "warnings, compare --strict with changes); 2 usage error (unknown option, municipality or "
    "layout; a malformed faktaark.toml); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM); "
    "129 hang-up (SIGHUP)."
)
GLOBAL_FLAGS = ("--debug",)


class FullHelpGroup(TyperGroup):
    """Lists every command with its whole first paragraph (click cuts it at ~45 characters
    with '...')."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            text = cmd.short_help or (cmd.help or "").split("\n\n", 1)[0]
            rows.append((name, " ".join(text.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


root = typer.Typer(
    name="faktaark",
    cls=FullHelpGroup,
    help="Print-ready PDF fact sheets about almene boliger for the 98 Danish municipalities.\n\n"
    "Defaults for every option can be set in faktaark.toml or [tool.faktaark] in "
    "pyproject.toml (searched upward from the working folder), overridden by FAKTAARK_* "
    "environment variables and then by flags; `faktaark config` shows what applies.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
layouts_app = typer.Typer(
    cls=FullHelpGroup, help="List and check layouts (layouts/<name>/).", no_args_is_help=True
)
data_app = typer.Typer(
    cls=FullHelpGroup, help="Data helpers: example data, Statbank import.", no_args_is_help=True
)
root.add_typer(layouts_app, name="layouts")
root.add_typer(data_app, name="data")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"faktaark {__version__}")
        raise typer.Exit()


@root.callback()
def main_callback(
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show tracebacks (also accepted after the command)."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    _state["debug"] = _state["debug"] or debug


def global_flags(args: list[str]) -> list[str]:
    """Take the global flags from anywhere on the command line (before a `--`), so that
    `faktaark build --debug ...` works as `faktaark --debug build ...` does."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" in args[:end]:
        _state["debug"] = True
    return [a for i, a in enumerate(args) if i >= end or a not in GLOBAL_FLAGS]

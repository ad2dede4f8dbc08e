"""The `faktaark` command line: a thin Typer layer over `faktaark.api`, one module per group of
commands (`app` the root and `build`, `list`, `validate`; `checks`, `data`, `review`).

`main` is the console entry point (`faktaark = "faktaark.cli:main"`), defined in
`faktaark.cli.console`, which imports nothing until it runs; the Typer application is
`faktaark.cli.app.app`.
"""

from __future__ import annotations

from faktaark.cli.console import main

__all__ = ["main"]

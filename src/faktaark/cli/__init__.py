"""The `faktaark` command line: a thin Typer layer over `faktaark.api`, one module per group of
commands (`app` the root and `build`, `list`, `validate`; `checks`, `data`, `review`).

`main` is the console entry point (`faktaark = "faktaark.cli:main"`); the Typer application
is `faktaark.cli.app.app`. Nothing is imported here until `main` runs.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """The `faktaark` console script."""
    from faktaark.cli.app import main as run

    run()

"""The `faktaark` command line: a thin Typer layer over `faktaark.api`, one module per group of
commands (`app` the root and `build`, `list`, `validate`; `checks`, `data`, `review`).

`main` is the console entry point (`faktaark = "faktaark.cli:main"`); the Typer application
is `faktaark.cli.app.app`. Nothing is imported here until `main` runs.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """The `faktaark` console script. A Ctrl-C or SIGTERM while the command line is still
    being imported ends it quietly (130, 143); then the commands' own handling takes over."""
    import os
    import signal
    import sys

    def early(signum: int, frame: object) -> None:
        # nothing is written yet; an exception raised in the middle of an import could surface
        # wrapped (RuntimeError from __set_name__) with a traceback, so leave at once
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, early)
    signal.signal(signal.SIGTERM, early)
    from faktaark.cli.app import main as run
    from faktaark.cli.common import _state, install_signals

    install_signals()
    try:
        run()
    except KeyboardInterrupt:  # before a command's own handling started (or after it ended)
        sys.stderr.write("Interrupted.\n")
        raise SystemExit(128 + (_state["signal"] or signal.SIGINT)) from None
    except SystemExit as exc:  # Typer's exit 130 for an interrupt it caught itself
        if _state["signal"] and exc.code in (1, 130):
            raise SystemExit(128 + _state["signal"]) from None
        raise
    finally:  # the work is done: a late Ctrl-C while Python shuts down changes nothing
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, early)

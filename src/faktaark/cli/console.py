"""The `faktaark` console script (`faktaark = "faktaark.cli:main"`; `faktaark.cli` re-exports
`main` from here, and `python -m faktaark` runs it too): signals first, then the command line
of `faktaark.cli.app`, or for a plain `build` the hand-off (`faktaark.cli.handoff`). Imports
nothing at module level, so the signal handlers are in place before anything slow is imported.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """The `faktaark` console script. A Ctrl-C or SIGTERM while the command line is still
    being imported ends it quietly (130, 143); then the commands' own handling takes over."""
    import contextlib
    import os
    import signal
    import sys

    def early(signum: int, frame: object) -> None:
        # nothing is written yet; an exception raised in the middle of an import could surface
        # wrapped (RuntimeError from __set_name__) with a traceback, so leave at once
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, early)
    signal.signal(signal.SIGTERM, early)
    from faktaark.cli.common import _state, install_signals
    from faktaark.cli.handoff import parse_build, run_build

    plain = parse_build(sys.argv[1:])  # a plain `build`: parsed without Typer (cli.handoff)
    if plain is None:
        from faktaark.cli.app import main as typer_main
    run = typer_main if plain is None else lambda: run_build(plain)

    def leave(code: int) -> None:
        # an interrupted run has recorded what it finished: leave without the interpreter's
        # exit handlers, which join worker-pool threads and could wait on a dead worker's pipe
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)

    install_signals()
    try:
        run()
    except KeyboardInterrupt:  # before a command's own handling started (or after it ended)
        sys.stderr.write("Interrupted.\n")
        leave(128 + (_state["signal"] or signal.SIGINT))
    except SystemExit as exc:  # Typer's exit 130 for an interrupt it caught itself
        if _state["signal"]:
            code = exc.code if isinstance(exc.code, int) else 1
            leave(128 + _state["signal"] if code in (1, 130) else code)
        raise
    finally:  # the work is done: a late Ctrl-C while Python shuts down changes nothing
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, early)

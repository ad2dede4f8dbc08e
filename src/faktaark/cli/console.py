"""The `faktaark` console script (`faktaark = "faktaark.cli:main"`; `faktaark.cli` re-exports
`main` from here, and `python -m faktaark` runs it too): signals and the standard streams
first (`faktaark.cli.streams`); then a plain `build` is parsed without Typer
(`faktaark.cli.handoff`) and every other command line goes to `faktaark.cli.app`. Imports
nothing at module level, so the signal handlers are in place before anything slow is imported.
"""

from __future__ import annotations

__all__ = ["main"]


def main(*, exit_quickly: bool | None = None) -> None:
    """The `faktaark` console script. A Ctrl-C, SIGTERM or SIGHUP while the command line is
    still being imported ends it quietly (130, 143, 129); then the commands' own handling
    takes over. A finished plain `build` leaves the process at once (`done`) when this process
    is the `faktaark` command (the console script or `python -m faktaark`; `exit_quickly=None`,
    the default) or `exit_quickly` is True; otherwise it raises `SystemExit` as every other
    command does: a notebook or a program that runs the command line inside itself goes on.
    """
    import contextlib
    import os
    import signal
    import sys

    def early(signum: int, frame: object) -> None:
        # nothing is written yet; an exception raised in the middle of an import could surface
        # wrapped (RuntimeError from __set_name__) with a traceback, so leave at once
        os._exit(128 + signum)

    stops = [signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)]
    for sig in stops:
        if sig is not None:
            signal.signal(sig, early)
    from faktaark.cli.common import _state, install_signals
    from faktaark.cli.handoff import parse_build, run_build
    from faktaark.cli.streams import finish, prepare, stdout_failure

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

    def say(message: str) -> None:
        with contextlib.suppress(Exception):
            if message:
                sys.stderr.write(message + "\n")

    def done(code: int) -> None:
        # a plain `build` has finished: every file is written and closed, the lock released,
        # the output flushed. Leave without the interpreter's clean-up, which for a batch took
        # 25-50 ms of its wall time (tearing down a few hundred modules and the sheets'
        # objects); first end the workers started early and never used (the exit handler's
        # work). The Typer commands keep the clean-up: some have temporary folders it removes.
        pool = sys.modules.get("faktaark.builder.pool")
        if pool is not None:
            pool.stop_standby()
        leave(code)

    prepare()  # a closed, full or ASCII-only stdout, a closed stderr: no traceback
    install_signals()
    try:
        run()
    except KeyboardInterrupt:  # before a command's own handling started (or after it ended)
        say("Interrupted.")
        leave(128 + (_state["signal"] or signal.SIGINT))
    except SystemExit as exc:  # Typer's exit 130 for an interrupt it caught itself
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        if _state["signal"]:
            leave(128 + _state["signal"] if code in (1, 130) else code)
        problem = finish()  # what is still buffered for stdout
        if problem is not None:
            say(problem)
            leave(code or 1)
        if plain is not None and (_is_the_command() if exit_quickly is None else exit_quickly):
            done(code)
        raise
    except OSError as exc:  # writing stdout failed (a full disk, /dev/full, closed)
        problem = stdout_failure(exc)
        if problem is None:
            raise
        say(problem)
        leave(1)
    finally:  # the work is done: a late Ctrl-C while Python shuts down changes nothing
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for sig in stops[1:]:
            if sig is not None:
                signal.signal(sig, early)


def _is_the_command() -> bool:
    """Is this process the `faktaark` command: its console script (`faktaark`, `faktaark.exe`)
    or `python -m faktaark` (not a notebook kernel, not a script that calls `main`)?"""
    import os
    import sys

    first = os.path.normcase(sys.argv[0] if sys.argv else "")
    name = os.path.basename(first)
    return os.path.splitext(name)[0] == "faktaark" or first.endswith(
        os.path.normcase(os.path.join("faktaark", "__main__.py"))
    )

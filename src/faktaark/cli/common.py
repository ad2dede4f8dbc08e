"""What the command modules share: the consoles, the settings, and how an error becomes one
paragraph on stderr and an exit code (0 ok, 1 data/layout error, 2 usage error, 130
interrupted; a traceback only with `--debug`).

Without Typer (its option types are in `faktaark.cli.options`): a plain `faktaark build` runs
without importing it (`faktaark.cli.handoff`). An exit is a `SystemExit`, which Typer lets
through unchanged, so a command exits the same way under Typer and without it."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from faktaark.errors import FaktaarkError, UsageError

if TYPE_CHECKING:
    from types import ModuleType

T = TypeVar("T")
_state: dict[str, Any] = {"debug": False, "signal": 0}


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM. A subclass, so that the interpreter does not re-raise SIGINT on
    itself at exit (it does for a bare KeyboardInterrupt) and the exit code stays ours."""


def stop_signals() -> list[int]:
    """The signals that stop a command as Ctrl-C does: SIGINT, SIGTERM (CI's time-out,
    `kill`) and, where there is one, SIGHUP (the terminal or SSH session closed)."""
    import signal

    hup = getattr(signal, "SIGHUP", None)  # POSIX only
    return [signal.SIGINT, signal.SIGTERM, *([hup] if hup is not None else [])]


def install_signals() -> None:
    """Ctrl-C raises KeyboardInterrupt; SIGTERM and SIGHUP do the same, so all stop the same
    way: finished sheets recorded in the manifest, exit 130, 143 or 129."""
    import signal

    def stop(signum: int, frame: object) -> None:
        _state["signal"] = signum
        raise Interrupted(signum)

    for sig in stop_signals():
        signal.signal(sig, stop)


def interrupted_exit() -> SystemExit:
    """The exit of an interrupted command: 130 after Ctrl-C, 128 + n after signal n."""
    return SystemExit(128 + (_state["signal"] or 2))


def _api() -> ModuleType:
    """`faktaark.api`, imported when a command needs it: `build --all` first starts its
    worker processes, whose imports then overlap with this one."""
    from faktaark import api

    return api


class _PlainStderr:
    """What rich's Console prints when stderr is not a terminal (CI logs, pipes), without
    importing rich (40 ms of a single sheet's start-up): markup tags are dropped."""

    _TAG = re.compile(r"\[/?[a-z ]*\]")

    def print(self, text: object = "", *, markup: bool = True, **_: object) -> None:
        line = str(text)
        if markup:
            line = self._TAG.sub("", line).replace("\\[", "[")
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.write(line + "\n")  # a closed or failing stderr: the exit code stays


def _err_console() -> Any:
    try:
        tty = sys.stderr.isatty()
    except (OSError, ValueError, AttributeError):  # closed
        tty = False
    if not tty:
        return _PlainStderr()
    from rich.console import Console

    # emoji=False: "almene.csv:100:" must not become an emoji
    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def _out_console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, emoji=False)


def _fail(exc: FaktaarkError) -> SystemExit:
    """Print an error as one paragraph on stderr; return the Exit to raise."""
    err = _err_console()
    text = f"{exc} {exc.advice}" if exc.advice else str(exc)  # the API's message, then advice
    if isinstance(err, _PlainStderr):
        err.print(f"Error: {text}", markup=False)
    else:
        from rich.markup import escape

        err.print(f"[bold red]Error:[/] {escape(text)}", markup=True, highlight=False)
    return SystemExit(exc.exit_code)


def _usage(message: str) -> NoReturn:
    """A usage error: one paragraph on stderr, exit 2."""
    raise _fail(UsageError(message))


def _run(fn: Callable[[], T]) -> T:
    """Call the API; turn FaktaarkError into one clear paragraph and an exit code."""
    try:
        return fn()
    except FaktaarkError as exc:
        if _state["debug"]:
            raise
        raise _fail(exc) from None
    except KeyboardInterrupt:
        _err_console().print("Interrupted.")
        raise interrupted_exit() from None


def _pairs(pairs: list[str] | None) -> list[tuple[str, str]] | None:
    """--column ny=gammel ... -> [(ny, gammel), ...] (None when not given)."""
    if not pairs:
        return None
    out: list[tuple[str, str]] = []
    for p in pairs:
        new, sep, old = p.partition("=")
        if not sep or not new or not old:
            raise UsageError(f"--column needs the form ny=gammel (our name=your name), got {p!r}")
        out.append((new.strip(), old.strip()))
    return out


def _settings(
    *, column: list[str] | None = None, columns_file: Path | None = None, **flags: object
) -> Any:
    """The resolved settings: built-in defaults < faktaark.toml < FAKTAARK_* < these flags
    (None: not given). `column` (the `--column ny=gammel` pairs) and `columns_file` are the
    column-map flags as a command takes them. See `faktaark.core.config`."""
    from faktaark.core.config import resolve

    if column is not None:
        flags["columns"] = _run(lambda: _pairs(column))
    if columns_file is not None:
        flags["columns-file"] = columns_file
    return _run(lambda: resolve(flags))


def _settings_columns(s: Any) -> dict[str, str] | None:
    """The column map of resolved settings: the columns file, then the single columns."""
    out: dict[str, str] = {}
    if s["columns-file"] is not None:
        from faktaark.api import read_columns_file

        out.update(_run(lambda: read_columns_file(s["columns-file"])))
    for new, old in s["columns"] or ():
        out[old] = new
    return out or None

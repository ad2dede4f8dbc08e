"""The hand-off: a plain `faktaark build ...` parsed without Typer.

Importing Typer and building its command costs a single sheet about a fifth of its time. A
command line that names `build` and only options of the list below, each in its plain form
(`--kommune Glostrup`, `--kommune=Glostrup`, `-k Glostrup`, a flag on its own), each once (the
repeatable ones as often as given), is parsed here and handed to the same function Typer calls
(`faktaark.cli.build.build_command`) with the same values. Anything else goes to Typer, which
then parses, helps and reports errors as it always did: `--help`, `--debug`, `--version`,
`--json`, `--format`, `--dry-run`, an unknown or repeated option, a value that is empty, starts
with `-` or is not a plain number where one is wanted, combined short flags, `--`, arguments,
shell completion, and a path Typer would refuse itself (one that exists and is not readable).

`tests/test_cli_handoff.py` holds the two parsers to the same values, and the commands to the
same output and exit codes, on many command lines.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["parse_build", "run_build"]

# option -> (parameter, kind): "one" a text, "many" a repeatable text, "int", "path"
_VALUES = {
    "--kommune": ("kommune", "many"), "-k": ("kommune", "many"),
    "--out": ("out", "path"), "-o": ("out", "path"),
    "--data": ("data", "many"), "-d": ("data", "many"),
    "--layout": ("layout", "one"), "-l": ("layout", "one"),
    "--udgave": ("udgave", "int"),
    "--print-standard": ("print_standard", "one"),
    "--column": ("column", "many"),
    "--columns-file": ("columns_file", "path"),
    "--sheet": ("sheet", "one"),
    "--validate": ("validate", "one"),
    "--jobs": ("jobs", "int"), "-j": ("jobs", "int"),
    "--combine": ("combine", "path"),
}  # fmt: skip
# flag -> (parameter, value)
_FLAGS = {
    "--all": ("all_", True), "--print": ("print_", True), "--no-print": ("print_", False),
    "--no-validate": ("no_validate", True), "--force": ("force", True),
    "--fail-fast": ("fail_fast", True), "--quiet": ("quiet", True), "-q": ("quiet", True),
    "--timings": ("timings", True), "--clean": ("clean", True), "--strict": ("strict", True),
}  # fmt: skip
# what Typer passes for an option not given
DEFAULTS: dict[str, Any] = {
    "kommune": None, "all_": False, "out": None, "data": None, "layout": None, "udgave": None,
    "print_": None, "print_standard": "x4", "column": None, "columns_file": None, "sheet": None,
    "no_validate": False, "validate": None, "jobs": None, "force": False, "fail_fast": False,
    "combine": None, "quiet": False, "timings": False, "dry_run": False, "clean": False,
    "strict": False, "as_json": False, "fmt": None,
}  # fmt: skip


def _plain(token: str) -> bool:
    """A value Typer takes as it is: not empty, not an option, no undecodable bytes."""
    return bool(token) and not token.startswith("-") and token.isprintable()


def _refused_path(value: str) -> bool:
    """A path Typer's path type would refuse itself: it exists and cannot be read."""
    try:
        os.stat(value)
    except (OSError, ValueError):
        return False  # missing (or unusable): Typer passes it on, as here
    return not os.access(value, os.R_OK)


def parse_build(args: list[str]) -> dict[str, Any] | None:
    """The parameters of `build_command` for a plain `build` command line (`args` without the
    program name), or None when Typer should parse it."""
    if not args or args[0] != "build" or os.name == "nt":
        return None
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return None  # a shell's completion request
    values: dict[str, Any] = {}
    rest = args[1:]
    i = 0
    while i < len(rest):
        token = rest[i]
        name, eq, attached = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in _FLAGS and not eq:
            param, flag = _FLAGS[name]
            if param in values:
                return None  # given twice (or --print with --no-print): Typer decides
            values[param] = flag
            i += 1
            continue
        if name not in _VALUES:
            return None
        param, kind = _VALUES[name]
        if eq:
            value = attached
        elif i + 1 < len(rest):
            value = rest[i + 1]
            i += 1
        else:
            return None
        i += 1
        if not _plain(value):
            return None
        if kind == "many":
            values.setdefault(param, []).append(value)
            continue
        if param in values:
            return None
        if kind == "int":
            if not (value.isascii() and value.isdigit()):
                return None
            values[param] = int(value)
        elif kind == "path":
            if _refused_path(value):
                return None
            values[param] = Path(value)
        else:
            values[param] = value
    return {**DEFAULTS, **values}


def _start_workers(params: dict[str, Any]) -> None:
    """A run of several sheets starts its worker processes now, before this process imports
    the command: their start-up overlaps with all of its own (the command starts them later
    otherwise, `build_command`). A setting that cannot be read leaves it to the command."""
    wanted = 98 if params["all_"] else len(set(params["kommune"] or ()))
    if wanted < 2 or params["jobs"] == 1:
        return
    jobs = params["jobs"]
    if jobs is None:  # faktaark.toml or FAKTAARK_JOBS may say
        from faktaark.core.config import resolve

        try:
            jobs = resolve({"jobs": None})["jobs"]
        except Exception:  # the command reports it
            return
    if jobs is None or (isinstance(jobs, int) and jobs > 1):
        from faktaark.builder.jobs import worker_count
        from faktaark.builder.pool import start_early

        start_early(worker_count(jobs, wanted) - 1)  # this process builds sheets too


def run_build(params: dict[str, Any]) -> None:
    """Run `build_command` as Typer runs a command: an interrupt that reaches here exits 130, a
    closed pipe on stdout exits 1 quietly, and a finished command exits 0. For one sheet the
    cyclic garbage collector is off (about 2 % of its instructions)."""
    import gc

    _start_workers(params)
    from faktaark.cli.build import build_command

    if params["kommune"] is not None and len(params["kommune"]) == 1 and not params["all_"]:
        # one sheet: a short-lived process whose garbage is a few MB; the cyclic collector
        # would walk every imported object several times (a batch tunes it itself)
        gc.disable()
    try:
        build_command(**params)
    except EOFError:
        sys.stderr.write("\nAborted!\n")
        sys.exit(1)
    except KeyboardInterrupt as exc:
        raise SystemExit(130) from exc
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper  # as Typer does, only in this case

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
    sys.exit(0)

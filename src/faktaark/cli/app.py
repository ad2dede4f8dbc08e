"""The `faktaark` command: a thin Typer layer over `faktaark.api`.

Each command parses its options, calls the API, prints the result (results on stdout,
progress and errors on stderr) and maps errors to exit codes: 0 ok, 1 data/layout error,
2 usage error, 130 interrupted. No traceback unless `--debug`.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from faktaark.cli.common import (
    _api,
    _err_console,
    _fail,
    _run,
    _settings,
    _settings_columns,
    _state,
)
from faktaark.cli.options import (
    ColumnOpt,
    ColumnsFileOpt,
    DataOpt,
    JsonOpt,
    KommuneOpt,
    LayoutOpt,
    SheetOpt,
    UdgaveOpt,
)
from faktaark.cli.output import FormatOpt, choose_format, emit_rows
from faktaark.cli.root import root
from faktaark.errors import FaktaarkError


@root.command()
def build(
    kommune: KommuneOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="Build all 98 municipalities.")] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (created). Default: faktaark/."),
    ] = None,
    data: DataOpt = None,
    layout: LayoutOpt = None,
    udgave: UdgaveOpt = None,
    print_: Annotated[
        bool | None,
        typer.Option(
            "--print/--no-print",
            help="Also write the print variant (-tryk.pdf: PDF/X-4 and PDF/A-2b, CMYK, 3 mm "
            "bleed, crop marks).",
            show_default=False,
        ),
    ] = None,
    print_standard: Annotated[
        str,
        typer.Option(
            "--print-standard",
            help="The print variant's PDF/X standard: x4 (PDF/X-4, also PDF/A-2b; default) "
            "or x1a (PDF/X-1a:2003, also PDF/A-2b).",
        ),
    ] = "x4",
    column: ColumnOpt = None,
    columns_file: ColumnsFileOpt = None,
    sheet: SheetOpt = None,
    no_validate: Annotated[
        bool,
        typer.Option("--no-validate", help="Skip PDF/A and PDF/UA validation (quick drafts)."),
    ] = False,
    validate: Annotated[
        str | None,
        typer.Option(
            "--validate",
            help="full: the PDF/A + PDF/UA validator on every sheet; sample (default): a "
            "structural check of every sheet and the full validator on the first and every "
            "32nd; fast: the structural check only; none: as --no-validate. A verdict is "
            "reused for identical bytes.",
        ),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Worker processes (default: cores).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild unchanged sheets too.")] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop at the first error.")
    ] = False,
    combine: Annotated[
        Path | None, typer.Option("--combine", help="Also write one PDF with all sheets.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only errors and the summary.")
    ] = False,
    timings: Annotated[
        bool, typer.Option("--timings", help="Record durations in the manifest.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Write nothing; list which sheets would be built, skipped as unchanged, or "
            "removed (with --clean), and why. With --json or --format: the same list.",
        ),
    ] = False,
    clean: Annotated[
        bool,
        typer.Option(
            "--clean",
            help="After the run, remove from --out the files no manifest lists (stale -tryk.pdf "
            "variants, sidecars, leftovers of an interrupted run). Only faktaark's own file "
            "names in that folder are touched; says what it removed.",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Stop on any error in the data. Default: a row with errors stops only the "
            "sheets that depend on it (its own; all, for a layout that compares "
            "municipalities); the others are built and its errors shown as warnings.",
        ),
    ] = False,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Build fact sheets: `faktaark build --kommune Glostrup` -> faktaark/161-glostrup.pdf.

    Defaults for --data, --sheet, --columns-file, --column, --layout, --udgave, --out, --jobs,
    --validate and --print come from faktaark.toml and FAKTAARK_* variables (see
    `faktaark config`)."""
    from faktaark.cli.build import build_command  # also run without Typer: cli.handoff

    build_command(
        kommune=kommune, all_=all_, out=out, data=data, layout=layout, udgave=udgave,
        print_=print_, print_standard=print_standard, column=column, columns_file=columns_file,
        sheet=sheet, no_validate=no_validate, validate=validate, jobs=jobs, force=force,
        fail_fast=fail_fast, combine=combine, quiet=quiet, timings=timings, dry_run=dry_run,
        clean=clean, strict=strict, as_json=as_json, fmt=fmt,
    )  # fmt: skip


@root.command("list")
def list_(
    data: DataOpt = None,
    layout: LayoutOpt = None,
    udgave: UdgaveOpt = None,
    sheet: SheetOpt = None,
    column: ColumnOpt = None,
    columns_file: ColumnsFileOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """The 98 municipalities: code, name, region, data source (officiel/eksempel)."""
    chosen = choose_format(fmt, as_json)
    s = _settings(data=data, sheet=sheet, udgave=udgave, column=column,
                  columns_file=columns_file, layout=layout)  # fmt: skip
    api = _api()
    rows = _run(
        lambda: api.list_kommuner(
            api.load(s["data"], columns=_settings_columns(s), sheet=s["sheet"],
                     layout=s["layout"]),
            udgave=s["udgave"],
        )
    )  # fmt: skip
    columns = [("kommunekode", "Code"), ("kommune", "Kommune"),
               ("officielt_navn", "Official name"), ("region", "Region"),
               ("datakilde", "Datakilde")]  # fmt: skip
    emit_rows(rows, columns, chosen, title="Municipalities", right=("kommunekode",))


@root.command()
def validate(
    data: DataOpt = None,
    layout: LayoutOpt = None,
    column: ColumnOpt = None,
    columns_file: ColumnsFileOpt = None,
    sheet: SheetOpt = None,
    previous: Annotated[
        list[Path] | None,
        typer.Option(
            "--previous",
            help="The previous edition (file or folder): warn on implausible changes since.",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when there are warnings (e.g. flags).")
    ] = False,
    as_json: JsonOpt = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="text (default): a summary on stderr; json: the result on stdout; csv: every "
            "warning as a row on stdout.",
            metavar="text|csv|json",
        ),
    ] = None,
) -> None:
    """Check the data files (every row, every column) by the kit's data dictionary (--layout;
    the default kit's) and build nothing."""
    chosen = (
        choose_format(fmt, as_json, ("text", "table", "csv", "json")) if fmt or as_json else "text"
    )
    as_json = chosen == "json"
    s = _settings(data=data, sheet=sheet, column=column,
                  columns_file=columns_file, layout=layout)  # fmt: skip
    try:
        cols = _settings_columns(s)
        ds = _api().validate(s["data"], columns=cols, sheet=s["sheet"], previous=previous or (),
                             layout=s["layout"])  # fmt: skip
    except FaktaarkError as exc:
        if as_json:
            typer.echo(
                json.dumps(
                    {"ok": False, "error": str(exc), "issues": [i.as_dict() for i in exc.issues]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            raise typer.Exit(exc.exit_code) from None
        if _state["debug"]:
            raise
        raise _fail(exc) from None
    n_eks = sum(1 for r in ds.records if ds.eksempel_sources(r))
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": True,
                    "rows": len(ds.records),
                    "eksempel": n_eks,
                    "udgaver": ds.udgaver,
                    "files": list(ds.files),
                    "warnings": [w.as_dict() for w in ds.warnings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        if strict and ds.warnings:
            raise typer.Exit(1)
        return
    if chosen == "csv":
        cols_ = [(k, k) for k in ("severity", "file", "row", "column", "kommune", "message")]
        emit_rows([w.as_dict() for w in ds.warnings], cols_, "csv")
    err = _err_console()
    for w in ds.warnings:
        err.print(f"Warning: {w}", markup=False, style="yellow")
    err.print(
        f"OK: {len(ds.records)} rows in {', '.join(ds.files)}; udgave "
        f"{', '.join(map(str, ds.udgaver))}; {n_eks} row(s) are example data (eksempel)."
    )
    if strict and ds.warnings:
        err.print(f"--strict: {len(ds.warnings)} warning(s); exit 1.", markup=False)
        raise typer.Exit(1)


def _complete() -> typer.Typer:
    """The root command with every command registered (the modules below register on it)."""
    # importing them registers their commands on `root` (`from faktaark.cli import checks`
    # would import this package's namespace: a cycle through `faktaark.cli.console`)
    import faktaark.cli.checks
    import faktaark.cli.data
    import faktaark.cli.kits
    import faktaark.cli.review  # noqa: F401

    return root


def __getattr__(name: str) -> typer.Typer:
    """`faktaark.cli.app.app`: the complete command line, with the commands of every module."""
    if name == "app":
        return _complete()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _own_command(args: list[str]) -> typer.Typer | None:
    """The root with just the command `args` name, when this module defines it and nothing
    before it asks the root for anything but --debug: building the click command of every
    command costs a single sheet ~10 ms. None for --help, no command, a group, a command of
    another module or an unknown one: those get the complete command line, so that help and
    error messages list and suggest every command."""
    i = 0
    while i < len(args) and args[i] == "--debug":
        i += 1
    if i == len(args) or args[i].startswith("-"):
        return None
    mine = [c for c in root.registered_commands if _name(c) == args[i]]
    if not mine:
        return None
    one = copy.copy(root)  # shallow: the original keeps all its commands and groups
    one.registered_commands = mine
    one.registered_groups = []
    # --install-completion/--show-completion belong to the root only (`faktaark
    # --install-completion` and the shell's completion requests, which name no command, get the
    # complete command line); leaving them off here saves a single sheet Typer's completion
    # classes (~1 ms)
    one._add_completion = False
    return one


def _name(command: Any) -> str | None:
    """A registered command's name, as Typer derives it (`list_` needs an explicit name)."""
    if command.name:
        return str(command.name)
    fn = command.callback
    return None if fn is None else fn.__name__.lower().replace("_", "-")


def main() -> None:
    from faktaark.cli.root import global_flags

    sys.argv[1:] = global_flags(sys.argv[1:])
    one = _own_command(sys.argv[1:])
    if one is not None:
        one()
    else:
        _complete()()

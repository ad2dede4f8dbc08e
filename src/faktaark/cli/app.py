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
    ColumnOpt,
    ColumnsFileOpt,
    DataOpt,
    JsonOpt,
    KommuneOpt,
    LayoutOpt,
    SheetOpt,
    UdgaveOpt,
    _api,
    _columns,
    _err_console,
    _fail,
    _out_console,
    _run,
    _state,
    _usage,
)
from faktaark.cli.root import root
from faktaark.errors import FaktaarkError


@root.command()
def build(
    kommune: KommuneOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="Build all 98 municipalities.")] = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created).")] = Path(
        "faktaark"
    ),
    data: DataOpt = None,
    layout: LayoutOpt = None,
    udgave: UdgaveOpt = None,
    print_: Annotated[
        bool,
        typer.Option(
            "--print",
            help="Also write the print variant (-tryk.pdf: CMYK, 3 mm bleed, crop marks).",
        ),
    ] = False,
    column: ColumnOpt = None,
    columns_file: ColumnsFileOpt = None,
    sheet: SheetOpt = None,
    no_validate: Annotated[
        bool,
        typer.Option("--no-validate", help="Skip PDF/A and PDF/UA validation (quick drafts)."),
    ] = False,
    validate: Annotated[
        str,
        typer.Option(
            "--validate",
            help="full: the PDF/A + PDF/UA validator on every sheet; sample (default): a "
            "structural check of every sheet and the full validator on the first and every "
            "32nd; fast: the structural check only. A verdict is reused for identical bytes.",
        ),
    ] = "sample",
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
    as_json: JsonOpt = False,
) -> None:
    """Build fact sheets: `faktaark build --kommune Glostrup` -> faktaark/161-glostrup.pdf."""
    if not kommune and not all_:
        _usage("Say which sheets to build: --kommune NAME (repeatable) or --all.")
    if kommune and all_:
        _usage("Use either --kommune or --all, not both.")
    if jobs is not None and jobs < 1:
        _usage(f"--jobs must be 1 or more, got {jobs}.")
    if (all_ or len(set(kommune or [])) > 1) and jobs != 1:
        from faktaark.builder.workers import start_workers_early

        start_workers_early()  # its imports overlap with loading the API and the data below
    api = _api()
    err = _err_console()
    targets = _run(lambda: api.resolve_kommuner(kommune or []) if kommune else None)
    prep = _run(
        lambda: api.prepare(
            data, columns=_columns(column, columns_file), sheet=sheet, udgave=udgave
        )
    )
    for w in [] if as_json else prep.dataset.warnings:
        err.print(f"Warning: {w}", markup=False)
    lay = _run(lambda: api.load_layout_for(layout, prep.dataset))
    todo = targets if targets is not None else api.resolve_kommuner()
    if validate not in ("full", "sample", "fast"):
        _usage(f"--validate must be full, sample or fast, got {validate!r}")
    from faktaark.cli.build import build_and_report

    build_and_report(
        todo, prep, lay, out, variants=("screen", "print") if print_ else ("screen",), jobs=jobs,
        validate="none" if no_validate else validate, force=force, fail_fast=fail_fast,
        timings=timings, quiet=quiet, as_json=as_json, combine=combine, err=err,
        inputs=[*(data or []), *([columns_file] if columns_file else []), lay.path],
    )  # fmt: skip


@root.command("list")
def list_(
    data: DataOpt = None,
    udgave: UdgaveOpt = None,
    sheet: SheetOpt = None,
    column: ColumnOpt = None,
    columns_file: ColumnsFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The 98 municipalities: code, name, region, data source (officiel/eksempel)."""
    cols = _run(lambda: _columns(column, columns_file))
    api = _api()
    rows = _run(lambda: api.list_kommuner(api.load(data, columns=cols, sheet=sheet), udgave=udgave))
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(title="Kommuner", show_lines=False)
    for col in ("Kode", "Kommune", "Officielt navn", "Region", "Datakilde"):
        table.add_column(col, justify="right" if col == "Kode" else "left")
    for r in rows:
        table.add_row(
            str(r["kommunekode"]),
            str(r["kommune"]),
            str(r["officielt_navn"]),
            str(r["region"]),
            str(r["datakilde"]),
        )
    _out_console().print(table)


@root.command()
def validate(
    data: DataOpt = None,
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
) -> None:
    """Check the data files (every row, every column) and build nothing."""
    try:
        cols = _columns(column, columns_file)
        ds = _api().load(data, columns=cols, sheet=sheet)
        if previous:
            ds = _api().flag_against_previous(previous, ds, cols, sheet)
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
    n_eks = sum(1 for r in ds.records if r.eksempel)
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
    from faktaark.cli import checks, data, review  # noqa: F401

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
    return one


def _name(command: Any) -> str | None:
    """A registered command's name, as Typer derives it (`list_` needs an explicit name)."""
    if command.name:
        return str(command.name)
    fn = command.callback
    return None if fn is None else fn.__name__.lower().replace("_", "-")


def main() -> None:
    one = _own_command(sys.argv[1:])
    if one is not None:
        one()
    else:
        _complete()()

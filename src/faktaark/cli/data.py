"""CLI commands about data: example data, import (Statbank), editions (diff). Registered on
`cli.root` (when imported: see `cli.app`, `cli.main`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from faktaark.cli.common import _err_console, _out_console, _run, _settings, _settings_columns
from faktaark.cli.options import (
    ColumnOpt,
    ColumnsFileOpt,
    DataOpt,
    JsonOpt,
    LayoutOpt,
    SheetOpt,
    UdgaveOpt,
)
from faktaark.cli.output import FormatOpt, choose_format
from faktaark.cli.root import data_app, root
from faktaark.errors import UsageError

if TYPE_CHECKING:
    from faktaark.data.editions import Change, DiffReport


@data_app.command("eksempel")
def data_eksempel(
    layout: LayoutOpt = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only the columns of this source of the kit (repeatable)."),
    ] = None,
    udgave: UdgaveOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The CSV file to write (atomically). Default: stdout."),
    ] = None,
) -> None:
    """Example figures for a kit (deterministic, plausible by its data dictionary, marked as
    example data in every row), to --out or stdout: a new kit can be built before its data
    exists."""
    from faktaark import api

    s = _settings(layout=layout, udgave=udgave)
    text = _run(lambda: api.example_data(s["layout"], source or None, s["udgave"]))
    if out is None:
        sys.stdout.write(text)
    else:
        _run(lambda: api.write_file(out, text.encode("utf-8")))


@data_app.command("bundled")
def data_bundled(
    layout: LayoutOpt = None,
    source: Annotated[
        str | None, typer.Option("--source", help="The kit's source (when it has several).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The file to write (atomically). Default: stdout."),
    ] = None,
) -> None:
    """The figures file a kit ships (for the default kit data/almene.csv: Glostrup's real
    figures and example figures for the other 97), to --out or stdout: a copy to start your
    own from, or last edition's file to compare with."""
    from faktaark import api

    s = _settings(layout=layout)
    data = _run(lambda: api.bundled_data(s["layout"], source))
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        _run(lambda: api.write_file(out, data))


@data_app.command("statbank")
def data_statbank(
    table: Annotated[
        str,
        typer.Argument(
            help="Statbank table: FOLK1A (population), or a table the kit's columns name "
            "(BOL101 for the default kit)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write (CSV).")],
    tid: Annotated[
        str | None,
        typer.Option("--tid", help="Year (FOLK1A: 1 January, K1). Default: the newest."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Ask Statbank for csv or jsonstat.")] = "csv",
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per request.")] = 30.0,
    response: Annotated[
        Path | None,
        typer.Option("--response", help="Convert a saved Statbank answer instead of fetching."),
    ] = None,
    layout: LayoutOpt = None,
) -> None:
    """Fetch FOLK1A (population) or a table the kit's data dictionary maps columns to (for
    the default kit BOL101: the housing stock) from Statbank into a --data file, with a
    provenance note next to it (FILE.SOURCE.txt)."""
    from faktaark import api

    s = _settings(layout=layout)
    fetched = _run(
        lambda: api.statbank_import(
            table, out, tid=tid, fmt=fmt, timeout=timeout, response=response,
            layout=s["layout"],
        )
    )  # fmt: skip
    note = out.with_name(out.name + ".SOURCE.txt")
    err = _err_console()
    for n in fetched.notes:
        err.print(f"Note: {n}", markup=False)
    years = sorted({str(c) for r in fetched.rows for h, c in zip(fetched.header, r, strict=True)
                    if h == "aar" or h.endswith("_aar")})  # fmt: skip
    err.print(
        f"{out}: {len(fetched.rows)} rows, {fetched.table} {', '.join(years)} (table updated "
        f"{fetched.updated or 'unknown'}); provenance in {note.name}",
        markup=False,
    )


@root.command("diff")
def diff(
    data: DataOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only the flagged changes.")] = False,
    all_: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Also list the years that only moved on with the edition (*_aar +1), which "
            "are otherwise one summary line.",
        ),
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when anything is flagged.")] = (
        False
    ),
    column: ColumnOpt = None,
    columns_file: ColumnsFileOpt = None,
    sheet: SheetOpt = None,
    layout: LayoutOpt = None,
) -> None:
    """Compare two editions: `faktaark diff --data OLD --data NEW` (files or folders), or one
    --data holding two editions. Flags implausible jumps, sign flips, sums that no longer
    add up, municipalities that appear or vanish. The flagged changes come first; years
    that only moved on with the edition are one summary line (--all lists them)."""
    from faktaark import api

    chosen = choose_format(fmt, as_json)

    # the editions are always flags; sheet and column map may come from faktaark.toml
    s = _settings(sheet=sheet, column=column, layout=layout,
                  columns_file=columns_file)  # fmt: skip

    def go() -> DiffReport:
        if not data:
            raise UsageError("Give the editions: --data OLD --data NEW (files or folders).")
        return api.diff_editions(
            data, columns=_settings_columns(s), sheet=s["sheet"], layout=s["layout"]
        )

    report = _run(go)
    rows = report.listed(all_=all_, flagged_only=flagged)
    if chosen == "csv":
        typer.echo(report.to_csv(rows), nl=False)
    elif chosen == "json":
        typer.echo(report.to_json(rows))
    else:
        _print_table(report, rows, flagged)
    err = _err_console()
    moves = report.year_moves()
    if moves and not all_ and not flagged:
        step = report.new_udgave - report.old_udgave
        err.print(
            f"{len(moves)} year figure(s) (*_aar) only moved on with the edition (+{step}) in "
            f"{len({c.kommunekode for c in moves})} municipalities: not listed; --all lists "
            "them.",
            markup=False,
        )
    err.print(report.summary(), markup=False)
    if strict and report.flagged:
        raise typer.Exit(1)


def _print_table(report: DiffReport, rows: list[Change], flagged: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    shown = [c for c in rows if c.flags or c.aendring]
    table = Table(title=f"udgave {report.old_udgave} → {report.new_udgave}", show_lines=False)
    for col in ("Code", "Municipality", "Figure", "Old", "New", "Change", "%", "Flag", "Message"):
        right = col in ("Code", "Old", "New", "Change", "%")
        table.add_column(col, justify="right" if right else "left", no_wrap=col != "Message")

    for c in shown:
        code, kommune, figur, old, new, change, pct, flags, besked = c.cells()
        style = "bold red" if c.flags else ""
        table.add_row(
            code, Text(kommune), figur, old, new, change, pct, Text(flags, style=style),
            Text(besked),
        )  # fmt: skip
    console = _out_console()
    if not console.is_terminal:
        console.width = 220  # a file or a pipe: no need to squeeze the table into 80 columns
    console.print(table)
    hidden = len(rows) - len(shown)
    if hidden and not flagged:
        _err_console().print(
            f"{hidden} unchanged figure(s) not shown; --format csv or json lists every figure.",
            markup=False,
        )

"""CLI commands about data: example data, import (Statbank), editions (diff). Registered on
`cli.root` (when imported: see `cli.app`, `cli.main`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from faktaark.cli import data_app, root
from faktaark.cli_common import (
    ColumnOpt,
    ColumnsFileOpt,
    DataOpt,
    SheetOpt,
    _columns,
    _err_console,
    _out_console,
    _run,
)
from faktaark.errors import InputError, UsageError

if TYPE_CHECKING:
    from faktaark.diff import Change, DiffReport

FORMATS = ("table", "csv", "json")


@data_app.command("eksempel")
def data_eksempel(out: Annotated[Path | None, typer.Option("--out", "-o")] = None) -> None:
    """Regenerate the example figures (deterministic) to --out or stdout."""
    from faktaark.eksempeldata import generate, to_csv

    text = to_csv(generate())
    if out is None:
        sys.stdout.write(text)
    else:
        from faktaark.pipeline import write_atomic

        write_atomic(out, text.encode("utf-8"))


@data_app.command("statbank")
def data_statbank(
    table: Annotated[str, typer.Argument(help="Statbank table: FOLK1A or BOL101.")],
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
) -> None:
    """Fetch FOLK1A (population) or BOL101 (dwellings) from Statbank into a --data file,
    with a provenance note next to it (FILE.SOURCE.txt)."""
    from faktaark import statbank
    from faktaark.pipeline import write_atomic

    def go() -> statbank.Fetched:
        if out.is_dir() or out.suffix.lower() != ".csv":
            raise UsageError(f"--out {out}: give a file name ending in .csv (the import is CSV).")
        saved = None
        if response is not None:
            if not response.is_file():
                raise InputError(f"{response}: file not found (--response).")
            if response.stat().st_size > statbank.MAX_RESPONSE:
                raise InputError(f"{response}: larger than 50 MB; not a Statbank answer.")
            saved = response.read_bytes()
        return statbank.fetch(table, tid, fmt, timeout=timeout, response=saved)

    fetched = _run(go)
    note = out.with_name(out.name + ".SOURCE.txt")

    def write() -> None:
        try:
            write_atomic(out, fetched.csv_bytes())
            write_atomic(note, statbank.provenance_text(fetched, out.name).encode("utf-8"))
        except OSError as exc:
            raise InputError(f"{out}: cannot write the file: {exc}") from exc

    _run(write)
    err = _err_console()
    for n in fetched.notes:
        err.print(f"Note: {n}", markup=False)
    years = sorted({str(r[3]) for r in fetched.rows})
    err.print(
        f"{out}: {len(fetched.rows)} rows, {fetched.table} {', '.join(years)} (table updated "
        f"{fetched.updated or 'unknown'}); provenance in {note.name}",
        markup=False,
    )


@root.command("diff")
def diff(
    data: DataOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table (terminal), csv or json.")] = "table",
    flagged: Annotated[bool, typer.Option("--flagged", help="Only the flagged changes.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when anything is flagged.")] = (
        False
    ),
    column: ColumnOpt = None,
    columns_file: ColumnsFileOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Compare two editions: `faktaark diff --data OLD --data NEW` (files or folders), or one
    --data holding two editions. Flags implausible jumps, sign flips, sums that no longer
    add up, municipalities that appear or vanish."""
    from faktaark import diff as d

    def go() -> d.DiffReport:
        if fmt not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}.")
        if not data:
            raise UsageError("Give the editions: --data OLD --data NEW (files or folders).")
        old, new = d.load_pair(data, _columns(column, columns_file), sheet)
        return d.compare(old, new)

    report = _run(go)
    rows = report.flagged if flagged else list(report.changes)
    if fmt == "csv":
        typer.echo(report.to_csv(rows), nl=False)
    elif fmt == "json":
        typer.echo(report.to_json(rows))
    else:
        _print_table(report, rows, flagged)
    _err_console().print(report.summary(), markup=False)
    if strict and report.flagged:
        raise typer.Exit(1)


def _print_table(report: DiffReport, rows: list[Change], flagged: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from faktaark.diff import NATIONAL, display
    from faktaark.numbers import tal

    shown = [c for c in rows if c.flags or c.aendring]
    table = Table(title=f"udgave {report.old_udgave} → {report.new_udgave}", show_lines=False)
    for col in ("Kode", "Kommune", "Figur", "Gammel", "Ny", "Ændring", "%", "Flag", "Besked"):
        right = col in ("Kode", "Gammel", "Ny", "Ændring", "%")
        table.add_column(col, justify="right" if right else "left", no_wrap=col != "Besked")

    for c in shown:
        style = "bold red" if c.flags else ""
        table.add_row(
            "" if c.kommune == NATIONAL else str(c.kommunekode),
            Text(c.kommune),
            c.figur,
            display(c.gammel, c.figur, "–"),
            display(c.ny, c.figur, "–"),
            display(c.aendring, c.figur if c.figur in ("udgave", "*") else "", "–"),
            "" if c.aendring_pct is None else tal(c.aendring_pct, 1),
            Text(", ".join(c.flags), style=style),
            Text(c.besked),
        )
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

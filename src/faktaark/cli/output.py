"""One machine-readable output everywhere: `--format table|csv|json` on every command that
prints data (`--json` kept as a synonym); a table on a terminal, CSV in a pipe; integers stay
integers in CSV."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from faktaark.cli.common import _out_console, _usage

__all__ = ["FORMATS", "FormatOpt", "choose_format", "csv_cell", "emit_json", "emit_rows"]

FORMATS = ("table", "csv", "json")
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table, csv or json. Default: a table on a terminal, CSV in a pipe or file.",
        metavar="table|csv|json",
    ),
]


def choose_format(fmt: str | None, as_json: bool = False, allowed: Sequence[str] = FORMATS) -> str:
    """The format asked for: `--json` means `--format json`; none given: a table on a
    terminal, CSV otherwise."""
    if as_json:
        if fmt not in (None, "json"):
            _usage(f"--json and --format {fmt} contradict each other; give one.")
        return "json"
    if fmt is None:
        return "table" if sys.stdout.isatty() else "csv"
    if fmt not in allowed:
        _usage(f"--format must be one of {', '.join(allowed)}, got {fmt!r}.")
    return fmt


def csv_cell(value: object) -> object:
    """A CSV cell: integers (also integral floats of count columns) without '.0', None empty,
    lists joined with '; '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(csv_cell(v)) for v in value)
    return value


def emit_json(doc: object) -> None:
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def emit_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    fmt: str,
    *,
    title: str | None = None,
    json_doc: object = None,
    right: Sequence[str] = (),
) -> None:
    """Print `rows` (dicts) as a table, CSV (header = the keys) or JSON (`json_doc`, default
    the rows). `columns`: (key, table header) in order; `right`: keys aligned right."""
    if fmt == "json":
        emit_json(list(rows) if json_doc is None else json_doc)
        return
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for r in rows:
            writer.writerow([csv_cell(r.get(key)) for key, _ in columns])
        sys.stdout.write(buf.getvalue())
        return
    from rich.table import Table

    table = Table(title=title)
    for key, header in columns:
        table.add_column(header, justify="right" if key in right else "left", overflow="fold")
    for r in rows:
        table.add_row(*(_table_cell(r.get(key)) for key, _ in columns))
    _out_console().print(table)


def _table_cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return str(value)

"""CLI commands for review and scripting: indicators, preview, contact sheet, compare.

Registered on `faktaark.cli.root.root` when imported (see `cli.app`). Like every command they only
parse options, call `faktaark.api` and print: results on stdout, progress on stderr.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from faktaark import api
from faktaark.cli.common import (
    _err_console,
    _out_console,
    _run,
    _settings,
    _settings_columns,
    _usage,
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
from faktaark.cli.output import FormatOpt, choose_format, emit_json, emit_rows
from faktaark.cli.root import root

if TYPE_CHECKING:
    from faktaark.review.compare import CompareReport
    from faktaark.review.watch import Snapshot

TRANSPOSE_UP_TO = 5  # municipalities: up to this many, the table has one column per kommune


def _number(value: object) -> str:
    """A cell of the indicator table: machine notation, floats rounded to 2 decimals."""
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


@root.command()
def indicators(
    kommune: KommuneOpt = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table | csv | json | parquet. Default: from --out's suffix; a table on a "
            "terminal, CSV in a pipe. The table rounds to 2 decimals; files keep every digit.",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file (Parquet needs one).")
    ] = None,
    data: DataOpt = None,
    layout: LayoutOpt = None,
    udgave: UdgaveOpt = None,
    column: ColumnOpt = None,
    columns_file: ColumnsFileOpt = None,
    sheet: SheetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The derived indicators of every municipality (or of --kommune ...), as the kit's data
    dictionary declares them (--layout; the default kit's)."""
    if as_json:
        if fmt not in (None, "json"):
            _usage(f"--json and --format {fmt} contradict each other; give one.")
        fmt = "json"
    s = _settings(data=data, sheet=sheet, udgave=udgave, column=column,
                  columns_file=columns_file, layout=layout)  # fmt: skip
    frame = _run(
        lambda: api.indicators(
            api.load(s["data"], columns=_settings_columns(s), sheet=s["sheet"], layout=s["layout"]),
            kommune=kommune or None,
            udgave=s["udgave"],
        )
    )
    chosen = fmt or (None if out else ("table" if sys.stdout.isatty() else "csv"))
    if chosen != "table":
        text = _run(lambda: api.write_indicators(frame, chosen, out))
        if text is not None:
            sys.stdout.write(text)
        else:
            _err_console().print(f"{out}: {frame.height} municipalities, {frame.width} columns")
        return
    if out is not None:
        _usage("--format table prints to the terminal; write files as csv, json or parquet.")
    from rich.table import Table

    rows = frame.to_dicts()
    table = Table(title=f"Indicators, udgave {rows[0]['udgave'] if rows else ''}")
    if len(rows) <= TRANSPOSE_UP_TO:  # one row per indicator, one column per municipality
        table.add_column("indikator")
        for r in rows:
            table.add_column(str(r["kommune"]), justify="right")
        for name in frame.columns:
            if name not in ("kommune", "udgave"):
                table.add_row(name, *(_number(r[name]) for r in rows))
    else:  # one row per municipality; numbers are never cut, headers fold
        names = [c for c in frame.columns if c not in ("region", "udgave", "datakilde")]
        cells = [[_number(r[name]) for name in names] for r in rows]
        widths = [max(4, *(len(row[i]) for row in cells)) for i in range(len(names))]
        for name, width in zip(names, widths, strict=True):
            table.add_column(name, justify="left" if name == "kommune" else "right",
                             min_width=width, overflow="fold")  # fmt: skip
        for row in cells:
            table.add_row(*row)
        console = _out_console()
        console.width = max(console.width, sum(widths) + 3 * len(widths) + 1)
        console.print(table)
        return
    _out_console().print(table)


@root.command()
def preview(
    kommune: KommuneOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the PNGs (created).")] = Path(
        "faktaark"
    ),
    dpi: Annotated[float, typer.Option("--dpi", help="Resolution of the PNGs.", min=10)] = 100,
    data: DataOpt = None,
    layout: LayoutOpt = None,
    udgave: UdgaveOpt = None,
    column: ColumnOpt = None,
    columns_file: ColumnsFileOpt = None,
    sheet: SheetOpt = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            "-w",
            help="Serve the pages on a local web page (127.0.0.1) and rebuild them on every "
            "save of a layout, text or data file; the page refreshes by itself.",
        ),
    ] = False,
    open_: Annotated[
        bool, typer.Option("--open", help="With --watch: open the page in a browser.")
    ] = False,
    port: Annotated[
        int, typer.Option("--port", help="With --watch: the port (default: a free one).", min=0)
    ] = 0,
) -> None:
    """PNGs of both pages of a sheet: faktaark/161-glostrup-side1.png ... (paths on stdout).

    With --watch: a live preview for layout authors. The URL is printed on stdout; every save
    of a layout, text, data or column-map file rebuilds the sheets, and a fit or validation
    error is shown on the page (naming the box) while the server keeps running. Ctrl-C stops."""
    if not kommune:
        _usage("Say which sheet to preview: --kommune NAME (repeatable).")
    s = _settings(data=data, sheet=sheet, udgave=udgave, layout=layout, column=column,
                  columns_file=columns_file)  # fmt: skip
    if watch:
        _watch(kommune, s["data"], s["layout"], s["udgave"], _settings_columns(s),
               s["columns-file"], s["sheet"], dpi, open_, port)  # fmt: skip
        return
    if open_ or port:
        _usage("--open and --port go with --watch.")
    t0 = time.perf_counter()
    prep = _run(
        lambda: api.prepare(
            s["data"], columns=_settings_columns(s), udgave=s["udgave"], sheet=s["sheet"],
            layout=s["layout"],
        )
    )  # fmt: skip
    lay = _run(lambda: api.load_layout_for(s["layout"], prep.dataset))
    for k in kommune or []:
        paths = _run(
            lambda k=k: api.preview_pages(  # type: ignore[misc]
                k, data=prep, layout=lay, out=out, dpi=dpi
            )
        )
        for p in paths:
            typer.echo(str(p))
    _err_console().print(f"{len(kommune or [])} sheet(s) in {time.perf_counter() - t0:.2f} s")


def _watch(
    kommune: list[str], data: list[Path] | None, layout: str | None, udgave: int | None,
    columns: dict[str, str] | None, columns_file: Path | None, sheet: str | None, dpi: float,
    open_browser: bool, port: int,
) -> None:  # fmt: skip
    err = _err_console()

    def report(snap: Snapshot) -> None:
        what = ", ".join(Path(c).name for c in snap.changed) or "start"
        if snap.error:
            err.print(f"[{what}] error: {snap.error}", markup=False)
        else:
            err.print(f"[{what}] built {len(snap.pages)} page(s) in {snap.built_ms:.0f} ms",
                      markup=False)  # fmt: skip

    try:
        server = _run(
            lambda: api.preview_server(
                kommune,
                data=data,
                layout=layout,
                columns_file=columns_file,
                dpi=dpi,
                port=port,
                on_rebuild=report,
                udgave=udgave,
                columns=columns,
                sheet=sheet,
            )
        )
    except OSError as exc:
        _usage(f"--port {port}: cannot listen on 127.0.0.1: {exc.strerror or exc}")
    server.start()  # the first build, then serving and watching
    typer.echo(server.url)
    sys.stdout.flush()
    err.print(f"Watching {len(server.paths)} path(s); Ctrl-C stops.", markup=False)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.wait()
    except KeyboardInterrupt:
        err.print("Stopped.", markup=False)
        raise typer.Exit(130) from None


@root.command("contact-sheet")
def contact_sheet(
    folder: Annotated[Path, typer.Argument(help="A batch's folder of sheets (faktaark/).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The overview PDF.")] = Path(
        "oversigt.pdf"
    ),
    png: Annotated[bool, typer.Option("--png", help="Also a PNG of each page.")] = False,
    columns: Annotated[int, typer.Option("--columns", help="Sheets per row.", min=1)] = 5,
    rows: Annotated[int, typer.Option("--rows", help="Rows of sheets per page.", min=1)] = 4,
    as_json: JsonOpt = False,
) -> None:
    """One overview of all sheets in FOLDER: labelled thumbnails of every page (paths on stdout)."""
    t0 = time.perf_counter()
    sheet = _run(lambda: api.contact_sheet(folder, out, png=png, columns=columns, rows=rows))
    if as_json:
        emit_json({"pdf": str(sheet.pdf), "pngs": [str(p) for p in sheet.pngs],
                   "pages": sheet.pages, "sheets": len(sheet.labels),
                   "labels": list(sheet.labels)})  # fmt: skip
        return
    for p in (sheet.pdf, *sheet.pngs):
        typer.echo(str(p))
    _err_console().print(
        f"{len(sheet.labels)} sheet(s) on {sheet.pages} page(s) in {time.perf_counter() - t0:.2f} s"
    )


@root.command()
def compare(
    old: Annotated[Path, typer.Argument(help="Folder of the old edition's sheets.")],
    new: Annotated[Path, typer.Argument(help="Folder of the new edition's sheets.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the difference images.")
    ] = Path("sammenligning"),
    dpi: Annotated[float, typer.Option("--dpi", help="Resolution of the comparison.", min=10)] = 72,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any sheet changed (for CI).")
    ] = False,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Which sheets changed between two batches: pages compared as images, a difference image
    per changed page, the printed values that changed. Exit 0 either way, unless --strict."""
    t0 = time.perf_counter()
    chosen = choose_format(fmt, as_json)
    report = _run(lambda: api.compare(old, new, out=out, dpi=dpi))
    _compare_output(report, chosen)
    _err_console().print(f"compared in {time.perf_counter() - t0:.2f} s", markup=False)
    if strict and not report.unchanged:
        _err_console().print(
            f"--strict: {len(report.changes)} sheet(s) changed; exit 1.", markup=False
        )
        raise typer.Exit(1)


def _compare_output(report: CompareReport, chosen: str) -> None:
    if chosen == "json":
        emit_json(report.as_dict())
        return
    if chosen == "csv":
        rows = [{"sheet": c.label, "file": c.file, "status": c.status,
                 "pages": [p.page for p in c.pages], "pixels": [p.pixels for p in c.pages],
                 "values_changed": list(c.figures),
                 "difference_images": [p.image or p.note for p in c.pages]}
                for c in report.changes]  # fmt: skip
        keys = ("sheet", "file", "status", "pages", "pixels", "values_changed",
                "difference_images")  # fmt: skip
        emit_rows(rows, [(k, k) for k in keys], "csv")
        return
    if report.unchanged:
        typer.echo(f"no changes: {report.compared} sheet(s) compared, every page identical")
        return
    from rich.table import Table

    table = Table(title=f"{len(report.changes)} of {report.compared} sheet(s) changed")
    for col in ("sheet", "status", "pages", "pixels", "values changed", "difference images"):
        table.add_column(col, justify="right" if col in ("pages", "pixels") else "left",
                         overflow="fold")  # fmt: skip
    for c in report.changes:
        table.add_row(
            f"{c.label} ({c.file})",
            c.status,
            ", ".join(str(p.page) for p in c.pages),
            ", ".join(f"{p.pixels}" for p in c.pages),
            "\n".join(c.figures),
            "\n".join(p.image or p.note for p in c.pages),
        )
    _out_console().print(table)

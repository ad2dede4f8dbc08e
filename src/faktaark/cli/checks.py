"""CLI commands that check things: PDFs (`check`) and layouts (`layouts list`, `layouts check`).

Registered on `cli.root` and `cli.layouts_app` when imported (see `cli.app`, `cli.main`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from faktaark import api
from faktaark.cli.common import (
    DataOpt,
    JsonOpt,
    UdgaveOpt,
    _err_console,
    _out_console,
    _run,
)
from faktaark.cli.root import layouts_app, root


@root.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="PDF files to inspect.")],
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip the PDF/A and PDF/UA validators.")
    ] = False,
    print_: Annotated[
        bool,
        typer.Option(
            "--print", help="Preflight print files as a print shop does (= faktaark preflight)."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Inspect PDFs: pages, size, boxes, fonts, colour spaces, image dpi, PDF/A and PDF/UA."""
    if print_:
        preflight(files, as_json)
        return
    reports = _run(lambda: api.check_pdf(files, validate=not no_validate))
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        out = _out_console()
        for r in reports:
            sizes = ", ".join(f"{w:g} × {h:g} mm" for w, h in dict.fromkeys(r.page_size_mm))
            out.print(f"[bold]{r.path}[/]: {r.pages} sider, {sizes}", markup=True)
            for name, box in r.boxes.items():
                out.print(f"  {name}: {box}")
            fonts = ", ".join(
                f"{f['name'].lstrip('/')}{'' if f['embedded'] else ' (NOT embedded)'}"
                for f in r.fonts
            )
            out.print(f"  fonts: {fonts}")
            out.print(f"  colour spaces: {', '.join(r.color_spaces) or '-'}")
            out.print(f"  tagged: {'yes' if r.tagged else 'no'}")
            for name, verdict in r.verdicts.items():
                out.print(f"  {name}: {verdict}")
            for problem in r.problems:
                out.print(f"  [red]problem:[/] {problem}", markup=True)
            out.print("  OK" if r.ok else "  NOT OK")
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


@root.command()
def preflight(
    files: Annotated[list[Path], typer.Argument(help="Print PDFs to preflight.")],
    as_json: JsonOpt = False,
) -> None:
    """Preflight print PDFs: page boxes, ink coverage, small and white text, overprint, thin
    strokes, registration colour, PDF/X and PDF/A identification, annotations in the trim.
    Exit 1 if any file breaks a rule or cannot be read (one line naming the file)."""
    reports = _run(lambda: api.preflight(files))
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        out, err = _out_console(), _err_console()
        for r in reports:
            if r.error is not None:
                err.print(r.summary(), markup=False)
            else:
                out.print("\n".join(r.lines()), markup=False, highlight=False)
        bad = [r for r in reports if not r.ok]
        err.print(
            f"Preflight: {len(reports) - len(bad)} of {len(reports)} file(s) pass.", markup=False
        )
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


@layouts_app.command("list")
def layouts_list() -> None:
    """The shipped layouts."""

    for path in api.available_layouts():
        desc = _run(lambda p=path: api.describe_layout(p))  # type: ignore[misc]
        typer.echo(f"{path.name}\t{desc}")


@layouts_app.command("check")
def layouts_check(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Layout names or folders (default: all shipped layouts)."),
    ] = None,
    data: DataOpt = None,
    udgave: UdgaveOpt = None,
) -> None:
    """Plan each layout for all 98 and worst cases; list the tightest boxes; check the print
    colour rules; exit 1 on an overflow or a broken print colour rule."""
    from rich.markup import escape
    from rich.table import Table

    targets: list[str] = list(names or [str(p) for p in api.available_layouts()])
    out, err = _out_console(), _err_console()
    failed = False
    for name in targets:
        report = _run(lambda n=name: api.fit_check(n, data=data, udgave=udgave))  # type: ignore[misc]
        table = Table(title=f"{report.layout}: {report.sheets} sheets, tightest boxes")
        for col in ("Side", "Boks", "Plads tilbage", "Skala", "Strammest for"):
            table.add_column(
                col, justify="right" if col in ("Side", "Plads tilbage", "Skala") else "left"
            )
        for r in report.tightest():
            table.add_row(
                str(r.page), r.box, f"{r.room / 72 * 25.4:.1f} mm", f"{r.scale:.2f}", r.kommune
            )
        out.print(table)
        for f in report.failures:
            err.print(f"[bold red]Overflow:[/] {f}", markup=True)
        for p in report.print_colours:
            err.print(f"[bold red]Print colour:[/] {escape(p)}", markup=True)
        if report.failures:
            err.print(f"{report.layout}: {len(report.failures)} sheet(s) do not fit.")
        else:
            err.print(f"{report.layout}: all {report.sheets} sheets fit.")
        if report.print_colours:
            n = len(report.print_colours)
            err.print(f"{report.layout}: {n} print colour rule(s) broken (see the README).")
        failed = failed or not report.ok
    if failed:
        raise typer.Exit(1)

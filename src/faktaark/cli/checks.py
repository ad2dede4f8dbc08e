"""CLI commands that check things: PDFs (`check`), layouts (`layouts list`, `layouts check`)
and the typographic proof of every sheet (`proof`).

Registered on `cli.root` and `cli.layouts_app` when imported (see `cli.app`, `cli.main`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from faktaark.review.proof import ProofReport


@root.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="PDF files to inspect.")],
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip the PDF/A and PDF/UA validators.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Inspect PDFs: pages, size, boxes, fonts, colour spaces, image dpi, PDF/A and PDF/UA."""
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
    """Plan each layout for all 98 and worst cases; list the tightest boxes; exit 1 on overflow."""
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
        if report.failures:
            failed = True
            err.print(f"{report.layout}: {len(report.failures)} sheet(s) do not fit.")
        else:
            err.print(f"{report.layout}: all {report.sheets} sheets fit.")
    if failed:
        raise typer.Exit(1)


@root.command()
def proof(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Layout names or folders (default: all shipped layouts)."),
    ] = None,
    data: DataOpt = None,
    udgave: UdgaveOpt = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 1 on a breach of any rule, not only the hard ones."),
    ] = False,
    skip: Annotated[
        list[str] | None, typer.Option("--skip", help="Leave out a rule (by id); repeatable.")
    ] = None,
    worst: Annotated[int, typer.Option("--worst", help="Offenders shown per rule.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Apply the typographic proof rules to every sheet of each layout (the 98 and the worst
    cases): counts per rule, the worst offenders; exit 1 on a breach of a hard rule."""
    report = _run(lambda: api.proof(names or None, data=data, udgave=udgave))
    left_out = set(skip or ())
    unknown = left_out - {r.id for r in report.rules}
    if unknown:
        _err_console().print(f"Unknown rule(s): {', '.join(sorted(unknown))}", markup=False)
        raise typer.Exit(2)
    report.rules = [r for r in report.rules if r.id not in left_out]
    report.findings = [f for f in report.findings if f.rule not in left_out]
    if as_json:
        typer.echo(json.dumps({
            "sheets": report.sheets, "counts": report.counts(), "failures": report.failures,
            "hard": [r.id for r in report.rules if r.hard],
            "findings": [f._asdict() for f in report.findings],
        }, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        _print_proof(report, worst)
    if not report.ok(strict):
        raise typer.Exit(1)


def _print_proof(report: ProofReport, worst: int) -> None:
    """One line per rule (its counts per layout), then the worst offenders of each rule."""
    out, err = _out_console(), _err_console()
    counts = report.counts()
    out.print(f"Korrektur af {report.sheets} ark: {', '.join(report.layouts)}", markup=False)
    for r in report.rules:
        per = "  ".join(f"{n:5d}" for n in counts[r.id].values())
        out.print(f"{'hård' if r.hard else 'blød'}  {r.id:25s} {per}  {r.title}", markup=False)
    for rule_id, found in report.by_rule().items():
        for f in found[:worst]:
            detail = f" ({f.detail})" if f.detail else ""
            err.print(f"{rule_id}: {f.where()}: {f.line!r}{detail}", markup=False)
    for failure in report.failures:
        err.print(f"Overflow: {failure}", markup=False)
    hard = len(report.breaches())
    err.print(f"{len(report.findings)} fund, heraf {hard} brud på hårde regler.", markup=False)

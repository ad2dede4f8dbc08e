"""CLI commands that check things: PDFs (`check`), layouts (`layouts list`, `layouts check`)
and the typographic proof of every sheet (`proof`), and the settings that apply (`config`).

Registered on `cli.root` and `cli.layouts_app` when imported (see `cli.app`, `cli.main`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from faktaark import api
from faktaark.cli.common import _err_console, _out_console, _run, _settings
from faktaark.cli.options import DataOpt, JsonOpt, LayoutNamesArg, UdgaveOpt
from faktaark.cli.output import FormatOpt, choose_format, emit_json, emit_rows
from faktaark.cli.root import layouts_app, root

if TYPE_CHECKING:
    from faktaark.review.proof import ProofReport


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
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="text (default): a report per file; csv: one row per file; json: everything.",
            metavar="text|csv|json",
        ),
    ] = None,
) -> None:
    """Inspect PDFs: pages, size, boxes, fonts, colour spaces, image dpi, PDF/A and PDF/UA."""
    chosen = choose_format(fmt, as_json, ("text", "csv", "json")) if fmt or as_json else "text"
    if print_:
        preflight(files, chosen == "json")
        return
    reports = _run(lambda: api.check_pdf(files, validate=not no_validate))
    if chosen == "json":
        typer.echo(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    elif chosen == "csv":
        rows = [{"file": str(r.path), "pages": r.pages, "tagged": r.tagged, "ok": r.ok,
                 **dict(r.verdicts), "problems": list(r.problems)}
                for r in reports]  # fmt: skip
        keys = list(dict.fromkeys(k for row in rows for k in row))
        emit_rows(rows, [(k, k) for k in keys], "csv")
    else:
        out = _out_console()
        for r in reports:
            sizes = ", ".join(f"{w:g} × {h:g} mm" for w, h in dict.fromkeys(r.page_size_mm))
            out.print(f"[bold]{r.path}[/]: {r.pages} page(s), {sizes}", markup=True)
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
def layouts_list(as_json: JsonOpt = False, fmt: FormatOpt = None) -> None:
    """The shipped layouts: name and description."""
    chosen = choose_format(fmt, as_json)
    rows = [
        {"layout": p.name, "description": _run(lambda p=p: api.describe_layout(p))}  # type: ignore[misc]
        for p in api.available_layouts()
    ]
    emit_rows(rows, [("layout", "Layout"), ("description", "Description")], chosen, title="Layouts")


@root.command("config")
def config(as_json: JsonOpt = False, fmt: FormatOpt = None) -> None:
    """The settings that apply here and where each comes from: the built-in default,
    faktaark.toml or [tool.faktaark] in pyproject.toml (the first found from the working folder
    upward), a FAKTAARK_* environment variable; flags override them all."""
    chosen = choose_format(fmt, as_json)
    s = _settings()
    if chosen == "json":
        emit_json(s.as_dict())
        return
    rows = [d.as_dict() for d in s.values.values()]
    for r in rows:
        if chosen == "table" and isinstance(r["value"], list):
            r["value"] = ", ".join(map(str, r["value"]))
        r["where"] = r["origin"] or r["source"]
    cols = [("key", "Setting"), ("value", "Value"), ("source", "Source"), ("where", "Where")]
    if chosen != "table":
        cols = [(k, k) for k in ("key", "value", "source", "origin")]
    emit_rows(rows, cols, chosen, title="faktaark config")
    where = (
        f"config file: {s.file}"
        if s.file
        else "no config file (faktaark.toml or "
        "[tool.faktaark] in pyproject.toml) in this folder or above"
    )
    _err_console().print(where, markup=False)


@layouts_app.command("check")
def layouts_check(
    names: LayoutNamesArg = None,
    data: DataOpt = None,
    udgave: UdgaveOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Plan each layout for all 98 and worst cases; list the tightest boxes; check the print
    colour rules; exit 1 on an overflow or a broken print colour rule."""
    from rich.markup import escape

    chosen = choose_format(fmt, as_json)
    targets: list[str] = list(names or [str(p) for p in api.available_layouts()])
    err = _err_console()
    failed = False
    rows: list[dict[str, object]] = []
    for name in targets:
        report = _run(lambda n=name: api.fit_check(n, data=data, udgave=udgave))  # type: ignore[misc]
        mine = [{"layout": report.layout, "side": r.page, "boks": r.box,
                 "plads_mm": round(r.room / 72 * 25.4, 1) + 0.0, "skala": round(r.scale, 2),
                 "strammest_for": r.kommune} for r in report.tightest()]  # fmt: skip
        rows += mine
        if chosen == "table":
            cols = [("side", "Page"), ("boks", "Box"), ("plads_mm", "Room left, mm"),
                    ("skala", "Scale"), ("strammest_for", "Tightest for")]  # fmt: skip
            emit_rows(mine, cols, "table", right=("side", "plads_mm", "skala"),
                      title=f"{report.layout}: {report.sheets} sheets, tightest boxes")  # fmt: skip
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
    if chosen != "table":
        emit_rows(rows, [(k, k) for k in ("layout", "side", "boks", "plads_mm", "skala",
                                          "strammest_for")], chosen)  # fmt: skip
    if failed:
        raise typer.Exit(1)


@root.command()
def proof(
    names: LayoutNamesArg = None,
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
    out.print(f"Proof of {report.sheets} sheets: {', '.join(report.layouts)}", markup=False)
    for r in report.rules:
        per = "  ".join(f"{n:5d}" for n in counts[r.id].values())
        out.print(f"{'hard' if r.hard else 'soft'}  {r.id:25s} {per}  {r.title}", markup=False)
    for rule_id, found in report.by_rule().items():
        for f in found[:worst]:
            detail = f" ({f.detail})" if f.detail else ""
            err.print(f"{rule_id}: {f.where()}: {f.line!r}{detail}", markup=False)
    for failure in report.failures:
        err.print(f"Overflow: {failure}", markup=False)
    hard = len(report.breaches())
    total = len(report.findings)
    err.print(f"{total} finding(s), {hard} of them breaking a hard rule.", markup=False)

"""A toolkit, not one sheet: a new topic with new figures from TOML and a data file, no Python.

What a user who makes a kit would check: a kit written into a temporary folder, with new
columns, derived figures, region and country figures, a chart against the region and a table
kommune | region | hele landet, builds for all 98 from its TOML and one data file; a sheet is
marked as example data exactly when a figure it prints is, and says which; every mistake in a
data dictionary is one paragraph naming file, line and key (exit 1), never a traceback; a
figure with no finite value prints as "ikke oplyst"/"–", never inf, NaN or 0; and no column
name of the shipped data is a string in the package's code.
"""

from __future__ import annotations

import ast
import csv
import random
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

import faktaark
import faktaark.cli.app
from faktaark import api

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

FIELDS = """
[sources.frivillighed]
label = "tallene om beboerdemokrati og frivillighed"
kilde = { column = "frivillighed_kilde" }
datakilde = { column = "frivillighed_datakilde" }

[columns.afdelinger]
kind = "count"
unit = "afdelinger"
meaning = "Almene boligafdelinger"
year = "frivillighed_aar"

[columns.bestyrelser]
kind = "count"
unit = "afdelinger"
meaning = "Afdelinger med en afdelingsbestyrelse"
year = "frivillighed_aar"

[columns.frivillige]
kind = "count"
unit = "personer"
meaning = "Aktive frivillige"
year = "frivillighed_aar"
missing = true

[columns.frivillighed_aar]
kind = "year"
meaning = "Year of the figures"

[indicators.andel_med_bestyrelse]
kind = "pct"
expr = "100 * bestyrelser / afdelinger"
meaning = "Share of afdelinger with a board"
aggregate = "ratio"

[indicators.frivillige_pr_1000]
kind = "rate"
decimals = 1
expr = "1000 * frivillige / beboere"
meaning = "Volunteers per 1.000 residents"
aggregate = "ratio"

[[rules]]
check = "bestyrelser <= afdelinger"
column = "bestyrelser"
message = "{bestyrelser} boards in {afdelinger} afdelinger"
"""

TABLE = """
[tabel_frivillighed]
titel = "Beboerdemokrati, {frivillighed.frivillighed_aar}"
kolonner = ["Kommunen", "Regionen", "Hele landet"]
raekker = [
  ["Afdelinger med bestyrelse", "{indikator.andel_med_bestyrelse}", "{region.andel_med_bestyrelse}", "{land.andel_med_bestyrelse}"],
  ["Frivillige pr. 1.000 beboere", "{indikator.frivillige_pr_1000}", "{region.frivillige_pr_1000}", "{land.frivillige_pr_1000}"],
]
"""  # noqa: E501
CHART = """[diagram]
titel = "Frivillige pr. 1.000 beboere, {kommune.region}"
alt_titel = "frivillige pr. 1.000 beboere i kommunerne i {kommune.region}"
niveauer = [["{kommune.region}", "region.frivillige_pr_1000"], ["Hele landet", "land.frivillige_pr_1000"]]
"""  # noqa: E501


def make_kit(folder: Path, base: str = "kommuneaftale") -> Path:
    """A new kit from TOML alone: new columns and figures, a table and a chart of them."""
    kit = api.new_kit("frivillighed", folder, from_=base)
    with (kit / "fields.toml").open("a", encoding="utf-8") as fh:
        fh.write(FIELDS)
    if base == "kommuneaftale":
        layout = (kit / "layout.toml").read_text(encoding="utf-8")
        chart = re.search(r'kind = "bar_chart"\n(?:.*\n)*?header_style = "chart_title"', layout)
        assert chart is not None
        table = chart.group(0).split("\ntext =")[0].replace("bar_chart", "table")
        table += ('\ntext = "tabel_frivillighed"\nheader_style = "table_header"\n'
                  'style = "table_cell"\nnumber_style = "table_number"')  # fmt: skip
        layout = layout.replace(chart.group(0), table)
        layout = layout.replace("indikator.andel_af_boligmassen", "indikator.frivillige_pr_1000")
        (kit / "layout.toml").write_text(layout, encoding="utf-8")
        texts = (kit / "texts.da.toml").read_text(encoding="utf-8")
        texts = re.sub(r"(?s)\[diagram\]\n.*?\n\n", CHART + "\n", texts, count=1) + TABLE
        (kit / "texts.da.toml").write_text(texts, encoding="utf-8")
    return kit


def write_data(
    path: Path, datakilde: dict[int, str] | None = None, **override: dict[int, object]
) -> Path:
    """The new columns for all 98 (made up here, deterministically; official unless told)."""
    with (ROOT / "data" / "folketal.csv").open(encoding="utf-8") as fh:
        pop = {int(r["kommune_kode"]): int(r["folketal"]) for r in csv.DictReader(fh)}
    header = ["kommunekode", "udgave", "afdelinger", "bestyrelser", "frivillige",
              "frivillighed_aar", "frivillighed_kilde", "frivillighed_datakilde"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for kode, n in sorted(pop.items()):
            rng = random.Random(kode)
            afd = max(3, n // 1500)
            row: dict[str, object] = {
                "kommunekode": kode, "udgave": 2025, "afdelinger": afd,
                "bestyrelser": int(afd * rng.uniform(0.6, 0.95)),
                "frivillige": int(n * rng.uniform(0.002, 0.006)), "frivillighed_aar": 2024,
                "frivillighed_kilde": "Boligorganisationernes opgørelse.",
                "frivillighed_datakilde": (datakilde or {}).get(kode, "officiel"),
            }  # fmt: skip
            for col, by_code in override.items():
                row[col] = by_code.get(kode, row[col])
            w.writerow([row[h] for h in header])
    return path


def pdf_text(path: Path) -> str:
    """The PDF's text as one line (a table cell may wrap)."""
    text = "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u00ad\n", "").split())


def test_a_new_kit_builds_all_98_from_toml_and_a_data_file(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    data = write_data(tmp_path / "frivillige.csv")
    report = api.fit_check(kit, data=[data])
    assert report.ok, report.failures[:3]
    results = api.build_many(data=[data], layout=kit, out=tmp_path / "ark", jobs=2,
                             validate="fast")  # fmt: skip
    assert len(results) == 98
    frame = api.indicators(faktaark.load([data], layout=kit), kommune="Glostrup", layout=kit)
    row = frame.row(0, named=True)
    glostrup = tmp_path / "ark" / "161-glostrup-frivillighed.pdf"
    text = pdf_text(glostrup)
    # the new figures, the region's and the country's, in the table and the chart
    assert "Afdelinger med bestyrelse" in text
    pct = f"{round(row['andel_med_bestyrelse'])} pct."
    assert pct in text, (pct, text[:2000])
    assert f"{row['frivillige_pr_1000']:.1f}".replace(".", ",") in text
    assert "Frivillige pr. 1.000 beboere, Region Hovedstaden" in text
    d = api.data_dictionary(kit)
    assert d.aggregates["frivillige_pr_1000"].expr == "1000 * sum(frivillige) / sum(beboere)"


def test_a_sheet_is_marked_exactly_when_a_printed_figure_is_example(tmp_path: Path) -> None:
    """Glostrup's housing figures are real. Its resident democracy figures are real in one
    file and example data in another: the sheet is marked only with the second, and the mark
    names which figures."""
    kit = make_kit(tmp_path, base="almene-boliger")
    texts = (kit / "texts.da.toml").read_text(encoding="utf-8")
    texts = texts.replace(
        'note = "Note: Tal for hele landet."',
        'note = "Note: {frivillighed.afdelinger|afdeling|afdelinger} i alt."',
    )
    texts = texts.replace('maerke = "Eksempeldata – ikke officielle tal"',
                          'maerke = "Eksempeldata: {eksempel.kilder}"')  # fmt: skip
    fields = (kit / "fields.toml").read_text(encoding="utf-8")  # short labels: the mark is small
    fields = fields.replace('label = "tallene om beboerdemokrati og frivillighed"',
                            'label = "frivillighed"')  # fmt: skip
    (kit / "fields.toml").write_text(fields, encoding="utf-8")
    (kit / "texts.da.toml").write_text(texts, encoding="utf-8")
    real = write_data(tmp_path / "real.csv")
    plan = api.plan_sheet("Glostrup", data=api.prepare([real], layout=kit), layout=kit)
    assert not plan.eksempel
    assert "Eksempeldata" not in plan.all_text()
    mixed = write_data(tmp_path / "mixed.csv", datakilde={161: "eksempel"})
    plan = api.plan_sheet("Glostrup", data=api.prepare([mixed], layout=kit), layout=kit)
    assert plan.eksempel
    shown = plan.all_text().replace("\u00a0", " ")
    assert "Eksempeldata: frivillighed" in shown
    assert "almene boliger og" not in shown  # Glostrup's housing figures are real
    plan = api.plan_sheet("København", data=api.prepare([real], layout=kit), layout=kit)
    assert "Eksempeldata: tallene om almene boliger" in plan.all_text().replace("\u00a0", " ")


def test_a_figure_without_a_finite_value_is_never_inf_nan_or_0(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    data = write_data(tmp_path / "zero.csv", afdelinger={161: 0}, bestyrelser={161: 0})
    frame = api.indicators(faktaark.load([data], layout=kit), kommune="Glostrup", layout=kit)
    assert frame.row(0, named=True)["andel_med_bestyrelse"] is None  # 0 / 0: missing
    res = api.build("Glostrup", data=[data], layout=kit, out=tmp_path / "ark", validate="fast")
    text = pdf_text(res.files[0].path)
    assert re.search(r"Afdelinger med bestyrelse – \d+ pct\. \d+ pct\.", text), text
    assert not re.search(r"\b(?:inf|nan|NaN)\b", text)
    assert "– betyder, at tallet ikke er oplyst" in text


def test_a_row_that_breaks_a_declared_rule_is_named(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    data = write_data(tmp_path / "bad.csv", bestyrelser={173: 999})
    res = runner.invoke(
        faktaark.cli.app.app, ["validate", "--layout", str(kit), "--data", str(data)]
    )
    assert res.exit_code == 1
    assert re.search(r"bad\.csv:\d+: Lyngby-Taarbæk, bestyrelser: 999 boards in \d+ afdelinger",
                     res.stderr), res.stderr  # fmt: skip


def test_a_data_file_missing_a_declared_column_or_with_an_unknown_one(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    data = write_data(tmp_path / "frivillige.csv")
    text = data.read_text(encoding="utf-8").replace("bestyrelser", "bestyrelse", 1)
    data.write_text(text, encoding="utf-8")
    res = runner.invoke(
        faktaark.cli.app.app, ["validate", "--layout", str(kit), "--data", str(data)]
    )
    assert res.exit_code == 1
    assert "unknown column 'bestyrelse'; did you mean 'bestyrelser'?" in res.stderr
    assert "Traceback" not in res.stderr
    # a source with no file at all: one error that says how to get example figures
    res = runner.invoke(faktaark.cli.app.app, ["validate", "--layout", str(kit)])
    assert res.exit_code == 1
    assert f"faktaark data eksempel --layout {kit.name} --source frivillighed" in res.stderr


def test_a_data_file_may_carry_another_shipped_kits_columns(tmp_path: Path) -> None:
    """One file for several kits: a column another shipped kit declares is left out (not an
    unknown column); a column no kit declares is named, with the file."""
    from faktaark.core.resources import data_dir

    with (data_dir() / "almene.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    both = tmp_path / "begge.csv"
    with both.open("w", encoding="utf-8", newline="") as fh:  # afdelinger: levende-faellesskaber
        csv.writer(fh).writerows([[*rows[0], "afdelinger"], *([*r, "12"] for r in rows[1:])])
    data = faktaark.load([both])
    assert len(data.records) == len(rows) - 1
    assert all("afdelinger" not in r.values for r in data.records)
    stray = tmp_path / "stray.csv"
    stray.write_text(both.read_text(encoding="utf-8").replace("afdelinger", "afdelingerne", 1),
                     encoding="utf-8")  # fmt: skip
    with pytest.raises(faktaark.DataError, match="unknown column 'afdelingerne'") as err:
        faktaark.load([stray])
    assert "stray.csv" in str(err.value)


BAD_DICTIONARIES = [
    ("syntax", "[columns.x\nkind = 1", "not valid TOML"),
    ("kind", '[columns.x]\nkind = "antal"\nmeaning = "x"', "columns.x.kind"),
    ("cycle", '[indicators.a]\nkind = "count"\nexpr = "b + 1"\nmeaning = "a"\n'
              '[indicators.b]\nkind = "count"\nexpr = "a + 1"\nmeaning = "b"',
     "is computed from itself: "),
    ("unknown", '[indicators.a]\nkind = "count"\nexpr = "familiebolig + 1"\nmeaning = "a"',
     "reads 'familiebolig', which is not declared; did you mean 'familieboliger'?"),
    ("long", '[indicators.a]\nkind = "count"\nexpr = "' + " + ".join(["beboere"] * 100)
             + '"\nmeaning = "a"', "at most 600 characters"),
    ("call", '[indicators.a]\nkind = "count"\nexpr = "read_csv(\'/etc/passwd\')"\nmeaning = "a"',
     "calls read_csv(...), which is not allowed"),
    ("call2", '[indicators.a]\nkind = "count"\nexpr = "exec(beboere)"\nmeaning = "a"',
     "calls exec(...), which is not allowed"),
    ("aggregate", '[indicators.a]\nkind = "count"\nexpr = "sum(beboere)"\nmeaning = "a"',
     "declare it as an aggregate"),
    ("rule", '[[rules]]\ncheck = "beboere >"\ncolumn = "beboere"\nmessage = "m"',
     "rules.0.check: check: Polars cannot read it"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "toml", "message"), BAD_DICTIONARIES,
                         ids=[c[0] for c in BAD_DICTIONARIES])  # fmt: skip
def test_a_broken_data_dictionary_is_one_located_paragraph(
    tmp_path: Path, case: str, toml: str, message: str
) -> None:
    kit = api.new_kit("brudt", tmp_path, from_="almene-boliger")
    with (kit / "fields.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + toml + "\n")
    for args in (
        ["layouts", "check", str(kit)],
        ["build", "-k", "Glostrup", "--layout", str(kit), "--out", str(tmp_path / "o")],
    ):
        res = runner.invoke(faktaark.cli.app.app, args)  # fmt: skip
        assert res.exit_code == 1, (case, res.output)
        assert message in res.stderr, (case, res.stderr)
        assert re.search(re.escape(str(kit / "fields.toml")) + r":\d+", res.stderr), res.stderr
        assert "Traceback" not in res.stderr
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").glob("*.pdf"))


def test_layouts_new_and_fields_and_example_data(tmp_path: Path) -> None:
    res = runner.invoke(
        faktaark.cli.app.app, ["layouts", "new", "mit-ark", "--into", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    kit = tmp_path / "mit-ark"
    assert 'name = "mit-ark"' in (kit / "layout.toml").read_text(encoding="utf-8")
    res = runner.invoke(
        faktaark.cli.app.app, ["layouts", "new", "mit-ark", "--into", str(tmp_path)]
    )
    assert res.exit_code == 2
    assert "already exists" in res.stderr
    res = runner.invoke(faktaark.cli.app.app, ["layouts", "fields", str(kit), "--format", "csv"])
    assert res.exit_code == 0
    rows = list(csv.DictReader(res.stdout.splitlines()))
    by_name = {r["placeholder"]: r for r in rows}
    assert by_name["almene.familieboliger"]["kind"] == "count"
    assert by_name["almene.familieboliger"]["unit"] == "boliger"
    assert "ledige_familieboliger_pr_aar / 4" in by_name["indikator.anvisningsret_pr_aar"]["source"]
    assert "land.andel_af_boligmassen" in by_name
    res = runner.invoke(faktaark.cli.app.app, ["data", "eksempel", "--layout", str(kit)])
    assert res.exit_code == 0
    assert res.stdout.count("\n") == 99  # a header and the 98
    assert "eksempel" in res.stdout.splitlines()[1]


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_indicators_of_a_kit(tmp_path: Path, fmt: str) -> None:
    kit = make_kit(tmp_path)
    data = write_data(tmp_path / "frivillige.csv")
    out = tmp_path / f"ind.{fmt}"
    res = runner.invoke(faktaark.cli.app.app, ["indicators", "--layout", str(kit), "--data",
                                               str(data), "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    import polars as pl

    frame = {"csv": pl.read_csv, "json": pl.read_json, "parquet": pl.read_parquet}[fmt](out)
    assert {"andel_med_bestyrelse", "frivillige_pr_1000"} <= set(frame.columns)
    assert frame.height == 98


def _code_strings() -> list[tuple[Path, int, str]]:
    """Every string in the package's code that is not a docstring."""
    out = []
    for path in (ROOT / "src" / "faktaark").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }  # fmt: skip
        strings = [n for n in ast.walk(tree) if isinstance(n, ast.Constant)]
        out += [(path, n.lineno, str(n.value)) for n in strings
                if isinstance(n.value, str) and id(n) not in docs]  # fmt: skip
    return out


def test_no_column_of_the_shipped_data_is_a_string_in_the_code() -> None:
    """Domain in data, mechanism in code: the columns of data/almene.csv (and the figures
    derived from them) are declared in the kits' fields.toml, never named in src/ (the generic
    key and source columns aside)."""
    generic = {"kommunekode", "kommune", "udgave", "datakilde", "kilde"}
    names = set()
    for kit in api.available_layouts():
        d = api.data_dictionary(kit)
        names |= {*d.columns, *d.indicators, *d.aggregates} - generic - {"folketal"}
    assert {"familieboliger", "boligmasse", "fraflytningsprocent"} <= names
    hits = [(p.name, line, name) for p, line, text in _code_strings() for name in names
            if re.search(rf"\b{name}\b", text)]  # fmt: skip
    assert hits == []


def test_an_expression_cannot_touch_files_or_run_code(tmp_path: Path) -> None:
    """Polars' SQL layer and faktaark's checks both refuse it; nothing is read or written."""
    target = tmp_path / "secret.txt"
    target.write_text("hemmelig", encoding="utf-8")
    script = (
        "from faktaark.dictionary import expressions as ex\n"
        f"for e in ['read_csv(\\'{target}\\')', 'pg_read_file(\\'{target}\\')',\n"
        "          '__import__(\\'os\\')']:\n"
        "    try:\n        ex.compile_expr(ex.parse(e))\n    except ex.ExprError as x:\n"
        "        print('refused', x)\n"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, check=False)  # fmt: skip
    assert res.stdout.count("refused") == 3, res.stdout + res.stderr
    assert "hemmelig" not in res.stdout


def test_data_bundled_writes_the_kits_own_file(tmp_path: Path) -> None:
    out = tmp_path / "almene.csv"
    res = runner.invoke(faktaark.cli.app.app, ["data", "bundled", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == (ROOT / "data" / "almene.csv").read_bytes()
    res = runner.invoke(faktaark.cli.app.app, ["data", "bundled", "--source", "nej"])
    assert res.exit_code == 2
    assert "has no source 'nej'; it has almene" in res.stderr

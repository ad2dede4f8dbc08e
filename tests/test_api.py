"""The Python API: its public names, the README's example, results instead of printing."""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import faktaark
import faktaark.errors
from faktaark import api

ROOT = Path(__file__).resolve().parents[1]

PUBLIC = [
    "BuildResult",
    "DataError",
    "Dataset",
    "FaktaarkError",
    "FitError",
    "GlyphError",
    "InputError",
    "Issue",
    "LayoutError",
    "OutputError",
    "OutputFile",
    "Provenance",
    "RenderError",
    "UnknownKommune",
    "UsageError",
    "ValidationFailed",
    "__version__",
    "build",
    "build_many",
    "check_pdf",
    "combine_pdfs",
    "compare",
    "contact_sheet",
    "data_dictionary",
    "example_data",
    "fit_check",
    "indicators",
    "kit_fields",
    "list_kommuner",
    "load",
    "new_kit",
    "plan_sheet",
    "preflight",
    "prepare",
    "preview_pages",
    "proof",
    "validate",
    "write_indicators",
]


def test_public_names_are_exactly_these() -> None:
    assert faktaark.__all__ == PUBLIC
    assert faktaark.__all__ == sorted(faktaark.__all__)


def test_every_public_attribute_is_in_all() -> None:
    """Nothing public slips in unlisted (submodules such as `faktaark.api` aside)."""
    for name in PUBLIC:  # the API is loaded lazily, on first use
        getattr(faktaark, name)
    public = {
        name
        for name, value in vars(faktaark).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"  # the `from __future__ import annotations` feature
    }
    assert public == set(PUBLIC) - {"__version__"}
    for name in PUBLIC:
        assert getattr(faktaark, name) is not None, name


def test_public_functions_are_documented_and_typed() -> None:
    for name in PUBLIC:
        obj = getattr(faktaark, name)
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__, f"faktaark.{name} has no docstring"
            assert "return" in obj.__annotations__, f"faktaark.{name} has no return type"
    assert (ROOT / "src" / "faktaark" / "py.typed").exists()


def test_review_functions_are_the_review_stages_own() -> None:
    """`api.compare` and `api.contact_sheet` import `faktaark.review` when called; they keep its
    signatures and docstrings."""
    import inspect

    from faktaark.review import compare, contact

    for ours, theirs in (
        (api.compare, compare.compare),
        (api.contact_sheet, contact.contact_sheet),
    ):
        assert inspect.signature(ours) == inspect.signature(theirs), ours.__name__
        assert ours.__doc__ == theirs.__doc__, ours.__name__


def test_import_is_light() -> None:
    """`import faktaark` loads none of the heavy libraries (they load when used)."""
    import subprocess
    import sys

    code = (
        "import sys, faktaark; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'polars', 'reportlab', 'pypdfium2', 'PIL', 'pydantic', 'pikepdf', 'typer', 'rich'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_build_returns_a_result(tmp_path: Path, prepared: api.Prepared) -> None:
    res = faktaark.build(kommune="glostrup", data=prepared, layout="almene-boliger", out=tmp_path)
    assert res.path == tmp_path / "161-glostrup.pdf"
    assert res.pages == 2
    assert re.fullmatch(r"[0-9a-f]{64}", res.sha256)
    assert res.warnings == ()
    assert res.provenance is not None
    assert res.provenance_path == tmp_path / "161-glostrup.json"
    assert res.provenance.kommune == "Glostrup"
    assert res.provenance.pdf_sha256 == res.sha256


def test_a_dataframe_goes_straight_in(tmp_path: Path) -> None:
    frame = pl.read_csv(ROOT / "data" / "almene.csv")
    frame = frame.with_columns(
        pl.when(pl.col("kommunekode") == 161)
        .then(4500)
        .otherwise(pl.col("familieboliger"))
        .alias("familieboliger")
    )
    res = faktaark.build("Glostrup", data=frame, out=tmp_path)
    assert res.provenance is not None
    fig = res.provenance.figure("almene.familieboliger")
    assert fig.raw == 4500
    assert fig.printed == ("4.500",)
    assert fig.source.file == "<DataFrame>"


def test_errors_carry_their_location(tmp_path: Path) -> None:
    frame = pl.read_csv(ROOT / "data" / "almene.csv").with_columns(
        pl.col("datakilde").replace("officiel", "officel")
    )
    with pytest.raises(faktaark.DataError) as info:
        faktaark.load(frame)
    issue = info.value.issues[0]
    assert (issue.file, issue.row, issue.column, issue.kommune) == (
        "<DataFrame>",
        8,
        "datakilde",
        "Glostrup",
    )
    assert isinstance(info.value, faktaark.FaktaarkError)
    with pytest.raises(faktaark.UnknownKommune) as unknown:
        faktaark.build("Glostrupp", out=tmp_path / "never")
    assert unknown.value.suggestions == ("Glostrup",)
    assert not (tmp_path / "never").exists()


def test_build_many_in_order_with_progress(tmp_path: Path, prepared: api.Prepared) -> None:
    seen: list[str] = []
    results = faktaark.build_many(
        ["Bornholm", 101], data=prepared, out=tmp_path, on_result=lambda r: seen.append(r.kommune)
    )
    assert [r.kommune for r in results] == ["Bornholm", "København"]  # the order asked for
    assert sorted(seen) == ["Bornholm", "København"]  # progress: as they finish
    assert all(r.path.exists() and r.provenance_path for r in results)
    assert all(r.provenance is not None and not r.skipped for r in results)


def test_build_many_runs_the_batch_engine_in_parallel(tmp_path: Path) -> None:
    """The same engine as `build --all`: workers, and the bytes do not depend on how many."""
    one = faktaark.build_many(["Glostrup", "Læsø", "Fanø"], out=tmp_path / "a", jobs=1)
    two = faktaark.build_many(["Glostrup", "Læsø", "Fanø"], out=tmp_path / "b", jobs=2)
    assert [r.sha256 for r in one] == [r.sha256 for r in two]
    assert not (tmp_path / "a" / "manifest.json").exists()  # no manifest unless asked for


def test_build_many_manifest_makes_it_incremental(tmp_path: Path) -> None:
    first = faktaark.build_many(["Glostrup", "Fanø"], out=tmp_path, manifest=True, jobs=1)
    assert (tmp_path / "manifest.json").is_file()
    again = faktaark.build_many(["Glostrup", "Fanø"], out=tmp_path, manifest=True, jobs=1)
    assert [r.skipped for r in again] == [True, True]
    assert [r.sha256 for r in again] == [r.sha256 for r in first]
    forced = faktaark.build_many(["Glostrup"], out=tmp_path, manifest=True, force=True, jobs=1)
    assert not forced[0].skipped


def test_build_many_collects_every_failure(
    tmp_path: Path, prepared: api.Prepared, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faktaark.plan.planner

    real = faktaark.plan.planner.make_plan

    def fails_on_islands(layout: Any, sd: Any) -> Any:
        if sd.kommune.navn in ("Læsø", "Fanø"):
            raise faktaark.FitError("test", sd.kommune.navn, 1, "titel", "planted")
        return real(layout, sd)

    monkeypatch.setattr(faktaark.plan.planner, "make_plan", fails_on_islands)
    with pytest.raises(faktaark.errors.BatchError) as info:
        faktaark.build_many(["Læsø", "Glostrup", "Fanø"], data=prepared, out=tmp_path, jobs=1)
    err = info.value
    assert isinstance(err, faktaark.FaktaarkError)
    assert "2 of 3 sheets failed" in str(err)
    assert sorted(i.kommune or "" for i in err.issues) == ["Fanø", "Læsø"]
    assert [r.kommune for r in err.results] == ["Glostrup"]  # the others were still built
    assert (tmp_path / "161-glostrup.pdf").is_file()


def test_build_many_takes_the_validate_setting(tmp_path: Path, prepared: api.Prepared) -> None:
    for mode in ("none", "fast", "sample", "full"):
        out = tmp_path / mode
        (res,) = faktaark.build_many(["Glostrup"], data=prepared, out=out, validate=mode)
        assert res.path.is_file()
    with pytest.raises(faktaark.UsageError, match="validate"):
        faktaark.build_many(["Glostrup"], data=prepared, out=tmp_path, validate="bogus")
    with pytest.raises(faktaark.UsageError, match="validate"):
        faktaark.build("Glostrup", data=prepared, out=tmp_path, validate="bogus")


def test_indicators_for_chosen_municipalities(prepared: api.Prepared) -> None:
    frame = faktaark.indicators(prepared, kommune=["København", "161"])
    assert frame["kommune"].to_list() == ["København", "Glostrup"]  # by code
    assert frame.columns[:5] == ["kommunekode", "kommune", "region", "udgave", "datakilde"]
    assert frame.filter(pl.col("kommunekode") == 161)["andel_af_boligmassen"].item() == 40.0
    assert faktaark.indicators(prepared).height == 98


def test_write_indicators_refuses_parquet_on_stdout(prepared: api.Prepared) -> None:
    frame = faktaark.indicators(prepared, kommune="Glostrup")
    with pytest.raises(faktaark.UsageError, match="Parquet"):
        faktaark.write_indicators(frame, "parquet")
    with pytest.raises(faktaark.UsageError, match="Unknown format"):
        faktaark.write_indicators(frame, "xlsx")
    text = faktaark.write_indicators(frame, "csv")
    assert text is not None
    assert text.splitlines()[1].startswith("161,Glostrup,Region Hovedstaden,2025,officiel,4614")

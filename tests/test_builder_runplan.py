"""`build --dry-run` (what would be built, skipped or removed, and why; nothing written) and
`build --clean` (only faktaark's own stale files in the output folder, said what it removed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from faktaark import api
from faktaark.builder.batch import run_batch
from faktaark.builder.runplan import clean, is_own_name, plan_run, stale_files
from faktaark.core.kommuner import Kommune
from faktaark.layout.model import Layout
from faktaark.values.prepared import Prepared


@pytest.fixture(scope="module")
def setup() -> tuple[Prepared, Layout, list[Kommune]]:
    prep = api.prepare()
    lay = api.load_layout_for(None, prep.dataset)
    return prep, lay, api.resolve_kommuner(["Glostrup", "København"])


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_dry_run_says_build_then_skip(setup: tuple, tmp_path: Path) -> None:  # type: ignore[type-arg]
    prep, lay, ks = setup
    plan = plan_run(ks, prep, lay, tmp_path, validate="fast")
    assert [(s.kommunekode, s.action) for s in plan.sheets] == [(161, "build"), (101, "build")]
    assert "not in the manifest" in plan.sheets[0].reason
    assert list(tmp_path.iterdir()) == []  # wrote nothing
    run_batch(ks, prep, lay, tmp_path, jobs=1, validate="fast")
    before = _tree(tmp_path)
    plan = plan_run(ks, prep, lay, tmp_path, validate="fast")
    assert [s.action for s in plan.sheets] == ["skip", "skip"]
    assert plan.sheets[0].files == ("161-glostrup.pdf", "161-glostrup.json")
    assert [
        s.action for s in plan_run(ks, prep, lay, tmp_path, validate="fast", force=True).sheets
    ] == [
        "build",
        "build",
    ]
    (tmp_path / "101-koebenhavn.pdf").unlink()
    plan = plan_run(ks, prep, lay, tmp_path, validate="fast")
    assert [s.action for s in plan.sheets] == ["skip", "build"]
    assert "missing" in plan.sheets[1].reason
    plan = plan_run(ks, prep, lay, tmp_path, validate="fast", variants=("screen", "print"))
    assert plan.sheets[0].reason == "the variants changed (--print)"
    before.pop("101-koebenhavn.pdf")
    assert _tree(tmp_path) == before  # a dry run writes nothing
    d = plan.as_dict()
    assert d["dry_run"] is True
    assert d["build"] == 2
    assert d["sheets"][0]["kommune"] == "Glostrup"


def test_clean_removes_stale_variants_and_leftovers_only(
    setup: tuple,  # type: ignore[type-arg]
    tmp_path: Path,
) -> None:
    prep, lay, ks = setup
    run_batch(ks, prep, lay, tmp_path, jobs=1, validate="fast", variants=("screen", "print"))
    assert (tmp_path / "161-glostrup-tryk.pdf").is_file()
    run_batch(ks, prep, lay, tmp_path, jobs=1, validate="fast")  # a plain rebuild
    mine = tmp_path / "notes.pdf"
    mine.write_bytes(b"the user's own file")
    lookalike = tmp_path / "999-nowhere.pdf"  # not one of the 98
    lookalike.write_bytes(b"x")
    other = tmp_path / "161-glostrup.txt"
    other.write_bytes(b"x")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "161-glostrup-tryk.pdf").write_bytes(b"not in the folder itself")
    leftover = tmp_path / ".faktaark-tmp-999999999-0123456789abcdef.part"  # its writer is gone
    leftover.write_bytes(b"half")
    odd = tmp_path / ".faktaark-tmp-123-abc.part"  # not the exact name write_atomic makes
    odd.write_bytes(b"half")
    outside = tmp_path.parent / f"{tmp_path.name}-161-glostrup-tryk.pdf"
    outside.write_bytes(b"x")
    if hasattr(os, "symlink"):
        (tmp_path / "173-lyngby-taarbaek.pdf").symlink_to(mine)

    plan = plan_run(ks, prep, lay, tmp_path, validate="fast", clean=True)
    planned = sorted(f.path.name for f in plan.remove)
    assert planned == [".faktaark-tmp-999999999-0123456789abcdef.part", "101-koebenhavn-tryk.pdf",
                       "161-glostrup-tryk.pdf"]  # fmt: skip
    assert (tmp_path / "161-glostrup-tryk.pdf").is_file()  # the dry run removed nothing
    removed = clean(tmp_path)
    assert sorted(f.path.name for f in removed) == planned
    assert "print variant" in next(f.reason for f in removed if "tryk" in f.path.name)
    for kept in (mine, lookalike, other, sub / "161-glostrup-tryk.pdf", outside,
                 tmp_path / "161-glostrup.pdf", tmp_path / "161-glostrup.json",
                 tmp_path / "manifest.json"):  # fmt: skip
        assert kept.exists(), kept
    assert stale_files(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "own"),
    [
        ("161-glostrup.pdf", True),
        ("161-glostrup-tryk.pdf", True),
        ("161-glostrup-kommuneaftale-tryk.pdf", True),
        ("161-glostrup.json", True),
        ("161-glostrupx.pdf", False),
        ("161-glostrup.pdf.bak", False),
        ("161-KOEBENHAVN.pdf", False),
        ("101-glostrup.pdf", False),
        ("manifest.json", False),
        ("oversigt.pdf", False),
        ("161-glostrup-notes.pdf", False),  # a user's file: no layout "notes" wrote here
        ("161-glostrup-kommuneaftale-v2.pdf", False),
        (".faktaark-tmp-1-xyz.part", False),
    ],
)
def test_own_file_names(name: str, own: bool) -> None:
    """The layouts of the folder: the default and one with its own manifest there."""
    assert is_own_name(name, frozenset({"almene-boliger", "kommuneaftale"})) is own

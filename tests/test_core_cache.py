"""The per-user cache: prepared data and layouts by input bytes, validator verdicts by PDF bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import faktaark
import faktaark.pdf.validate
from faktaark import api
from faktaark.builder.verdicts import known_verdicts, remember_verdicts
from faktaark.core.cache import cache_dir
from faktaark.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("FAKTAARK_CACHE", raising=False)
    return tmp_path / "cache" / "faktaark"


@pytest.fixture
def validator_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = faktaark.pdf.validate.full_verdicts

    def counting(data: bytes, variant: str, second_opinion: bool = False) -> dict[str, str]:
        calls.append(variant)
        return real(data, variant, second_opinion)

    monkeypatch.setattr(faktaark.pdf.validate, "full_verdicts", counting)
    return calls


def test_prepared_data_is_reused_until_a_byte_changes(own_cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    first = api.prepare(data)
    assert cache_dir() == own_cache
    assert len(list(own_cache.glob("prepared-*"))) == 1
    again = api.prepare(data)
    assert again.rows == first.rows
    assert len(list(own_cache.glob("prepared-*"))) == 1  # a hit: nothing new stored
    almene = data / "almene.csv"
    almene.write_text(almene.read_text(encoding="utf-8").replace(",4451,", ",4452,", 1), "utf-8")
    changed = api.prepare(data)
    assert len(list(own_cache.glob("prepared-*"))) == 2
    assert changed.rows[161]["familieboliger"] == 4452 != first.rows[161]["familieboliger"]


def test_a_damaged_cache_entry_is_ignored(own_cache: Path) -> None:
    api.prepare()
    (entry,) = own_cache.glob("prepared-*")
    entry.write_bytes(b"not a pickle")
    assert api.prepare().rows[161]["familieboliger"] == 4451


def test_identical_bytes_are_not_validated_twice(
    own_cache: Path, tmp_path: Path, validator_calls: list[str], prepared: api.Prepared
) -> None:
    a = faktaark.build("Glostrup", data=prepared, out=tmp_path / "a")
    b = faktaark.build("Glostrup", data=prepared, out=tmp_path / "b")
    assert a.sha256 == b.sha256
    assert validator_calls == ["screen"]  # the second build reused the verdict
    assert len(list(own_cache.glob("verdict-*"))) == 1
    faktaark.build("Fanø", data=prepared, out=tmp_path / "a")  # other bytes: validated
    assert validator_calls == ["screen", "screen"]


def test_no_cache_means_always_validating(
    own_cache: Path,
    tmp_path: Path,
    validator_calls: list[str],
    prepared: api.Prepared,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FAKTAARK_CACHE", "0")
    for _ in range(2):
        faktaark.build("Glostrup", data=prepared, out=tmp_path)
    assert validator_calls == ["screen", "screen"]
    assert not own_cache.exists()


def test_failures_are_never_stored(
    own_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepared: api.Prepared
) -> None:
    remember_verdicts(b"%PDF-1.7 x", "screen", {"PDF/A-2a (page-validation)": "fail: planted"})
    assert known_verdicts(b"%PDF-1.7 x", "screen") is None
    monkeypatch.setattr(
        faktaark.pdf.validate,
        "full_verdicts",
        lambda data, variant, second_opinion=False: {"PDF/UA-1 (page-validation)": "fail: x"},
    )
    for _ in range(2):  # the second build fails again: the failure was not remembered
        with pytest.raises(ValidationFailed):
            faktaark.build("Glostrup", data=prepared, out=tmp_path)
    assert not list(tmp_path.glob("*.pdf"))
    assert not list(own_cache.glob("verdict-*"))
    remember_verdicts(b"%PDF-1.7 y", "screen", {"PDF/UA-1 (page-validation)": "pass"})
    assert known_verdicts(b"%PDF-1.7 y", "screen") == {"PDF/UA-1 (page-validation)": "pass"}
    assert known_verdicts(b"%PDF-1.7 y", "print") is None


@pytest.mark.parametrize("module", ["core/cache.py", "plan/textbox.py", "pdf/render.py"])
def test_code_stamp_changes_when_any_module_changes(
    module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cached object made by other code is never read back: the stamp covers every module of
    every stage folder, not only the top level."""
    from faktaark.core import cache

    pkg = Path(cache.__file__).resolve().parents[1]
    target = pkg / module
    before_stat = target.stat()
    cache._code_stamp.cache_clear()
    before = cache._code_stamp()
    try:
        import os

        os.utime(target, ns=(before_stat.st_atime_ns, before_stat.st_mtime_ns + 1_000_000))
        cache._code_stamp.cache_clear()
        assert cache._code_stamp() != before
    finally:
        os.utime(target, ns=(before_stat.st_atime_ns, before_stat.st_mtime_ns))
        cache._code_stamp.cache_clear()
    assert cache._code_stamp() == before

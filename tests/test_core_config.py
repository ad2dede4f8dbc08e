"""Project configuration: `faktaark.toml` or `[tool.faktaark]` found upward from the working
folder, validated with file:line:key errors; FAKTAARK_* variables over the file, flags over
both; every value reported with where it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from faktaark.core.config import ConfigError, find_config, resolve

NO_ENV: dict[str, str] = {}


def test_found_upward_like_ruff(tmp_path: Path) -> None:
    (tmp_path / "faktaark.toml").write_text('out = "ark"\n', encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep, NO_ENV) == (tmp_path / "faktaark.toml").resolve()
    s = resolve(cwd=deep, env=NO_ENV)
    assert s["out"] == tmp_path.resolve() / "ark"  # relative to the file's folder
    assert s.values["out"].source == "file"
    assert s.values["out"].origin.endswith("faktaark.toml:1")


def test_pyproject_without_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "faktaark.toml").write_text("jobs = 3\n", encoding="utf-8")
    inner = tmp_path / "proj"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_config(inner, NO_ENV) == (tmp_path / "faktaark.toml").resolve()
    (inner / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.faktaark]\njobs = 2\nlayout = "kommuneaftale"\n',
        encoding="utf-8",
    )
    s = resolve(cwd=inner, env=NO_ENV)
    assert s.file == (inner / "pyproject.toml").resolve()
    assert (s["jobs"], s["layout"]) == (2, "kommuneaftale")
    assert s.values["layout"].origin == "pyproject.toml:6"


def test_faktaark_toml_wins_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.faktaark]\njobs = 2\n", encoding="utf-8")
    (tmp_path / "faktaark.toml").write_text("jobs = 4\n", encoding="utf-8")
    assert resolve(cwd=tmp_path, env=NO_ENV)["jobs"] == 4


def test_precedence_default_file_env_flag(tmp_path: Path) -> None:
    (tmp_path / "faktaark.toml").write_text(
        'out = "ark"\njobs = 2\nvalidate = "fast"\nprint = true\n', encoding="utf-8"
    )
    env = {"FAKTAARK_JOBS": "3", "FAKTAARK_PRINT": "0"}
    s = resolve({"jobs": 1}, cwd=tmp_path, env=env)
    got = {k: (v.value, v.source) for k, v in s.values.items()}
    assert got["jobs"] == (1, "flag")
    assert got["print"] == (False, "env")
    assert got["validate"] == ("fast", "file")
    assert got["layout"] == (None, "default")
    assert s.values["print"].origin == "FAKTAARK_PRINT"
    assert s.values["jobs"].origin == "--jobs"


def test_env_data_is_a_path_list(tmp_path: Path) -> None:
    s = resolve(cwd=tmp_path, env={"FAKTAARK_DATA": "a.csv:b.csv", "FAKTAARK_CONFIG": "none"})
    assert s["data"] == [Path("a.csv"), Path("b.csv")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('out = "ark"\njobs = 0\n', "faktaark.toml:2: key 'jobs'"),
        ('out = "ark"\n\ncolums-file = "k.toml"\n', "faktaark.toml:3: key 'colums-file'"),
        ('validate = "everything"\n', "faktaark.toml:1: key 'validate'"),
        ("print = 'yes'\n", "faktaark.toml:1: key 'print'"),
        ('out = "ark\n', "faktaark.toml:1: not valid TOML"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "faktaark.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        resolve(cwd=tmp_path, env=NO_ENV)
    assert expected in str(info.value)
    assert info.value.exit_code == 2


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    (tmp_path / "faktaark.toml").write_text('colums-file = "k.toml"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'columns-file'"):
        resolve(cwd=tmp_path, env=NO_ENV)


def test_pyproject_error_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.faktaark]\nlayout = 3\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"pyproject.toml:4: key 'layout'"):
        resolve(cwd=tmp_path, env=NO_ENV)


def test_bad_env_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FAKTAARK_JOBS='many'"):
        resolve(cwd=tmp_path, env={"FAKTAARK_JOBS": "many", "FAKTAARK_CONFIG": "none"})


def test_config_env_names_a_file_or_none(tmp_path: Path) -> None:
    (tmp_path / "faktaark.toml").write_text("jobs = 4\n", encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text("jobs = 5\n", encoding="utf-8")
    assert resolve(cwd=tmp_path, env={"FAKTAARK_CONFIG": "none"})["jobs"] is None
    assert resolve(cwd=tmp_path, env={"FAKTAARK_CONFIG": str(other)})["jobs"] == 5


def test_validated_values_are_reused_from_the_cache(tmp_path: Path) -> None:
    """A second run with the same file bytes does not parse or validate it again."""
    import sys

    (tmp_path / "faktaark.toml").write_text("jobs = 4\n", encoding="utf-8")
    resolve(cwd=tmp_path, env=NO_ENV)
    sys.modules.pop("faktaark.core.config_schema", None)
    assert resolve(cwd=tmp_path, env=NO_ENV)["jobs"] == 4
    assert "faktaark.core.config_schema" not in sys.modules

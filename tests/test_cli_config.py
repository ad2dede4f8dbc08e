"""`faktaark config` and the project configuration on the command line: faktaark.toml (or
[tool.faktaark]) sets the defaults of build/validate/list, FAKTAARK_* overrides it, a flag
overrides both; a malformed file is a usage error naming file, line and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faktaark.cli.app import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with a faktaark.toml, the working folder one level below it."""
    monkeypatch.delenv("FAKTAARK_CONFIG", raising=False)
    (tmp_path / "faktaark.toml").write_text(
        '# yearly run\nout = "ark"\nvalidate = "fast"\njobs = 1\n', encoding="utf-8"
    )
    work = tmp_path / "sub"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def test_config_shows_values_and_where_they_come_from(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKTAARK_PRINT", "1")
    code, out, err = run("config", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["file"] == str((project / "faktaark.toml").resolve())
    got = {s["key"]: (s["value"], s["source"], s["origin"]) for s in doc["settings"]}
    toml = project.resolve() / "faktaark.toml"
    assert got["out"] == (str(project.resolve() / "ark"), "file", f"{toml}:2")
    assert got["print"] == (True, "env", "FAKTAARK_PRINT")
    assert got["layout"] == (None, "default", "")
    code, out, _ = run("config", "--format", "csv")
    assert out.splitlines()[0] == "key,value,source,origin"
    assert f"jobs,1,file,{toml}:4" in out.splitlines()


def test_build_takes_its_defaults_from_the_file_and_flags_win(project: Path) -> None:
    code, _, err = run("build", "-k", "Glostrup")
    assert code == 0, err
    assert (project / "ark" / "161-glostrup.pdf").is_file()  # relative to the file's folder
    manifest = json.loads((project / "ark" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sheets"][0]["validation"] == "fast"
    code, _, err = run("build", "-k", "Glostrup", "--out", "her")
    assert code == 0, err
    assert (project / "sub" / "her" / "161-glostrup.pdf").is_file()  # a flag: from the cwd


def test_env_overrides_the_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKTAARK_OUT", "fra-miljoeet")
    code, _, err = run("build", "-k", "161")
    assert code == 0, err
    assert (project / "sub" / "fra-miljoeet" / "161-glostrup.pdf").is_file()


def test_malformed_config_is_a_usage_error_naming_file_line_key(project: Path) -> None:
    (project / "faktaark.toml").write_text('out = "ark"\n\njobs = "two"\n', encoding="utf-8")
    code, _, err = run("build", "-k", "Glostrup")
    assert code == 2
    assert "faktaark.toml:3: key 'jobs'" in err
    assert "Traceback" not in err


def test_pyproject_table_and_data_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAKTAARK_CONFIG", raising=False)
    bad = tmp_path / "tal.csv"
    bad.write_text("kommunekode,kommune\n161,Glostrup\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "mine"\n\n[tool.faktaark]\ndata = ["tal.csv"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = run("validate")
    assert code == 1  # it read tal.csv, named by the config, not the bundled data
    assert "tal.csv" in err
    code, _, err = run("validate", "--data", str(Path(__file__).parents[1] / "data"))
    assert code == 0, err


def test_indicators_and_list_read_the_file_too(project: Path) -> None:
    (project / "faktaark.toml").write_text("udgave = 2031\n", encoding="utf-8")
    for command in (["indicators", "-k", "161"], ["list"]):
        code, _, err = run(*command)
        assert code == 2, err
        assert "No figures for udgave 2031" in err
    assert run("indicators", "-k", "161", "--udgave", "2025")[0] == 0  # the flag wins


def test_preview_takes_the_layout_from_the_file(project: Path) -> None:
    (project / "faktaark.toml").write_text('layout = "kommuneaftale"\n', encoding="utf-8")
    code, out, err = run("preview", "-k", "161", "--out", "png", "--dpi", "20")
    assert code == 0, err
    assert out.split()[0].endswith("161-glostrup-kommuneaftale-side1.png")

"""The CI recipe (`examples/ci/`: a GitHub Actions workflow and a GitLab CI file): its run
steps are read from the YAML and executed, in order, in a temporary folder, so the recipe
cannot rot. The install step runs through a stand-in for `python -m pip` that checks it
installs faktaark (this test runs offline, with faktaark already installed)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML (the dev extra) reads the CI files")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "ci"
REQUIRED = ("faktaark validate", "faktaark layouts check", "faktaark build --all --print",
            "faktaark contact-sheet")  # fmt: skip
ARTIFACTS = ("ark/", "ark/manifest.json", "oversigt.pdf")


def github_steps() -> list[str]:
    doc: dict[str, Any] = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text("utf-8"))
    (job,) = doc["jobs"].values()
    assert doc["defaults"]["run"]["shell"] == "bash"
    assert not any(s.get("continue-on-error") for s in job["steps"])
    upload = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"].split() == list(ARTIFACTS)
    return [str(s["run"]) for s in job["steps"] if "run" in s]


def gitlab_steps() -> list[str]:
    doc: dict[str, Any] = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text("utf-8"))
    (job,) = doc.values()
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["paths"] == list(ARTIFACTS)
    assert not job.get("allow_failure")
    return [str(s) for s in job["script"]]


def _env(*first: Path) -> dict[str, str]:
    """The environment of a CI job: these folders first on PATH, and the project's
    configuration found as in a real repository (the test run sets FAKTAARK_CONFIG=none)."""
    env = {k: v for k, v in os.environ.items() if k != "FAKTAARK_CONFIG"}
    env["PATH"] = os.pathsep.join([*map(str, first), os.environ.get("PATH", "")])
    return env


def _pip_stand_in(bin_dir: Path) -> None:
    """`python` that answers `-m pip install ... faktaark` by checking faktaark is installed
    and runs everything else with the real interpreter."""
    bin_dir.mkdir()
    script = bin_dir / "python"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1 $2 $3" = "-m pip install" ]; then\n'
        '  case " $* " in *" faktaark"*) exec "' + sys.executable + '" -c "import faktaark";;\n'
        '  *) echo "the recipe installs something else: $*" >&2; exit 3;; esac\n'
        "fi\n"
        'exec "' + sys.executable + '" "$@"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.mark.slow
@pytest.mark.parametrize("recipe", [github_steps, gitlab_steps], ids=["github", "gitlab"])
def test_recipe_runs(recipe: Any, tmp_path: Path) -> None:
    steps = recipe()
    joined = "\n".join(steps)
    for command in REQUIRED:
        assert command in joined, command
    assert "pip install" in steps[0]
    assert "faktaark" in steps[0]
    work = tmp_path / "repo"
    work.mkdir()
    _pip_stand_in(tmp_path / "bin")
    faktaark = shutil.which("faktaark", path=str(Path(sys.executable).parent))
    assert faktaark is not None, "the faktaark command next to this Python"
    env = _env(tmp_path / "bin", Path(faktaark).parent)
    for step in steps:
        proc = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", step], cwd=work, env=env, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, f"{step}\n{proc.stdout}\n{proc.stderr}"
    for artifact in ARTIFACTS:
        assert (work / artifact).exists(), artifact
    assert len(list((work / "ark").glob("*-tryk.pdf"))) == 98
    assert (work / "oversigt.pdf").read_bytes().startswith(b"%PDF-")


def test_a_failing_step_fails_the_job(tmp_path: Path) -> None:
    """The steps rely on exit codes: a bad data file makes `faktaark validate` exit non-zero
    (so the job stops there), nothing swallows it."""
    bad = tmp_path / "faktaark.toml"
    (tmp_path / "almene.csv").write_text("kommunekode;udgave\n161;x\n", encoding="utf-8")
    bad.write_text('data = "almene.csv"\n', encoding="utf-8")
    step = next(s for s in gitlab_steps() if s.startswith("faktaark validate"))
    assert step in github_steps()
    proc = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step + " && echo reached"], cwd=tmp_path,
        capture_output=True, text=True, timeout=120,
        env=_env(Path(sys.executable).parent),
    )  # fmt: skip
    assert proc.returncode != 0
    assert "reached" not in proc.stdout

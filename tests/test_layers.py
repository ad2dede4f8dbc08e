"""The code shows the pipeline: stage subpackages whose imports run one way, down the pipeline.

Every import of every module is read with `ast`: at module level, inside functions and under
TYPE_CHECKING. A module may import its own stage and the stages before it, never a later one;
there are no cycles, between stages or within one, counting imports inside functions (a
function that runs later still needs the other module, and `from P import x` needs P's own
namespace as well as the submodule P.x); each third-party library is imported only in the
stage that owns it; the command line goes through the public API (and the batch engine, for
its progress display). The checker itself is tested on planted backward imports and planted
cycles, so it cannot pass by reading nothing.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "faktaark"

# The pipeline, in order. `errors` and `_version` are leaves anyone may import.
STAGES = ("core", "text", "dictionary", "data", "values", "layout", "plan", "pdf", "builder",
          "review", "api", "cli")  # fmt: skip
LEAVES = ("faktaark.errors", "faktaark._version")
# the package itself is the facade over `api` (it imports `api` lazily); `__main__` runs the CLI
TOP = {"faktaark": "api", "faktaark.kits": "api", "faktaark.__main__": "cli"}

# Third-party libraries and the modules that may import them at run time (prefix match).
LIBRARIES = {
    "reportlab": ("faktaark.pdf.",),
    "rl_accel": ("faktaark.pdf.",),
    "fontTools": ("faktaark.text.fonts",),  # the fonts' metrics, read as ReportLab reads them
    # the preflight (faktaark.pdf.preflight and its modules) reads PDFs with pikepdf
    "pikepdf": (
        "faktaark.pdf.examine",
        "faktaark.pdf.profiles",
        "faktaark.pdf.combine",
        "faktaark.pdf.validate",
        "faktaark.pdf.preflight",
    ),
    "page": ("faktaark.pdf.validate", "faktaark.pdf.profiles"),  # page-validation
    "typer": ("faktaark.cli.",),
    "rich": ("faktaark.cli.",),
    "click": ("faktaark.cli.",),
    "pydantic": (
        "faktaark.data.schema",
        "faktaark.layout.schema",
        "faktaark.core.config_schema",
        "faktaark.dictionary.schema",
    ),
    # the dictionary parses its expressions with Polars' SQL layer and runs them on frames
    "polars": (
        "faktaark.values.indicators",
        "faktaark.data.readers",
        "faktaark.data.frames",
        "faktaark.dictionary.expressions",
        "faktaark.dictionary.evaluate",
    ),
    "fastexcel": ("faktaark.data.readers",),
    "pyphen": ("faktaark.text.hyphenation",),
    "marisa_trie": ("faktaark.text.lexicon",),
    "svglib": ("faktaark.pdf.logo",),  # a sender logo as SVG (optional extra "svg")
    "pypdfium2": ("faktaark.review.",),
    "PIL": ("faktaark.review.", "faktaark.pdf.preflight_ink"),  # the preflight's separations
    "watchfiles": ("faktaark.review.watch",),
}
# What the command line may import at run time: the public API, the batch engine (for its
# progress display) and the early start of its workers, plus its own modules and the leaves.
# The project settings (stdlib only, the command line's defaults) and the batch engine's dry
# run are the command line's own concerns too.
CLI_MAY_IMPORT = ("faktaark.api", "faktaark.builder.batch", "faktaark.builder.pool",
                  "faktaark.builder.jobs",
                  "faktaark.builder.runplan", "faktaark.core.config", "faktaark.cli",
                  *LEAVES)  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str | None:
    """The stage a module belongs to, or None for a leaf."""
    if module in LEAVES:
        return None
    if module in TOP:
        return TOP[module]
    part = module.split(".")[1]
    assert part in STAGES, f"{module}: not in a stage subpackage ({', '.join(STAGES)})"
    return part


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def imports(
    source: str, module: str, is_package: bool = False, *, namespaces: bool = False
) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, under TYPE_CHECKING) for every import in `source`. With
    `namespaces`, `from P import x` yields P as well when x is a submodule: the statement
    runs P and reads x from P's namespace. (`import P.x` is not counted as importing P: a
    stage package holds only a docstring, `test_stage_packages_hold_only_a_docstring`.)"""
    tree = ast.parse(source)
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            guarded |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, id(node) in guarded
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target == "faktaark" or target.startswith("faktaark."):
                # `from faktaark.plan import textbox`: x is a submodule or a name in P
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    yield sub if _exists(sub) else target, node.lineno, id(node) in guarded
                if namespaces:
                    yield target, node.lineno, id(node) in guarded
            else:
                yield target, node.lineno, id(node) in guarded


def _exists(module: str) -> bool:
    rel = Path(*module.split("."))
    return (PKG.parent / rel).with_suffix(".py").is_file() or (PKG.parent / rel).is_dir()


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def violations(sources: dict[str, tuple[str, bool]]) -> list[str]:
    """Every breach of the import rules in `sources` ({module: (source, is_package)})."""
    out = []
    for mod, (src, is_pkg) in sources.items():
        mine = stage_of(mod)
        for target, line, type_only in imports(src, mod, is_pkg):
            where = f"{mod}:{line}"
            if target.startswith("faktaark"):
                if target == "faktaark" and mod != "faktaark":
                    out.append(f"{where}: imports the package facade `faktaark` (import the stage)")
                    continue
                theirs = stage_of(target) if target != "faktaark" else "api"
                if mine is None and theirs is not None:
                    out.append(f"{where}: the leaf {mod} imports {target}")
                elif (
                    mine is not None
                    and theirs is not None
                    and STAGES.index(theirs) > STAGES.index(mine)
                ):
                    out.append(f"{where}: {mine} imports the later stage {theirs} ({target})")
                if mine == "cli" and not type_only and not target.startswith(CLI_MAY_IMPORT):
                    out.append(f"{where}: the command line bypasses the API ({target})")
            elif not type_only:
                top = target.split(".")[0]
                allowed = LIBRARIES.get(top)
                if allowed is not None and not any(mod == a or mod.startswith(a) for a in allowed):
                    out.append(f"{where}: {top} belongs in {', '.join(allowed)}")
    return out


def graph(sources: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    known = set(sources)
    g: dict[str, set[str]] = {m: set() for m in sources}
    for mod, (src, is_pkg) in sources.items():
        for target, _, _ in imports(src, mod, is_pkg, namespaces=True):
            if target in known and target != mod:
                g[mod].add(target)
    return g


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return found


def package_sources() -> dict[str, tuple[str, bool]]:
    return {
        m: (p.read_text(encoding="utf-8"), p.name == "__init__.py") for m, p in modules().items()
    }


# ----------------------------------------------------------------------------- the package


def test_every_module_is_in_a_stage() -> None:
    for mod in modules():
        stage_of(mod)  # asserts


def test_imports_run_down_the_pipeline() -> None:
    assert violations(package_sources()) == []


def test_no_import_cycles() -> None:
    assert cycles(graph(package_sources())) == []


def test_modules_stay_readable() -> None:
    long = {m: n for m, p in modules().items() if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_stage_packages_hold_only_a_docstring() -> None:
    """So that importing one stage module loads only what it needs. The CLI package also
    names the console entry point (`faktaark.cli:main`, from `faktaark.cli.console`, which
    imports nothing until it runs)."""
    for stage in STAGES:
        init = PKG / stage / "__init__.py"
        if not init.exists():
            assert (PKG / f"{stage}.py").is_file()  # api
            continue
        tree = ast.parse(init.read_text())
        body = tree.body
        assert isinstance(body[0], ast.Expr), init
        assert isinstance(body[0].value, ast.Constant), init
        future = [n for n in body[1:] if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
        rest = [n for n in body[1:] if n not in future]
        if stage == "cli":
            assert [ast.unparse(n) for n in rest] == [
                "from faktaark.cli.console import main",
                "__all__ = ['main']",
            ]
            console = ast.parse((PKG / "cli" / "console.py").read_text()).body
            assert [n.module for n in console if isinstance(n, (ast.Import, ast.ImportFrom))] == [
                "__future__"
            ]
        else:
            assert rest == [], f"{init}: only a docstring"


def test_workers_preload_existing_modules() -> None:
    from faktaark.builder.worker import PRELOAD

    missing = [name for name in PRELOAD if importlib.util.find_spec(name) is None]
    assert missing == []


def test_modules_named_in_pyproject_exist() -> None:
    """A stale name in ruff's settings fails silently: a renamed module loses its lint rule."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ruff = conf["tool"]["ruff"]["lint"]
    tidy = ruff["flake8-tidy-imports"]
    named = [m for m in tidy["banned-module-level-imports"] if m.startswith("faktaark")]
    for entry in tidy["banned-api"].values():
        named += re.findall(r"faktaark(?:\.\w+)+", entry["msg"])
    missing = [m for m in named if importlib.util.find_spec(m) is None]
    assert missing == []
    patterns = [p for p in ruff["per-file-ignores"] if p.startswith("src/")]
    stale = [p for p in patterns if not list(ROOT.glob(p))]
    assert stale == []
    assert list(ROOT.glob(conf["tool"]["mypy"]["files"][0]))


def test_the_listing_reads_as_the_pipeline() -> None:
    """`src/faktaark/` holds the stage folders plus the few modules on top and the data folders
    (fonts, ICC profiles, the Danish lexicon), nothing else."""
    tops = {p.name for p in PKG.iterdir() if p.suffix == ".py"}
    assert tops == {"__init__.py", "__main__.py", "_version.py", "api.py", "kits.py", "errors.py"}
    folders = {p.name for p in PKG.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {*STAGES, "fonts", "icc", "lexicon"} - {"api"}  # + package data


# ----------------------------------------------------------------------------- the checker


def planted(module: str, source: str, is_package: bool = False) -> list[str]:
    sources = package_sources()
    sources[module] = (source, is_package)
    return violations(sources)


@pytest.mark.parametrize(
    ("module", "source", "message"),
    [
        ("faktaark.core.cache", "from faktaark.values.prepared import Prepared\n", "later stage"),
        ("faktaark.plan.textbox", "def f():\n    from faktaark.pdf import render\n", "later stage"),
        (
            "faktaark.layout.model",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from faktaark.plan.model import SheetPlan\n",
            "later stage",
        ),
        ("faktaark.builder.batch", "from faktaark.api import build\n", "later stage"),
        ("faktaark.errors", "from faktaark.core.kommuner import register\n", "leaf"),
        ("faktaark.cli.app", "from faktaark.plan.planner import make_plan\n", "bypasses"),
        ("faktaark.plan.planner", "import reportlab.pdfgen.canvas\n", "reportlab belongs"),
        ("faktaark.data.loader", "def f():\n    import polars\n", "polars belongs"),
        ("faktaark.api", "import rich\n", "rich belongs"),
        ("faktaark.values.sheet", "from faktaark import __version__\n", "facade"),
    ],
)
def test_checker_catches_a_planted_import(module: str, source: str, message: str) -> None:
    found = planted(module, source)
    assert any(message in v for v in found), found


@pytest.mark.parametrize(
    ("module", "planted_source", "cycle"),
    [
        # core.cache imports core.atomic at module level; back again, at module level
        ("faktaark.core.atomic", "from faktaark.core import cache\n", ["atomic", "cache"]),
        # ... or only inside a function: still a cycle
        (
            "faktaark.core.atomic",
            "def later():\n    from faktaark.core.cache import cached\n",
            ["atomic", "cache"],
        ),
        # two modules of one package, both importing inside functions only (cli.app imports
        # cli.build when a build runs)
        (
            "faktaark.cli.build",
            "def later():\n    import faktaark.cli.app\n",
            ["app", "build"],
        ),
        # a submodule reading its package's namespace while the package imports it: the
        # `faktaark.cli` <-> `faktaark.cli.app` cycle this checker once missed
        (
            "faktaark.cli.app",
            "def _complete():\n    from faktaark.cli import checks\n",
            ["", "app", "console"],
        ),
    ],
)
def test_checker_finds_a_cycle(module: str, planted_source: str, cycle: list[str]) -> None:
    sources = package_sources()
    sources[module] = (sources[module][0] + "\n" + planted_source, False)
    package = module.rpartition(".")[0]
    expected = sorted(f"{package}.{m}" if m else package for m in cycle)
    assert expected in cycles(graph(sources))
    assert cycles(graph(package_sources())) == []  # and the real package has none


def test_bench_and_tools_name_existing_api() -> None:
    """bench/ and tools/ are not type-checked and their timed code sits in strings: every
    `api.<name>` and `from faktaark.<module> import` they use must still exist."""
    from faktaark import api

    for script in [*ROOT.glob("bench/*.py"), *ROOT.glob("tools/*.py")]:
        text = script.read_text(encoding="utf-8")
        missing = {n for n in re.findall(r"\bapi\.(\w+)", text) if not hasattr(api, n)}
        assert not missing, (script.name, missing)
        for mod in re.findall(r"from (faktaark(?:\.\w+)*) import", text):
            assert importlib.util.find_spec(mod) is not None, (script.name, mod)

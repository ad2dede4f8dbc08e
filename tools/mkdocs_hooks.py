"""MkDocs hooks: the documentation's facts that come from the code, generated at build time.

A page asks for a generated part with an HTML comment on a line of its own,
`<!-- generated: NAME -->`, where NAME is one of `GENERATORS`:

- `cli`: every command of the Typer app (`faktaark.cli.app.app`) with its usage, help text and
  options, exactly as `faktaark COMMAND --help` has them;
- `exit-codes`: the exit codes from the exception tree (`faktaark.errors`) and the command
  line's epilog;
- `config-keys`: the keys of `faktaark.toml` (`faktaark.core.config.KEYS` and the Pydantic
  model that validates them);
- `columns`: the columns of the figures file, from the default kit's data dictionary
  (`layouts/almene-boliger/fields.toml`);
- `kit-fields`: every figure each shipped kit can print (`faktaark layouts fields`);
- `proof-rules`: every rule of `faktaark proof`, hard or soft, as the registry has it;
- `bench`: the benchmark's table, date and machine, from `bench/results/results.json` (written
  by `bench/bench.py`, rendered by its own `table()`).

Nothing is typed twice: a page never repeats what one of these says. `tests/test_docs_site.py`
holds the CLI reference in step with the app. The functions are plain (`generate(NAME)`), so
they also work without MkDocs.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^<!-- generated: ([a-z-]+) -->$", re.M)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs event: replace each marker with what it names (an unknown name fails the build)."""
    return MARKER.sub(lambda m: generate(m.group(1)), markdown)


def generate(name: str) -> str:
    if name not in GENERATORS:
        raise KeyError(f"<!-- generated: {name} -->: no such generator; known: {list(GENERATORS)}")
    return GENERATORS[name]().rstrip() + "\n"


# --- text helpers ---------------------------------------------------------------------------


def _md(text: str) -> str:
    """Help text as Markdown: `<` and `>` outside code spans escaped (`layouts/<name>/`), runs
    of white space joined (click's help is wrapped by hand in the source)."""
    parts = " ".join(text.split()).split("`")
    for i in range(0, len(parts), 2):  # outside backticks
        parts[i] = parts[i].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        parts[i] = parts[i].replace("*", r"\*").replace("_", r"\_")
    return "`".join(parts)


def _paragraphs(text: str) -> str:
    return "\n\n".join(_md(p) for p in text.strip().split("\n\n") if p.strip())


# --- the command line -----------------------------------------------------------------------


def commands() -> Iterator[tuple[list[str], Any, Any]]:
    """(path, click command, its context) of the root and every command and group, depth first
    in the order `--help` lists them."""
    import typer.main

    from faktaark.cli.app import app

    root = typer.main.get_command(app)

    def walk(cmd: Any, path: list[str], parent: Any) -> Iterator[tuple[list[str], Any, Any]]:
        ctx = cmd.context_class(cmd, info_name=path[-1], parent=parent)
        yield path, cmd, ctx
        if hasattr(cmd, "list_commands"):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    yield from walk(sub, [*path, name], ctx)

    yield from walk(root, ["faktaark"], None)


def options(cmd: Any, ctx: Any) -> list[tuple[str, str]]:
    """(the flags as `--help` shows them, the help text) of every visible parameter."""
    rows = []
    for param in cmd.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is not None:
            rows.append(record)
    return rows


def cli() -> str:
    out: list[str] = []
    for path, cmd, ctx in commands():
        name = " ".join(path)
        depth = min(len(path) + 1, 4)
        anchor = "-".join(path[1:]) or "faktaark"
        out.append(f"{'#' * depth} `{name}` {{#{anchor}}}\n")
        if cmd.help:
            out.append(_paragraphs(cmd.help) + "\n")
        pieces = cmd.collect_usage_pieces(ctx)
        out.append(f"```text\nUsage: {name} {' '.join(pieces)}\n```\n")
        args = [p for p in cmd.get_params(ctx) if p.param_type_name == "argument"]
        if args:
            out.append("**Arguments:** " + ", ".join(f"`{a.human_readable_name}`" for a in args))
            out.append("")
        opts = options(cmd, ctx)
        if opts:
            out.append("**Options:**\n")
            out += [
                f"- `{flags}`: {_md(help_)}" if help_ else f"- `{flags}`" for flags, help_ in opts
            ]
            out.append("")
        if cmd.epilog:
            out.append(_paragraphs(cmd.epilog) + "\n")
        if hasattr(cmd, "list_commands"):
            subs = [
                f"[`{name} {sub}`](#{'-'.join([*path[1:], sub])})" for sub in cmd.list_commands(ctx)
            ]
            out.append("**Commands:** " + ", ".join(subs) + "\n")
    return "\n".join(out)


# --- exit codes -----------------------------------------------------------------------------


def exit_codes() -> str:
    from faktaark import errors
    from faktaark.cli.root import EXIT_CODES

    rows = ["| exception (`faktaark.errors`) | exit code | when |", "|---|---|---|"]

    def walk(cls: type[errors.FaktaarkError], depth: int) -> None:
        doc = " ".join((cls.__doc__ or "").split())
        indent = "&nbsp;&nbsp;" * depth
        rows.append(f"| {indent}`{cls.__name__}` | {cls.exit_code} | {_md(doc)} |")
        subclasses: list[type[errors.FaktaarkError]] = cls.__subclasses__()
        for sub in sorted(subclasses, key=lambda c: c.__name__):
            if sub.__module__ == errors.__name__:
                walk(sub, depth + 1)

    walk(errors.FaktaarkError, 0)
    return (
        "The command line's own summary (`faktaark --help`):\n\n> "
        + _md(EXIT_CODES)
        + "\n\nEvery error faktaark raises on purpose is one of these; the command line prints "
        "its message (one paragraph naming file, row, column and municipality) and exits with "
        "its code:\n\n" + "\n".join(rows)
    )


# --- configuration keys ---------------------------------------------------------------------


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(kinds)
    if "enum" in schema:
        return " \\| ".join(f'`"{v}"`' for v in schema["enum"])
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if kind == "object":
        return "table of text"
    words = {"string": "text", "integer": "integer", "boolean": "`true`/`false`"}
    low, high = schema.get("minimum"), schema.get("maximum")
    word = words.get(str(kind), str(kind))
    if low is not None and high is not None:
        return f"{word} from {low} to {high}"
    return word + (f" ≥ {low}" if low is not None else "")


def config_keys() -> str:
    from faktaark.core.config import KEYS
    from faktaark.core.config_schema import PATH_KEYS, ProjectConfig

    props = ProjectConfig.model_json_schema(by_alias=True)["properties"]
    rows = [
        "| key | value | flag | environment variable | default |",
        "|---|---|---|---|---|",
    ]
    for key, (env, flag, default) in KEYS.items():
        kind = _type(props[key])
        if key == "data":
            kind = "a path or a list of paths"
        elif key in PATH_KEYS:
            kind = "a path"
        shown = "–" if default is None else f"`{str(default).lower()}`"
        rows.append(f"| `{key}` | {kind} | `{flag}` | `{env}` | {shown} |")
    return "\n".join(rows)


# --- data columns ---------------------------------------------------------------------------


def columns() -> str:
    from faktaark import api

    d = api.data_dictionary()
    rows = ["| column | kind | meaning | unit | year in | missing ok |", "|---" * 6 + "|"]
    for s in d.sources.values():
        for col in s.control_columns:
            what = "source line" if col == s.kilde_column else "officiel or eksempel"
            rows.append(f"| `{col}` | text | {_md(what)} of the figures | | | |")
    for c in d.columns.values():
        year = ""
        if c.year:
            year = f"`{c.year}`" + (f"–`{c.year_to}`" if c.year_to else "")
        ok = "yes" if c.missing else ""
        rows.append(f"| `{c.name}` | {c.kind} | {_md(c.meaning)} | {c.unit} | {year} | {ok} |")
    return "\n".join(rows)


def kit_fields() -> str:
    from faktaark import api

    out = []
    for kit in api.available_layouts():
        out += [f"### `{kit.name}`", "", api.describe_layout(kit), ""]
        out += ["| placeholder | kind | unit | comes from |", "|---|---|---|---|"]
        for f in api.kit_fields(kit):
            if f.placeholder.startswith(("fakta.", "fodnote.", "kilde.", "kommune.")):
                continue  # the same for every kit: see the layout format
            out.append(f"| `{f.placeholder}` | {f.kind} | {f.unit} | {_md(f.source)} |")
        out.append("")
    return "\n".join(out)


def proof_rules() -> str:
    from faktaark.review.proof import rules

    out = ["| rule | breaks | what a breach is |", "|---|---|---|"]
    for r in sorted(rules(), key=lambda r: (not r.hard, r.id)):
        out.append(f"| `{r.id}` | {'hard' if r.hard else 'soft'} | {_md(r.title)} |")
    return "\n".join(out)


# --- benchmark ------------------------------------------------------------------------------


def bench() -> str:
    results = ROOT / "bench" / "results" / "results.json"
    doc = json.loads(results.read_text(encoding="utf-8"))
    spec = importlib.util.spec_from_file_location("faktaark_bench", ROOT / "bench" / "bench.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    meta = doc["meta"]
    load = meta.get("load_before")
    machine = ", ".join(
        x
        for x in (
            f"{meta.get('cpus')} cores ({meta['cpu']})" if meta.get("cpu") else "",
            f"{meta['memory_gib']:g} GiB" if meta.get("memory_gib") else "",
            meta.get("os", ""),
            f"Python {meta['python']}" if meta.get("python") else "",
            f"load average {load[0]:.1f} at the start" if load else "",
        )
        if x
    )
    head = (
        f"Measured **{meta['when_utc']} UTC** by `bench/bench.py` (`--cold {meta['cold_runs']} "
        f"--reps {meta['reps']}`) at commit `{meta.get('commit', '?')}` on {machine}"
        + (f", against {meta['typst'].split(' (')[0]}" if meta.get("typst") else "")
        + ". Medians with min–max over the runs."
    )
    return head + "\n\n" + str(module.table(doc["raw"], doc["thousand"]))


GENERATORS: dict[str, Callable[[], str]] = {
    "cli": cli,
    "exit-codes": exit_codes,
    "config-keys": config_keys,
    "columns": columns,
    "kit-fields": kit_fields,
    "proof-rules": proof_rules,
    "bench": bench,
}

"""Loading a kit's data dictionary: `fields.toml` and the dictionaries it includes -> `Dictionary`.

A kit folder's `fields.toml` declares the figures the kit prints; `include = ["almene-boliger"]`
takes in the dictionary of another kit (by name, or a path relative to the file), so two kits
that read the same data share one declaration of its columns. A kit folder without a
`fields.toml` uses the default kit's dictionary.

Everything is checked before any data is read: keys and values (Pydantic, `schema`), names
(declared once, known where used), expressions (`expressions`: safe, short, declared names
only), the order in which indicators and region/country figures can be computed (no cycles).
All problems are collected and raised as one `LayoutError` whose lines name file, line and
key. A checked dictionary is kept in the per-user cache, keyed by the bytes of its files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from faktaark.core.paths import read_text
from faktaark.core.resources import data_dir, layouts_dir
from faktaark.core.tomlfile import locate, read_toml
from faktaark.errors import FaktaarkError, LayoutError, UsageError

__all__ = [
    "DEFAULT_KIT",
    "FIELDS_FILE",
    "default_dictionary",
    "dictionary_files",
    "fields_file",
    "load_dictionary",
    "shipped_columns",
    "shipped_kits",
]

FIELDS_FILE = "fields.toml"
DEFAULT_KIT = "almene-boliger"
MAX_INCLUDES = 8


def _kit_file(ref: str, base: Path | None) -> Path:
    """An include (a kit name, or a path relative to the including file's folder) -> its
    fields file."""
    if base is not None and ("/" in ref or "\\" in ref or ref.endswith(".toml")):
        p = (base / ref).resolve()
        return p / FIELDS_FILE if p.is_dir() else p
    folder = layouts_dir() / ref
    if folder.parent != layouts_dir() or not (folder / FIELDS_FILE).is_file():
        shipped = ", ".join(sorted(p.parent.name for p in layouts_dir().glob(f"*/{FIELDS_FILE}")))
        raise LayoutError(
            f"include {ref!r}: not a shipped kit with a data dictionary ({shipped}) and not a "
            "path to a fields.toml."
        )
    return folder / FIELDS_FILE


def fields_file(kit_folder: Path) -> Path:
    """The dictionary a kit folder uses: its own fields.toml, or the default kit's."""
    own = kit_folder / FIELDS_FILE
    if own.exists() or own.is_symlink():
        return own
    return _kit_file(DEFAULT_KIT, None)


def _walk(path: Path, chain: tuple[Path, ...] = ()) -> list[tuple[Path, dict[str, Any], str]]:
    """The file and every file it includes, each once, includes first."""
    if path in chain:
        loop = " -> ".join(str(p) for p in (*chain, path))
        raise LayoutError(f"{path}: includes itself ({loop}).")
    if len(chain) >= MAX_INCLUDES:
        raise LayoutError(f"{path}: includes nested more than {MAX_INCLUDES} deep.")
    doc, text = read_toml(path, limit=1024 * 1024, what="data dictionary")
    refs = doc.get("include", [])
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        line = locate(text, ["include"])
        raise LayoutError(f"{path}:{line}: include: must be a list of kit names or paths.")
    out: list[tuple[Path, dict[str, Any], str]] = []
    for ref in refs:
        try:
            target = _kit_file(ref, path.parent)
        except LayoutError as exc:
            raise LayoutError(f"{path}:{locate(text, ['include'])}: {exc}") from None
        for item in _walk(target, (*chain, path)):
            if item[0] not in {p for p, _, _ in out}:
                out.append(item)
    out.append((path, doc, text))
    return out


_INCLUDE = re.compile(r"(?ms)^include\s*=\s*\[(?P<refs>[^\]]*)\]")


def _includes(text: str) -> list[str]:
    """The includes of a fields file, read without a TOML parser (the cache key of a kit's
    dictionary is found on every run; `_build` checks it against the parsed file)."""
    m = _INCLUDE.search(text)
    return re.findall(r'"([^"\n]*)"', m["refs"]) if m else []


def dictionary_files(kit_folder: Path) -> list[Path]:
    """Every fields file a kit's dictionary is read from (for cache keys)."""
    out: list[Path] = []
    todo = [fields_file(kit_folder).resolve()]
    while todo and len(out) < 4 * MAX_INCLUDES:
        path = todo.pop()
        if path in out:
            continue
        out.insert(0, path)
        try:
            text = read_text(path, limit=1024 * 1024, what="data dictionary")
        except FaktaarkError as exc:
            raise LayoutError(str(exc)) from exc
        try:
            todo += [_kit_file(ref, path.parent) for ref in _includes(text)]
        except LayoutError as exc:
            raise LayoutError(f"{path}:{locate(text, ['include'])}: {exc}") from None
    return out


def load_dictionary(kit_folder: Path, name: str | None = None, *, cache: bool = True) -> Any:
    """The checked `Dictionary` of a kit folder (from the per-user cache when its files are
    unchanged). Raises `LayoutError` listing every problem with file, line and key."""
    from faktaark.dictionary.model import Dictionary

    if not isinstance(kit_folder, Path):
        raise UsageError(f"kit folder: expected a path, got {type(kit_folder).__name__}.")
    kit = name or kit_folder.name
    files = dictionary_files(kit_folder)
    if not cache:
        return _build(kit, files)
    from faktaark.core.cache import cached

    return cached("dictionary", files, kit, lambda: _build(kit, files), Dictionary)


def _build(kit: str, files: Sequence[Path]) -> Any:
    from faktaark.dictionary import build, schema

    parsed = []
    problems: list[str] = []
    walked = _walk(files[-1])
    if sorted(p for p, _, _ in walked) != sorted(files):
        line = locate(walked[-1][2], ["include"])
        raise LayoutError(
            f"{files[-1]}:{line}: include: write it as one array of names or paths at the top "
            'of the file, before any table: include = ["almene-boliger"].'
        )
    for path, doc, text in walked:
        try:
            parsed.append((path, text, schema.parse(doc)))
        except schema.ValidationError as exc:
            for e in exc.errors()[:30]:
                loc = [str(p) for p in e["loc"]]
                line = locate(text, [p for p in loc if p != "from"])
                msg = str(e["msg"]).removeprefix("Value error, ")
                problems.append(f"  {path}:{line or '?'}: {'.'.join(loc)}: {msg}")
    if problems:
        raise LayoutError(_headline(kit, problems))
    dictionary, problems = build.assemble(kit, parsed, data_dir())
    if problems:
        raise LayoutError(_headline(kit, problems))
    return dictionary


def _headline(kit: str, problems: list[str]) -> str:
    return f"The data dictionary of kit {kit!r} has {len(problems)} problem(s):\n" + "\n".join(
        problems
    )


def shipped_kits() -> list[Path]:
    """The shipped kit folders that have a data dictionary of their own."""
    return sorted(p.parent for p in layouts_dir().glob(f"*/{FIELDS_FILE}"))


def default_dictionary() -> Any:
    """The default kit's dictionary (what a layout folder without fields.toml uses)."""
    return load_dictionary(layouts_dir() / DEFAULT_KIT)


def shipped_columns() -> frozenset[str]:
    """Every column some shipped kit declares (a file may carry columns of other kits)."""
    out: set[str] = set()
    for kit in shipped_kits():
        out |= load_dictionary(kit).known_columns()
    return frozenset(out)

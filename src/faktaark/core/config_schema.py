"""Validation of a project configuration file (`faktaark.toml` / `[tool.faktaark]`).

Parsed with the standard library's `tomllib`, validated with Pydantic; every error names the
file, the line and the key. Only `faktaark.core.config` imports this, and only when a file
exists and its validated values are not in the per-user cache.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from faktaark.errors import ConfigError, Issue

__all__ = ["ProjectConfig", "validate_file"]


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


class ProjectConfig(BaseModel):
    """The keys of a configuration file (kebab-case, as on the command line)."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)

    data: Annotated[list[str], BeforeValidator(_one_or_many)] | None = None
    sheet: str | Annotated[int, Field(ge=1)] | None = None
    columns_file: str | None = Field(None, alias="columns-file")
    columns: dict[str, str] | None = None
    layout: str | None = None
    udgave: Annotated[int, Field(ge=1900, le=2100)] | None = None
    out: str | None = None
    jobs: Annotated[int, Field(ge=1)] | None = None
    validate_: Literal["full", "sample", "fast", "none"] | None = Field(None, alias="validate")
    print_: bool | None = Field(None, alias="print")


PATH_KEYS = ("data", "columns-file", "out")  # relative to the file's folder


def validate_file(path: Path) -> dict[str, tuple[object, int | None]]:
    """key -> (value, line) of every key the file sets; paths made absolute against the
    file's folder. Raises `ConfigError` naming file, line and key."""
    from faktaark.core.limits import MAX_CONFIG_BYTES
    from faktaark.core.paths import read_bytes

    name = str(path)
    text = config_text(read_bytes(path, limit=MAX_CONFIG_BYTES, what="configuration file"), name)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _decode_line(str(exc))
        where = f"{name}:{line}" if line else name
        raise ConfigError(
            f"{where}: not valid TOML: {exc}", [Issue(str(exc), file=name, row=line)]
        ) from None
    except RecursionError:
        what = "nested too deeply (tables or arrays inside each other); not a configuration"
        raise ConfigError(f"{name}: {what}.", [Issue(what, file=name)]) from None
    table: tuple[str, ...] = ()
    raw: Any = doc
    if path.name == "pyproject.toml":
        table = ("tool", "faktaark")
        tool = doc.get("tool", {})
        raw = tool.get("faktaark", {}) if isinstance(tool, dict) else tool
    if not isinstance(raw, dict):
        line = key_line(text, ("tool",), "faktaark")
        where = f"{name}:{line}" if line else name
        raise ConfigError(
            f"{where}: [tool.faktaark] must be a table of faktaark's keys (got "
            f'{type(raw).__name__}), e.g. [tool.faktaark] followed by  out = "ark".',
            [Issue("must be a table", file=name, row=line, column="tool.faktaark")],
        )
    try:
        model = ProjectConfig.model_validate(raw)
    except ValidationError as exc:
        raise _error(exc, name, text, table) from None
    values: dict[str, tuple[object, int | None]] = {}
    base = path.parent.resolve()
    for key in model.model_fields_set:
        alias = ProjectConfig.model_fields[key].alias or key
        value = getattr(model, key)
        if alias in PATH_KEYS:
            value = [base / p for p in value] if isinstance(value, list) else base / value
        elif alias == "columns":
            value = list(value.items())  # [(ny, gammel)], as --column ny=gammel gives
        values[alias] = (value, key_line(text, table, alias))
    return values


_BOMS = {
    b"\xef\xbb\xbf": "a UTF-8 byte-order mark (BOM, as Notepad and some Windows editors write "
    "it): TOML allows none; save the file as UTF-8 without BOM",
    b"\xff\xfe\x00\x00": "UTF-32 text (a UTF-32 byte-order mark): save it as UTF-8",
    b"\xff\xfe": "UTF-16 text (a UTF-16 byte-order mark, Windows' Unicode): save it as UTF-8",
    b"\xfe\xff": "UTF-16 text (a UTF-16 byte-order mark): save it as UTF-8",
}


def config_text(raw: bytes, name: str) -> str:
    """The text of a configuration file, which TOML requires to be UTF-8 without a BOM; any
    other encoding is a `ConfigError` (exit 2) naming it and where the first odd byte is."""
    for bom, what in _BOMS.items():
        if raw.startswith(bom):
            raise ConfigError(f"{name}:1: the file starts with {what}.", [Issue(what, name, 1)])
    if raw.count(b"\x00") * 4 > len(raw):  # every other byte NUL: ASCII text in UTF-16
        what = "UTF-16 text without a byte-order mark (NUL bytes): save it as UTF-8"
        raise ConfigError(f"{name}:1: the file is {what}.", [Issue(what, name, 1)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        what = (
            f"not UTF-8 (perhaps Windows-1252 or Latin-1): byte 0x{raw[exc.start]:02x} at "
            f"line {line}, column {col}; save it as UTF-8"
        )
        raise ConfigError(f"{name}:{line}: {what}.", [Issue(what, name, line)]) from None


def _error(exc: ValidationError, name: str, text: str, table: tuple[str, ...]) -> ConfigError:
    issues = []
    for e in exc.errors():
        key = str(e["loc"][0]) if e["loc"] else ""
        line = key_line(text, table, key) if key else None
        if e["type"] == "extra_forbidden":
            known = [f.alias or name for name, f in ProjectConfig.model_fields.items()]
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"unknown key{hint} Known keys: {', '.join(known)}"
        else:
            detail = ".".join(str(p) for p in e["loc"][1:])
            message = (f"{detail}: " if detail else "") + e["msg"]
            if "input" in e and not isinstance(e["input"], dict):
                message += f" (got {e['input']!r})"
        issues.append(Issue(message, file=name, row=line, column=key))
    first = issues[0]
    where = f"{name}:{first.row}" if first.row else name
    more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
    return ConfigError(f"{where}: key {first.column!r}: {first.message}{more}", issues)


def _decode_line(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")


def key_line(text: str, table: tuple[str, ...], key: str) -> int | None:
    """The line (from 1) where `key` is set in `table` ((): the top level), or None."""
    current: tuple[str, ...] = ()
    pattern = re.compile(rf"^\s*([\"']?){re.escape(key)}\1\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            current = tuple(p.strip().strip("\"'") for p in header.group(1).split("."))
            continue
        if current == table and pattern.match(line):
            return number
    return None

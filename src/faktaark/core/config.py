"""Project configuration: `faktaark.toml`, or `[tool.faktaark]` in pyproject.toml.

The file is found as ruff finds its own: in the working directory, then in each parent up to
the root, the first directory that holds `faktaark.toml`, or a `pyproject.toml` with a
`[tool.faktaark]` table, wins (`faktaark.toml` first when a directory has both; a
pyproject.toml without the table is passed over). `FAKTAARK_CONFIG=path` names a file
instead, `FAKTAARK_CONFIG=none` turns the lookup off.

Precedence, lowest first: the built-in default, the file, a `FAKTAARK_*` environment variable,
a command-line flag. Paths in the file are relative to the file's folder; paths in the
environment and on the command line to the working directory.

Nothing here imports Pydantic or tomllib unless a file exists, and a file's validated values
are kept in the per-user cache under the hash of its bytes, so a project with a config file
does not pay for the validator on every run either (`faktaark.core.config_schema` validates).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from faktaark.errors import ConfigError, Issue

__all__ = ["KEYS", "MAX_EPOCH", "ConfigError", "Setting", "Settings", "find_config", "resolve",
           "source_date_epoch"]  # fmt: skip

CONFIG_NAME = "faktaark.toml"
TABLE = ("tool", "faktaark")  # in pyproject.toml

# key in the file -> (environment variable, flag, default). The order is the one `faktaark
# config` prints.
KEYS: dict[str, tuple[str, str, object]] = {
    "data": ("FAKTAARK_DATA", "--data", None),
    "sheet": ("FAKTAARK_SHEET", "--sheet", None),
    "columns-file": ("FAKTAARK_COLUMNS_FILE", "--columns-file", None),
    "columns": ("FAKTAARK_COLUMNS", "--column", None),
    "layout": ("FAKTAARK_LAYOUT", "--layout", None),
    "udgave": ("FAKTAARK_UDGAVE", "--udgave", None),
    "out": ("FAKTAARK_OUT", "--out", "faktaark"),
    "jobs": ("FAKTAARK_JOBS", "--jobs", None),
    "validate": ("FAKTAARK_VALIDATE", "--validate", "sample"),
    "print": ("FAKTAARK_PRINT", "--print", False),
}
VALIDATE_CHOICES = ("full", "sample", "fast", "none")
MAX_EPOCH = 32_503_679_999  # 2999-12-31 23:59:59 UTC: a four-digit year on every platform


def source_date_epoch(env: Mapping[str, str] | None = None) -> int | None:
    """`SOURCE_DATE_EPOCH` (reproducible builds: the date every sheet carries), or None when
    it is not set. A value that is not a whole number of seconds from 0 to `MAX_EPOCH` is a
    `ConfigError` (exit 2), before anything is built."""
    raw = (os.environ if env is None else env).get("SOURCE_DATE_EPOCH")
    if not raw:
        return None
    if re.fullmatch(r"[0-9]{1,12}", raw) is None or int(raw) > MAX_EPOCH:
        shown = raw if len(raw) <= 40 else f"{raw[:40]}..."
        what = (
            "must be a whole number of seconds since 1970-01-01 UTC (digits only, at most "
            f"{MAX_EPOCH}, the end of 2999)"
        )
        raise ConfigError(
            f"SOURCE_DATE_EPOCH={shown!r}: {what}; unset it to date each sheet 1 January of "
            "its edition.",
            [Issue(what, file="SOURCE_DATE_EPOCH")],
        )
    return int(raw)


class Setting:
    """One resolved value and where it came from. (Plain classes, not dataclasses: this module
    is imported by every command, and a dataclass costs half a millisecond to define.)"""

    __slots__ = ("key", "origin", "source", "value")

    def __init__(self, key: str, value: object, source: str, origin: str) -> None:
        self.key = key
        self.value = value
        self.source = source  # "default" | "file" | "env" | "flag"
        self.origin = origin  # "", "faktaark.toml:4", "FAKTAARK_OUT", "--out"

    def __repr__(self) -> str:
        return f"Setting({self.key!r}, {self.value!r}, {self.source!r}, {self.origin!r})"

    def as_dict(self) -> dict[str, object]:
        value = self.value
        if isinstance(value, Path):
            value = str(value)
        elif self.key == "columns" and value is not None:
            value = [f"{new}={old}" for new, old in value]  # type: ignore[attr-defined]
        elif isinstance(value, list):
            value = [str(v) if isinstance(v, Path) else v for v in value]
        return {"key": self.key, "value": value, "source": self.source, "origin": self.origin}


class Settings:
    """Every setting (`KEYS`, in order) and the configuration file they were read from."""

    __slots__ = ("file", "values")

    def __init__(self, file: Path | None, values: Mapping[str, Setting]) -> None:
        self.file = file
        self.values = values

    def __getitem__(self, key: str) -> object:
        return self.values[key].value

    def as_dict(self) -> dict[str, object]:
        return {
            "file": None if self.file is None else str(self.file),
            "settings": [s.as_dict() for s in self.values.values()],
        }


def find_config(start: Path | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The project's configuration file, searching upward from `start` (the working folder)."""
    env = os.environ if env is None else env
    named = env.get("FAKTAARK_CONFIG")
    if named:
        if named.lower() in ("none", "0", "off"):
            return None
        path = Path(named).absolute()  # not resolved: a link's paths are relative to its folder
        _guard(path)
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if _present(candidate):
            _guard(candidate)  # a FIFO, a device, a folder or a huge file is refused, not skipped
            return candidate
        pyproject = folder / "pyproject.toml"
        if _present(pyproject) and _has_table(pyproject):
            return pyproject
    return None


def _present(path: Path) -> bool:
    """Is there anything at `path` (a dangling symlink included)?"""
    try:
        path.lstat()
    except OSError:
        return False
    return True


def _guard(path: Path) -> Path:
    """The one path guard (`core.paths.guard_file`): a regular file of at most
    `MAX_CONFIG_BYTES`, before it is opened or hashed; `InputError` (exit 1) otherwise."""
    from faktaark.core.limits import MAX_CONFIG_BYTES
    from faktaark.core.paths import guard_file

    return guard_file(path, limit=MAX_CONFIG_BYTES, what="configuration file")


_TABLE_LINE = rb"^\s*\[\s*tool\s*\.\s*[\"']?faktaark[\"']?\s*[\].]"


def _has_table(pyproject: Path) -> bool:
    """Whether pyproject.toml sets [tool.faktaark], without parsing TOML when it does not
    mention faktaark (most do not). It is read through the guard: a FIFO or a 50 MB
    pyproject.toml is refused, never read whole. A file that mentions it otherwise than as a
    `[tool.faktaark]` header (`[tool] faktaark = 5`, an inline table) is parsed: any
    `tool.faktaark` makes it the configuration, to be validated (a file that is no valid
    TOML then too: a usage error naming it, never silently passed over)."""
    from faktaark.core.limits import MAX_CONFIG_BYTES
    from faktaark.core.paths import read_bytes

    data = read_bytes(pyproject, limit=MAX_CONFIG_BYTES, what="configuration file")
    if b"faktaark" not in data:
        return False
    if re.search(_TABLE_LINE, data, re.MULTILINE) is not None:
        return True
    import tomllib

    try:
        tool = tomllib.loads(data.decode("utf-8")).get("tool")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return re.search(rb"^\s*\[\s*tool\s*\]", data, re.MULTILINE) is not None
    return tool is not None and (not isinstance(tool, dict) or "faktaark" in tool)


def _file_values(path: Path) -> dict[str, tuple[object, int | None]]:
    """The file's validated values with their line numbers (cached by the file's bytes)."""
    from faktaark.core.cache import cached

    def compute() -> dict[str, tuple[object, int | None]]:
        from faktaark.core.config_schema import validate_file

        return validate_file(path)

    # keyed by the path as found, not resolved: two links to one file in two folders read
    # their paths relative to their own folders
    return cached("config", [path], str(path.absolute()), compute, dict)


def _env_value(key: str, name: str, raw: str) -> object:
    def bad(what: str) -> ConfigError:
        return ConfigError(f"{name}={raw!r}: {what}", [Issue(what, file=name, column=key)])

    if key == "data":
        return [Path(p) for p in raw.split(os.pathsep) if p]
    if key in ("columns-file", "out"):
        return Path(raw)
    if key in ("jobs", "udgave"):
        try:
            number = int(raw)
        except ValueError:
            raise bad("must be a whole number") from None
        if key == "jobs" and number < 1:
            raise bad("must be at least 1")
        return number
    if key == "validate":
        if raw not in VALIDATE_CHOICES:
            raise bad(f"must be one of {', '.join(VALIDATE_CHOICES)}")
        return raw
    if key == "print":
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False
        raise bad("must be true or false (1/0)")
    if key == "columns":
        pairs = []
        for part in raw.split(","):
            new, sep, old = part.partition("=")
            if not sep or not new.strip() or not old.strip():
                raise bad("needs the form ny=gammel,ny2=gammel2")
            pairs.append((new.strip(), old.strip()))
        return pairs
    return raw


def resolve(
    flags: Mapping[str, object] | None = None,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Every setting's value and source. `flags` maps keys of `KEYS` to the value given on
    the command line, or None when the flag was not given."""
    env = os.environ if env is None else env
    flags = flags or {}
    unknown = set(flags) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    path = find_config(cwd, env)
    from_file = _file_values(path) if path is not None else {}
    label = "" if path is None else _label(path, cwd)
    out: dict[str, Setting] = {}
    for key, (var, flag, default) in KEYS.items():
        if flags.get(key) is not None:
            out[key] = Setting(key, flags[key], "flag", flag)
        elif env.get(var) is not None:
            out[key] = Setting(key, _env_value(key, var, env[var]), "env", var)
        elif key in from_file:
            value, line = from_file[key]
            out[key] = Setting(key, value, "file", f"{label}:{line}" if line else label)
        else:
            out[key] = Setting(key, default, "default", "")
    return Settings(path, out)


def _label(path: Path, cwd: Path | None) -> str:
    try:
        return str(path.relative_to((cwd or Path.cwd()).resolve()))
    except ValueError:
        return str(path)

"""A per-user cache of prepared data (validated figures, indicators), checked layouts, projected
maps, and the verdicts of the full PDF/A validator.

Validating the figures (Pydantic) and computing the indicators (Polars) costs far more than
drawing one sheet, mostly in imports. Their result depends only on the bytes of the input files,
the options and the faktaark version, so it is stored under a hash of exactly those and reused
while none of them changes; any changed byte gives a new key. The cache lives in
`$XDG_CACHE_HOME/faktaark` (default `~/.cache/faktaark`); set `FAKTAARK_CACHE=0` to turn it off.
Nothing but `Prepared` objects faktaark wrote itself are ever read from it.

A validator verdict depends only on the bytes validated and on the validator, so a passing
verdict is stored under the SHA-256 of the PDF, the variant and the validator's own files; a
rebuild that produces byte-identical output (builds are deterministic) reuses it instead of
validating the same bytes again. Failures are never stored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from faktaark import __version__

if TYPE_CHECKING:
    from faktaark.layout import Layout
    from faktaark.pipeline import Prepared

__all__ = [
    "cache_dir",
    "cached",
    "cached_layout",
    "cached_prepare",
    "known_verdicts",
    "remember_verdicts",
]
T = TypeVar("T")

KEEP = 32  # newest entries kept
KEEP_VERDICTS = 2000  # 98 sheets x layouts x variants x a few editions


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "faktaark"


def _enabled() -> bool:
    return os.environ.get("FAKTAARK_CACHE", "1") not in ("0", "no", "false")


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """Name, size and modification time of every module of faktaark: a cached object made by
    other code (an edited checkout, not just another version) is never read back."""
    from faktaark.resources import package_dir

    h = hashlib.sha256()
    for f in sorted(package_dir().glob("*.py")):
        st = f.stat()
        h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


class _TooBig(Exception):
    pass


def _key(files: Sequence[Path], options: str) -> str:
    from faktaark.sources import MAX_BYTES

    h = hashlib.sha256(f"{__version__}\x1f{_code_stamp()}\x1f{options}".encode())
    for f in files:
        if f.stat().st_size > MAX_BYTES:
            raise _TooBig(str(f))  # never read it: loading refuses it with a clear message
        h.update(str(f.resolve()).encode() + b"\x00")
        with f.open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):  # type: ignore[misc]
                h.update(block)
        h.update(b"\x00")
    return h.hexdigest()[:32]


def cached(
    kind: str, files: Sequence[Path], options: str, compute: Callable[[], T], want: type
) -> T:
    """`compute()`, or its stored result for the same input bytes, options and version."""
    if not _enabled():
        return compute()
    try:
        key = _key(files, options)
    except (OSError, _TooBig):
        return compute()  # a missing, unreadable or huge file: loading reports it properly
    path = cache_dir() / f"{kind}-{key}.pickle"
    try:
        with path.open("rb") as fh:
            hit = pickle.load(fh)
        if isinstance(hit, want):
            return hit  # type: ignore[return-value]
    except (
        OSError,
        pickle.PickleError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ):
        pass
    value = compute()
    _store(path, kind, value)
    return value


def cached_prepare(
    files: Sequence[Path], options: str, compute: Callable[[], Prepared]
) -> Prepared:
    """The prepared data for these input files (see the module docstring)."""
    from faktaark.pipeline import Prepared

    def fresh() -> Prepared:
        prep = compute()
        prep._cache.clear()
        return prep

    return cached("prepared", files, options, fresh, Prepared)


def cached_layout(folder: Path, known: Sequence[str], compute: Callable[[], Layout]) -> Layout:
    """A validated layout, for the same layout files and placeholder names."""
    from faktaark.layout import Layout

    files = sorted(f for f in folder.rglob("*") if f.is_file())
    return cached("layout", files, "\x1f".join(sorted(known)), compute, Layout)


def _store(path: Path, kind: str, value: bytes | object, keep: int = KEEP) -> None:
    from faktaark.pipeline import write_atomic

    try:
        data = (
            value
            if isinstance(value, bytes)
            else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        )
        write_atomic(path, data)
        entries = sorted(path.parent.glob(f"{kind}-*"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-keep]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: no cache, no harm


@lru_cache(maxsize=1)
def _validator_stamp() -> str:
    """Name, size and modification time of the validator's files (page-validation), found
    without importing it."""
    from importlib.util import find_spec

    spec = find_spec("page")
    h = hashlib.sha256()
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for f in sorted(Path(folder).iterdir()):
            if f.is_file():
                st = f.stat()
                h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def _verdict_path(data: bytes, variant: str) -> Path:
    digest = hashlib.sha256(data).hexdigest()[:40]
    return cache_dir() / f"verdict-{digest}-{variant}-{_validator_stamp()}.json"


def known_verdicts(data: bytes, variant: str) -> dict[str, str] | None:
    """The stored passing verdicts of exactly these bytes, or None."""
    if not _enabled():
        return None
    import json

    try:
        got = json.loads(_verdict_path(data, variant).read_bytes())
    except (OSError, ValueError):
        return None
    if isinstance(got, dict) and got and all(v == "pass" for v in got.values()):
        return {str(k): "pass" for k in got}
    return None


def remember_verdicts(data: bytes, variant: str, verdicts: dict[str, str]) -> None:
    """Store verdicts if they all pass (failures are never stored)."""
    if not _enabled() or not verdicts or any(v != "pass" for v in verdicts.values()):
        return
    import json

    doc = json.dumps(verdicts, sort_keys=True).encode()
    _store(_verdict_path(data, variant), "verdict", doc, KEEP_VERDICTS)

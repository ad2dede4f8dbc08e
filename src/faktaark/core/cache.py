"""The per-user cache mechanism: results stored under a hash of exactly the inputs they depend on.

The stages keep what they cache with it: prepared data (validated figures and indicators,
`faktaark.values.prepared`), checked layouts (`faktaark.layout.load`), projected maps
(`faktaark.plan.maps`) and the full validator's verdicts (`faktaark.builder.verdicts`).

Validating the figures (Pydantic) and computing the indicators (Polars) costs far more than
drawing one sheet, mostly in imports. Their result depends only on the bytes of the input files,
the options and the faktaark version, so it is stored under a hash of exactly those and reused
while none of them changes; any changed byte gives a new key. The cache lives in
`$XDG_CACHE_HOME/faktaark` (default `~/.cache/faktaark`); set `FAKTAARK_CACHE=0` to turn it off.
A stored object is used only when it is of the type its stage asks for.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from faktaark._version import __version__
from faktaark.core.atomic import write_atomic
from faktaark.core.limits import MAX_BYTES

__all__ = ["cache_dir", "cached", "enabled", "store"]
T = TypeVar("T")

KEEP = 32  # newest entries kept


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "faktaark"


def enabled() -> bool:
    return os.environ.get("FAKTAARK_CACHE", "1") not in ("0", "no", "false")


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """Name, size and modification time of every module of faktaark: a cached object made by
    other code (an edited checkout, not just another version) is never read back."""
    from faktaark.core.resources import package_dir

    h = hashlib.sha256()
    root = package_dir()
    for f in sorted(root.rglob("*.py")):  # every subpackage: an edit anywhere gives a new stamp
        st = f.stat()
        h.update(f"{f.relative_to(root).as_posix()}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


class _TooBig(Exception):
    pass


def _key(files: Sequence[Path], options: str) -> str:
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
    if not enabled():
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
    store(path, kind, value)
    return value


def store(path: Path, kind: str, value: bytes | object, keep: int = KEEP) -> None:
    """Store `value` (bytes as they are, anything else pickled) at `path`, keeping the newest
    `keep` entries of its kind; a read-only home simply has no cache."""
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

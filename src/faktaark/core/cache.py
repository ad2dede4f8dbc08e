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

The cache cannot run code that faktaark did not put there: CI caches are restored from other
branches and other people's runs, and an entry is a pickle. Every entry is signed (HMAC-SHA256)
with a per-user key kept *outside* the cache (`$XDG_CONFIG_HOME/faktaark/cache.key`, made on
first use, mode 0600); an entry whose signature does not match (planted, truncated, from
another machine) is never unpickled, only replaced. The cache folder is made mode 0700.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import pickle
import stat
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from faktaark._version import __version__
from faktaark.core.atomic import write_atomic
from faktaark.core.limits import MAX_BYTES
from faktaark.core.paths import guard_file
from faktaark.core.portable import has_nofollow, open_flags, private_file_ok
from faktaark.errors import FaktaarkError

__all__ = ["cache_dir", "cached", "enabled", "load", "store"]
T = TypeVar("T")

KEEP = 32  # newest entries kept


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "faktaark"


_MAGIC = b"faktaark-cache-1\n"
_MAX_ENTRY = 256 * 1024 * 1024


def _key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "faktaark" / "cache.key"


@lru_cache(maxsize=1)
def _secret() -> bytes | None:
    """The per-user signing key (made on first use), or None: then nothing is cached."""
    path = _key_path()
    for _ in range(2):
        try:
            fd = _open_no_link(path)
        except FileNotFoundError:
            try:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(path, open_flags(os.O_WRONLY | os.O_CREAT | os.O_EXCL), 0o600)
            except FileExistsError:
                continue  # another process made it meanwhile: read that one
            except OSError:
                return None
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(32))
            continue
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not private_file_ok(st):  # ours, and nobody else can read or write it
                return None
            key = fh.read(64)
        return key if len(key) >= 32 else None
    return None


def _open_no_link(path: Path) -> int:
    """Open `path` for reading, never through a symlink (`O_NOFOLLOW`; where there is no such
    flag, a symlink is refused by `lstat` first)."""
    if not has_nofollow() and path.is_symlink():
        raise OSError(errno.ELOOP, "a symbolic link", str(path))
    return os.open(path, open_flags(os.O_RDONLY, nofollow=True, nonblock=True))


def _sign(data: bytes) -> bytes | None:
    key = _secret()
    if key is None:
        return None
    return _MAGIC + hmac.new(key, data, hashlib.sha256).digest() + data


def load(path: Path) -> bytes | None:
    """The payload of a signed entry at `path`, or None (missing, unsigned, not ours)."""
    key = _secret()
    if key is None:
        return None
    try:
        fd = _open_no_link(path)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_ENTRY:
                return None
            blob = fh.read()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    if len(blob) < head or not blob.startswith(_MAGIC):
        return None
    sig, data = blob[len(_MAGIC) : head], blob[head:]
    if not hmac.compare_digest(sig, hmac.new(key, data, hashlib.sha256).digest()):
        return None
    return data


def _ensure_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) != 0o700:
        folder.chmod(0o700)


def enabled() -> bool:
    return os.environ.get("FAKTAARK_CACHE", "1") not in ("0", "no", "false")


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """Name, size and modification time of every module of faktaark: a cached object made by
    other code (an edited checkout, not just another version) is never read back."""
    from faktaark.core.resources import package_dir

    rows = []
    todo = [("", str(package_dir()))]
    while todo:  # every subpackage: an edit anywhere gives a new stamp (os.scandir: a single
        rel, folder = todo.pop()  # sheet's start-up pays for this walk on every run)
        with os.scandir(folder) as entries:
            for e in entries:
                if e.name.endswith(".py") and e.is_file():
                    st = e.stat()
                    rows.append(f"{rel}{e.name}:{st.st_size}:{st.st_mtime_ns};")
                elif e.is_dir(follow_symlinks=False) and e.name != "__pycache__":
                    todo.append((f"{rel}{e.name}/", e.path))
    return hashlib.sha256("".join(sorted(rows)).encode()).hexdigest()[:16]


class _TooBig(Exception):
    pass


def _key(files: Sequence[Path], options: str) -> str:
    # paths in `options` and below may be file names that are not UTF-8: their own bytes
    h = hashlib.sha256(
        f"{__version__}\x1f{_code_stamp()}\x1f{options}".encode(errors="surrogateescape")
    )
    for f in files:
        try:  # never hash what loading refuses (a FIFO, /dev/zero, a huge file)
            guard_file(f, limit=MAX_BYTES)
        except FaktaarkError as exc:
            raise _TooBig(str(f)) from exc
        h.update(os.fsencode(f.resolve()) + b"\x00")
        with f.open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):  # type: ignore[misc]
                h.update(block)
        h.update(b"\x00")
    return h.hexdigest()[:32]


def cached(
    kind: str,
    files: Sequence[Path],
    options: str,
    compute: Callable[[], T],
    want: type,
    keep: int = KEEP,
) -> T:
    """`compute()`, or its stored result for the same input bytes, options and version
    (the newest `keep` entries of a kind are kept)."""
    if not enabled():
        return compute()
    try:
        key = _key(files, options)
    except (OSError, _TooBig):
        return compute()  # a missing, unreadable or huge file: loading reports it properly
    path = cache_dir() / f"{kind}-{key}.pickle"
    try:
        data = load(path)  # signed by us, or never unpickled
        hit = pickle.loads(data) if data is not None else None
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
    store(path, kind, value, keep)
    return value


def store(path: Path, kind: str, value: bytes | object, keep: int = KEEP) -> None:
    """Store `value` (bytes as they are, anything else pickled) at `path`, signed, keeping the
    newest `keep` entries of its kind; a read-only home simply has no cache."""
    try:
        data = (
            value
            if isinstance(value, bytes)
            else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        )
        signed = _sign(data)
        if signed is None:
            return
        _ensure_dir(path.parent)
        write_atomic(path, signed)
        entries = sorted(path.parent.glob(f"{kind}-*"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-keep]:
            old.unlink(missing_ok=True)
    except (OSError, FaktaarkError):
        pass  # a read-only home or a full disk: no cache, no harm

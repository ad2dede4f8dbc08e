"""Reading a kit's TOML files: guarded, bounded, and with the line of any key.

`read_toml` reads a regular file of sane size (never a FIFO or a device), parses it with
`tomllib` and refuses tables nested absurdly deep; `locate` finds the line of a key path such
as `['box', '3', 'w']` or `['columns', 'beboere', 'min']` in the source, so every error can
name file, line and key. Standard library only.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from faktaark.core.limits import MAX_LAYOUT_BYTES
from faktaark.core.paths import read_text
from faktaark.errors import FaktaarkError, LayoutError

__all__ = ["MAX_DEPTH", "depth", "locate", "read_toml"]

MAX_DEPTH = 12  # texts.da.toml nests three deep; layout.toml four
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"-]+)\s*\]\]?")


def read_toml(
    path: Path, *, within: Path | None = None, limit: int = MAX_LAYOUT_BYTES, what: str = "file"
) -> tuple[dict[str, Any], str]:
    """The parsed document and its text; `LayoutError` naming the file on any problem."""
    import tomllib  # here: a cached run reads no TOML

    if not path.exists() and not path.is_symlink():
        raise LayoutError(f"{path}: missing; a kit folder needs it.")
    try:  # a regular file (inside `within`), of sane size: a FIFO would hang
        raw = read_text(path, within=within, limit=limit, what=what)
    except FaktaarkError as exc:
        raise LayoutError(str(exc)) from exc
    try:
        doc = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"{path}:{m.group(1)}" if m else str(path)
        raise LayoutError(f"{where}: not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise LayoutError(f"{path}: arrays or tables nested too deeply.") from exc
    if depth(doc) > MAX_DEPTH:
        raise LayoutError(f"{path}: arrays or tables nested more than {MAX_DEPTH} deep.")
    return doc, raw


def depth(doc: object) -> int:
    """How deep tables and arrays nest (iteratively: a 10.000-deep file must not recurse)."""
    deepest, todo = 0, [(doc, 1)]
    while todo:
        node, d = todo.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            break
        if isinstance(node, dict):
            todo.extend((v, d + 1) for v in node.values())
        elif isinstance(node, list):
            todo.extend((v, d + 1) for v in node)
    return deepest


def locate(text: str, loc: Sequence[str]) -> int | None:
    """The line (1-based) of a key path such as ['box', '3', 'w'] or ['styles', 'body', 'size']
    in TOML source; None if it cannot be found. Array indexes count `[[name]]` headers."""
    lines, tables, arrays, headers = _index(text)
    start, end = 0, len(lines)
    i = 0
    for k in range(len(loc), 1, -1):  # a dotted table header: [columns.beboere]
        if any(p.isdigit() for p in loc[:k]):
            continue
        hit = tables.get(".".join(loc[:k]))
        if hit is not None:
            if k == len(loc):
                return hit + 1
            start = hit + 1
            end = _next_header(headers, start, len(lines))
            i = k
            break
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if nxt is not None and nxt.isdigit():  # array of tables: the n-th [[part]]
            hits = [n for n in arrays.get(part, ()) if start <= n < end]
            if not hits:  # an index into an inline array: stay on the current line
                i += 2
                continue
            if int(nxt) >= len(hits):
                return None
            start = hits[int(nxt)] + 1
            end = _next_header(headers, start, len(lines))
            i += 2
            continue
        pat_key = re.compile(rf"^\s*\"?{re.escape(part)}\"?\s*=")
        pat_tbl = re.compile(rf"^\s*\[\s*([A-Za-z0-9_.]*\.)?{re.escape(part)}\s*\]")
        for n in range(start, end):
            if pat_key.match(lines[n]):
                if nxt is None:
                    return n + 1
                start = n
                break
            if pat_tbl.match(lines[n]):
                if nxt is None:
                    return n + 1
                start = n + 1
                end = _next_header(headers, start, len(lines))
                break
        else:
            return start + 1 if i else None
        i += 1
    return start + 1


# header lines as `locate` looks for them: `[name]` (maybe a comment after it), `[[name]]`
_TABLE = re.compile(r"^\s*\[\s*(.*?)\s*\]\s*(#.*)?$")
_ARRAY = re.compile(r"^\s*\[\[\s*(.*?)\s*\]\]")


@lru_cache(maxsize=16)
def _index(text: str) -> tuple[list[str], dict[str, int], dict[str, list[int]], list[int]]:
    """A source's lines; the first line of each `[name]` table header by name; the lines of
    each `[[name]]` by name; the lines of every header: read once per text, where each key
    looked up scanned the whole file (a kit's dictionary locates a few hundred keys)."""
    lines = text.splitlines()
    tables: dict[str, int] = {}
    arrays: dict[str, list[int]] = {}
    headers = []
    for n, ln in enumerate(lines):
        if _HEADER.match(ln):
            headers.append(n)
        if (m := _TABLE.match(ln)) is not None:
            tables.setdefault(m[1], n)
        if (m := _ARRAY.match(ln)) is not None:
            arrays.setdefault(m[1], []).append(n)
    return lines, tables, arrays, headers


def _next_header(headers: list[int], start: int, default: int) -> int:
    """The first header line at or after `start` (the end of the table that starts there)."""
    i = bisect_left(headers, start)
    return headers[i] if i < len(headers) else default

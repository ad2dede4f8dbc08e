"""Reading figures strictly: bytes that are not what they claim are refused, never guessed.

- `undecodable`: one invalid byte in a UTF-8 file is named by line, character and column
  (the whole file is never re-read as Windows-1252, which would print every å as "Ã¥");
- `no_duplicates`, `int_of_sane_size`: JSON hooks that refuse an object naming a key twice
  (which value would be meant?) and integers of absurd length (Python's own limit would
  raise deep inside the parser).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from faktaark.errors import InputError

__all__ = ["UTF8_SEQ", "JsonRefused", "int_of_sane_size", "no_duplicates", "undecodable"]

DELIMITERS = (";", "\t", ",")

# a multi-byte UTF-8 sequence: a file holding one is UTF-8 (Windows-1252 Danish text has none)
UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}")


def undecodable(raw: bytes, at: int, path: Path) -> InputError:
    """An invalid byte in UTF-8 text, named by line, column (the field) and character."""
    line = raw[:at].count(b"\n") + 1
    start = raw.rfind(b"\n", 0, at) + 1
    head = raw[:start].split(b"\n", 1)[0].decode("utf-8", errors="replace")
    before = raw[start:at].decode("utf-8", errors="replace")
    delim = next((d for d in DELIMITERS if d in head), ",")
    field = before.count(delim)
    names = [h.strip() for h in head.split(delim)]
    col = f" (column {names[field]!r})" if field < len(names) else ""
    bad = raw[at : at + 3]
    return InputError(
        f"{path}:{line}: byte 0x{raw[at]:02x} at line {line}, character {len(before) + 1}{col} "
        f"is not valid UTF-8 ({bad!r}) although the rest of the file is UTF-8. Fix that "
        "cell, or save the file again as UTF-8."
    )


class JsonRefused(ValueError):
    pass


def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; one that names a key twice is refused (which value would be meant?)."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise JsonRefused(f"the key {k!r} appears twice in one object; refused.")
        out[k] = v
    return out


def int_of_sane_size(digits: str) -> int:
    if len(digits.lstrip("-")) > 30:
        raise JsonRefused(f"a number with {len(digits)} digits is not a figure; refused.")
    return int(digits)

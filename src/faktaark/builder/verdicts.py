"""The build stage's verdict on a sheet's bytes, asked for before anything is written.

`check_bytes` runs the structural scan ("fast"), and with "full" also the full validators
(`faktaark.pdf.validate`); "none" checks nothing. A failure raises `ValidationFailed` naming
the rules. A validator verdict depends only on the bytes validated and on the validator, so a
passing verdict is stored in the per-user cache under the SHA-256 of the PDF, the variant and
the validator's own files; a rebuild that produces byte-identical output (builds are
deterministic) reuses it instead of validating the same bytes again. Failures are never stored.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from faktaark.core.cache import cache_dir, enabled, load, store
from faktaark.errors import UsageError, ValidationFailed

__all__ = ["VALIDATE_MODES", "check_bytes", "check_mode", "known_verdicts", "remember_verdicts"]

VALIDATE_MODES = ("full", "fast", "none")
KEEP_VERDICTS = 2000  # 98 sheets x layouts x variants x a few editions


def check_mode(validate: object, batch: bool = False) -> None:
    """Refuse a `validate` setting that is not one of the modes (a batch also has "sample":
    the full validator on the first sheet and every 32nd)."""
    modes = ("sample", *VALIDATE_MODES) if batch else VALIDATE_MODES
    if validate not in modes:
        raise UsageError(
            f"validate must be one of {', '.join(map(repr, modes))}; got {validate!r}."
        )


def check_bytes(data: bytes, variant: str, mode: str, title: str) -> None:
    """Raise `ValidationFailed` if the sheet's bytes fail the checks `mode` asks for."""
    if mode == "none":
        return
    from faktaark.pdf.validate import structural_problems

    problems = structural_problems(data, variant)
    if problems:
        raise ValidationFailed(f"{title} ({variant}): {'; '.join(problems)}")
    if mode == "full" and known_verdicts(data, variant) is None:
        from faktaark.pdf.validate import full_verdicts

        verdicts = full_verdicts(data, variant)
        failed = {k: v for k, v in verdicts.items() if v != "pass"}
        if failed:
            rules = "; ".join(f"{k}: {v}" for k, v in failed.items())
            raise ValidationFailed(f"{title} ({variant}): {rules}")
        remember_verdicts(data, variant, verdicts)


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
    if not enabled():
        return None
    raw = load(_verdict_path(data, variant))  # signed by us, or not a verdict
    try:
        got = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    if isinstance(got, dict) and got and all(v == "pass" for v in got.values()):
        return {str(k): "pass" for k in got}
    return None


def remember_verdicts(data: bytes, variant: str, verdicts: dict[str, str]) -> None:
    """Store verdicts if they all pass (failures are never stored)."""
    if not enabled() or not verdicts or any(v != "pass" for v in verdicts.values()):
        return
    doc = json.dumps(verdicts, sort_keys=True).encode()
    store(_verdict_path(data, variant), "verdict", doc, KEEP_VERDICTS)

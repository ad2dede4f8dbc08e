"""The one exception tree of faktaark, and `Issue`, a located problem in the input.

    FaktaarkError                 base: catch this to catch everything faktaark raises on purpose
    ├── UsageError                the caller asked for something that does not exist (exit 2)
    │   ├── UnknownKommune        a code or name that is not one of the 98 (with suggestions)
    │   └── ConfigError           a faktaark.toml or FAKTAARK_* value that cannot be used
    ├── InputError                a file is missing, unreadable, in an unknown format or encoding
    ├── OutputError               a file or folder could not be written (full disk, permissions ...)
    ├── DataError                 figures failed validation; carries every `Issue`, not just one
    ├── LayoutError               a layout folder is invalid (unknown key, placeholder, colour ...)
    ├── FitError                  a text does not fit its box, even at the smallest allowed size
    ├── GlyphError                a text uses a character the bundled font does not have
    ├── RenderError               the PDF could not be written
    └── ValidationFailed          a written PDF failed its PDF/A or PDF/UA check

Anything else that escapes faktaark is a bug and keeps its traceback.
Every error's `str()` is one paragraph that names file, row, column and municipality where
known; the CLI prints exactly that and exits with `exit_code`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BatchError",
    "ConfigError",
    "DataError",
    "FaktaarkError",
    "FitError",
    "GlyphError",
    "InputError",
    "Issue",
    "LayoutError",
    "OutputError",
    "RenderError",
    "UnknownKommune",
    "UsageError",
    "ValidationFailed",
]


@dataclass(frozen=True)
class Issue:
    """One located problem (or warning) in the input data or a layout file."""

    message: str
    file: str | None = None
    row: int | None = None  # 1-based line in the file (header = line 1) or record number
    column: str | None = None
    kommune: str | None = None
    severity: str = "error"  # "error" | "warning"

    def location(self) -> str:
        where = self.file or ""
        if self.row is not None:
            where = f"{where}:{self.row}" if where else f"row {self.row}"
        return where

    def __str__(self) -> str:
        parts = [p for p in (self.kommune, self.column) if p]
        subject = ", ".join(parts)
        loc = self.location()
        head = f"{loc}: " if loc else ""
        return f"{head}{subject}: {self.message}" if subject else f"{head}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "kommune": self.kommune,
            "message": self.message,
        }


class FaktaarkError(Exception):
    """Base class of every error faktaark raises on purpose."""

    exit_code = 1
    # what to do about it on the command line ("Run `faktaark list` ..."): the CLI prints it
    # after the message; `str()` (what the Python API says) never includes it
    advice: str = ""

    def __init__(self, message: str, issues: Sequence[Issue] = (), advice: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.issues: tuple[Issue, ...] = tuple(issues)
        if advice:
            self.advice = advice

    def __str__(self) -> str:
        return self.message


class UsageError(FaktaarkError):
    """The caller asked for something that does not exist (a layout, an option value)."""

    exit_code = 2


class UnknownKommune(UsageError):
    """A municipality code or name that is not one of the 98; carries close matches."""

    def __init__(self, query: str, suggestions: Sequence[str]) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"Unknown kommune {query!r}: not a code or name of one of the 98 municipalities.{hint}",
            advice="Run `faktaark list` to see them all.",
        )
        self.query = query
        self.suggestions = tuple(suggestions)


class ConfigError(UsageError):
    """A project configuration file (faktaark.toml, [tool.faktaark]) or FAKTAARK_* variable
    that cannot be used; names file, line and key."""


class InputError(FaktaarkError):
    """A file is missing, unreadable, empty, binary, or in an unknown format or encoding."""


class OutputError(FaktaarkError):
    """A file or folder could not be written: names the path and the reason (a full disk, no
    permission, a folder where the file belongs ...)."""


class DataError(FaktaarkError):
    """Figures failed validation. `issues` holds every problem found, each located."""

    def __init__(self, issues: Sequence[Issue], summary: str | None = None) -> None:
        errors = [i for i in issues if i.severity == "error"]
        head = summary or f"The data has {len(errors)} error(s); nothing was built."
        lines = "\n".join(f"  {i}" for i in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{head}\n{lines}{more}", issues)


class LayoutError(FaktaarkError):
    """A layout folder is invalid: unknown key, box off the page, unknown placeholder ..."""


class FitError(FaktaarkError):
    """A text does not fit its box even at the smallest size the layout allows."""

    def __init__(
        self, layout: str, kommune: str, page: int, box: str, overflow: str, detail: str = ""
    ) -> None:
        msg = f'{layout}, {kommune}, page {page}, box "{box}": {overflow}'
        super().__init__(msg + (f" ({detail})" if detail else ""))
        self.layout = layout
        self.kommune = kommune
        self.page = page
        self.box = box
        self.overflow = overflow


class GlyphError(FaktaarkError):
    """A text uses a character that the bundled font does not contain."""


class RenderError(FaktaarkError):
    """The PDF could not be drawn or written."""


class BatchError(FaktaarkError):
    """Some sheets of a batch (`build_many`) failed; the others were built. `issues` names
    each failure, `results` holds the sheets that were built."""

    def __init__(
        self, message: str, issues: Sequence[Issue] = (), results: Sequence[Any] = ()
    ) -> None:
        super().__init__(message, issues)
        self.results = list(results)


class ValidationFailed(FaktaarkError):
    """A written PDF failed its PDF/A or PDF/UA validation; names the failed rules."""

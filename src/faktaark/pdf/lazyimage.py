"""ReportLab without Pillow until an image is drawn.

`reportlab.lib.utils` imports `PIL.Image` when it is imported (about a tenth of a single
sheet's start-up), though it only needs it to read an image. `defer_pillow`, called before
ReportLab is first imported, puts a stand-in for `PIL.Image` in `sys.modules`: ReportLab binds
it and finds it there, and the first time anything reads or sets a name of it (an image is
drawn, or Pillow is used elsewhere) the real `PIL.Image` is imported and takes its place, in
`sys.modules` and in ReportLab. Nothing changes in what is drawn: no sheet draws an image
without reading it through Pillow first.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__all__ = ["defer_pillow"]

_NAME = "PIL.Image"


class _Deferred(types.ModuleType):
    """Stands for `PIL.Image` until one of its names is read or set."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # what imports and copy ask modules: not a use
        return getattr(_real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("__") and name.endswith("__"):
            super().__setattr__(name, value)
        else:
            setattr(_real(), name, value)


def _real() -> types.ModuleType:
    """The real `PIL.Image`, imported now, put where the stand-in was."""
    if isinstance(sys.modules.get(_NAME), _Deferred):
        del sys.modules[_NAME]
    module = importlib.import_module(_NAME)
    utils = sys.modules.get("reportlab.lib.utils")
    if utils is not None and isinstance(getattr(utils, "Image", None), _Deferred):
        setattr(utils, "Image", module)  # noqa: B010 (reportlab.lib.utils is not typed)
    return module


def defer_pillow() -> None:
    """Before ReportLab is imported: let it import a stand-in for `PIL.Image` (see above).
    Does nothing once ReportLab or Pillow is imported."""
    if "reportlab.lib.utils" in sys.modules or _NAME in sys.modules:
        return
    package = importlib.import_module("PIL")  # small: its version
    stand_in = _Deferred(_NAME)
    sys.modules[_NAME] = stand_in
    object.__setattr__(package, "Image", stand_in)  # `import PIL.Image; PIL.Image.open(...)`

"""Where the bundled data, layouts and fonts are.

In a source checkout (or an editable install) they are the repository's `data/` and
`layouts/` folders; in an installed wheel they are copied into the package as `_data/` and
`_layouts/` (see `pyproject.toml`). Fonts always live in the package (`faktaark/fonts/`).
Nothing here touches the network or anything outside the installation.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from faktaark.errors import InputError

__all__ = ["data_dir", "data_file", "fonts_dir", "layouts_dir", "package_dir"]

_PKG = Path(__file__).resolve().parents[1]  # src/faktaark (this file is in core/)


def package_dir() -> Path:
    return _PKG


def _find(installed: str, checkout: str) -> Path:
    for candidate in (_PKG / installed, _PKG.parents[1] / checkout):
        if candidate.is_dir():
            return candidate
    raise InputError(
        f"faktaark's bundled {checkout}/ folder is missing from the installation ({_PKG})."
    )


@cache
def data_dir() -> Path:
    return _find("_data", "data")


@cache
def layouts_dir() -> Path:
    return _find("_layouts", "layouts")


def data_file(name: str) -> Path:
    return data_dir() / name


def fonts_dir() -> Path:
    return _PKG / "fonts"

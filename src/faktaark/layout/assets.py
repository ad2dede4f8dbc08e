"""The image assets of a layout: inside its folder, real PNG or JPEG images (or an SVG logo),
of bounded size.

`asset_problem(folder, name)` says what is wrong with an asset before anything reads it whole:
a path outside the layout folder (absolute, `..`, a symlink out), not a regular file (a FIFO,
/dev/zero), more than `MAX_ASSET_BYTES`, not a PNG or JPEG, or more than `MAX_ASSET_PIXELS`
pixels (a decompression bomb is a few hundred KB that inflates to gigabytes). The pixel size
is read from the image header, by hand: no image library decodes an untrusted file here.
"""

from __future__ import annotations

import struct
from pathlib import Path

from faktaark.core.limits import MAX_ASSET_BYTES, MAX_ASSET_PIXELS
from faktaark.core.paths import guard_file
from faktaark.errors import FaktaarkError

__all__ = ["asset_path", "asset_problem", "image_size", "svg_problem"]

_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from the first bytes of a PNG or JPEG file, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
        w, h = struct.unpack(">II", head[16:24])
        return int(w), int(h)
    if head.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(head):
            if head[i] != 0xFF:
                return None
            marker = head[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", head[i + 2 : i + 4])
            if marker in _JPEG_SOF:
                h, w = struct.unpack(">HH", head[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + length
    return None


def svg_problem(name: str, head: bytes) -> str | None:
    """An SVG logo is drawn as vectors: an XML file whose root is <svg>, with no text of its
    own (its letters would need a font the sheet does not embed: convert text to paths), and
    the optional `svglib` installed (`pip install 'faktaark[svg]'`)."""
    import importlib.util

    text = head.decode("utf-8", "replace")
    if "<svg" not in text[:4096]:
        return f"asset {name!r} is not an SVG image (no <svg> element)"
    if "<text" in text:
        return f"asset {name!r}: an SVG logo with <text>; convert its text to paths"
    if importlib.util.find_spec("svglib") is None:
        return f"asset {name!r}: drawing an SVG needs svglib (pip install 'faktaark[svg]')"
    return None


def asset_path(folder: Path, name: str) -> Path:
    """The resolved path of an asset; `InputError` if it is outside `folder`, not a regular
    file or too big."""
    return guard_file(folder / name, within=folder, limit=MAX_ASSET_BYTES, what="image asset")


def asset_problem(folder: Path, name: str) -> str | None:
    """What is wrong with the asset `name` of the layout in `folder`, or None."""
    try:
        path = asset_path(folder, name)
        with path.open("rb") as fh:
            head = fh.read(64 * 1024)
    except FaktaarkError as exc:
        return f"asset {name!r}: {exc}"
    except OSError as exc:
        return f"asset {name!r}: cannot read: {exc.strerror}"
    if name.lower().endswith(".svg"):
        return svg_problem(name, head)
    size = image_size(head)
    if size is None:
        return f"asset {name!r} is not a PNG or JPEG image"
    w, h = size
    if w <= 0 or h <= 0:
        return f"asset {name!r}: an image of {w} x {h} pixel"
    if w * h > MAX_ASSET_PIXELS:
        return (
            f"asset {name!r}: {w} x {h} pixel ({w * h / 1e6:.0f} Mpixel), more than the "
            f"{MAX_ASSET_PIXELS // 1_000_000} Mpixel an image of a sheet may have"
        )
    return None

"""ReportLab without Pillow until an image is drawn (`faktaark.pdf.lazyimage`). What a user would
check: a sheet with an image draws it exactly as it would with Pillow imported first, and Pillow
used afterwards (previews, the contact sheet) is the real one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

DRAW = """
import hashlib, io, sys
if sys.argv[2] == "deferred":
    from faktaark.pdf.lazyimage import defer_pillow
    defer_pillow()
else:
    import PIL.Image
from reportlab.pdfgen.canvas import Canvas
before = type(sys.modules["PIL.Image"]).__name__
buf = io.BytesIO()
c = Canvas(buf, invariant=1)
c.drawImage(sys.argv[1], 10, 10, 100, 50, preserveAspectRatio=True, anchor="c", mask="auto")
c.showPage()
c.save()
import reportlab.lib.utils
import PIL.Image
assert PIL.Image.new("L", (2, 2)).size == (2, 2)  # as pypdfium2 reads it
from PIL import Image, ImageDraw
after = type(sys.modules["PIL.Image"]).__name__, reportlab.lib.utils.Image is Image
ImageDraw.Draw(Image.new("RGB", (4, 4))).line((0, 0, 3, 3), fill="red")
print(hashlib.sha256(buf.getvalue()).hexdigest(), before, *after)
"""


def _draw(png: Path, how: str) -> list[str]:
    res = subprocess.run(
        [sys.executable, "-c", DRAW, str(png), how], capture_output=True, text=True, check=True
    )
    return res.stdout.split()


def test_an_image_is_drawn_as_with_pillow_imported_first(tmp_path: Path) -> None:
    png = tmp_path / "logo.png"
    img = Image.new("RGBA", (40, 20), (200, 30, 30, 255))
    img.putpixel((3, 3), (0, 0, 0, 0))
    img.save(png)
    deferred = _draw(png, "deferred")
    eager = _draw(png, "eager")
    assert deferred[1] == "_Deferred"  # ReportLab was imported without Pillow
    assert eager[1] == "module"
    assert deferred[0] == eager[0]  # the same PDF
    assert deferred[2:] == ["module", "True"]  # the real PIL.Image everywhere afterwards


def test_nothing_is_deferred_once_pillow_is_imported() -> None:
    code = (
        "import sys, PIL.Image\n"
        "from faktaark.pdf.lazyimage import defer_pillow\n"
        "defer_pillow()\n"
        "print(sys.modules['PIL.Image'] is PIL.Image)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "True"

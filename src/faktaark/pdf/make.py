"""A plan into finished PDF bytes: drawn by `render`, finished as PDF/A (and PDF/UA) by `pdfa`.

screen: RGB, tagged PDF/UA-1 + PDF/A-2a; print: CMYK with 3 mm bleed and crop marks, PDF/A-2b
with a FOGRA39 output intent and PDF/X-4 ("print") or PDF/X-1a:2003 ("print-x1a") in the same
file. Validating the bytes is not this module's business: the build
stage asks `faktaark.pdf.validate` for a verdict before anything is written.
"""

from __future__ import annotations

from faktaark._version import __version__
from faktaark.plan.model import SheetPlan

__all__ = ["make_pdf"]


def make_pdf(plan: SheetPlan, variant: str = "screen") -> bytes:
    """Render a plan to finished PDF bytes (`variant`: "screen", "print" (PDF/X-4) or
    "print-x1a" (PDF/X-1a:2003))."""
    from faktaark.layout.rules import PRINT_STANDARDS
    from faktaark.pdf.lazyimage import defer_pillow

    defer_pillow()  # before ReportLab is imported: Pillow only if an image is drawn
    from faktaark.pdf import pdfa, render
    from faktaark.pdf.metadata import DocMeta, meta_date
    from faktaark.pdf.printgeom import REGISTRATION, PrintGeometry

    standard = PRINT_STANDARDS.get(variant)
    geometry = None
    if standard is not None:
        geometry = PrintGeometry(
            plan.width, plan.height, mark_color=plan.marks or REGISTRATION,
            min_white_stroke=plan.min_white_stroke, standard=standard,
        )  # fmt: skip
    creator = f"faktaark {__version__}"
    rendered = render.draw(plan, geometry, creator=creator, tagged=variant == "screen")
    meta = DocMeta(
        title=plan.title, author=plan.author, subject=plan.subject,
        keywords=f"almene boliger, {plan.kommune}, faktaark", creator_tool=creator,
        date=meta_date(plan.udgave), lang=plan.lang,
    )  # fmt: skip
    pages = [page.content for page in plan.pages]
    return pdfa.finish(rendered, pages, meta, variant=variant, standard=standard)

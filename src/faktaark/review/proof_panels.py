"""The proof rules of a page's panels and its sender (issue 22), registered for `faktaark proof`.

- `tomt_panel`: a filled panel with an empty strip across it taller than 8 mm: a call to action
  larger than its sentence, a key figure's box without its figure, a gap under "Vidste du"
  (`composition.panel_gaps`);
- `afsender_mangler`: a layout without a sender slot (a `kind = "logo"` box: the sender's logo
  file, or its name set as a wordmark).
"""

from __future__ import annotations

from collections.abc import Iterator

from faktaark.review import composition
from faktaark.review.proof import Finding, Sheet, rule

__all__ = ["panel_gaps", "sender_missing"]


@rule("tomt_panel", f"A filled panel has an empty strip across it taller than "
      f"{composition.PANEL_GAP_MM:g} mm", hard=True)  # fmt: skip
def panel_gaps(s: Sheet) -> Iterator[Finding]:
    frames = composition.figure_frames(s.layout)
    for f in composition.panel_gaps(s.plan, figures=frames):
        yield Finding("tomt_panel", s.layout.name, s.label, f.page, f.box, "", f.detail)


@rule("afsender_mangler", "The sheet has no sender slot (a logo box: the sender's logo file or "
      "its name as a wordmark)", hard=True)  # fmt: skip
def sender_missing(s: Sheet) -> Iterator[Finding]:
    shown = {n.box for page in s.plan.pages for top in page.content for n in top.walk()}
    if not any(b.kind == "logo" and b.id in shown for b in s.layout.boxes):
        yield Finding("afsender_mangler", s.layout.name, s.label, s.layout.pages, "", "",
                      "no box of kind \"logo\"")  # fmt: skip

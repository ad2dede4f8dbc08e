"""Previews, the contact sheet and compare: rendered with pypdfium2, checked as images/text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pypdf
import pytest
from PIL import Image

import faktaark
from faktaark import api
from faktaark.review import compare as review_compare

FIVE = ["København", "Glostrup", "Lyngby-Taarbæk", "Bornholm", "Ringkøbing-Skjern"]  # by code


def test_preview_pages_are_the_sheet(tmp_path: Path, prepared: api.Prepared) -> None:
    paths = faktaark.preview_pages("Bornholm", data=prepared, out=tmp_path, dpi=72)
    assert [p.name for p in paths] == ["400-bornholm-side1.png", "400-bornholm-side2.png"]
    with Image.open(paths[0]) as img:
        assert img.size[0] == pytest.approx(595, abs=1)  # A4 at 72 dpi
        assert img.size[1] == pytest.approx(842, abs=1)
        assert img.convert("L").getextrema()[0] < 100  # something dark is drawn


def test_contact_sheet_one_labelled_thumbnail_per_sheet(sheets_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "oversigt.pdf"
    sheet = faktaark.contact_sheet(sheets_dir, out, png=True, columns=2, rows=2)
    assert sheet.labels == (
        "101 København",
        "161 Glostrup",
        "173 Lyngby-Taarbæk",
        "400 Bornholm",
        "760 Ringkøbing-Skjern",
    )
    assert sheet.pages == 2  # 4 per page
    assert sheet.thumbnails == 10  # both pages of each sheet
    assert [p.name for p in sheet.pngs] == ["oversigt-1.png", "oversigt-2.png"]
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 2
    images = [len(page.images) for page in reader.pages]
    assert images == [8, 2]
    texts = [page.extract_text() for page in reader.pages]
    for i, label in enumerate(sheet.labels):  # each label is real text on its thumbnail's page
        code, name = label.split(" ", 1)
        page_text = texts[i // 4]
        assert name in page_text
        assert code in page_text
    assert "5 ark" in texts[0]


def test_contact_sheet_of_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(faktaark.UsageError, match="No PDF sheets"):
        faktaark.contact_sheet(tmp_path, tmp_path / "o.pdf")


def _with_changed_figure(data: Path, kode: str, column: str, delta: int) -> None:
    rows = list(csv.reader(io.StringIO(data.read_text(encoding="utf-8"))))
    col = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == kode:
            row[col] = str(int(float(row[col])) + delta)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    data.write_text(buf.getvalue(), encoding="utf-8")


def test_compare_flags_a_planted_change_and_nothing_else(
    tmp_path: Path, prepared: api.Prepared, data_copy: Path
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    faktaark.build_many(FIVE, data=prepared, out=old)
    faktaark.build_many(FIVE, data=prepared, out=new)
    # Bornholm's rent turnover changes: it is printed on page 1 only, and no total uses it
    _with_changed_figure(data_copy, "400", "huslejeomsaetning_mio_kr", 17)
    faktaark.build("Bornholm", data=data_copy, out=new)

    assert faktaark.compare(old, old, tmp_path / "same").unchanged
    report = faktaark.compare(old, new, tmp_path / "diff")
    assert report.compared == 5
    assert [(c.file, c.status) for c in report.changes] == [("400-bornholm.pdf", "changed")]
    change = report.changes[0]
    assert [p.page for p in change.pages] == [1]
    page = change.pages[0]
    assert 0 < page.share < 0.01
    assert page.boxes  # where it changed
    assert page.image == str(tmp_path / "diff" / "400-bornholm-side1-forskel.png")
    assert change.figures == ("almene.huslejeomsaetning_mio_kr: 235 mio. kr. -> 252 mio. kr.",)
    assert sorted(p.name for p in (tmp_path / "diff").iterdir()) == [
        "400-bornholm-side1-forskel.png"
    ]
    with Image.open(page.image) as img:
        assert img.width > 3 * 595  # old | new | changes


def test_regions_group_nearby_changes() -> None:
    mask = Image.new("L", (200, 100), 0)
    for x, y in ((10, 10), (14, 12), (150, 80)):
        mask.putpixel((x, y), 255)
    boxes = review_compare._regions(mask)
    assert len(boxes) == 2
    assert boxes[0][:2] == (0, 0)
    assert boxes[1][0] <= 150 < boxes[1][2]
    assert boxes[1][1] <= 80 < boxes[1][3]

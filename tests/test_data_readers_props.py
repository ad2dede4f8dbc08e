"""Property-based tests (hypothesis): the number parser and the CSV reader."""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faktaark.core import formatting as n
from faktaark.data.sources import read_table
from faktaark.data.table import Table
from faktaark.errors import InputError

# --- the number parser ----------------------------------------------------------------------

DANISH_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+")  # "1.250": Danish for 1250


@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from([".", " ", "\u202f"]))
def test_integers_in_any_grouping_read_back(value: int, sep: str) -> None:
    assert n.parse_number(n.tal(value, thousands=sep)) == value


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3), st.integers(1, 3))
def test_danish_decimals_read_back(value: object, decimals: int) -> None:
    text = n.tal(float(value), decimals)  # type: ignore[arg-type]
    assert "," in text
    back = n.parse_number(text)
    assert back == pytest.approx(float(n.round_half_up(float(value), decimals)))  # type: ignore[arg-type]


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(lambda f: round(f, 2)))
def test_english_grouping_reads_back(value: float) -> None:
    assert n.parse_number(f"{value:,.2f}") == pytest.approx(value, abs=0.006)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_machine_floats_read_back_unless_they_look_danish(value: float) -> None:
    text = repr(value)
    if DANISH_THOUSANDS.fullmatch(text):  # "1.125" is 1125 in a Danish file: by design
        assert n.parse_number(text) == float(text.replace(".", ""))
    else:
        assert n.parse_number(text) == value


@given(st.sampled_from(sorted(n.MISSING_MARKERS)), st.text(" \u00a0", max_size=3))
def test_missing_markers_are_none(marker: str, pad: str) -> None:
    assert n.parse_number(pad + marker + pad) is None


@given(st.sampled_from("=@"), st.text(max_size=20))
def test_formula_like_cells_are_refused(start: str, rest: str) -> None:
    with pytest.raises(ValueError, match=r"formula|expected"):
        n.parse_number(start + rest)


@given(
    st.sampled_from(["", "+", "-", "\u2212"]),
    st.sampled_from(["nan", "inf", "infinity"]).flatmap(
        lambda w: st.tuples(*(st.sampled_from([c, c.upper()]) for c in w))
    ),
)
def test_non_finite_words_in_any_case_are_refused(sign: str, letters: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match=r"finite|formula"):
        n.parse_number(sign + "".join(letters))


def outcome(fn: object, *args: object) -> object:
    """The value `fn` returns, or the exception it raises."""
    try:
        return fn(*args)  # type: ignore[operator]
    except Exception as exc:  # the test inspects what came out
        return exc


@given(st.text(max_size=40))
def test_the_parser_only_raises_value_errors(text: str) -> None:
    value = outcome(n.parse_number, text)
    if isinstance(value, Exception):
        assert isinstance(value, ValueError)
        assert str(value)  # a message for the analyst
    else:
        assert value is None or (isinstance(value, float) and math.isfinite(value))


# --- the CSV reader -------------------------------------------------------------------------

NAMES = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)
# cells: Danish letters, spaces, quotes, every separator and line breaks
TEXT = st.text(alphabet="abcXYZ019 æøåÆØÅé\"';,\t\n.-–", max_size=12)
CP1252_TEXT = st.text(alphabet='abcXYZ019 æøåÆØÅé";,.-', max_size=12)
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]


@st.composite
def tables(draw: st.DrawFn, cells: st.SearchStrategy[str]) -> tuple[list[str], list[list[str]]]:
    header = draw(st.lists(NAMES, min_size=2, max_size=6, unique=True))
    width = len(header)
    body = draw(st.lists(st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=8))
    body.append(["x"] * width)  # at least one row that is not blank
    return header, body


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(ENCODINGS),
    st.sampled_from(["\n", "\r\n"]),
    st.data(),
)
def test_csv_round_trip(delim: str, encoding: str, newline: str, data: st.DataObject) -> None:
    header, body = data.draw(tables(CP1252_TEXT if encoding == "cp1252" else TEXT))
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator=newline)
    w.writerow(header)
    w.writerows(body)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(buf.getvalue().encode(encoding))
        table = read_table(path)
    assert table.header == header
    want = [[c.strip() or None for c in row] for row in body]
    want = [row for row in want if any(row)]  # blank rows are skipped
    assert [list(r.cells.values()) for r in table.rows] == want
    lines = [r.line for r in table.rows]
    assert lines == sorted(lines)
    assert lines[0] >= 2
    noted = any("Windows-1252" in note for note in table.notes)
    assert noted == (encoding == "cp1252" and any(ord(c) > 127 for c in buf.getvalue()))


@settings(max_examples=100)
@given(st.binary(min_size=1, max_size=300))
def test_any_bytes_give_a_table_or_an_input_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes(raw)
        table = outcome(read_table, path)
    if isinstance(table, Exception):
        assert isinstance(table, InputError)
        assert str(path) in str(table)
        return
    assert isinstance(table, Table)
    assert table.rows
    assert all(len(r.cells) == len(table.header) for r in table.rows)

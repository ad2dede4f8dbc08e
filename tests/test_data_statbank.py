"""The Statbank importer: every recorded answer parses offline; the importer never needs the
network in tests (the one network function is replaced, or pointed at a local server)."""

from __future__ import annotations

import base64
import csv
import http.server
import io
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import faktaark
from faktaark.cli.app import app
from faktaark.core.kommuner import register
from faktaark.data import statbank, statbank_parse
from faktaark.errors import InputError, UsageError

ROOT = Path(__file__).resolve().parents[1]
REC = Path(__file__).parent / "fixtures" / "statbank"
runner = CliRunner()


# --- the recorded answers -------------------------------------------------------------------


def cassette_body(name: str) -> bytes:
    """The response body of a VCR cassette: base64 (`!binary |-`) or a folded quoted string."""
    text = (REC / name).read_text(encoding="utf-8")
    response = text[text.index("  response:") :]
    m = re.search(r"string: !binary \|-\n((?:        \S+\n)+)", response)
    if m:
        return base64.b64decode("".join(m.group(1).split()))
    m = re.search(r"string: '(.*?)'\n  recorded_at", response, flags=re.S)
    assert m, name
    # YAML single-quoted scalar: a line break plus indentation folds into one space
    return re.sub(r"\n\s+", " ", m.group(1)).replace("''", "'").encode("utf-8")


def test_recorded_csv_is_the_cassettes_body_with_bom_semicolon_crlf() -> None:
    body = (REC / "STRAF42_data_lang-en_csv.body.csv").read_bytes()
    assert cassette_body("vcr_data_straf42_csv.yml") == body
    assert body.startswith(b"\xef\xbb\xbf")
    assert b";" in body
    assert b"\r\n" in body


def test_recorded_csv_parses() -> None:
    obs = statbank_parse.parse_csv((REC / "STRAF42_data_lang-en_csv.body.csv").read_bytes())
    assert obs == [statbank_parse.Observation({"HERKOMST1": "Total", "TID": "2023"}, 233454.0)]


def test_recorded_jsonstat_parses_like_its_cassette() -> None:
    body = (REC / "STRAF42_data_lang-en_jsonstat.body.json").read_bytes()
    assert json.loads(cassette_body("vcr_data_straf42_json.yml")) == json.loads(body)
    obs, updated = statbank_parse.parse_jsonstat(body)
    assert updated == "2025-03-25T07:00:00Z"
    assert [(o.keys, o.labels["CONTENTSCODE"], o.value) for o in obs] == [
        ({"HERKOMST1": "00", "CONTENTSCODE": "STRAF42", "TID": "2023"}, "Decisions, total",
         233454.0)
    ]  # fmt: skip


def test_recorded_tableinfo_parses() -> None:
    body = (REC / "STRAF42_tableinfo_lang-en.body.json").read_bytes()
    assert cassette_body("vcr_table_info_straf42.yml") == body
    info = statbank.parse_tableinfo(body)
    assert (info.id, info.unit, info.updated) == ("STRAF42", "Number", "2025-03-25T08:00:00")
    assert [v.id for v in info.variables] == [
        "HERKOMST1", "OVERTRÆD", "AFGØRELSE", "ALDER", "KØN", "Tid"
    ]  # fmt: skip
    assert [v.id for v in info.variables if v.time] == ["Tid"]
    assert info.variable("herkomst1").values[0] == ("00", "Total")
    assert info.footnote.startswith("The number of convictions")


def test_recorded_folk1a_excerpt_parses_but_is_not_a_folketal_file() -> None:
    obs = statbank_parse.parse_csv((REC / "FOLK1A_code-valued_excerpt.csv").read_bytes())
    assert len(obs) == 29
    assert obs[0] == statbank_parse.Observation(
        {"OMRÅDE": "000", "KØN": "1", "ALDER": "0", "TID": "2008K1"}, 32976.0
    )
    # Denmark as a whole, split by sex and age: nothing a folketal file could hold
    with pytest.raises(InputError, match=r"splits by ALDER \(0, 1, 2\).*leave ALDER out"):
        statbank_parse.convert("FOLK1A", obs)


@pytest.mark.parametrize(
    "name", ["STRAF42_data_lang-en_csv.body.csv", "STRAF42_data_lang-en_jsonstat.body.json"]
)
def test_recorded_straf42_is_refused_as_folk1a(name: str) -> None:
    obs, _ = statbank_parse.parse_response((REC / name).read_bytes(), name)
    with pytest.raises(InputError, match="no OMRÅDE column"):
        statbank_parse.convert("FOLK1A", obs)


# --- answers in Statbank's format for the two tables faktaark imports --------------------------


def folketal() -> dict[str, int]:
    with (ROOT / "data" / "folketal.csv").open(encoding="utf-8") as fh:
        return {r["kommune_kode"]: int(r["folketal"]) for r in csv.DictReader(fh)}


EJER = [
    ("10", "Privatpersoner"),
    ("20", "Almene boligselskaber"),
    ("30", "Selskaber"),
    ("41", "Andelsboligforeninger"),
    ("SK", "Offentlig myndighed"),
    ("UOP2", "Andet"),
]
AREAS = [("000", "Hele landet"), ("084", "Region Hovedstaden"), ("411", "Christiansø")] + [
    (str(k.kode), k.navn) for k in register()
]


def tableinfo(name: str) -> dict[str, Any]:
    """A tableinfo answer shaped like the recorded one (variables as the notes list them)."""

    def var(vid: str, values: list[tuple[str, str]], elim: bool = True, t: bool = False) -> Any:
        return {"id": vid, "text": vid.lower(), "elimination": elim, "time": t,
                "values": [{"id": i, "text": x} for i, x in values]}  # fmt: skip

    area = var("OMRÅDE", AREAS)
    if name == "FOLK1A":
        quarters = [(f"{y}K{q}", f"{y}K{q}") for y in (2025, 2026) for q in (1, 2, 3, 4)]
        kon = var("KØN", [("TOT", "I alt"), ("1", "Mænd"), ("2", "Kvinder")])
        alder = var("ALDER", [("IALT", "Alder i alt")])
        variables = [area, kon, alder, var("Tid", quarters, False, True)]
    else:
        years = [*range(2010, 2021), *range(2023, 2027)]
        variables = [area, var("BEBO", [("1000", "Med tilmeldte"), ("2000", "Uden tilmeldte"),
                     ("5000", "Sommerhuse uden tilmeldte")]), var("EJER", EJER),
                     var("Tid", [(str(y), str(y)) for y in years], False, True)]  # fmt: skip
    return {"id": name, "text": name.lower(), "unit": "Antal", "updated": "2026-02-11T08:00:00",
            "footnote": {"text": "Årene 2021 og 2022 er lukket.", "mandatory": True},
            "variables": variables}  # fmt: skip


def dwellings(kode: str, year: int, bebo: str, ejer: str) -> int:
    """Synthetic dwelling counts (not real figures): deterministic per cell."""
    base = folketal()[kode] // 2 + year - 2000
    share = {"10": 50, "20": 20, "30": 15, "41": 10, "SK": 3, "UOP2": 2}[ejer]
    return base * share // 100 // (1 if bebo == "1000" else 10)


def answer(query: dict[str, Any]) -> bytes:
    """The data answer to a query, as Statbank would write it (CSV: BOM, `;`, CRLF)."""
    chosen = {v["code"]: v["values"] for v in query["variables"]}
    pop = folketal()
    cube = []
    extra = [("000", "Hele landet")]  # Statbank may add totals; the importer drops them
    for kode in [*chosen["OMRÅDE"], *(c for c, _ in extra)]:
        for tid in chosen["Tid"]:
            year = int(tid[:4])
            if query["table"] == "FOLK1A":
                value = pop.get(kode, 6_025_603) - (2026 - year) * 100
                cube.append(({"OMRÅDE": kode, "Tid": tid}, value))
                continue
            for bebo in chosen["BEBO"]:
                for ejer in chosen["EJER"]:
                    value = sum(dwellings(k, year, bebo, ejer) for k in pop) if kode == "000" else \
                        dwellings(kode, year, bebo, ejer)  # fmt: skip
                    cube.append(({"OMRÅDE": kode, "BEBO": bebo, "EJER": ejer, "Tid": tid}, value))
    if query["format"] == "csv":
        dims = [d.upper() for d in cube[0][0]]
        lines = [";".join([*dims, "INDHOLD"])]
        lines += [";".join([*keys.values(), str(v)]) for keys, v in cube]
        return b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n"
    ids = list(cube[0][0])
    cats = {d: list(dict.fromkeys(k[d] for k, _ in cube)) for d in ids}
    labels = dict(AREAS)
    dimension: dict[str, Any] = {
        d: {"label": d, "category": {"index": {c: i for i, c in enumerate(cats[d])},
                                     "label": {c: labels.get(c, c) for c in cats[d]}}}
        for d in ids
    }  # fmt: skip
    dimension.update(id=ids, size=[len(cats[d]) for d in ids], role={"time": ["Tid"]})
    values = [v for _, v in cube]
    doc = {"dataset": {"dimension": dimension, "label": query["table"], "source": "DST",
                       "updated": "2026-02-11T07:00:00Z", "value": values}}  # fmt: skip
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


class FakeStatbank:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def __call__(self, url: str, body: bytes | None, timeout: float) -> bytes:
        assert url.startswith(statbank.API)
        assert timeout > 0
        if body is None:
            name = re.search(r"id=(\w+)", url).group(1)  # type: ignore[union-attr]
            self.calls.append(("tableinfo", name))
            return json.dumps(tableinfo(name)).encode("utf-8")
        query = json.loads(body)
        self.calls.append(("data", query))
        return answer(query)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeStatbank:
    f = FakeStatbank()
    monkeypatch.setattr(statbank, "http_request", f)
    return f


def run(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stderr


def test_query_folk1a_newest_january_and_given_year() -> None:
    info = statbank.parse_tableinfo(json.dumps(tableinfo("FOLK1A")).encode())
    q = statbank.build_query("FOLK1A", info, None, "csv")
    chosen = {v["code"]: v["values"] for v in q["variables"]}
    assert chosen["Tid"] == ["2026K1"]
    assert chosen["OMRÅDE"] == [str(k.kode) for k in register()]
    assert set(chosen) == {"OMRÅDE", "Tid"}  # KØN, ALDER: eliminated (totals)
    assert (q["valuePresentation"], q["format"]) == ("Code", "csv")
    assert statbank.build_query("FOLK1A", info, "2025", "jsonstat")["variables"][-1] == {
        "code": "Tid", "values": ["2025K1"]
    }  # fmt: skip


def test_query_bol101_all_owners_almene_and_closed_years() -> None:
    info = statbank.parse_tableinfo(json.dumps(tableinfo("BOL101")).encode())
    columns = statbank.tables(faktaark.api.data_dictionary())["BOL101"]  # declared in fields.toml
    q = statbank.build_query("BOL101", info, "2024", "csv", columns)
    chosen = {v["code"]: v["values"] for v in q["variables"]}
    assert chosen["EJER"] == [i for i, _ in EJER]
    assert "20" in chosen["EJER"]
    assert chosen["BEBO"] == ["1000", "2000"]
    assert chosen["Tid"] == ["2024"]
    with pytest.raises(UsageError, match=r"BOL101 has no period '2021'; it has 2010-2026"):
        statbank.build_query("BOL101", info, "2021", "csv", columns)


@pytest.mark.parametrize("fmt", ["csv", "jsonstat"])
def test_folk1a_to_a_folketal_file_that_data_accepts(
    fake: FakeStatbank, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "folketal_2025.csv"
    code, err = run("data", "statbank", "FOLK1A", "--out", str(out), "--tid", "2025",
                    "--format", fmt)  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["kommune_kode", "kommune_navn", "folketal", "aar"]
    assert len(rows) == 98
    assert {r["aar"] for r in rows} == {"2025"}
    glostrup = next(r for r in rows if r["kommune_kode"] == "161")
    assert glostrup == {"kommune_kode": "161", "kommune_navn": "Glostrup",
                        "folketal": str(folketal()["161"] - 100), "aar": "2025"}  # fmt: skip
    ds = faktaark.load([ROOT / "data" / "almene.csv", out])
    assert (ds.folketal_aar, ds.folketal[161]) == (2025, folketal()["161"] - 100)
    note = (tmp_path / "folketal_2025.csv.SOURCE.txt").read_text(encoding="utf-8")
    assert "table FOLK1A" in note
    assert "Table updated: 2026-02-11T08:00:00" in note
    assert re.search(r"Fetched: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", note)
    query = json.loads(note.split("Query: ", 1)[1].splitlines()[0])
    assert query == fake.calls[-1][1]
    assert query["format"] == fmt
    assert "left out 1 areas" in err
    assert "Hele landet" in err


def test_bol101_supplies_the_housing_stock(fake: FakeStatbank, tmp_path: Path) -> None:
    out = tmp_path / "bol101.csv"
    code, err = run("data", "statbank", "bol101", "--out", str(out), "--tid", "2024")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    # the columns the default kit's data dictionary maps to BOL101, each with its year
    assert list(rows[0]) == [
        "kommunekode", "kommune", "boligmasse", "boligmasse_aar", "almene_boliger_ejer20"
    ]  # fmt: skip
    g = next(r for r in rows if r["kommunekode"] == "161")
    total = sum(dwellings("161", 2024, b, e) for b in ("1000", "2000") for e, _ in EJER)
    almene = sum(dwellings("161", 2024, b, "20") for b in ("1000", "2000"))
    assert (int(g["boligmasse"]), int(g["almene_boliger_ejer20"])) == (total, almene)
    assert g["boligmasse_aar"] == "2024"
    assert "BEBO 1000+2000" in (tmp_path / "bol101.csv.SOURCE.txt").read_text(encoding="utf-8")
    ds = faktaark.load([ROOT / "data" / "almene.csv", out])
    rec = ds.record(161)
    assert (rec.values["boligmasse"], rec.values["boligmasse_aar"]) == (total, 2024)
    assert any("boligmasse" in w.message and "bol101.csv" in w.message for w in ds.warnings)


def test_saved_response_converts_offline(tmp_path: Path) -> None:
    saved = tmp_path / "FOLK1A.csv"
    query = {"table": "FOLK1A", "format": "csv", "variables": [
        {"code": "OMRÅDE", "values": [str(k.kode) for k in register()]},
        {"code": "Tid", "values": ["2026K1"]}]}  # fmt: skip
    saved.write_bytes(answer(query))
    out = tmp_path / "out" / "folketal.csv"
    code, err = run("data", "statbank", "FOLK1A", "--response", str(saved), "--out", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8").splitlines()[1] == "101,København,671714,2026"
    assert "Request: none" in out.with_name("folketal.csv.SOURCE.txt").read_text("utf-8")


def test_offline_is_one_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    with socket.socket() as s:  # a local port nobody listens on: refused at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match=r"Cannot reach the Statbank API.*offline"):
        statbank.http_request(f"http://127.0.0.1:{port}/v1/data", b"{}", 2)
    # and through the command, with the real network function pointed at that port
    out = tmp_path / "f.csv"
    mp = pytest.MonkeyPatch()
    mp.setattr(statbank, "API", f"http://127.0.0.1:{port}/v1")
    try:
        code, err = run("data", "statbank", "FOLK1A", "--out", str(out), "--timeout", "2")
    finally:
        mp.undo()
    assert code == 1
    assert "Cannot reach the Statbank API" in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if b"slow" in body:
            time.sleep(1.0)  # longer than the client waits: it has hung up by now
            return
        if b"bad" in body:
            msg = json.dumps(
                {"errorTypeCode": "EXTRACT-NOTFOUND", "message": "Tabel BAD findes ikke"}
            )
            self.send_response(400)
            self.end_headers()
            self.wfile.write(msg.encode())
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"\xef\xbb\xbfOMR\xc3\x85DE;TID;INDHOLD\r\n161;2026K1;23985\r\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/v1/data"
    srv.shutdown()
    srv.server_close()


def test_http_request_posts_and_reads(local_server: str) -> None:
    raw = statbank.http_request(local_server, b'{"table": "FOLK1A"}', 5)
    assert statbank_parse.parse_csv(raw)[0].value == 23985.0


def test_http_error_names_statbanks_message(local_server: str) -> None:
    with pytest.raises(InputError, match=r"HTTP 400.*Tabel BAD findes ikke"):
        statbank.http_request(local_server, b'{"table": "bad"}', 5)


def test_timeout_is_an_input_error(local_server: str) -> None:
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"Timeout was 0.2 s"):
        statbank.http_request(local_server, b'{"table": "slow"}', 0.2)
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"OMR\xc3\x85DE;TID;INDHOLD\r\n161;2026K1;..\r\n", "suppressed"),
        (b"OMR\xc3\x85DE;TID;INDHOLD\r\n161;2026K1;23985\r\n", "lacks 97 municipalities"),
        (b"OMR\xc3\x85DE;TID;INDHOLD\r\n161;2026K2;23985\r\n", "not a year or 1 January"),
        (b"OMR\xc3\x85DE;TID;VALUE\r\n161;2026K1;1\r\n", "not INDHOLD"),
        (b'{"dataset": {"dimension": {"id": ["A"], "size": [2], "A": {"category": '
         b'{"index": {"x": 0, "y": 1}}}}, "value": [1]}}', "1 values for a cube of 2"),
        (b'{"dataset": {"value": [1]}}', "not JSON-stat"),
        (b'{"dataset": ', "not valid JSON"),
    ],
)  # fmt: skip
def test_broken_answers_are_refused(body: bytes, message: str) -> None:
    def parse_and_convert() -> None:
        obs, _ = statbank_parse.parse_response(body, "answer")
        statbank_parse.convert("FOLK1A", obs)

    with pytest.raises(InputError, match=message):
        parse_and_convert()


def test_decimal_comma_and_jsonstat_2_sparse_values() -> None:
    obs = statbank_parse.parse_csv(b"\xef\xbb\xbfA;TID;INDHOLD\r\nx;2024;42955,60\r\n")
    assert obs[0].value == pytest.approx(42955.6)
    doc = {"class": "dataset", "id": ["A", "Tid"], "size": [2, 1], "updated": "u",
           "dimension": {"A": {"category": {"index": ["x", "y"]}},
                         "Tid": {"category": {"index": {"2024": 0}}}},
           "value": {"1": 7}}  # fmt: skip
    obs2, updated = statbank_parse.parse_jsonstat(json.dumps(doc).encode())
    assert [(o.keys["A"], o.value) for o in obs2] == [("x", None), ("y", 7.0)]
    assert updated == "u"


def test_unknown_table_is_a_usage_error(tmp_path: Path) -> None:
    code, err = run("data", "statbank", "BEF5", "--out", str(tmp_path / "x.csv"))
    assert code == 2
    assert "faktaark imports FOLK1A, BOL101" in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["folketal.xlsx", "folder"])
def test_out_must_be_a_csv_file(fake: FakeStatbank, tmp_path: Path, name: str) -> None:
    (tmp_path / "folder").mkdir()
    code, err = run("data", "statbank", "FOLK1A", "--out", str(tmp_path / name))
    assert code == 2
    assert "ending in .csv" in err
    assert [p.name for p in tmp_path.iterdir()] == ["folder"]
    assert not fake.calls  # refused before asking Statbank anything

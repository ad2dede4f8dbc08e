"""Import from Danmarks Statistik's Statbank API into files that `--data` accepts.

    FOLK1A  population on 1 January per municipality -> kommune_kode,kommune_navn,folketal,aar
    <table> the columns a kit's data dictionary maps  -> kommunekode,kommune,<column>,<year>...
            to it (`statbank = { table = "BOL101",
            sum = [...], select = {...} }`)

The flow: GET tableinfo (variables, their values, `updated`) -> build the query -> POST
/v1/data (CSV or JSON-stat) -> parse into observations -> convert to the project's format.
`http_request` is the only function that touches the network (urllib, with a timeout), so
tests replace it; everything else works on bytes. Standard library only.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faktaark._version import __version__
from faktaark.core.kommuner import register
from faktaark.data.statbank_parse import POPULATION, convert, load_json, parse_response
from faktaark.dictionary.model import Dictionary, Statbank
from faktaark.errors import InputError, UsageError

__all__ = [
    "API",
    "Fetched",
    "TableInfo",
    "build_query",
    "fetch",
    "http_request",
    "parse_tableinfo",
    "provenance_text",
    "tables",
]

API = "https://api.statbank.dk/v1"
TIMEOUT = 30.0
MAX_RESPONSE = 50 * 1024 * 1024
_TOTALS = ("tot", "ialt", "i alt", "total", "alle")

Http = Callable[[str, bytes | None, float], bytes]


def http_request(url: str, body: bytes | None, timeout: float) -> bytes:
    """GET (body None) or POST JSON to the Statbank API; the one network call."""
    req = urllib.request.Request(
        url,
        data=body,
        method="POST" if body is not None else "GET",
        headers={"Content-Type": "application/json", "User-Agent": f"faktaark/{__version__}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data: bytes = resp.read(MAX_RESPONSE + 1)
    except urllib.error.HTTPError as exc:
        detail = exc.read(4000).decode("utf-8", "replace")
        with contextlib.suppress(ValueError, AttributeError):
            detail = str(json.loads(detail).get("message", detail))
        raise InputError(
            f"Statbank answered HTTP {exc.code} for {url}: {detail.strip()[:300]}. Nothing "
            "was written."
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(
            f"Cannot reach the Statbank API ({url}): {reason}. Are you offline, or behind a "
            f"proxy (set HTTPS_PROXY)? Nothing was written. Timeout was {timeout:g} s."
        ) from exc
    if len(data) > MAX_RESPONSE:
        raise InputError(f"Statbank's answer from {url} is larger than 50 MB; refusing it.")
    return data


# --- tableinfo ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Variable:
    id: str
    text: str
    elimination: bool
    time: bool
    values: tuple[tuple[str, str], ...]  # (id, text)


@dataclass(frozen=True)
class TableInfo:
    id: str
    text: str
    unit: str
    updated: str
    variables: tuple[Variable, ...]
    footnote: str = ""

    def variable(self, vid: str) -> Variable:
        for v in self.variables:
            if v.id.upper() == vid.upper():
                return v
        raise InputError(f"Statbank table {self.id} has no variable {vid}.")


def parse_tableinfo(raw: bytes) -> TableInfo:
    data: Any = load_json(raw, "Statbank tableinfo")
    try:
        variables = tuple(
            Variable(
                str(v["id"]),
                str(v.get("text", "")),
                bool(v.get("elimination", False)),
                bool(v.get("time", False)),
                tuple((str(x["id"]), str(x.get("text", ""))) for x in v["values"]),
            )
            for v in data["variables"]
        )
        foot = data.get("footnote") or {}
        return TableInfo(
            str(data["id"]),
            str(data.get("text", "")),
            str(data.get("unit", "")),
            str(data.get("updated", "")),
            variables,
            str(foot.get("text", "")).strip() if isinstance(foot, dict) else "",
        )
    except (KeyError, TypeError) as exc:
        raise InputError(f"Statbank tableinfo: unexpected shape (missing {exc}).") from exc


# --- query --------------------------------------------------------------------------------


def tables(d: Dictionary | None) -> dict[str, dict[str, Statbank]]:
    """The tables faktaark imports: FOLK1A (the population) and each table a kit's data
    dictionary maps columns to, with those columns."""
    out: dict[str, dict[str, Statbank]] = {POPULATION: {}}
    for c in d.columns.values() if d else ():
        if c.statbank is not None:
            out.setdefault(c.statbank.table, {})[c.name] = c.statbank
    return out


def _time_values(info: TableInfo, tid: str | None, name: str) -> list[str]:
    tvar = next((v for v in info.variables if v.time), None)
    if tvar is None:
        raise InputError(f"Statbank table {name} has no time variable.")
    ids = [i for i, _ in tvar.values]
    if name == POPULATION:
        ids = [i for i in ids if i.endswith("K1")]  # population on 1 January
    if tid is None:
        return ids[-1:]
    hits = [i for i in ids if i == tid or i.removesuffix("K1") == tid]
    if not hits:
        have = f"{ids[0]}-{ids[-1]}" if len(ids) > 3 else ", ".join(ids)
        raise UsageError(f"{name} has no period {tid!r}; it has {have} ({len(ids)} periods).")
    return hits


def _totals(info: TableInfo, chosen: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Variables not chosen: eliminated (summed by DST), or their total value when they
    cannot be eliminated."""
    out: dict[str, list[str]] = {}
    for v in info.variables:
        if v.id.upper() in {k.upper() for k in chosen} or v.elimination:
            continue
        total = next((i for i, t in v.values if i.lower() in _TOTALS or t.lower() in _TOTALS), None)
        if total is None:
            raise InputError(
                f"Statbank table {info.id}: variable {v.id} cannot be left out and has no total."
            )
        out[v.id] = [total]
    return out


def build_query(
    name: str, info: TableInfo, tid: str | None, fmt: str,
    columns: Mapping[str, Statbank] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The JSON body of the data request for a table: every value of the variables a column
    sums over, the values a column selects (the union over the columns)."""
    codes = [str(k.kode) for k in register()]
    area = info.variable("OMRÅDE")
    missing = set(codes) - {i for i, _ in area.values}
    if missing:
        raise InputError(f"{name}: OMRÅDE lacks municipality codes {sorted(missing)[:5]}.")
    chosen: dict[str, list[str]] = {area.id: codes}
    specs = dict(columns or {})
    for var in dict.fromkeys(x for spec in specs.values() for x in (*spec.sum, *spec.select)):
        v = info.variable(var)
        have = [i for i, _ in v.values]
        for col, spec in specs.items():
            lacking = [x for x in spec.select.get(var, ()) if x not in have]
            if lacking:
                raise InputError(f"{name}: {v.id} has no value {lacking[0]!r} (column {col}).")
        if any(var in spec.sum and var not in spec.select for spec in specs.values()):
            chosen[v.id] = have  # a column sums over every value
        else:
            wanted = {x for spec in specs.values() for x in spec.select.get(var, ())}
            chosen[v.id] = [i for i in have if i in wanted]
    tvar = next(v for v in info.variables if v.time) if info.variables else None
    chosen[tvar.id if tvar else "Tid"] = _time_values(info, tid, name)
    chosen.update(_totals(info, chosen))
    return {
        "table": name,
        "lang": "da",
        "format": fmt,
        "valuePresentation": "Code",
        "variables": [{"code": k, "values": v} for k, v in chosen.items()],
    }


# --- fetch and write ----------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    table: str
    header: list[str]
    rows: list[list[object]]
    notes: list[str]
    query: dict[str, Any]
    info: TableInfo | None
    updated: str
    fetched_at: str
    url: str
    columns: Mapping[str, Statbank] = field(default_factory=dict)

    def csv_bytes(self) -> bytes:
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.header)
        w.writerows(self.rows)
        return buf.getvalue().encode("utf-8")


def fetch(
    name: str,
    tid: str | None = None,
    fmt: str = "csv",
    http: Http | None = None,
    timeout: float = TIMEOUT,
    response: bytes | None = None,
    dictionary: Dictionary | None = None,
) -> Fetched:
    """Fetch FOLK1A or a table `dictionary` maps columns to (or convert a saved `response`)
    into the project's format."""
    name = name.upper()
    known = tables(dictionary)
    if name not in known:
        kit = f" (kit {dictionary.name!r})" if dictionary else ""
        raise UsageError(
            f"Unknown Statbank table {name!r}; faktaark imports {', '.join(known)}{kit}: "
            "FOLK1A, and every table a column of the kit's data dictionary names (statbank)."
        )
    columns = known[name] or None
    if fmt not in ("csv", "jsonstat"):
        raise UsageError(f"--format must be csv or jsonstat, got {fmt!r}.")
    call = http or http_request
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    info: TableInfo | None = None
    query: dict[str, Any] = {}
    url = f"{API}/data"
    if response is None:
        qs = urllib.parse.urlencode({"id": name, "format": "JSON", "lang": "da"})
        info = parse_tableinfo(call(f"{API}/tableinfo?{qs}", None, timeout))
        query = build_query(name, info, tid, fmt, columns)
        response = call(url, json.dumps(query, ensure_ascii=False).encode("utf-8"), timeout)
    obs, stamp = parse_response(response, f"{name} ({fmt})")
    years = {c: dictionary.columns[c].year for c in columns or {}} if dictionary else {}
    header, rows, notes = convert(name, obs, columns, years)
    updated = (info.updated if info else "") or stamp
    return Fetched(name, header, rows, notes, query, info, updated, now, url, columns or {})


def _what(f: Fetched) -> str:
    if not f.columns:
        return "population on 1 January (quarter K1) per municipality -> a folketal file"
    return f"{', '.join(f.columns)} per municipality -> a file that --data merges into the figures"


def _spec(s: Statbank) -> str:
    parts = [f"{var} {'+'.join(values)}" for var, values in s.select.items()]
    if s.sum:
        parts.append(f"summed over {' and '.join(s.sum)}")
    return ", ".join(parts) or "the table's total"


def provenance_text(f: Fetched, out_name: str) -> str:
    info = f.info
    lines = [
        f"{out_name} - written by `faktaark data statbank {f.table}` (faktaark {__version__})",
        f"Source: Danmarks Statistik, Statistikbanken, table {f.table}"
        + (f' "{info.text}"' if info and info.text else "")
        + f" (https://www.statistikbanken.dk/{f.table})",
        f"What: {_what(f)}",
        f"Table updated: {f.updated or 'unknown (a saved response without tableinfo)'}",
        f"Fetched: {f.fetched_at}" if f.query else f"Converted: {f.fetched_at} (saved response)",
        f"Request: POST {f.url}" if f.query else "Request: none (converted from a saved file)",
        f"Query: {json.dumps(f.query, ensure_ascii=False)}" if f.query else "Query: unknown",
        f"Rows: {len(f.rows)}; columns: {', '.join(f.header)}",
    ]
    lines += [f"Column {c}: {_spec(s)}" for c, s in f.columns.items()]
    lines += [f"Note: {n}" for n in f.notes]
    if info and info.footnote:
        lines.append(f"Table footnote: {' '.join(info.footnote.split())}")
    return "\n".join(lines) + "\n"


def import_table(
    table: str,
    out: Path,
    *,
    tid: str | None = None,
    fmt: str = "csv",
    timeout: float = 30.0,
    response: str | Path | None = None,
    dictionary: Dictionary | None = None,
) -> Fetched:
    """Fetch `table` (or convert the saved answer `response`) into the CSV file `out`, with a
    provenance note next to it (`out.SOURCE.txt`)."""
    from faktaark.core.atomic import write_atomic

    if out.is_dir() or out.suffix.lower() != ".csv":
        raise UsageError(f"{out}: give a file name ending in .csv (the import is CSV).")
    saved = None
    if response is not None:
        answer = Path(response)
        if not answer.is_file():
            raise InputError(f"{answer}: file not found (the saved Statbank answer).")
        if answer.stat().st_size > MAX_RESPONSE:
            raise InputError(f"{answer}: larger than 50 MB; not a Statbank answer.")
        saved = answer.read_bytes()
    fetched = fetch(table, tid, fmt, timeout=timeout, response=saved, dictionary=dictionary)
    note = out.with_name(out.name + ".SOURCE.txt")
    try:
        write_atomic(out, fetched.csv_bytes())
        write_atomic(note, provenance_text(fetched, out.name).encode("utf-8"))
    except OSError as exc:
        raise InputError(f"{out}: cannot write the file: {exc}") from exc
    return fetched

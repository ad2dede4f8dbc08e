"""One-off: simplify the municipality boundaries into the compact file the package ships.

    .venv/bin/pip install -e '.[tools]'     # shapely (only this script needs it)
    .venv/bin/python tools/simplify_map.py [--src ../shared/data/geo/kommuner.geojson]

Reads the DAGI-derived GeoJSON (WGS84 lon/lat, one Polygon feature per island, a dummy third
coordinate), drops 411 Christiansø (not a municipality), projects to ETRS89 / UTM 32N
(EPSG:25832, Krüger series; Bornholm lies east of zone 32 and is only drawn in an inset), and
simplifies the whole coverage at once with GEOS coverage simplification (Visvalingam-Whyatt),
so shared borders are simplified once and neighbours still meet; no ring is dropped (at worst
an islet becomes a triangle), so Læsø, Fanø, Samsø, Ærø, Anholt ... stay on the map.

Three levels are written: `grov` for the whole of Denmark on a map a few centimetres tall,
`mellem` and `fin` for regions and larger maps (the planner takes the coarsest level whose
tolerance stays below about a point on paper). Coordinates are quantised to whole multiples
of `quantum` metres from `origin` and delta-encoded per ring. Each municipality also gets a
label point (pole of inaccessibility of its largest part) and its neighbours (touching on
land, or for islands the nearest municipalities), for the region view. Output:
data/geo/kommuner.json plus its provenance note data/geo/kommuner.json.SOURCE.txt.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import polylabel

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "data" / "geo" / "kommuner.geojson"
OUT = ROOT / "data" / "geo" / "kommuner.json"
# level -> VW tolerances in metres (about the square root of the triangle areas removed): the
# coast and every border first, then the borders between municipalities once more (they are
# drawn twice, once per side, and matter least on a small map)
LEVELS = {"grov": (3000.0, 10000.0), "mellem": (600.0, 1500.0), "fin": (120.0, 120.0)}
QUANTUM = 10  # metres per stored unit
DROP = {"411": "Christiansø (not a municipality; an islet group 18 km north-east of Bornholm)"}
NEAREST_FOR_ISLANDS = 3  # neighbours named for a municipality with no land border
NEAR_M = 60.0  # parts closer than this are neighbours (DAGI borders meet, give or take)


def utm32(lon: float, lat: float) -> tuple[float, float]:
    """WGS84/ETRS89 lon/lat (degrees) -> UTM zone 32N easting/northing (metres), Krüger."""
    a, f = 6378137.0, 1 / 298.257222101
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = (
        n / 2 - 2 / 3 * n**2 + 5 / 16 * n**3,
        13 / 48 * n**2 - 3 / 5 * n**3,
        61 / 240 * n**3,
    )
    k0, e0 = 0.9996, 500_000.0
    phi, dlam = math.radians(lat), math.radians(lon - 9.0)
    c = 2 * math.sqrt(n) / (1 + n)
    t = math.sinh(math.atanh(math.sin(phi)) - c * math.atanh(c * math.sin(phi)))
    xi = math.atan2(t, math.cos(dlam))
    eta = math.atanh(math.sin(dlam) / math.sqrt(1 + t * t))
    e = eta + sum(
        al * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, al in enumerate(alpha, 1)
    )
    nn = xi + sum(
        al * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, al in enumerate(alpha, 1)
    )
    return e0 + k0 * big_a * e, k0 * big_a * nn


def _project_ring(ring: list[list[float]]) -> list[tuple[float, float]]:
    return [utm32(p[0], p[1]) for p in ring]  # drops the dummy third value (-999.0)


def read(src: Path) -> tuple[list[str], list[Polygon], dict[str, Any]]:
    raw = json.loads(src.read_text(encoding="utf-8"))
    codes: list[str] = []
    polys: list[Polygon] = []
    stats = {"features": len(raw["features"]), "points": 0, "dropped_features": 0}
    for feat in raw["features"]:
        code = str(feat["properties"]["lau_1"])
        geom = feat["geometry"]
        assert geom["type"] == "Polygon", geom["type"]
        stats["points"] += sum(len(r) for r in geom["coordinates"])
        if code in DROP:
            stats["dropped_features"] += 1
            continue
        rings = [_project_ring(r) for r in geom["coordinates"]]
        poly = Polygon(rings[0], rings[1:])
        if not poly.is_valid:
            poly = shapely.make_valid(poly)
            assert isinstance(poly, Polygon), code
        codes.append(code)
        polys.append(poly)
    return codes, polys, stats


def _quantise(
    ring: Any, origin: tuple[float, float], first: dict[tuple[int, int], None]
) -> list[int]:
    pts = []
    for x, y in list(ring.coords)[:-1]:  # the closing point is implied
        q = (round((x - origin[0]) / QUANTUM), round((y - origin[1]) / QUANTUM))
        if not pts or pts[-1] != q:
            pts.append(q)
    while len(pts) > 1 and pts[-1] == pts[0]:
        pts.pop()
    out: list[int] = []
    px = py = 0
    for i, (x, y) in enumerate(pts):
        out += [x, y] if i == 0 else [x - px, y - py]
        px, py = x, y
        first[(x, y)] = None
    return out


def encode(
    codes: list[str], simplified: list[Polygon], origin: tuple[float, float]
) -> tuple[dict[str, list[list[int]]], int]:
    by_code: dict[str, list[list[int]]] = defaultdict(list)
    seen: dict[tuple[int, int], None] = {}
    points = 0
    for code, poly in zip(codes, simplified, strict=True):
        parts = poly.geoms if isinstance(poly, MultiPolygon) else [poly]
        for part in parts:
            for ring in [part.exterior, *part.interiors]:
                enc = _quantise(ring, origin, seen)
                if len(enc) >= 6:
                    by_code[code].append(enc)
                    points += len(enc) // 2
    return dict(by_code), points


def neighbours(codes: list[str], polys: list[Polygon]) -> dict[str, list[str]]:
    merged: dict[str, MultiPolygon | Polygon] = {}
    groups: dict[str, list[Polygon]] = defaultdict(list)
    for c, p in zip(codes, polys, strict=True):
        groups[c].append(p)
    for c, ps in groups.items():
        merged[c] = shapely.union_all(ps)
    names = sorted(merged)
    out: dict[str, list[str]] = {}
    for c in names:
        touching = [o for o in names if o != c and merged[c].distance(merged[o]) < NEAR_M]
        if not touching:  # an island municipality: the nearest ones across the water
            touching = sorted(
                (o for o in names if o != c), key=lambda o: merged[c].distance(merged[o])
            )[:NEAREST_FOR_ISLANDS]
        out[c] = sorted(touching, key=int)
    return out


def labels(codes: list[str], polys: list[Polygon]) -> dict[str, Polygon]:
    largest: dict[str, Polygon] = {}
    for c, p in zip(codes, polys, strict=True):
        if c not in largest or p.area > largest[c].area:
            largest[c] = p
    return largest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=SRC)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    codes, polys, stats = read(args.src)
    valid = bool(shapely.coverage_is_valid(polys, gap_width=0.0))
    xmin = min(p.bounds[0] for p in polys)
    ymin = min(p.bounds[1] for p in polys)
    origin = (math.floor(xmin / 1000) * 1000.0, math.floor(ymin / 1000) * 1000.0)
    doc: dict[str, Any] = {
        "format": "faktaark-geo/1",
        "crs": "EPSG:25832 ETRS89 / UTM zone 32N; x = origin[0] + quantum * units (east), "
        "y = origin[1] + quantum * units (north)",
        "origin": list(origin),
        "quantum": QUANTUM,
        "levels": {k: v[0] for k, v in LEVELS.items()},
        "encoding": "rings of [x0, y0, dx1, dy1, ...] in units; the closing point is implied",
        "kommuner": {},
    }
    level_rings: dict[str, dict[str, list[list[int]]]] = {}
    counts: dict[str, int] = {}
    for name, (tol, inner) in LEVELS.items():
        simp = shapely.coverage_simplify(polys, tolerance=tol)
        if inner > tol:
            simp = shapely.coverage_simplify(simp, tolerance=inner, simplify_boundary=False)
        assert shapely.coverage_is_valid(simp), name
        simp = list(simp)
        level_rings[name], counts[name] = encode(codes, simp, origin)
    near = neighbours(codes, polys)
    lab = labels(codes, polys)
    for code in sorted(set(codes), key=int):
        pt = polylabel(lab[code], tolerance=100.0)
        doc["kommuner"][code] = {
            "label": [
                round((pt.x - origin[0]) / QUANTUM),
                round((pt.y - origin[1]) / QUANTUM),
            ],
            "naboer": [int(n) for n in near[code]],
            **{name: level_rings[name][code] for name in LEVELS},
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    size = args.out.stat().st_size
    print(f"coverage valid: {valid}; municipalities: {len(doc['kommuner'])}")
    print(f"points: source {stats['points']}, " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"wrote {args.out} ({size / 1024:.0f} KB)")
    note = _provenance(args.src, stats, counts, len(polys), valid, size)
    args.out.with_name(args.out.name + ".SOURCE.txt").write_text(note, encoding="utf-8")


def _provenance(
    src: Path, stats: dict[str, Any], counts: dict[str, int], parts: int, valid: bool, size: int
) -> str:
    original = src.with_name(src.name + ".SOURCE.txt").read_text(encoding="utf-8").rstrip()
    levels = "\n".join(
        f"  {k}: tolerance {v[0]:g} m (borders between municipalities {v[1]:g} m), "
        f"{counts[k]} points"
        for k, v in LEVELS.items()
    )
    return f"""kommuner.json — simplified municipality boundaries for the locator map (faktaark)

Made by tools/simplify_map.py (shapely {shapely.__version__}, GEOS {shapely.geos_version_string})
from ../shared/data/geo/kommuner.geojson, whose provenance note follows below. Attribution to
print wherever the map appears (faktaark.values.sheet.MAP_ATTRIBUTION, placeholder {{kort.kilde}}):
"Kort: Geodatastyrelsen og Danske Kommuner (DAGI, 1:500.000)".

What was done:
- dropped 411 {DROP["411"]}: {stats["dropped_features"]} features;
- dropped the dummy third coordinate (-999.0);
- projected WGS84 lon/lat to ETRS89 / UTM zone 32N (EPSG:25832) with the Krüger series
  (Bornholm, 6° east of the zone's central meridian, comes out turned by about 5° and
  0,2 % larger; it is drawn in an inset);
- simplified all {parts} polygons as one coverage (shapely.coverage_simplify, Visvalingam-
  Whyatt; source coverage valid: {valid}), so shared borders stay shared and no ring is
  dropped (small islands stay visible, at worst as triangles). Levels:
{levels}
  (source: {stats["points"]} points in {stats["features"]} features);
- quantised to {QUANTUM} m and delta-encoded; {size / 1024:.0f} KB;
- per municipality: a label point (pole of inaccessibility of its largest part) and its
  neighbours (parts closer than {NEAR_M:g} m; for island municipalities the
  {NEAREST_FOR_ISLANDS} nearest municipalities).

---- provenance of the source file ----
{original}
"""


if __name__ == "__main__":
    main()

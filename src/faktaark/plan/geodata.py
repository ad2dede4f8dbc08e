"""The municipality shapes of the locator map: the shipped, simplified boundaries.

`data/geo/kommuner.json` (made once by `tools/simplify_map.py`; provenance in its
`.SOURCE.txt`) holds every municipality's rings, projected to ETRS89 / UTM 32N, quantised and
delta-encoded, at three levels of detail (`grov` for all of Denmark on a small map, `mellem`
and `fin` for regions and larger maps; coarsest first), plus a
label point and the neighbours. This module decodes it once per process into metres and
answers geometric questions: rings, bounding boxes, which municipalities a view shows, and
where Bornholm's inset goes. Standard library only: no shapely, no network, no `../shared`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from itertools import accumulate
from typing import Any, NamedTuple

from faktaark.core import resources
from faktaark.core.kommuner import register
from faktaark.errors import InputError

__all__ = [
    "BORNHOLM",
    "GEO_FILE",
    "Atlas",
    "BBox",
    "Inset",
    "Ring",
    "Shape",
    "Transform",
    "atlas",
    "bbox",
    "fit",
    "land_naboer",
    "place_inset",
    "union",
    "view_codes",
]

GEO_FILE = "geo/kommuner.json"
BORNHOLM = 400  # far east of the rest: drawn in an inset, as Danish maps do

Ring = tuple[tuple[float, float], ...]
BBox = tuple[float, float, float, float]  # xmin, ymin, xmax, ymax


class Shape(NamedTuple):
    kode: int
    rings: Mapping[str, tuple[Ring, ...]]  # level -> rings in metres (UTM 32N)
    label: tuple[float, float]  # a point well inside the largest part (metres)
    naboer: tuple[int, ...]  # neighbouring municipalities (across the water for islands)

    def bbox(self, level: str) -> BBox:
        rings = self.rings
        return rings.bbox(level) if isinstance(rings, _Levels) else bbox(rings[level])


class Atlas(NamedTuple):
    shapes: dict[int, Shape]
    levels: dict[str, float]  # level -> simplification tolerance in metres, coarsest first
    source: str

    def shape(self, kode: int) -> Shape:
        try:
            return self.shapes[kode]
        except KeyError:
            raise InputError(f"{self.source}: no map shape for municipality {kode}") from None


class Transform(NamedTuple):
    """Metres -> points: (x, y) -> (dx + s * x, dy + s * y)."""

    s: float
    dx: float
    dy: float

    def ring(self, ring: Ring, nd: int = 1) -> Ring:
        s, dx, dy = self.s, self.dx, self.dy
        return tuple((round(dx + s * x, nd), round(dy + s * y, nd)) for x, y in ring)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (self.dx + self.s * x, self.dy + self.s * y)


class Inset(NamedTuple):
    """Where the inset shapes go, in the main map's metres: (x, y) -> k * (x, y) + shift,
    and the frame around them."""

    k: float  # the inset's scale relative to the main map (1 = the same scale)
    shift: tuple[float, float]
    frame: BBox  # in the main map's metres


def _decode(rings: Sequence[Sequence[int]], origin: Sequence[float], q: float) -> tuple[Ring, ...]:
    ox, oy = float(origin[0]), float(origin[1])
    return tuple(
        tuple(
            (ox + q * x, oy + q * y)
            for x, y in zip(accumulate(enc[::2]), accumulate(enc[1::2]), strict=True)
        )
        for enc in rings
    )


class _Levels(Mapping[str, tuple[Ring, ...]]):
    """A shape's rings per level, decoded when a level is first asked for: a sheet draws one
    level, so a single sheet does not pay for decoding the others."""

    def __init__(self, encoded: dict[str, Any], origin: Sequence[float], q: float) -> None:
        self._enc, self._origin, self._q = encoded, origin, q
        self._dec: dict[str, tuple[Ring, ...]] = {}
        self._box: dict[str, BBox] = {}

    def bbox(self, level: str) -> BBox:
        """`bbox(self[level])` without decoding the level: the decoded extremes of the encoded
        units (origin + quantum * units keeps their order, and is exact in floats)."""
        hit = self._box.get(level)
        if hit is None:
            ox, oy, q = float(self._origin[0]), float(self._origin[1]), self._q
            xmin = ymin = float("inf")
            xmax = ymax = float("-inf")
            for enc in self._enc[level]:
                if enc:
                    xs, ys = list(accumulate(enc[::2])), list(accumulate(enc[1::2]))
                    xmin, xmax = min(xmin, ox + q * min(xs)), max(xmax, ox + q * max(xs))
                    ymin, ymax = min(ymin, oy + q * min(ys)), max(ymax, oy + q * max(ys))
            hit = self._box[level] = (xmin, ymin, xmax, ymax)
        return hit

    def __getitem__(self, level: str) -> tuple[Ring, ...]:
        hit = self._dec.get(level)
        if hit is None:
            hit = self._dec[level] = _decode(self._enc[level], self._origin, self._q)
        return hit

    def __iter__(self) -> Iterator[str]:
        return iter(self._enc)

    def __len__(self) -> int:
        return len(self._enc)


@cache
def atlas() -> Atlas:
    """The shipped shapes, decoded once per process."""
    path = resources.data_file(GEO_FILE)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        origin, q = doc["origin"], float(doc["quantum"])
        levels = dict(
            sorted(((str(k), float(v)) for k, v in doc["levels"].items()), key=lambda kv: -kv[1])
        )
        shapes = {}
        for code, k in doc["kommuner"].items():
            kode = int(code)
            shapes[kode] = Shape(
                kode=kode,
                rings=_Levels({lv: k[lv] for lv in levels}, origin, q),
                label=(origin[0] + q * k["label"][0], origin[1] + q * k["label"][1]),
                naboer=tuple(int(n) for n in k["naboer"]),
            )
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise InputError(f"{path}: cannot read the map shapes: {exc!r}") from exc
    missing = [k.kode for k in register() if k.kode not in shapes]
    if missing:
        raise InputError(f"{path}: no map shape for municipality {missing}")
    return Atlas(shapes, levels, str(path))


def bbox(rings: Iterable[Ring]) -> BBox:
    xmin = ymin = float("inf")
    xmax = ymax = float("-inf")
    for ring in rings:
        if ring:
            xs, ys = zip(*ring, strict=True)
            xmin, xmax = min(xmin, min(xs)), max(xmax, max(xs))
            ymin, ymax = min(ymin, min(ys)), max(ymax, max(ys))
    return (xmin, ymin, xmax, ymax)


def union(boxes: Iterable[BBox]) -> BBox:
    bs = list(boxes)
    return (
        min(b[0] for b in bs),
        min(b[1] for b in bs),
        max(b[2] for b in bs),
        max(b[3] for b in bs),
    )


def view_codes(view: str, region: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(main, inset) municipality codes a view shows: Denmark, or one region. Bornholm goes
    into the inset whenever anything else is on the map."""
    kommuner = list(register()) if view == "danmark" else register().region(region)
    codes = [k.kode for k in kommuner]
    if not codes:
        raise InputError(f"the municipality register has no municipality in {region!r}")
    inset = tuple(c for c in codes if c == BORNHOLM and len(codes) > 1)
    return tuple(c for c in codes if c not in inset), inset


def _fits(ext: BBox, box_w: float, box_h: float) -> float:
    """The scale (points per metre) at which `ext` fits a box."""
    return min(box_w / max(ext[2] - ext[0], 1.0), box_h / max(ext[3] - ext[1], 1.0))


def place_inset(
    main: Sequence[Ring], inset: BBox, box_w: float, box_h: float, max_share: float = 0.3
) -> Inset:
    """Put the inset (its shapes' bounding box) in a corner of the main map where it covers
    no land, tucked in as far as the coastline allows; the corner that lets the whole map be
    drawn largest wins (top right first, as on Danish maps). The inset keeps the main map's
    scale unless it would then span more than `max_share` of the main map (Bornholm next to
    the capital region), in which case it is drawn smaller."""
    ext = bbox(main)
    span = max(ext[2] - ext[0], ext[3] - ext[1])
    pad, gap = span * 0.02, span * 0.03
    iw, ih = inset[2] - inset[0], inset[3] - inset[1]
    k = min(1.0, max_share * span / max(iw, ih, 1.0))
    fw, fh = k * iw + 2 * pad, k * ih + 2 * pad
    best: tuple[float, int, BBox] | None = None
    corners = (("right", "top"), ("right", "bottom"), ("left", "top"), ("left", "bottom"))
    for rank, (side, vert) in enumerate(corners):
        y1 = ext[3] if vert == "top" else ext[1] + fh
        y0 = y1 - fh
        xs = [x for ring in main for x, y in ring if y0 - gap <= y <= y1 + gap]
        if side == "right":
            x0 = max(max(xs, default=ext[0]) + gap, ext[2] - fw)
            frame = (x0, y0, x0 + fw, y1)
        else:
            x1 = min(min(xs, default=ext[2]) - gap, ext[0] + fw)
            frame = (x1 - fw, y0, x1, y1)
        scale = _fits(union((ext, frame)), box_w, box_h)
        if best is None or scale > best[0] * 1.02:
            best = (scale, rank, frame)
    assert best is not None
    frame = best[2]
    shift = (frame[0] + pad - k * inset[0], frame[1] + pad - k * inset[1])
    return Inset(k, shift, frame)


def fit(ext: BBox, x: float, y: float, w: float, h: float) -> Transform:
    """The transform that fits `ext` (metres) into the box (points), centred, same scale on
    both axes (UTM metres are metres in both directions: nothing is stretched)."""
    s = _fits(ext, w, h)
    dx = x + (w - s * (ext[2] - ext[0])) / 2 - s * ext[0]
    dy = y + (h - s * (ext[3] - ext[1])) / 2 - s * ext[1]
    return Transform(s, dx, dy)


@cache
def land_naboer(kode: int) -> tuple[int, ...]:
    """The municipalities that share a land border with `kode`: the shipped neighbours whose
    finest rings share a border with it (shared borders stay shared in the simplified
    coverage). An island municipality has none: its shipped neighbours are only the nearest
    across the water."""
    at = atlas()
    level = list(at.levels)[-1]
    mine = {p for r in at.shape(kode).rings[level] for p in r}
    out = []
    for n in at.shape(kode).naboer:
        shared = sum(1 for r in at.shape(n).rings[level] for p in r if p in mine)
        if shared >= 2:
            out.append(n)
    return tuple(out)

"""The window of a region view: the municipality and its land neighbours, framed with a
margin, at a scale where the municipality is never the smallest thing on the map.

The window (in metres, UTM 32N) has the box's proportions. Its scale fits the municipality
and its land neighbours, within two bounds: the municipality spans at least `SHARE_MIN` of
the map's width (a capital-area municipality with large neighbours is not lost among them),
and at most `SHARE_MAX_W` of its width and `SHARE_MAX_H` of its height (room for the names
around it). An island without a land neighbour is framed on itself and, when it lies near
enough, the nearest coast (so the reader sees where it is). The municipality and its land
neighbours always lie together, so a region view needs no inset.
"""

from __future__ import annotations

from faktaark.plan import geodata

__all__ = ["MARGIN", "SHARE_MAX_H", "SHARE_MAX_W", "SHARE_MIN", "region_window"]

SHARE_MIN = 0.25  # of the map's width, at least (the proof holds 1/6)
SHARE_MAX_W = 0.5  # of the map's width, at most
SHARE_MAX_H = 0.65  # of the map's height, at most
MARGIN = 0.12  # of the window on each side kept free around the municipality, when it can be
SHARE_FLOOR = 0.2  # of the map's width: the least a municipality ever spans (see ENCLOSED_LEADER)
ISLAND_SHARE = 0.3  # an island's window takes in the nearest coast if the island still spans this
ENCLOSED_LEADER = 18.0  # pt: the way out for the name of a neighbour the municipality encloses
COAST = 3_000.0  # m: how much of the nearest coast an island's window takes in around its point


def _scale(ext: geodata.BBox, box_w: float, box_h: float) -> float:
    """Points per metre at which `ext`, with the margin around it, fits the box."""
    grow = 1 + 2 * MARGIN
    return min(box_w / ((ext[2] - ext[0]) * grow), box_h / ((ext[3] - ext[1]) * grow))


def _nearest_land(kode: int, level: str) -> tuple[float, float] | None:
    """The point of another municipality nearest to an island (its shipped neighbours are
    the nearest ones across the water)."""
    at = geodata.atlas()
    b = at.shape(kode).bbox(level)
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    best: tuple[float, tuple[float, float]] | None = None
    for n in at.shape(kode).naboer:
        for ring in at.shape(n).rings[level]:
            for x, y in ring:
                dx = max(b[0] - x, 0.0, x - b[2])
                dy = max(b[1] - y, 0.0, y - b[3])
                d = dx * dx + dy * dy + 1e-6 * ((x - cx) ** 2 + (y - cy) ** 2)
                if best is None or d < best[0]:
                    best = (d, (x, y))
    return None if best is None else best[1]


def _enclosed_reach(kode: int, level: str) -> float:
    """How far (metres) the name of a neighbour that `kode` surrounds on every side
    (Frederiksberg in København) has to go from its label point to reach a spot off `kode`;
    0 when no neighbour is enclosed."""
    at = geodata.atlas()
    mine = {p for r in at.shape(kode).rings[level] for p in r}
    reach = 0.0
    for n in geodata.land_naboer(kode):
        theirs = {p for r in at.shape(n).rings[level] for p in r}
        if geodata.land_naboer(n) != (kode,) or not theirs <= mine:
            continue
        lx, ly = at.shape(n).label
        out = min((x - lx) ** 2 + (y - ly) ** 2 for x, y in mine - theirs)
        reach = max(reach, out**0.5)
    return reach


def region_window(kode: int, box_w: float, box_h: float, level: str) -> geodata.BBox:
    """The part of the country (metres) a region view of `kode` shows in a box of
    box_w × box_h points: the same proportions as the box."""
    at = geodata.atlas()
    sb = at.shape(kode).bbox(level)
    sw, sh = max(sb[2] - sb[0], 1.0), max(sb[3] - sb[1], 1.0)
    naboer = geodata.land_naboer(kode)
    if naboer:
        ext = geodata.union([sb, *(at.shape(n).bbox(level) for n in naboer)])
    else:
        ext = sb
        p = _nearest_land(kode, level)
        if p is not None:
            coast = (p[0] - COAST, p[1] - COAST, p[0] + COAST, p[1] + COAST)
            near = geodata.union([sb, coast])
            if _scale(near, box_w, box_h) * sw >= ISLAND_SHARE * box_w:
                ext = near
    s_all = _scale(ext, box_w, box_h)
    s_lo = SHARE_MIN * box_w / sw
    s_hi = min(SHARE_MAX_W * box_w / sw, SHARE_MAX_H * box_h / sh)
    s = min(max(s_all, s_lo), s_hi)
    reach = _enclosed_reach(kode, level)
    if reach:  # an enclosed neighbour's name stands outside, its leader line kept short
        s = max(min(s, ENCLOSED_LEADER / reach), SHARE_FLOOR * box_w / sw)
    ww, wh = box_w / s, box_h / s
    # halfway between the middle of the municipality and the middle of its neighbours
    cx = (ext[0] + ext[2] + sb[0] + sb[2]) / 4
    cy = (ext[1] + ext[3] + sb[1] + sb[3]) / 4
    # the municipality stays inside, with as much of the margin as the window has room for
    mx = min(MARGIN * ww, (ww - sw) / 2)
    my = min(MARGIN * wh, (wh - sh) / 2)
    cx = min(max(cx, sb[2] + mx - ww / 2), sb[0] - mx + ww / 2)
    cy = min(max(cy, sb[3] + my - wh / 2), sb[1] - my + wh / 2)
    return (cx - ww / 2, cy - wh / 2, cx + ww / 2, cy + wh / 2)

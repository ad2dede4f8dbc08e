"""PDF path operators for the maps' rings: `x y m x y l ... h`.

A ring of points is formatted once per process (cached by identity: the map of Denmark's
rings are shared by every sheet); a ring packed as text (`PathOp.packed`: a region view's
land beyond its named areas, read back from the cache as text) only gets its operators.
"""

from __future__ import annotations

__all__ = ["packed_ops", "ring_ops"]

_RINGS: dict[int, tuple[tuple[tuple[float, float], ...], str]] = {}
_RINGS_MAX = 256  # the map of Denmark's 122 shared rings stay; a region view's are per sheet


def ring_ops(ring: tuple[tuple[float, float], ...]) -> str:
    """`x y m x y l ... h` for one ring (cached by identity: the maps' rings are shared and
    immutable; the least recently used goes first: a sheet's own rings do not pile up)."""
    hit = _RINGS.pop(id(ring), None)
    if hit is not None and hit[0] is ring:
        _RINGS[id(ring)] = hit  # the most recently used last
        return hit[1]
    text = "%.2f %.2f m " % ring[0] + " ".join(map("%.2f %.2f l".__mod__, ring[1:])) + " h"  # noqa: UP031
    if len(_RINGS) >= _RINGS_MAX:
        del _RINGS[next(iter(_RINGS))]
    _RINGS[id(ring)] = (ring, text)
    return text


def packed_ops(text: str) -> str:
    """`x y m x y l ... h` for a ring packed as `x y|x y|...` (`PathOp.packed`)."""
    first, _, rest = text.partition("|")
    return f"{first} m {rest.replace('|', ' l ')} l h"

"""A deterministic transit-map layout for an eco-map.

The layout is a pure function of the map's content (stations by key, journeys as ordered keys,
links, nudges), so the same map always draws the same. It works on a lattice: every station sits on
a grid cell ``(col, row)`` whose centre is at ``(col * COL_UNITS, row * ROW_UNITS)`` lattice units,
so station centres are always at integer lattice points.

Guarantees, and how they are kept by construction:

* **Octilinear where possible.** Each step of a journey is drawn as a straight horizontal, vertical
  or 45° line when the stations line up, else as one bend (diagonal then straight, or straight then
  diagonal) when that route is clear.
* **A line never passes through a station it does not stop at.** A candidate route is accepted only
  if no other station lies on it (stations only sit on integer lattice points, and the routes'
  pieces are walked point by point). When no simple route is clear, the step takes a *channel*
  route: a half-unit diagonal out of the station, along a half-unit channel (half-integer x or y, where
  no station can be) and a half-unit diagonal in. Channel routes are always clear and still octilinear.
* **Station labels never overlap, and no line passes through a label**: each label tries eight
  positions right beside its station (below, above, right, left, then the four corners) and takes
  the first that is clear of labels, discs and every drawn line (with the width of a band of
  parallel lines). On a dense map where none is, it moves to the nearest clear place within
  ``LEADER_REACH`` (on a ``LEADER_STEP`` grid) and a thin leader line joins it to its station; the
  leader crosses no label or disc, and later labels keep off it (``stats.leaders`` counts them). A
  label that finds no clear place at all is left off the drawing rather than drawn over a line (the
  station keeps its tooltip and is named in the text alternative; ``stats.unlabelled`` counts
  them; none on the generated maps the tests and the benchmark use). Text width is estimated as
  ``CHAR_WIDTH`` per character, a deliberate over-estimate for the sans-serif fonts used.
"""

from __future__ import annotations

import functools
import itertools
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

UNIT = 48  # pixels per lattice unit
COL_UNITS = 4
ROW_UNITS = 3
MARGIN = 72
STATION_RADIUS = 7
INTERCHANGE_RADIUS = 10
FONT_SIZE = 12
LINE_HEIGHT = 14
CHAR_WIDTH = 7.0
LABEL_CHARS = 18
LABEL_MAX_LINES = 3
LABEL_GAP = 6
# How far from its station a label may move (with a leader line) when no place beside it is clear.
LEADER_REACH = 2 * COL_UNITS * UNIT
LEADER_NEAR = 2 * UNIT
LEADER_STEP = 12


@dataclass(frozen=True)
class StationInput:
    key: str
    name: str
    pinned: tuple[int, int] | None = None


@dataclass(frozen=True)
class JourneyInput:
    key: str
    stops: tuple[str, ...]


@dataclass
class MapInput:
    stations: list[StationInput]
    journeys: list[JourneyInput]
    links: list[tuple[str, str]] = field(default_factory=list)


Point = tuple[Fraction, Fraction]


def _sign(value) -> int:
    return (value > 0) - (value < 0)


def _columns(stations: list[str], journeys: list[JourneyInput]) -> dict[str, int]:
    """Longest-path layering of the steps' directed graph; a return to an earlier station (a cycle)
    is broken at the edge that closes it, found by a depth-first walk in a fixed order."""
    first_seen: dict[str, int] = {}
    successors: dict[str, list[str]] = defaultdict(list)
    for journey in journeys:
        for a, b in zip(journey.stops, journey.stops[1:], strict=False):
            if a != b and b not in successors[a]:
                successors[a].append(b)
        for key in journey.stops:
            first_seen.setdefault(key, len(first_seen))
    order = sorted(first_seen, key=first_seen.__getitem__)
    state: dict[str, int] = {}  # 1 on the walk's stack, 2 done
    kept: dict[str, list[str]] = defaultdict(list)
    for root in order:
        if root in state:
            continue
        stack = [(root, iter(successors[root]))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                continue
            if state.get(child) == 1:
                continue  # back edge: the return is drawn, but it does not push columns
            kept[node].append(child)
            if child not in state:
                state[child] = 1
                stack.append((child, iter(successors[child])))
    indegree = dict.fromkeys(order, 0)
    for node in order:
        for child in kept[node]:
            indegree[child] += 1
    column = dict.fromkeys(order, 0)
    ready = [key for key in order if indegree[key] == 0]
    ready.sort(key=first_seen.__getitem__, reverse=True)
    while ready:
        node = ready.pop()
        for child in kept[node]:
            column[child] = max(column[child], column[node] + 1)
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
                ready.sort(key=first_seen.__getitem__, reverse=True)
    return column


def _place(data: MapInput) -> dict[str, tuple[int, int]]:
    """Grid cells: nudged stations first, then each journey's stations near the row of the step
    before (so lines run straight), then stations on no journey in a block below."""
    keys = sorted(s.key for s in data.stations)
    by_key = {s.key: s for s in data.stations}
    occupied: dict[tuple[int, int], str] = {}
    cell: dict[str, tuple[int, int]] = {}
    for key in keys:
        pin = by_key[key].pinned
        if pin is not None and pin not in occupied:
            occupied[pin] = key
            cell[key] = pin
    columns = _columns(keys, data.journeys)

    def free_row(col: int, wanted: int) -> int:
        distance = 0
        while True:
            for row in (wanted + distance, wanted - distance) if distance else (wanted,):
                # Rows stay non-negative, so a nudged station's cell means the same in every layout.
                if row >= 0 and (col, row) not in occupied:
                    return row
            distance += 1

    for index, journey in enumerate(data.journeys):
        previous_row = index
        for key in journey.stops:
            if key in cell:
                previous_row = cell[key][1]
                continue
            col = columns[key]
            row = free_row(col, previous_row)
            cell[key] = (col, row)
            occupied[(col, row)] = key
            previous_row = row
    loose = [key for key in keys if key not in cell]
    if loose:
        width = max(1, max((c for c, _ in occupied), default=0) + 1, int(len(loose) ** 0.5))
        base = max((r for _, r in occupied), default=-1) + 1
        slot = 0
        for key in loose:
            while True:
                candidate = (slot % width, base + slot // width)
                slot += 1
                if candidate not in occupied:
                    break
            cell[key] = candidate
            occupied[candidate] = key
    return cell


class _Router:
    def __init__(self, lattice: dict[tuple[int, int], str]):
        self.lattice = lattice  # integer lattice point -> station key

    def _clear(self, points: list[Point], ends: set[str]) -> bool:
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if x0.denominator != 1 or y0.denominator != 1 or x1.denominator != 1 or y1.denominator != 1:
                continue  # a half-unit piece never meets a lattice point other than its ends
            dx, dy = _sign(x1 - x0), _sign(y1 - y0)
            steps = int(max(abs(x1 - x0), abs(y1 - y0)))
            for i in range(1, steps):
                hit = self.lattice.get((int(x0) + dx * i, int(y0) + dy * i))
                if hit is not None and hit not in ends:
                    return False
            if (x1, y1) != points[-1]:
                hit = self.lattice.get((int(x1), int(y1)))
                if hit is not None and hit not in ends:
                    return False
        return True

    def route(self, a: Point, b: Point, ends: set[str]) -> tuple[list[Point], str]:
        dx, dy = b[0] - a[0], b[1] - a[1]
        sx, sy = _sign(dx), _sign(dy)
        candidates: list[tuple[list[Point], str]] = []
        if dx == 0 or dy == 0 or abs(dx) == abs(dy):
            candidates.append(([a, b], "straight"))
        else:
            m = min(abs(dx), abs(dy))
            candidates.append(([a, (a[0] + sx * m, a[1] + sy * m), b], "bend"))
            candidates.append(([a, (b[0] - sx * m, b[1] - sy * m), b], "bend"))
        for points, kind in candidates:
            if self._clear(points, ends):
                return points, kind
        half = Fraction(1, 2)
        ox, oy = sx or 1, sy or 1
        p1 = (a[0] + ox * half, a[1] + oy * half)
        ix = ox if dx != 0 else -ox
        iy = oy if dy != 0 else -oy
        p3 = (b[0] - ix * half, b[1] - iy * half)
        p2 = (p1[0], p3[1])
        points = [a, p1]
        if p2 not in (p1, p3):
            points.append(p2)
        points += [p3, b]
        return points, "channel"


def wrap_label(name: str) -> list[str]:
    lines = textwrap.wrap(name, LABEL_CHARS, break_long_words=True) or [name[:LABEL_CHARS]]
    if len(lines) > LABEL_MAX_LINES:
        lines = lines[:LABEL_MAX_LINES]
        lines[-1] = lines[-1][: LABEL_CHARS - 1].rstrip() + "…"
    return lines


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# Half the drawn band of parallel lines on a shared step (render.MAX_OFFSET + LINE_WIDTH / 2).
LINE_CLEARANCE = 12.0


def _crosses(box: tuple[float, float, float, float], a: list[float], b: list[float]) -> bool:
    """Whether the straight piece ``a``-``b`` passes through ``box`` (Liang-Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]), (dy, box[3] - a[1])):
        if p == 0:
            if q <= 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 >= t1:
                return False
    return True


class _Pieces:
    """The drawn lines' straight pieces, bucketed like :class:`_Boxes`, so a label can keep off them."""

    SIZE = 160

    def __init__(self):
        self.buckets: dict[tuple[int, int], list] = defaultdict(list)

    def add(self, a: list[float], b: list[float]) -> None:
        # Only the buckets the piece passes through (a long diagonal's bounding box holds thousands).
        (x0, y0), (x1, y1) = sorted((a, b))
        for i in range(int(x0 // self.SIZE), int(x1 // self.SIZE) + 1):
            if x1 == x0:
                low, high = min(y0, y1), max(y0, y1)
            else:
                slab = (max(x0, i * self.SIZE), min(x1, (i + 1) * self.SIZE))
                ys = [y0 + (y1 - y0) * (x - x0) / (x1 - x0) for x in slab]
                low, high = min(ys), max(ys)
            for j in range(int(low // self.SIZE), int(high // self.SIZE) + 1):
                self.buckets[(i, j)].append((a, b))

    def clear_of(self, box) -> bool:
        padded = (box[0] - LINE_CLEARANCE, box[1] - LINE_CLEARANCE, box[2] + LINE_CLEARANCE, box[3] + LINE_CLEARANCE)
        for i in range(int(padded[0] // self.SIZE), int(padded[2] // self.SIZE) + 1):
            for j in range(int(padded[1] // self.SIZE), int(padded[3] // self.SIZE) + 1):
                if any(_crosses(padded, a, b) for a, b in self.buckets[(i, j)]):
                    return False
        return True


class _Boxes:
    """Placed rectangles, bucketed so a look-up touches only nearby ones."""

    SIZE = 160

    def __init__(self):
        self.buckets: dict[tuple[int, int], list] = defaultdict(list)

    def _cells(self, box):
        for i in range(int(box[0] // self.SIZE), int(box[2] // self.SIZE) + 1):
            for j in range(int(box[1] // self.SIZE), int(box[3] // self.SIZE) + 1):
                yield i, j

    def free(self, box) -> bool:
        return not any(_overlaps(box, other) for c in self._cells(box) for other in self.buckets[c])

    def add(self, box) -> None:
        for c in self._cells(box):
            self.buckets[c].append(box)

    def crossed_by(self, a: list[float], b: list[float], *, skip) -> bool:
        """Whether the straight piece ``a``-``b`` passes through any placed box but ``skip``."""
        span = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
        return any(box != skip and _crosses(box, a, b) for c in self._cells(span) for box in self.buckets[c])


def _beside(x: float, y: float, r: float, width: float, height: float) -> list[tuple[float, float]]:
    """The eight places right beside a station: below, above, right, left, then the corners."""
    gap = r + LABEL_GAP
    return [
        (x - width / 2, y + gap),
        (x - width / 2, y - gap - height),
        (x + gap, y - height / 2),
        (x - gap - width, y - height / 2),
        (x + gap, y + gap),
        (x - gap - width, y + gap),
        (x + gap, y - gap - height),
        (x - gap - width, y - gap - height),
    ]


@functools.cache
def _further(
    r: float, width: float, height: float, low: float, high: float
) -> tuple[tuple[float, float, float, float, float], ...]:
    """Places further off, on a LEADER_STEP grid, between ``low`` and ``high`` from the station
    (and clear of its disc), nearest first (ties in a fixed order), each joined to the station by
    a leader line: (distance, label's left and top, the label's nearest point to the station), all
    relative to the station's centre. Built once per label size and reach."""
    places = []
    steps = int((high + max(width, height) / 2) // LEADER_STEP) + 1
    for i in range(-steps, steps + 1):
        for j in range(-steps, steps + 1):
            left, top = i * LEADER_STEP - width / 2, j * LEADER_STEP - height / 2
            nearest_x, nearest_y = min(max(0.0, left), left + width), min(max(0.0, top), top + height)
            distance = (nearest_x**2 + nearest_y**2) ** 0.5
            if max(low, r + LABEL_GAP) < distance <= high:
                places.append((distance, abs(j), j, i, left, top, nearest_x, nearest_y))
    places.sort()
    return tuple((p[0], *p[4:]) for p in places)


def _place_label(info: dict, width: float, height: float, boxes: _Boxes, pieces: _Pieces) -> dict | None:
    """A place for a station's label clear of every label, disc and drawn line (journeys, links and
    earlier labels' leaders): right beside the station if one is clear, else the nearest clear place
    within reach with a leader line back to the station that itself crosses no label or disc. None
    when nothing within reach is clear (the label is left off rather than drawn over a line)."""
    x, y, r = info["x"], info["y"], info["r"]
    for left, top in _beside(x, y, r, width, height):
        box = (left, top, left + width, top + height)
        if boxes.free(box) and pieces.clear_of(box):
            boxes.add(box)
            return {"x": round(left, 2), "y": round(top, 2), "w": width, "h": height}
    own_disc = (x - r, y - r, x + r, y + r)
    # Near places first: most labels find one there, and the far list is built only when needed.
    nearby = itertools.chain.from_iterable(
        _further(r, width, height, low, high) for low, high in ((0.0, LEADER_NEAR), (LEADER_NEAR, LEADER_REACH))
    )
    for distance, dx, dy, nearest_x, nearest_y in nearby:
        left, top, to_x, to_y = x + dx, y + dy, x + nearest_x, y + nearest_y
        box = (left, top, left + width, top + height)
        if not (boxes.free(box) and pieces.clear_of(box)):
            continue
        # The leader runs from the disc's edge to the label's nearest point.
        start = [x + (to_x - x) * r / distance, y + (to_y - y) * r / distance]
        end = [to_x, to_y]
        if boxes.crossed_by(start, end, skip=own_disc):
            continue
        boxes.add(box)
        pieces.add(start, end)
        leader = [round(v, 2) for v in (*start, *end)]
        return {"x": round(left, 2), "y": round(top, 2), "w": width, "h": height, "leader": leader}
    return None


def compute_layout(data: MapInput) -> dict:
    """Lay the map out. Returns plain JSON-ready data: pixel positions, routes and label boxes."""
    cell = _place(data)
    lattice = {(c * COL_UNITS, r * ROW_UNITS): key for key, (c, r) in cell.items()}
    point = {key: (Fraction(c * COL_UNITS), Fraction(r * ROW_UNITS)) for key, (c, r) in cell.items()}
    router = _Router(lattice)

    def px(p: Point) -> list[float]:
        return [round(float(p[0]) * UNIT + MARGIN, 2), round(float(p[1]) * UNIT + MARGIN, 2)]

    lines_at: dict[str, set[str]] = defaultdict(set)
    journeys = []
    kinds: dict[str, int] = defaultdict(int)
    routes: dict[tuple[str, str], tuple[list[Point], str]] = {}
    for journey in data.journeys:
        segments = []
        for position, (a, b) in enumerate(zip(journey.stops, journey.stops[1:], strict=False)):
            lines_at[a].add(journey.key)
            lines_at[b].add(journey.key)
            if (a, b) not in routes:
                if (b, a) in routes:
                    pts, kind = routes[(b, a)]
                    routes[(a, b)] = (list(reversed(pts)), kind)
                else:
                    routes[(a, b)] = router.route(point[a], point[b], {a, b})
            pts, kind = routes[(a, b)]
            kinds[kind] += 1
            segments.append({"position": position, "from": a, "to": b, "points": [px(p) for p in pts]})
        journeys.append({"key": journey.key, "segments": segments})
    links = []
    for a, b in data.links:
        if a in point and b in point and a != b:
            pts, _ = router.route(point[a], point[b], {a, b})
            links.append({"from": a, "to": b, "points": [px(p) for p in pts]})

    # Labels, in a fixed order (left to right, top to bottom), station discs placed first as obstacles,
    # and every drawn line (journeys and links) kept clear of.
    pieces = _Pieces()
    for journey in journeys:
        for segment in journey["segments"]:
            for a, b in itertools.pairwise(segment["points"]):
                pieces.add(a, b)
    for link in links:
        for a, b in itertools.pairwise(link["points"]):
            pieces.add(a, b)
    boxes = _Boxes()
    stations = {}
    for key in sorted(cell, key=lambda k: (cell[k][0], cell[k][1], k)):
        x, y = px(point[key])
        radius = INTERCHANGE_RADIUS if len(lines_at[key]) > 1 else STATION_RADIUS
        boxes.add((x - radius, y - radius, x + radius, y + radius))
        stations[key] = {"col": cell[key][0], "row": cell[key][1], "x": x, "y": y, "r": radius}
    by_key = {s.key: s for s in data.stations}
    unlabelled = leaders = 0
    for key in sorted(cell, key=lambda k: (cell[k][0], cell[k][1], k)):
        info = stations[key]
        lines = wrap_label(by_key[key].name)
        width = max(len(line) for line in lines) * CHAR_WIDTH
        height = len(lines) * LINE_HEIGHT
        info["label"] = _place_label(info, width, height, boxes, pieces)
        if info["label"] is None:
            unlabelled += 1
        else:
            info["label"]["lines"] = lines
            leaders += "leader" in info["label"]
    edges = [(s["x"] - s["r"], s["y"] - s["r"], s["x"] + s["r"], s["y"] + s["r"]) for s in stations.values()]
    edges += [
        (s["label"]["x"], s["label"]["y"], s["label"]["x"] + s["label"]["w"], s["label"]["y"] + s["label"]["h"])
        for s in stations.values()
        if s["label"]
    ]
    left = min([0.0, *(e[0] - LABEL_GAP for e in edges)])
    top = min([0.0, *(e[1] - LABEL_GAP for e in edges)])
    right = max([2.0 * MARGIN, *(e[2] + MARGIN for e in edges)])
    bottom = max([2.0 * MARGIN, *(e[3] + MARGIN for e in edges)])
    return {
        "box": [round(left), round(top), round(right - left), round(bottom - top)],
        "stations": stations,
        "journeys": journeys,
        "links": links,
        "stats": {
            "unlabelled": unlabelled,
            "leaders": leaders,
            **{f"routes_{k}": v for k, v in sorted(kinds.items())},
        },
    }

"""The layout's guarantees, checked on generated maps: labels never overlap (each other or a
station), a journey's line never passes through a station it does not stop at on that step, every
route is octilinear, and the same map always draws the same."""

from __future__ import annotations

import itertools
import json
import math

import pytest

from ecomaps.layout import LABEL_GAP, MapInput, StationInput, compute_layout
from ecomaps.render import LINE_WIDTH, MAX_OFFSET
from tests.factories.ecomaps import generated_map

SIZES = [(12, 3, 1), (60, 8, 2), (200, 20, 3), (200, 20, 4)]


def _distance_to_piece(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("stations", "journeys", "seed"), SIZES)
def test_no_line_passes_through_a_station_it_skips(stations, journeys, seed):
    layout = compute_layout(generated_map(stations, journeys, seed=seed))
    centres = {key: (s["x"], s["y"], s["r"]) for key, s in layout["stations"].items()}
    # Parallel lines are shifted at most MAX_OFFSET from the route; the line has half its width.
    clearance = MAX_OFFSET + LINE_WIDTH / 2
    checked = 0
    for journey in layout["journeys"]:
        for segment in journey["segments"]:
            for key, (x, y, r) in centres.items():
                if key in (segment["from"], segment["to"]):
                    continue
                for a, b in itertools.pairwise(segment["points"]):
                    assert _distance_to_piece((x, y), a, b) > r + clearance, (journey["key"], segment, key)
                    checked += 1
    assert checked > 0


@pytest.mark.parametrize(("stations", "journeys", "seed"), SIZES)
def test_routes_are_octilinear_and_join_their_stations(stations, journeys, seed):
    layout = compute_layout(generated_map(stations, journeys, seed=seed))
    for journey in layout["journeys"]:
        for segment in journey["segments"]:
            points = segment["points"]
            start, end = layout["stations"][segment["from"]], layout["stations"][segment["to"]]
            assert points[0] == [start["x"], start["y"]] and points[-1] == [end["x"], end["y"]]
            for (ax, ay), (bx, by) in itertools.pairwise(points):
                dx, dy = abs(bx - ax), abs(by - ay)
                assert dx == 0 or dy == 0 or math.isclose(dx, dy), (segment, (ax, ay), (bx, by))


@pytest.mark.parametrize(("stations", "journeys", "seed"), SIZES)
def test_labels_never_overlap_each_other_or_a_station(stations, journeys, seed):
    layout = compute_layout(generated_map(stations, journeys, seed=seed))
    labels = [
        (key, (s["label"]["x"], s["label"]["y"], s["label"]["x"] + s["label"]["w"], s["label"]["y"] + s["label"]["h"]))
        for key, s in layout["stations"].items()
        if s["label"]
    ]
    discs = {
        key: (s["x"] - s["r"], s["y"] - s["r"], s["x"] + s["r"], s["y"] + s["r"])
        for key, s in layout["stations"].items()
    }
    for (k1, a), (k2, b) in itertools.combinations(labels, 2):
        assert not _overlap(a, b), (k1, k2)
    for key, box in labels:
        for other, disc in discs.items():
            assert not _overlap(box, disc), (key, other)
    # Every station is labelled on these maps (the fallback of leaving one off is not needed).
    assert layout["stats"]["unlabelled"] == 0
    assert LABEL_GAP > 0


def test_same_map_draws_the_same_whatever_the_input_order():
    data = generated_map(200, 20, seed=7)
    shuffled = MapInput(list(reversed(data.stations)), data.journeys, data.links)
    first = json.dumps(compute_layout(data), sort_keys=True)
    assert json.dumps(compute_layout(data), sort_keys=True) == first
    assert json.dumps(compute_layout(shuffled), sort_keys=True) == first


def test_straight_steps_stay_straight_and_a_nudge_is_kept():
    data = MapInput(
        [StationInput("a", "A"), StationInput("b", "B"), StationInput("c", "C"), StationInput("d", "D", pinned=(5, 4))],
        [],
    )
    from ecomaps.layout import JourneyInput

    data.journeys.append(JourneyInput("line", ("a", "b", "c", "d")))
    layout = compute_layout(data)
    a, b, c = (layout["stations"][k] for k in "abc")
    assert a["y"] == b["y"] == c["y"] and a["x"] < b["x"] < c["x"]
    assert (layout["stations"]["d"]["col"], layout["stations"]["d"]["row"]) == (5, 4)
    assert layout["journeys"][0]["segments"][0]["points"] == [[a["x"], a["y"]], [b["x"], b["y"]]]


def test_a_blocked_straight_step_is_routed_around_the_station():
    # x -> z passes the column of y, which sits between them on the same row: the route must bend.
    from ecomaps.layout import JourneyInput

    data = MapInput(
        [StationInput("x", "X"), StationInput("y", "Y"), StationInput("z", "Z")],
        [JourneyInput("one", ("x", "y", "z")), JourneyInput("two", ("x", "z"))],
    )
    layout = compute_layout(data)
    two = layout["journeys"][1]["segments"][0]
    y = layout["stations"]["y"]
    assert len(two["points"]) > 2
    for a, b in itertools.pairwise(two["points"]):
        assert _distance_to_piece((y["x"], y["y"]), a, b) > y["r"]


def _box(label):
    return (label["x"], label["y"], label["x"] + label["w"], label["y"] + label["h"])


def _piece_meets_box(a, b, box, clearance: float) -> bool:
    """Whether the piece comes within ``clearance`` of the box: sampled every 2 px, after a
    bounding-box test (independent of the layout's own clipping)."""
    (ax, ay), (bx, by) = a, b
    if max(ax, bx) < box[0] - clearance or min(ax, bx) > box[2] + clearance:
        return False
    if max(ay, by) < box[1] - clearance or min(ay, by) > box[3] + clearance:
        return False
    steps = max(1, int(max(abs(bx - ax), abs(by - ay)) // 2))
    for i in range(steps + 1):
        x, y = ax + (bx - ax) * i / steps, ay + (by - ay) * i / steps
        if box[0] - clearance < x < box[2] + clearance and box[1] - clearance < y < box[3] + clearance:
            return True
    return False


@pytest.mark.parametrize(("stations", "journeys", "seed"), SIZES)
def test_no_line_passes_through_a_label(stations, journeys, seed):
    layout = compute_layout(generated_map(stations, journeys, seed=seed))
    pieces = [
        (a, b)
        for journey in layout["journeys"]
        for segment in journey["segments"]
        for a, b in itertools.pairwise(segment["points"])
    ] + [(a, b) for link in layout["links"] for a, b in itertools.pairwise(link["points"])]
    clearance = MAX_OFFSET + LINE_WIDTH / 2
    labelled = {key: s for key, s in layout["stations"].items() if s["label"]}
    assert len(labelled) == stations  # nothing was left off to get there
    crossed = [
        key
        for key, s in labelled.items()
        if any(_piece_meets_box(a, b, _box(s["label"]), clearance) for a, b in pieces)
    ]
    assert crossed == []
    # Leader lines (dense maps move some labels off to a clear place) cross no other label or
    # station, and no other label sits on one.
    leaders = {key: s["label"]["leader"] for key, s in labelled.items() if s["label"].get("leader")}
    if stations >= 60:
        assert leaders  # the dense maps do need them, so this checks something
    for key, (x1, y1, x2, y2) in leaders.items():
        own = labelled[key]
        assert math.isclose(_distance_to_piece((own["x"], own["y"]), (x1, y1), (x1, y1)), own["r"], abs_tol=0.05)
        assert [x2, y2] == [
            min(max(own["x"], own["label"]["x"]), own["label"]["x"] + own["label"]["w"]),
            min(max(own["y"], own["label"]["y"]), own["label"]["y"] + own["label"]["h"]),
        ]
        for other, s in labelled.items():
            if other == key:
                continue
            assert not _piece_meets_box((x1, y1), (x2, y2), _box(s["label"]), 0), (key, other)
            disc = (s["x"] - s["r"], s["y"] - s["r"], s["x"] + s["r"], s["y"] + s["r"])
            assert not _piece_meets_box((x1, y1), (x2, y2), disc, 0), (key, other)
    assert layout["stats"]["leaders"] == len(leaders) and layout["stats"]["unlabelled"] == 0


def test_a_crowded_station_gets_a_leader_and_its_label_clear_of_every_line():
    # A hub with lines out in all eight directions and channels round it: no place beside it is clear.
    from ecomaps.layout import JourneyInput

    around = [(1, 1), (2, 1), (3, 1), (3, 2), (3, 3), (2, 3), (1, 3), (1, 2)]
    spokes = [StationInput(f"s{i}", f"Spoke {i}", pinned=cell) for i, cell in enumerate(around)]
    data = MapInput(
        [StationInput("hub", "A very busy interchange hub", pinned=(2, 2)), *spokes],
        [JourneyInput(f"j{i}", ("hub", f"s{i}")) for i in range(8)]
        + [JourneyInput(f"k{i}", (f"s{i}", f"s{(i + 1) % 8}")) for i in range(8)],
    )
    layout = compute_layout(data)
    assert all(s["label"] for s in layout["stations"].values())
    assert layout["stations"]["hub"]["label"].get("leader")
    pieces = [(a, b) for j in layout["journeys"] for seg in j["segments"] for a, b in itertools.pairwise(seg["points"])]
    for s in layout["stations"].values():
        assert not any(_piece_meets_box(a, b, _box(s["label"]), MAX_OFFSET + LINE_WIDTH / 2) for a, b in pieces)

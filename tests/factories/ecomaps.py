"""Eco-map builders for tests and benchmarks: a real map made through the services, and generated
layout inputs of a chosen size."""

from __future__ import annotations

import random

from ecomaps import services
from ecomaps.layout import JourneyInput, MapInput, StationInput
from ecomaps.models import EcoMap

WORDS = ["hospital", "ward", "community", "council", "carers", "provider", "GP", "team", "hub", "scheduling", "rapid"]


def make_map(facilitator, community, *, title: str = "Waiting for care at home") -> EcoMap:
    """A small map: two journeys sharing stations, one returning to a station, a link and notes."""
    ecomap = services.create_map(user=facilitator, title=title, community=community)
    for key, name, kind, org in [
        ("ward", "Hospital ward", "service", "South Eastern Trust"),
        ("discharge", "Discharge hub", "team", "South Eastern Trust"),
        ("gp", "GP practice", "service", "Primary care"),
        ("scheduling", "Care scheduling system", "touchpoint", "South Eastern Trust"),
        ("provider", "Independent-sector care provider", "organisation", "Care providers"),
        ("home", "Home with a package of care", "touchpoint", ""),
    ]:
        services.add_station(user=facilitator, ecomap=ecomap, key=key, name=name, kind=kind, organisation=org)
    services.set_journey(
        user=facilitator,
        ecomap=ecomap,
        key="mrs-a",
        name="Mrs A, waiting after discharge",
        station_keys=["ward", "discharge", "scheduling", "provider", "scheduling", "home"],
    )
    services.set_journey(
        user=facilitator, ecomap=ecomap, key="mr-b", name="Mr B, from his GP", station_keys=["gp", "scheduling", "home"]
    )
    services.add_link(user=facilitator, ecomap=ecomap, source="discharge", target="provider", kind="contract")
    services.add_annotation(
        user=facilitator, ecomap=ecomap, kind="pain", text="No provider can take the package", station="provider"
    )
    services.add_annotation(
        user=facilitator,
        ecomap=ecomap,
        kind="data",
        text="803 people waiting",
        journey="mrs-a",
        segment=3,
        lived_experience=True,
        raised_by_name="A carer",
    )
    ecomap.refresh_from_db()
    return ecomap


def generated_map(stations: int, journeys: int, *, seed: int = 1, stops=(6, 24)) -> MapInput:
    """A random but reproducible map: journeys wander over shared stations and may return."""
    rng = random.Random(seed)
    names = [f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}" for i in range(stations)]
    station_inputs = [StationInput(f"s{i}", names[i]) for i in range(stations)]
    journey_inputs = []
    for j in range(journeys):
        keys: list[str] = []
        for _ in range(rng.randint(*stops)):
            key = f"s{rng.randrange(stations)}"
            if not keys or keys[-1] != key:
                keys.append(key)
        journey_inputs.append(JourneyInput(f"j{j}", tuple(keys)))
    return MapInput(station_inputs, journey_inputs)

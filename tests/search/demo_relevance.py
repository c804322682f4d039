"""A relevance set over the real demo content (``load_demo``), indexed by the real document classes.

Expected results are titles, since page and event ids differ between databases. Each query passes
when any expected title is in the top three an anonymous reader sees.
"""

from __future__ import annotations

from search.permissions import Viewer
from search.query import SearchQuery

DOMCARE = "Bringing down the wait for care at home"
SKIN = "A zero-day tracking list for skin cancer"
MSK = "A community assessment day for musculoskeletal waits"
FRAILTY = "One shared assessment for frailty, end of life and dementia"
STROKE = "Moving stroke resources from hospital to community"
DISCHARGE = "Trying a zero-day tracking list for discharge"

DEMO_RELEVANCE_SET: list[tuple[str, set[str]]] = [
    # Write-ups, including NHS shorthand.
    ("dom care waiting list", {DOMCARE}),
    ("home care package", {DOMCARE}),
    ("waiting", {DOMCARE}),
    ("900 care hours", {DOMCARE, "Scheduling that released 900 care hours"}),
    ("MSK", {MSK}),
    ("musculoskeletal waits", {MSK}),
    ("skin cancer 62 day", {SKIN}),
    ("zero day PTL", {SKIN}),
    ("patient tracking list", {SKIN}),
    ("2WW skin", {SKIN}),
    ("frailty dementia assessment", {FRAILTY}),
    ("end of life", {FRAILTY}),
    ("socio-technical allocation of resources", {STROKE}),
    ("STAR stroke", {STROKE}),
    ("discharge tracking list", {DISCHARGE}),
    ("bright spot", {DOMCARE, SKIN}),
    # Priorities.
    ("timely discharge", {"Home when ready: timely discharge"}),
    ("cancer diagnosis", {"Faster cancer diagnosis"}),
    ("planned care waits", {"Shorter waits for planned care"}),
    ("ambulance handover", {"Ambulance handover delays"}),
    ("stroke care closer to home", {"Stroke care closer to home"}),
    # Events.
    ("ecosystem mapping convening day", {"Mapping your patient ecosystem: a convening day"}),
    ("PTL huddle", {"Zero-day PTL huddle: a live walk-through"}),
    ("assessment day 14 providers", {"Planning an assessment day with 14 providers", MSK}),
    ("coding frailty", {"Coding frailty: from 15,000 new diagnoses to care plans"}),
    # Discussions (the demo threads in open communities; anonymous readers see them).
    ("frailty code what matters", {"Turning a frailty code into a plan the person recognises"}),
    ("biopsy result late escalation", {"Escalation rules when a biopsy result is late"}),
    ("paying carer partners", {"Mapping everyone involved in getting someone home"}),
    ("train 300 staff", {"Shared frailty assessment: how did you train 300 staff?", FRAILTY}),
    ("pathway navigator", {"Zero-day patient tracking lists: the first six months", SKIN}),
]


def demo_success_at_3(viewer: Viewer | None = None) -> tuple[float, list[tuple[str, list[str]]]]:
    misses: list[tuple[str, list[str]]] = []
    for text, expected in DEMO_RELEVANCE_SET:
        hits = SearchQuery(text=text, viewer=viewer or Viewer.anonymous(), per_page=3).run().hits
        titles = [hit.title for hit in hits]
        if not expected & set(titles):
            misses.append((text, titles))
    return 1 - len(misses) / len(DEMO_RELEVANCE_SET), misses
